#!/usr/bin/env python3
"""What the JVM peers' JIT did inside the measured rounds: DIR holds {peer}.log files written with
--jvm '... -Xlog:jit+compilation=debug,deoptimization=debug:file=DIR/{peer}.log:time' and the stall logs in DIR/stalls (the logs may be gzipped).

usage: jit-in-rounds.py DIR
"""
import datetime
import glob
import gzip
import re
import sys

import stalllogs

folder = sys.argv[1]
rounds = [(first + stalllogs.OFFSET, last + stalllogs.OFFSET) for _, _, first, last, _ in stalllogs.measured(folder + '/stalls')]
for log in sorted(glob.glob(folder + '/*.log') + glob.glob(folder + '/*.log.gz')):
    lines = traps = 0
    for line in (gzip.open(log, 'rt') if log.endswith('.gz') else open(log)):
        m = re.match(r'\[(\S+)\](.*)', line)
        if not m:
            continue
        at = datetime.datetime.strptime(m.group(1), '%Y-%m-%dT%H:%M:%S.%f%z').timestamp()
        for number, (first, last) in enumerate(rounds, 1):
            if first <= at <= last:
                lines += 1
                traps += 'made not entrant: uncommon trap' in line
                print(f'  {log.split("/")[-1]} round {number} +{at - first:5.3f} s {m.group(2).strip()[:140]}')
    print(f'{log.split("/")[-1]}: {lines} compilations and deoptimizations inside the rounds, {traps} compiled methods thrown away at a trap')
