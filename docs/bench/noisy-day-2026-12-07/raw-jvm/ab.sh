#!/bin/bash
# Alternates two setups of both sides of TwoWaiters, each setup its mode (one or two waiters) and JVM options:
#   ./ab.sh PAIRS SECONDS 'one' 'two'                                  (one-vs-two-waiters.txt)
#   ./ab.sh PAIRS SECONDS 'one -Dgarbage=0' 'one -Dgarbage=2048'       (garbage-ab.txt, and the like)
# prints one line per run: the setup, then the requester's summary. Starts and stops a nats-server of its own.
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
cd "$(dirname "$0")"
classes=$(mktemp -d); trap "rm -rf $classes" EXIT
/usr/lib/jvm/temurin-25-jdk-amd64/bin/javac -d "$classes" TwoWaiters.java || exit 1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
nats-server -a 127.0.0.1 -p $port > /dev/null 2>&1 & ns=$!
sleep 0.5
for i in $(seq 1 $1); do
  for setup in "$3" "$4"; do
    mode=${setup%% *}; opts=${setup#"$mode"}
    $J -XX:+UseParallelGC $opts -cp "$classes" TwoWaiters responder $mode $port & r=$!
    sleep 0.5
    echo -n "[$opts] "; $J -XX:+UseParallelGC $opts -cp "$classes" TwoWaiters requester $mode $port $2
    kill $r; wait $r 2>/dev/null
  done
done
kill $ns
