"""Each requester's slow calls in the measured rounds of `bench peers --stall-log DIR` runs, by size.

usage: python3 stalls.py stall-plain-1 [stall-ha-1 ...]   (one folder per run; one file per requester process)

The logs are read by ../one-caller-stalls-2026-12-06/stalllogs.py (its `measured`: the 2-second runs, not the
warm-ups); this adds the counts by size, one line per requester process: the first Go file of a folder is Go's
pair, the second the control's (they run in that order).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'one-caller-stalls-2026-12-06'))
import stalllogs  # noqa: E402

for folder in sys.argv[1:]:
    by_pid = {}
    for peer, pid, _, _, calls in stalllogs.measured(folder):
        by_pid.setdefault(pid, (peer, []))[1].extend(took for took, _ in calls)
    for pid, (peer, ms) in sorted(by_pid.items(), key=lambda item: int(item[0])):
        f = f"{folder}/stalls-{pid}.txt"
        print(f"{f:30s} {peer:11s} >1ms {len(ms):4d} >=2 {sum(x >= 2 for x in ms):3d} >=3 {sum(x >= 3 for x in ms):3d}"
              f" >=5 {sum(x >= 5 for x in ms):3d} stalled ms {sum(ms):7.1f} in>=3 {sum(x for x in ms if x >= 3):6.1f}")
