#!/bin/bash
# the goal's command, alternating: as it is, and with --aot (every JVM peer from an AOT cache trained on the warm-up)
cd /work/main
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
for i in $(seq 1 ${1:-8}); do
  for mode in base aot; do
    extra=""; [[ $mode == aot ]] && extra="--aot"
    ./natrix bench peers --only 'natrix call (byte[]),nats.go (reply' --payloads 16 --concurrency 1 --listeners 1 --rounds 5 \
      --chart /tmp/ab4/chart.png --stall-log /tmp/ab4/stalls-$mode-$i $extra > /tmp/ab4/$mode-$i.txt 2>&1
  done
done
echo done > /tmp/ab4/finished
