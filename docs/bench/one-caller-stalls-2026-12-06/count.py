#!/usr/bin/env python3
"""Calls over 1 ms and of 3 ms or more, by requester, in the measured runs of `bench peers --stall-log DIR`.

usage: count.py DIR...
"""
import collections
import sys

import stalllogs

for folder in sys.argv[1:]:
    counts = collections.defaultdict(lambda: [0, 0, 0.0])
    for peer, _, _, _, calls in stalllogs.measured(folder):
        for took, _ in calls:
            c = counts[peer]
            c[0] += 1
            c[1] += took >= 3
            c[2] += took
    print(folder + ': ' + '; '.join(f'{peer} over 1 ms {c[0]}, 3 ms or more {c[1]}, {c[2]:.0f} ms in all'
                                      for peer, c in sorted(counts.items())))
