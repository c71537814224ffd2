#!/bin/bash
# alternate.sh DIR FIRST LAST 'MODE [bench peers options]'...: runs the goal's command (one caller, 16 B, five
# rounds, natrix beside Go) for i = FIRST..LAST and each MODE in turn, its output in DIR/MODE-i.txt and its slow
# calls in DIR/stalls-MODE-i; BENCH runs the bench (default: ./natrix bench, from the repository root); ONLY
# overrides --only (the peers measured); the option --chrt-rr runs that mode's whole run (the bench and every
# process it starts) SCHED_RR at priority 1, as root (chrt -r 1).
# e.g. alternate.sh /tmp/ab 1 8 'base' 'aot --aot'
#      ONLY='natrix call (byte[]),nats.go (reply,non-blocking endpoint' alternate.sh /tmp/rr 1 6 'base' 'rt --chrt-rr'
dir=$(mkdir -p "$1" && cd "$1" && pwd); first=$2; last=$3; shift 3
cd "$(dirname "$0")/../../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
for i in $(seq "$first" "$last"); do
  for spec in "$@"; do
    mode=${spec%% *}; options=(); [[ $spec == *" "* ]] && eval "options=(${spec#* })"
    run=(); bench=()
    for option in "${options[@]}"; do
      if [[ $option == --chrt-rr ]]; then run=(chrt -r 1); else bench+=("$option"); fi
    done
    "${run[@]}" ${BENCH:-./natrix bench} peers --only "${ONLY:-natrix call (byte[]),nats.go (reply}" --payloads 16 --concurrency 1 \
      --listeners 1 --rounds 5 --chart "$dir/chart.png" --stall-log "$dir/stalls-$mode-$i" "${bench[@]}" > "$dir/$mode-$i.txt" 2>&1
  done
done
