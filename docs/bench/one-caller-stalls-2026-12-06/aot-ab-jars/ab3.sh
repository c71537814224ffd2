#!/bin/bash
# alternates the goal's command: the JVM peers as today, with the AOT cache, and with it and jdk.trackAllThreads=false
cd /tmp/aot/ab
for i in $(seq 7 ${1:-11}); do
  for mode in base aot notrack; do
    jvm='-XX:+UseParallelGC'
    [[ $mode == aot ]] && jvm='-XX:+UseParallelGC -XX:AOTMode=on -XX:AOTCache=/tmp/aot/{peer}.aot'
    [[ $mode == notrack ]] && jvm='-XX:+UseParallelGC -XX:AOTMode=on -XX:AOTCache=/tmp/aot/{peer}.aot -Djdk.trackAllThreads=false'
    /tmp/aot/bench.sh peers --only 'natrix call (byte[]),nats.go (reply' --payloads 16 --concurrency 1 --listeners 1 --rounds 5 \
      --chart /tmp/aot/ab/chart.png --stall-log /tmp/aot/ab/stalls-$mode-$i --jvm "$jvm" > $mode-$i.txt 2>&1
  done
done
echo done > finished3
