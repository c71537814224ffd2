import sys, re, collections
roles = {}
for line in open('/tmp/prof2-pids.txt'):
    p = line.split()
    if len(p) > 1 and p[1] == 'after': continue
    if len(p) >= 3 and p[1].endswith('ServiceMain'): roles[p[0]] = p[2]
    elif len(p) >= 2 and 'SimWorker' in p[1]: roles[p[0]] = 'sim'
    else: roles[p[0]] = 'bench'
tot = 0
by = collections.Counter(); kind = collections.Counter(); thr = collections.Counter()
for line in sys.stdin:
    m = re.match(r'\s*(.+?)\s+(\d+)/(\d+)\s+([0-9a-f]+)\s+(.*)\((.*)\)\s*$', line)
    if not m: continue
    comm, pid, tid, ip, sym, dso = m.groups()
    role = roles.get(pid, 'nats' if comm.startswith('nats-server') else comm.strip())
    if 'kernel' in dso: k = 'kernel'
    elif 'libjvm' in dso: k = 'jvm'
    elif 'perf-' in dso or dso == 'unknown' or dso.startswith('['): k = 'java/jit'
    elif 'libc' in dso: k = 'libc'
    elif 'netty' in dso: k = 'netty-native'
    else: k = 'other:' + dso.split('/')[-1]
    t = re.sub(r'[-0-9 ]+$', '', comm.strip())
    tot += 1; by[role] += 1; kind[(role, k)] += 1; thr[(role, t)] += 1
print("samples", tot)
for r, n in by.most_common():
    ks = ' · '.join(f"{k} {100*c/tot:.1f}" for (rr, k), c in sorted(kind.items(), key=lambda x: -x[1]) if rr == r)
    ts = ' · '.join(f"{t} {100*c/tot:.1f}" for (rr, t), c in sorted(thr.items(), key=lambda x: -x[1]) if rr == r and 100*c/tot >= 0.3)
    print(f"{r:12s} {100*n/tot:5.1f}% of machine | {ks}\n{'':12s} threads: {ts}")
