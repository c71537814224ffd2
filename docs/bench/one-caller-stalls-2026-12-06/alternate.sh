#!/bin/bash
# alternate.sh DIR FIRST LAST 'MODE [bench peers options]'...: runs the goal's command (one caller, 16 B, five
# rounds, natrix beside Go) for i = FIRST..LAST and each MODE in turn, its output in DIR/MODE-i.txt and its slow
# calls in DIR/stalls-MODE-i; BENCH runs the bench (default: ./natrix bench, from the repository root).
# e.g. alternate.sh /tmp/ab 1 8 'base' 'aot --aot'
dir=$(mkdir -p "$1" && cd "$1" && pwd); first=$2; last=$3; shift 3
cd "$(dirname "$0")/../../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
for i in $(seq "$first" "$last"); do
  for spec in "$@"; do
    mode=${spec%% *}; options=(); [[ $spec == *" "* ]] && eval "options=(${spec#* })"
    ${BENCH:-./natrix bench} peers --only 'natrix call (byte[]),nats.go (reply' --payloads 16 --concurrency 1 --listeners 1 \
      --rounds 5 --chart "$dir/chart.png" --stall-log "$dir/stalls-$mode-$i" "${options[@]}" > "$dir/$mode-$i.txt" 2>&1
  done
done
