import os, time, sys
def procs():
    out = {}
    for pid in os.listdir('/proc'):
        if not pid.isdigit(): continue
        try:
            cmd = open(f'/proc/{pid}/cmdline','rb').read().split(b'\0')
            st = open(f'/proc/{pid}/stat').read()
        except Exception: continue
        cmd = [c.decode(errors='replace') for c in cmd]
        name = None
        if 'io.natrix.ride.ServiceMain' in cmd:
            i = cmd.index('io.natrix.ride.ServiceMain'); name = cmd[i+1] + ':' + pid
        elif 'io.natrix.ride.harness.RideDemo' in cmd: name = 'demo(sim):' + pid
        elif cmd and cmd[0].endswith('nats-server'): name = 'nats:' + pid
        if not name: continue
        f = st[st.rindex(')')+2:].split()
        out[name] = int(f[11]) + int(f[12])
    return out
prev = procs(); t0 = time.time()
for _ in range(int(sys.argv[1])):
    time.sleep(1)
    cur = procs()
    d = {k: cur[k] - prev.get(k, cur[k]) for k in cur}
    agg = {}
    for k, v in d.items():
        r = k.split(':')[0]; agg[r] = agg.get(r, 0) + v
    print(f"{time.time()-t0:5.1f}s total {sum(agg.values()):4d}% " + " ".join(f"{k}={v}" for k, v in sorted(agg.items(), key=lambda x: -x[1])), flush=True)
    prev = cur
