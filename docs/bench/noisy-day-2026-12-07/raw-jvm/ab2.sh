#!/bin/bash
# alternates option sets for both sides, one waiter: ab2.sh PAIRS SECONDS 'OPTS A' 'OPTS B'
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
cd "$(dirname "$0")"
classes=$(mktemp -d); trap "rm -rf $classes" EXIT
/usr/lib/jvm/temurin-25-jdk-amd64/bin/javac -d "$classes" TwoWaiters.java || exit 1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
nats-server -a 127.0.0.1 -p $port > /dev/null 2>&1 & ns=$!
sleep 0.5
for i in $(seq 1 $1); do
  for opts in "$3" "$4"; do
    $J -XX:+UseParallelGC $opts -cp "$classes" TwoWaiters responder one $port & r=$!
    sleep 0.5
    echo -n "[$opts] "; $J -XX:+UseParallelGC $opts -cp "$classes" TwoWaiters requester one $port $2
    kill $r; wait $r 2>/dev/null
  done
done
kill $ns
