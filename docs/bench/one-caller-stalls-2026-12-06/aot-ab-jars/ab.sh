#!/bin/bash
# alternates runs of the goal's command with and without the AOT cache (both with the bench's jar on the class path)
cd /tmp/aot/ab
for i in $(seq 1 ${1:-6}); do
  for mode in base aot; do
    jvm='-XX:+UseParallelGC'
    [[ $mode == aot ]] && jvm='-XX:+UseParallelGC -XX:AOTMode=on -XX:AOTCache=/tmp/aot/{peer}.aot'
    /tmp/aot/bench.sh peers --only 'natrix call (byte[]),nats.go (reply' --payloads 16 --concurrency 1 --listeners 1 --rounds 5 \
      --chart /tmp/aot/ab/chart.png --stall-log /tmp/aot/ab/stalls-$mode-$i --jvm "$jvm" > $mode-$i.txt 2>&1
  done
done
echo done > finished
