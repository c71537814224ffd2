#!/bin/bash
# fleet at 8,000 / 2,000 (60 s warm-up, 90 s measured); perf of the whole machine for 20 s, 50 s after the fleet is up; JIT maps at once
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
J=$JAVA_HOME/bin
cd /work/main
./natrix bench ride fleet --steps 8000:2000 --warmup 60 --seconds 90 > /tmp/prof3-fleet.txt 2>&1 &
bench=$!
for i in $(seq 600); do
  n=$(ss -tn state established | wc -l)
  [[ $n -gt 19500 ]] && break
  sleep 1
done
echo "sockets $n after $i s" > /tmp/prof3-log.txt
sleep 50
rm -f /tmp/prof3-pids.txt
for p in $(pgrep java); do echo "$p $(tr '\0' '\n' < /proc/$p/cmdline | tail -4 | tr '\n' ' ')" >> /tmp/prof3-pids.txt; done
perf record -a -g -F 499 -o /tmp/perf3.data -- sleep 20 >> /tmp/prof3-log.txt 2>&1
for p in $(pgrep java); do $J/jcmd $p Compiler.perfmap >/dev/null 2>&1 & done; wait
ls /tmp/perf-*.map >> /tmp/prof3-log.txt
wait $bench
echo finished >> /tmp/prof3-log.txt
