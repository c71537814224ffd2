import os,time,sys,glob
# samples every java process's threads' context switches each second for N seconds; prints per-second deltas for busy threads
N=int(sys.argv[1]); prev={}
for s in range(N):
    snap={}
    for pid in os.listdir('/proc'):
        if not pid.isdigit(): continue
        try:
            cmd=open(f'/proc/{pid}/cmdline','rb').read().split(b'\0')
            if not cmd[0].endswith(b'java') and b'nats' not in cmd[0] and b'peer' not in cmd[0].lower(): continue
            tag=(b' '.join(cmd[-3:])).decode()[-60:]
            for t in os.listdir(f'/proc/{pid}/task'):
                try:
                    st=open(f'/proc/{pid}/task/{t}/status').read()
                    comm=open(f'/proc/{pid}/task/{t}/comm').read().strip()
                    v=int(st.split('voluntary_ctxt_switches:')[1].split()[0]); nv=int(st.split('nonvoluntary_ctxt_switches:')[1].split()[0])
                    snap[(pid,t)]=(tag,comm,v,nv)
                except Exception: pass
        except Exception: pass
    if prev:
        rows=[]
        for k,(tag,comm,v,nv) in snap.items():
            if k in prev:
                dv=v-prev[k][2]; dn=nv-prev[k][3]
                if dv+dn>20: rows.append((dv+dn,k[0],tag,comm,dv,dn))
        rows.sort(reverse=True)
        print(f"--- t={s}")
        for r in rows[:12]: print(f"  {r[1]:>6} {r[2][-40:]:40s} {r[3]:28s} vol {r[4]:6d} invol {r[5]:5d}")
    prev=snap; time.sleep(1)
