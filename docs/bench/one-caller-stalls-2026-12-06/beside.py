#!/usr/bin/env python3
"""What else ran on the cores while each slow call of `bench peers --stall-log DIR` waited.

usage: beside.py DIR [MIN_MS] [-v]
  DIR holds the requesters' stalls-<pid>.txt and sched.txt, written on the same boot by
    perf record -e sched:sched_switch -a -k CLOCK_MONOTONIC -o DIR/perf.data -- ./natrix bench peers ... --stall-log DIR
    perf script -i DIR/perf.data -F cpu,time,event,trace > DIR/sched.txt
  Only measured runs (over 1.5 s) count; a slow call of at least MIN_MS (3) is put down to the thread outside the
  bench (not a peer, nats-server, perf or the idle task) that ran longest in its window, if one ran 0.5 ms or more.
  -v prints every slow call with the threads that ran longest in its window.
"""
import bisect
import collections
import re
import sys

import stalllogs

folder = sys.argv[1]
least_ms = float(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] != '-v' else 3.0
switch = re.compile(r'\[(\d+)\]\s+([\d.]+): sched:sched_switch: prev_comm=(.*?) prev_pid=\d+ .*==> next_comm=(.*?) next_pid=\d+')
running, spans = {}, []
for line in open(folder + '/sched.txt'):
    m = switch.match(line)
    if m:
        cpu, at = int(m.group(1)), float(m.group(2))
        if cpu in running:
            spans.append((running[cpu][0], at, running[cpu][1]))
        running[cpu] = (at, m.group(4))
spans.sort()
starts = [s[0] for s in spans]
bench = re.compile(r'^(swapper|nats-server|go-peer|java|natrix|ForkJoinPool|VirtualThread|peer-|perf)')


def ran(first, last):
    seconds = collections.Counter()
    i = max(0, bisect.bisect_left(starts, first - 1.0))
    while i < len(spans) and spans[i][0] < last:
        overlap = min(spans[i][1], last) - max(spans[i][0], first)
        if overlap > 0:
            seconds[spans[i][2]] += overlap
        i += 1
    return seconds


def kind(thread):
    for prefix, said in (('C2 Compiler', 'a JIT compiler thread'), ('C1 Compiler', 'a JIT compiler thread'),
                         ('kdamond', 'kdamond (DAMON)'), ('tokio-rt-worker', "pid 1's tokio workers"),
                         ('GC Thread', 'a JVM GC thread'), ('VM Thread', 'a JVM GC thread')):
        if thread.startswith(prefix):
            return said
    return thread


summary = collections.defaultdict(collections.Counter)
for peer, _, first, last, calls in stalllogs.measured(folder):
    for took_ms, ended in calls:
        if took_ms < least_ms:
            continue
        seconds = ran(ended - took_ms / 1e3, ended)
        outside = [(t, s) for t, s in seconds.items() if not bench.match(t) and s >= 0.5e-3]
        summary[peer][kind(max(outside, key=lambda o: o[1])[0]) if outside else 'nothing outside the bench'] += 1
        if '-v' in sys.argv:
            print(peer, f'{took_ms:.1f} ms:', ', '.join(f'{t} {s * 1e3:.2f}' for t, s in seconds.most_common(6)))
for peer, kinds in summary.items():
    print(f'{peer}: {sum(kinds.values())} calls of {least_ms:g} ms or more in the measured rounds; beside each, the '
          f'longest thread outside the bench: {dict(kinds.most_common())}')
