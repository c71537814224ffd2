#!/bin/bash
# runs `./natrix bench` with the bench's jar on the class path instead of bench/target/classes (an AOT cache
# refuses directories); the JVM and its options are run_java's in ./natrix
cd "$(dirname "$0")/../../../.."
J=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
CP="$PWD/bench/target/natrix-bench-0.1.0-SNAPSHOT.jar:$(cat bench/target/classpath.txt)"
exec "$J" -XX:+UseParallelGC -Xshare:auto --enable-native-access=ALL-UNNAMED -Dnatrix.home="$PWD/.natrix" -cp "$CP" io.natrix.bench.Bench "$@"
