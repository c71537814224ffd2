#!/bin/bash
# the goal's command, alternating: the JVM peers as they are, and with C2 not pruning branches its profile never saw taken
cd /work/main
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
for i in $(seq 1 ${1:-6}); do
  for mode in base notraps; do
    jvm='-XX:+UseParallelGC'; [[ $mode == notraps ]] && jvm='-XX:+UseParallelGC -XX:PerMethodTrapLimit=0'
    ./natrix bench peers --only 'natrix call (byte[]),nats.go (reply' --payloads 16 --concurrency 1 --listeners 1 --rounds 5 \
      --chart /tmp/ab5/chart.png --stall-log /tmp/ab5/stalls-$mode-$i --jvm "$jvm" > /tmp/ab5/$mode-$i.txt 2>&1
  done
done
echo done > /tmp/ab5/finished
