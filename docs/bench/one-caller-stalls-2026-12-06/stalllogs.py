"""The requesters' stall logs of `bench peers --stall-log DIR` (format: bench's StallLog.java), on perf's clock."""
import glob
import re
import time

# the logs hold wall-clock times, perf monotonic ones: the same boot's offset maps one onto the other
OFFSET = time.clock_gettime(time.CLOCK_REALTIME) - time.clock_gettime(time.CLOCK_MONOTONIC)


def runs(folder):
    """Every closed-loop run, in order: (peer, requester pid, first s, last s, [(took ms, ended s)]), on perf's clock."""
    found = []
    for name in glob.glob(folder + '/stalls-*.txt'):
        pid = re.search(r'stalls-(\d+)', name).group(1)
        run = None
        for line in open(name):
            words = line.split()
            if words[0] == 'run':
                run = (words[1], pid, int(words[2]) / 1e9 - OFFSET, int(words[3]) / 1e9 - OFFSET, [])
                found.append(run)
            else:
                run[4].append((int(words[1]) / 1e6, int(words[0]) / 1e9 - OFFSET))
    return sorted(found, key=lambda r: r[2])


def measured(folder):
    """The runs of a cell's measurement (over 1.5 s), not its warm-ups."""
    return [r for r in runs(folder) if r[3] - r[2] > 1.5]
