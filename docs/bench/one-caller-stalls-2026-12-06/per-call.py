#!/usr/bin/env python3
"""System calls and thread wake-ups per round trip, by process, in each measured run of `bench peers --stall-log DIR`.

usage: per-call.py DIR
  DIR holds the requesters' stalls-<pid>.txt, the bench's output out.txt and events.txt, written on the same boot by
    perf record -e raw_syscalls:sys_enter -e sched:sched_wakeup -a -k CLOCK_MONOTONIC -o DIR/perf.data -- ./natrix bench peers ... --stall-log DIR > DIR/out.txt 2>&1
    perf script -i DIR/perf.data -F comm,pid,tid,time,event,trace > DIR/events.txt
  Round trips per run: its round line's req/s times the run's length.
"""
import collections
import re
import sys

import stalllogs

folder = sys.argv[1]
runs = [(peer, first, last) for peer, _, first, last, _ in stalllogs.measured(folder)]
requesters = {pid for _, pid, _, _, _ in stalllogs.runs(folder)}
rates = collections.defaultdict(list)  # peer -> req/s of its rounds, in order
for peer, rate in re.findall(r'round \d+  (natrix|Go)\S*.*?([\d,]+) req/s', open(folder + '/out.txt').read()):
    rates['natrix' if peer == 'natrix' else 'Go_nats.go'].append(int(rate.replace(',', '')))

event = re.compile(r'^\s*(.+?)\s+(\d+)/(\d+)\s+([\d.]+):\s+(\S+):\s*(.*)$')
process_of, names = {}, collections.defaultdict(collections.Counter)
syscalls = [collections.Counter() for _ in runs]
wakeups = [collections.Counter() for _ in runs]
pending = [[] for _ in runs]
for line in open(folder + '/events.txt'):
    m = event.match(line)
    if not m:
        continue
    comm, pid, tid, at, kind, rest = m.groups()
    process_of[tid] = pid
    names[pid][comm] += 1
    for i, (_, first, last) in enumerate(runs):
        if first <= float(at) <= last:
            if kind.startswith('raw_syscalls'):
                syscalls[i][pid] += 1
            elif kind.startswith('sched:sched_wakeup'):
                pending[i].append(re.search(r'pid=(\d+)', rest).group(1))
            break


def role(pid):
    name = names[pid].most_common(1)[0][0] if names[pid] else '?'  # the thread name seen most
    if pid in requesters:
        return 'requester'
    if name.startswith(('natrix', 'ForkJoin', 'go-peer')):
        return 'responder'
    return name


for i, (peer, first, last) in enumerate(runs):
    for woken in pending[i]:
        wakeups[i][process_of.get(woken, '?')] += 1
    calls = rates[peer].pop(0) * (last - first)
    busiest = sorted((set(syscalls[i]) | set(wakeups[i])) - {p for p in names if role(p) == 'perf'},
                     key=lambda p: -(syscalls[i][p] + wakeups[i][p]))[:3]
    print(f'{peer}: {calls:,.0f} round trips; per round trip, system calls / wake-ups: '
          + '; '.join(f'{role(p)} {syscalls[i][p] / calls:.1f} / {wakeups[i][p] / calls:.1f}' for p in busiest))
