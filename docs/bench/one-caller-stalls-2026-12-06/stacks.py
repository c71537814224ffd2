#!/usr/bin/env python3
"""The threads sampled while slow calls of `bench peers --stall-log DIR` waited, with their commonest stacks.

usage: stacks.py DIR [MIN_MS]
  DIR holds the requesters' stalls-<pid>.txt and samples.txt, written on the same boot by
    perf record -F 4999 -a -g -k CLOCK_MONOTONIC -o DIR/perf.data -- ./natrix bench peers ... --stall-log DIR
    perf script -i DIR/perf.data -F comm,tid,time,ip,sym > DIR/samples.txt
  Only measured runs (over 1.5 s) and calls of MIN_MS (3) or more count; a stack shows its five innermost frames.
"""
import collections
import re
import sys

import stalllogs

folder = sys.argv[1]
least = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
windows = [(ended - took / 1e3, ended) for run in stalllogs.measured(folder) for took, ended in run[4] if took >= least]
header = re.compile(r'^\s*(.+?)\s+(\d+)\s+([\d.]+):\s*$')
threads, stacks = collections.Counter(), collections.defaultdict(collections.Counter)
sample = None


def count(sample):
    thread, at, frames = sample
    if any(first <= at <= last for first, last in windows):
        threads[thread] += 1
        stacks[thread][' <- '.join(f.split('+')[0] for f in frames[:5])] += 1


for line in open(folder + '/samples.txt'):
    if not line.strip():
        if sample:
            count(sample)
        sample = None
        continue
    m = header.match(line)
    if m:
        sample = (m.group(1), float(m.group(3)), [])
    elif sample is not None:
        words = line.strip().split(None, 1)
        sample[2].append(words[-1])
print(f'{len(windows)} slow calls of {least:g} ms or more; samples (4,999 a second) in their windows, by thread:')
for thread, n in threads.most_common(6):
    print(thread, n)
    for stack, k in stacks[thread].most_common(6):
        print('   ', k, stack[:230])
