#!/bin/bash
# runs ./natrix bench with the bench's jar on the class path (an AOT cache refuses directories)
cd /work/main
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
CP="$PWD/bench/target/natrix-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
exec $J -XX:+UseParallelGC -Xshare:auto --enable-native-access=ALL-UNNAMED -Dnatrix.home="$PWD/.natrix" -cp "$CP" io.natrix.bench.Bench "$@"
