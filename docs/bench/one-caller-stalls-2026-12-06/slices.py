#!/usr/bin/env python3
"""How long the peers' threads ran at a time, in the measured runs, near kdamond and away from it.

usage: slices.py DIR   (DIR as for beside.py: stalls-<pid>.txt and sched.txt from perf's sched_switch events)
  A slice is a thread's time on a core from one switch to the next. "Near kdamond": the slice began within 5 ms
  after kdamond last ran on either core. Printed per thread name: slices, median and p99 µs, near and away.
"""
import collections
import re
import sys

import stalllogs

folder = sys.argv[1]
runs = [(peer, first, last) for peer, _, first, last, _ in stalllogs.measured(folder)]
switch = re.compile(r'\[(\d+)\]\s+([\d.]+): sched:sched_switch: prev_comm=(.*?) prev_pid=\d+ .*==> next_comm=(.*?) next_pid=\d+')
running, kdamond_last = {}, -1.0
slices = collections.defaultdict(lambda: ([], []))  # (peer, thread) -> (near, away)
for line in open(folder + '/sched.txt'):
    m = switch.match(line)
    if not m:
        continue
    cpu, at = int(m.group(1)), float(m.group(2))
    if cpu in running:
        began, thread = running[cpu]
        if thread.startswith('kdamond'):
            kdamond_last = at
        else:
            for peer, first, last in runs:
                if first <= began <= last:
                    near = began - kdamond_last < 0.005
                    slices[(peer, thread)][0 if near else 1].append((at - began) * 1e6)
    running[cpu] = (at, m.group(4))


def at(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float('nan')


for (peer, thread), (near, away) in sorted(slices.items()):
    if len(near) + len(away) < 1000:
        continue
    print(f'{peer:11s} {thread:16s} away: {len(away):6d} slices, median {at(away, .5):6.0f} µs, p99 {at(away, .99):6.0f}'
          f' | near kdamond: {len(near):5d}, median {at(near, .5):6.0f}, p99 {at(near, .99):6.0f}')
