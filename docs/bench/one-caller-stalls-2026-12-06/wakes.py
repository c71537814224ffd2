#!/usr/bin/env python3
"""How long the bench's threads waited for a core after each wake-up, in the measured runs of a `--stall-log` folder.

usage: wakes.py DIR [threshold ms, 1 by default] [-v]
DIR holds the stall logs and sched.txt, written by
  perf record -e sched:sched_switch,sched:sched_wakeup,sched:sched_wakeup_new,sched:sched_migrate_task -a -k CLOCK_MONOTONIC ...
  perf script -F comm,tid,cpu,time,event,trace > DIR/sched.txt
For every wake-up of a watched thread: the time until it ran; for the waits over the threshold, what ran on the CPU
it waited for and how long the other CPU sat idle meanwhile. -v lists every such wait.
"""
import collections
import re
import sys

import stalllogs

WATCHED = ('natrix-core-rea', 'ForkJoinPool-1-', 'nats-server', 'go-peer')
EVENT = re.compile(r'\[(\d+)\]\s+([\d.]+):\s+sched:(\w+):\s+(.*)$')
SWITCH = re.compile(r'prev_comm=(.*?) prev_pid=(\d+) .*==> next_comm=(.*?) next_pid=(\d+)')
WOKEN = re.compile(r'comm=(.*?) pid=(\d+) .*target_cpu=(\d+)')
MIGRATED = re.compile(r'pid=(\d+) .*dest_cpu=(\d+)')

folder = sys.argv[1]
threshold = float(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] != '-v' else 1.0
verbose = '-v' in sys.argv
runs = stalllogs.measured(folder)


def measured(t):
    return any(first <= t <= last for _, _, first, last, _ in runs)


waiting = {}                                 # pid -> [comm, woken at, cpu]
slices = {}                                  # cpu -> (comm, since)
waits = collections.defaultdict(list)        # comm -> [ms]
long_waits = []                              # [comm, woken at, ms, cpu, Counter(comm -> ms on that cpu), other cpu idle ms]
open_waits = []                              # the long waits, found when they end; their windows are filled below
timeline = []                                # (cpu, comm, start, end) of every slice, to fill the windows
for line in open(folder + '/sched.txt'):
    m = EVENT.search(line)
    if not m:
        continue
    cpu, t, event, rest = int(m.group(1)), float(m.group(2)), m.group(3), m.group(4)
    if event.startswith('sched_wakeup'):
        w = WOKEN.search(rest)
        if w.group(1).startswith(WATCHED):
            waiting[int(w.group(2))] = [w.group(1), t, int(w.group(3))]
    elif event == 'sched_migrate_task':
        w = MIGRATED.search(rest)
        if int(w.group(1)) in waiting:
            waiting[int(w.group(1))][2] = int(w.group(2))
    elif event == 'sched_switch':
        s = SWITCH.search(rest)
        if cpu in slices:
            timeline.append((cpu, slices[cpu][0], slices[cpu][1], t))
        slices[cpu] = (s.group(3), t)
        woken = waiting.pop(int(s.group(4)), None)
        if woken and measured(woken[1]):
            ms = (t - woken[1]) * 1000
            waits[woken[0]].append(ms)
            if ms >= threshold:
                long_waits.append([woken[0], woken[1], ms, cpu, collections.Counter(), 0.0])

for cpu, comm, start, end in timeline:
    for wait in long_waits:
        woken, until = wait[1], wait[1] + wait[2] / 1000
        if start < until and end > woken:
            overlap = (min(end, until) - max(start, woken)) * 1000
            if cpu == wait[3]:
                wait[4][comm] += overlap
            elif comm.startswith('swapper'):
                wait[5] += overlap

print(f'{folder}: {sum(last - first for _, _, first, last, _ in runs):.1f} s measured; wake-up to running, by thread (ms):')
for comm, ms in sorted(waits.items()):
    ms.sort()
    print(f'  {comm:16} {len(ms):7} wake-ups, median {ms[len(ms) // 2]:.3f}, p99 {ms[int(len(ms) * 0.99)]:.3f}, '
          f'max {ms[-1]:.2f}, {sum(x >= threshold for x in ms)} of {threshold:g} ms or more')
held = collections.Counter()
idle = collections.Counter()
for comm, woken, ms, cpu, on_cpu, other_idle in long_waits:
    holder = on_cpu.most_common(1)[0][0] if on_cpu else '?'
    held[holder] += 1
    idle[holder] += other_idle > ms / 2
    if verbose:
        print(f'  {woken:.4f} {comm:16} waited {ms:5.2f} ms for cpu {cpu}, which ran '
              + ', '.join(f'{c} {v:.2f}' for c, v in on_cpu.most_common(2)) + f'; the other cpu idle {other_idle:.2f} ms')
print(f'waits of {threshold:g} ms or more: {len(long_waits)}, {sum(w[2] for w in long_waits):.1f} ms in all; by what ran on'
      ' the CPU meanwhile (in brackets: of those, the other CPU idle over half the wait):')
print('  ' + ', '.join(f'{c} {n} ({idle[c]})' for c, n in held.most_common()))
