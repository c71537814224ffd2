#!/usr/bin/env python3
"""Calls over 1 ms and of 3 ms or more, by requester, in the measured runs of `bench peers --stall-log DIR`.

usage: count.py DIR...
"""
import collections
import glob
import sys

for folder in sys.argv[1:]:
    counts = collections.defaultdict(lambda: [0, 0, 0.0])
    for name in glob.glob(folder + '/stalls-*.txt'):
        peer = None
        for line in open(name):
            words = line.split()
            if words[0] == 'run':
                peer = words[1] if (int(words[3]) - int(words[2])) / 1e9 > 1.5 else None
            elif peer:
                took = int(words[1]) / 1e6
                c = counts[peer]
                c[0] += 1
                c[1] += took >= 3
                c[2] += took
    print(folder + ': ' + '; '.join(f'{peer} over 1 ms {c[0]}, 3 ms or more {c[1]}, {c[2]:.0f} ms in all'
                                      for peer, c in sorted(counts.items())))
