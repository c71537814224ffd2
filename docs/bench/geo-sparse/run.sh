#!/bin/bash
# A 10 km nearby query in fleets of 5 to 20,000 drivers over 11 x 11 km: GeoIndex as of commit $1 (default
# d171931^, resolution 8) beside the working tree's (built: ./mvnw -o -q install -DskipTests). Run from the root.
set -e
old=${1:-d171931^}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
work=$(mktemp -d)
cp=$(cd ride && ../mvnw -o -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout):$PWD/ride/target/classes
mkdir -p "$work/old"
git show "$old:ride/src/main/java/io/natrix/ride/geo/GeoIndex.java" > "$work/GeoIndex.java"
"$JAVA_HOME/bin/javac" -d "$work/old" -cp "$cp" "$work/GeoIndex.java"
"$JAVA_HOME/bin/javac" -d "$work" -cp "$cp" docs/bench/geo-sparse/Sparse.java
for n in 5 100 2000 20000; do
  echo -n "old ($old): "; "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$work/old:$cp:$work" Sparse $n | tail -1
  echo -n "new:        "; "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp:$work" Sparse $n | tail -1
done
rm -rf "$work"
