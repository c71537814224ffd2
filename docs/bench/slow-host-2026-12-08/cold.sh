#!/bin/bash
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
cd /work/main
for i in "$@"; do
  ./natrix bench ride fleet --steps 1000:250 --warmup 5 --seconds 10 > /tmp/cold-$i.txt 2>&1
  rm -rf /tmp/natrix-fleet-stops-* /tmp/natrix-ride-* /tmp/natrix-sim-workers-*
done
echo finished > /tmp/cold-done
