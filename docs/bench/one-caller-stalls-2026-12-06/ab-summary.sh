#!/bin/bash
# ab-summary.sh DIR 'MODE...': one line per run of DIR/MODE-N.txt: the goal ratios (natrix / Go req/s, p99),
# natrix's and Go's p99 (median of the rounds), and the calls of 3 ms or more in DIR/stalls-MODE-N (count.py)
here=$(cd "$(dirname "$0")" && pwd)
dir=$(cd "$1" && pwd)
cd "$dir"
for mode in $2; do
  for f in $(ls "$mode"-*.txt | sort -t- -k2 -n); do
    i=${f#"$mode"-}; i=${i%.txt}
    echo "$f $(grep -h '^| 16 B' "$f" | awk -F'|' '{print $4,$5}') natrix-p99med $(grep -h '^| natrix call' "$f" | awk -F'|' '{print $10}')" \
      "go-p99med $(grep -h '^| Go nats' "$f" | awk -F'|' '{print $10}')" \
      "$(python3 "$here/count.py" "$dir/stalls-$mode-$i" | sed 's/.*: //; s/over 1 ms [0-9]*, //g; s/, [0-9]* ms in all//g')"
  done
done
