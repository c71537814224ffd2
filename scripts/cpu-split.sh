#!/bin/bash
# Usage: scripts/cpu-split.sh DELAY WINDOW
# After DELAY seconds, reads the user and system CPU ticks (/proc/<pid>/stat fields 14 and 15) of every
# process of a running ride system (its services, nats-server, simulator workers), and again WINDOW seconds
# later; prints each one's user and system CPU as % of one core over the window. Used beside
# `./natrix bench ride fleet` to see how much of a process's CPU is the kernel's (BENCHMARKS.md, issue 15 step 9).
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 DELAY WINDOW" >&2; exit 2; }
sleep "$1"
declare -A user system name
for pid in $(pgrep -f "io.natrix.ride|nats-server|SimWorker|io.natrix.bench.Bench"); do
  read -r -a stat < "/proc/$pid/stat" 2>/dev/null || continue
  user[$pid]=${stat[13]}; system[$pid]=${stat[14]}
  name[$pid]=$(tr '\0' ' ' < "/proc/$pid/cmdline" | grep -o "ServiceMain [a-z-]*\|nats-server\|SimWorker\|Bench ride" | head -1 || true)
done
sleep "$2"
ticks=$(getconf CLK_TCK)
for pid in "${!user[@]}"; do
  read -r -a stat < "/proc/$pid/stat" 2>/dev/null || continue
  echo "${name[$pid]} pid $pid user $(( (stat[13] - user[$pid]) * 100 / ticks / $2 ))% sys $(( (stat[14] - system[$pid]) * 100 / ticks / $2 ))%"
done | sort
