#!/bin/bash
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
S="--steps 1000:250,8000:2000,16000:4000 --keep-going"
for i in 1 2; do
  (cd /tmp/old && ./natrix bench ride fleet $S > /tmp/ab-old-$i.txt 2>&1)
  rm -rf /tmp/natrix-fleet-stops-* /tmp/natrix-ride-* /tmp/natrix-sim-workers-*
  (cd /work/main && ./natrix bench ride fleet $S > /tmp/ab-new-$i.txt 2>&1)
  rm -rf /tmp/natrix-fleet-stops-* /tmp/natrix-ride-* /tmp/natrix-sim-workers-*
done
echo finished > /tmp/ab-done
