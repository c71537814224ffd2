#!/bin/bash
# goal 4 batch: N runs of the goal's command, each output to /tmp/g5/run-i.txt
cd /work/main
for i in $(seq 1 ${1:-8}); do
  echo "\$ ./natrix bench peers --only 'natrix call (byte[]),nats.go (reply' --payloads 16 --concurrency 1 --listeners 1 --rounds 5 --control   # $(date -u +%H:%M:%S)" > /tmp/g5/run-$i.txt
  ./natrix bench peers --only 'natrix call (byte[]),nats.go (reply' --payloads 16 --concurrency 1 --listeners 1 --rounds 5 --control >> /tmp/g5/run-$i.txt 2>&1
done
git checkout -- docs/bench/peers.csv docs/bench/peers.png
echo done > /tmp/g5/done
