#!/usr/bin/env python3
"""Where the kernel puts a woken thread, and how soon it runs, in the measured runs of a `--stall-log` folder.

usage: handoffs.py DIR
DIR holds the stall logs and sched.txt, written as for wakes.py:
  perf record -e sched:sched_switch,sched:sched_wakeup,sched:sched_migrate_task -a -k CLOCK_MONOTONIC ...
  perf script -F comm,tid,cpu,time,event,trace > DIR/sched.txt
For each pair (waker's kind -> woken thread's kind): how many wake-ups, how many were put on the waker's own CPU,
and the median and 90th percentile time from wake-up to running (µs), on the waker's CPU and on the other.
Kinds by thread name: natrix's reader, a carrier of the virtual threads, nats-server, the Go peer.
"""
import collections
import re
import statistics
import sys

import stalllogs

KINDS = (('natrix-core-rea', 'reader'), ('ForkJoinPool-1-', 'carrier'), ('nats-server', 'nats'), ('go-peer', 'go'))
LINE = re.compile(r'^\s*(.*?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s+(.*)$')
WOKEN = re.compile(r'comm=(.*?) pid=(\d+) .*target_cpu=(\d+)')
SWITCH = re.compile(r'next_comm=(.*?) next_pid=(\d+)')


def kind(comm):
    for prefix, name in KINDS:
        if comm.startswith(prefix):
            return name
    return None


folder = sys.argv[1]
runs = stalllogs.measured(folder)
woken = {}                                             # pid -> (pair, woken at, waker's cpu)
found = collections.defaultdict(lambda: {'same': [], 'other': []})
for line in open(folder + '/sched.txt'):
    m = LINE.match(line)
    if not m:
        continue
    comm, _, cpu, at, event, trace = m.groups()
    cpu, at = int(cpu), float(at)
    if event == 'sched_wakeup':
        w = WOKEN.search(trace)
        waker, wakee = kind(comm), kind(w.group(1)) if w else None
        if waker and wakee and any(first <= at <= last for _, _, first, last, _ in runs):
            woken[w.group(2)] = ((waker, wakee), at, cpu)
    elif event == 'sched_switch':
        s = SWITCH.search(trace)
        if s and s.group(2) in woken:
            pair, since, waker_cpu = woken.pop(s.group(2))
            found[pair]['same' if cpu == waker_cpu else 'other'].append((at - since) * 1e6)


def spread(waits):
    if not waits:
        return '-'
    waits = sorted(waits)
    return f'{statistics.median(waits):.0f} / {waits[int(len(waits) * 0.9)]:.0f}'


print('| waker -> woken | wake-ups | ran on the waker\'s CPU | µs to run there, p50 / p90 | µs to run on the other, p50 / p90 |')
print('|---|---:|---:|---:|---:|')
for pair, where in sorted(found.items(), key=lambda item: -len(item[1]['same']) - len(item[1]['other'])):
    total = len(where['same']) + len(where['other'])
    print(f"| {pair[0]} -> {pair[1]} | {total} | {len(where['same']) / total:.0%} | {spread(where['same'])} | "
          f"{spread(where['other'])} |")
