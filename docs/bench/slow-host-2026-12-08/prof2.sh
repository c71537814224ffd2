#!/bin/bash
# the default fleet bench; perf of the whole machine for 15 s inside the 20,000 / 5,000 step's measured window
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
J=$JAVA_HOME/bin
cd /work/main
./natrix bench ride fleet --keep-going > /tmp/prof2-fleet.txt 2>&1 &
bench=$!
for i in $(seq 1200); do
  n=$(ss -tn state established | wc -l)
  [[ $n -gt 48000 ]] && break
  sleep 1
done
echo "sockets $n after $i s" > /tmp/prof2-log.txt
sleep 3
rm -f /tmp/prof2-pids.txt; date >> /tmp/prof2-log.txt
for p in $(pgrep java); do echo "$p $(tr '\0' '\n' < /proc/$p/cmdline | tail -4 | tr '\n' ' ') | $($J/jstat -compiler $p | tail -1)" >> /tmp/prof2-pids.txt; done
perf record -a -g -F 299 -o /tmp/perf2.data -- sleep 15 >> /tmp/prof2-log.txt 2>&1
for p in $(pgrep java); do $J/jcmd $p Compiler.perfmap >/dev/null 2>&1; echo "$p after | $($J/jstat -compiler $p | tail -1)" >> /tmp/prof2-pids.txt; done
wait $bench
echo finished >> /tmp/prof2-log.txt
