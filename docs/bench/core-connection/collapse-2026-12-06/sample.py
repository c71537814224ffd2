#!/usr/bin/env python3
# every second: CPU % per process (role), nats-server varz deltas, top pending connections
import os, re, time, json, sys, urllib.request, glob
HZ = os.sysconf('SC_CLK_TCK')
def procs():
    out = {}
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            cmd = open(f'/proc/{p}/cmdline','rb').read().replace(b'\0',b' ').decode(errors='replace')
        except Exception: continue
        m = re.search(r'ServiceMain ([a-z-]+)', cmd)
        role = m.group(1) if m else ('sim' if 'SimWorker' in cmd else ('nats' if cmd.startswith('/usr/sbin/nats-server') or 'nats-server -c' in cmd else ('bench' if 'io.natrix.bench' in cmd else None)))
        if role: out[int(p)] = (role, cmd)
    return out
def cpu(p):
    try:
        f = open(f'/proc/{p}/stat').read().rsplit(')',1)[1].split()
        return int(f[11]) + int(f[12])
    except Exception: return None
def monitor_port(cmd):
    m = re.search(r'(?:-c|--config) (\S+)', cmd)
    if not m: return None
    try:
        for line in open(m.group(1)):
            mm = re.match(r'\s*http:\s*\S+:(\d+)', line)
            if mm: return int(mm.group(1))
    except Exception: return None
def get(url):
    try: return json.load(urllib.request.urlopen(url, timeout=0.5))
    except Exception: return None
prev = {}; pv = None
out = open(sys.argv[1], 'w', buffering=1)
while True:
    t = time.time()
    ps = procs()
    now = {p: cpu(p) for p in ps}
    roles = {}
    for p,(role,cmd) in ps.items():
        if now[p] is not None and p in prev and prev[p] is not None:
            roles.setdefault(role, []).append(round((now[p]-prev[p])*100/HZ))
    prev = now
    line = time.strftime('%H:%M:%S') + ' ' + ' '.join(f'{r}={"+".join(map(str,v))}' for r,v in sorted(roles.items()))
    port = next((monitor_port(c) for p,(r,c) in ps.items() if r=='nats'), None)
    if port:
        v = get(f'http://127.0.0.1:{port}/varz')
        if v:
            if pv: line += f" | in/s={v['in_msgs']-pv['in_msgs']} out/s={v['out_msgs']-pv['out_msgs']} slow={v.get('slow_consumers')}"
            pv = v
        c = get(f'http://127.0.0.1:{port}/connz?sort=pending_bytes&limit=3')
        if c:
            line += ' pend=' + ','.join(f"{x.get('name','?')[:18]}:{x.get('pending_bytes',0)}" for x in c.get('connections',[]) if x.get('pending_bytes',0) > 0)
    out.write(line + '\n')
    time.sleep(max(0, 1 - (time.time()-t)))
