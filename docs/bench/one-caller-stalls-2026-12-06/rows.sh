#!/bin/bash
# rows.sh DIR 'MODE...': for each run DIR/MODE-N.txt, each request/reply peer's req/s, p50 and p99 (median of the
# rounds) in µs, and the goal's two ratios (natrix / Go req/s, natrix p99 / Go p99)
cd "$1" || exit 1
for mode in $2; do
  for f in $(ls "$mode"-*.txt | sort -t- -k2 -n); do
    printf '%s |%s|%s\n' "$f" "$(grep -h '^| 16 B' "$f" | awk -F'|' '{printf " ratios %s /%s ", $4, $5}')" \
      "$(grep -E '^\| (natrix call|Go nats)' "$f" | awk -F'|' '{gsub(/^ +| +$/, "", $2); printf " %s: req/s %s, p50 %s, p99 %s |", $2, $4, $6, $10}')"
  done
done
