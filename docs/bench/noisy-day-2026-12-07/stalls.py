"""Counts each requester's slow calls in the measured rounds of `bench peers --stall-log DIR` runs.

usage: python3 stalls.py stall-plain-1 [stall-ha-1 ...]   (one folder per run; one file per requester process)

A file holds `run <peer> <first ns> <last ns>` lines, each followed by `<ended ns> <took ns>` per call over 1 ms.
The measured rounds are the 2-second runs (a cell's warm-ups take 0.5 s, the JIT warm-up 1 s each); the first
Go file of a folder is Go's pair, the second the control's (they run in that order).
"""
import sys, glob

for folder in sys.argv[1:]:
    for f in sorted(glob.glob(folder + '/*')):
        runs = []
        for line in open(f):
            p = line.split()
            if p[0] == 'run':
                runs.append([p[1], (int(p[3]) - int(p[2])) / 1e9, []])
                continue
            runs[-1][2].append(int(p[1]) / 1e6)
        name = runs[0][0]
        ms = [x for r in runs if r[1] > 1.5 for x in r[2]]
        print(f"{f:30s} {name:11s} >1ms {len(ms):4d} >=2 {sum(x >= 2 for x in ms):3d} >=3 {sum(x >= 3 for x in ms):3d}"
              f" >=5 {sum(x >= 5 for x in ms):3d} stalled ms {sum(ms):7.1f} in>=3 {sum(x for x in ms if x >= 3):6.1f}")
