#!/bin/bash
# DAMON (the host-configured kdamond.0, paddr, pageout scheme) off against on, alternated, the goal's command each time
cd /work/main
S=/sys/kernel/mm/damon/admin/kdamonds/0/state
trap 'echo on > $S' EXIT
for p in $(seq 1 ${1:-3}); do
  for mode in off on; do
    [ $((p % 2)) = 0 ] && mode=$([ $mode = off ] && echo on || echo off)
    echo $mode > $S; sleep 2
    f=/tmp/g6/$mode-$p.txt
    grep -E "pgmajfault|workingset_refault_file" /proc/vmstat | tr '\n' ' ' > $f.vmstat
    echo "\$ echo $mode > $S; ./natrix bench peers --only 'natrix call (byte[]),nats.go (reply' --payloads 16 --concurrency 1 --listeners 1 --rounds 5 --control --stall-log /tmp/g6/stall-$mode-$p   # $(date -u +%H:%M:%S), kdamond: $(cat $S)" > $f
    ./natrix bench peers --only 'natrix call (byte[]),nats.go (reply' --payloads 16 --concurrency 1 --listeners 1 --rounds 5 --control --stall-log /tmp/g6/stall-$mode-$p >> $f 2>&1
    echo >> $f.vmstat; grep -E "pgmajfault|workingset_refault_file" /proc/vmstat | tr '\n' ' ' >> $f.vmstat
  done
done
git checkout -- docs/bench/peers.csv docs/bench/peers.png
echo on > $S
echo done > /tmp/g6/done
