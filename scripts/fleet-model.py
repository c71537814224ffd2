#!/usr/bin/env python3
# The capacity model's fit (docs/scaling.md): per-process CPU against fleet size from a `./natrix bench ride fleet` output,
# least squares over the steps with a quarter rider per driver that held, and the 12,000-driver step predicted from the others.
#   python3 scripts/fleet-model.py docs/bench/fleet-capacity-2026-12-05.txt
import re,sys
rows=[]
for line in open(sys.argv[1]):
    if not re.match(r'^\| [0-9]', line): continue
    cells=[c.strip() for c in line.strip().strip('|').split('|')]
    drivers=int(cells[0].replace(',','')); riders=int(cells[1].replace(',',''))
    cpu={}
    for part in cells[10].split('·'):
        name,val=part.strip().rsplit(' ',1); cpu[name]=float(val)
    holds=cells[11].startswith('yes')
    rows.append((drivers,riders,cpu,holds))
procs=sorted(set(k for r in rows for k in r[2]))
def fit(sample, key):
    xs=[r[0] for r in sample]; ys=[ (sum(r[2].values()) if key=='total' else r[2].get(key,0)) for r in sample]
    n=len(xs); mx=sum(xs)/n; my=sum(ys)/n
    b=sum((x-mx)*(y-my) for x,y in zip(xs,ys))/sum((x-mx)**2 for x in xs); a=my-b*mx
    return a,b
held=[r for r in rows if r[3] and r[1]*4==r[0]]  # the quarter-rider mix only
print("steps with a quarter rider per driver that held:", [r[0] for r in held])
for key in procs+['total']:
    a,b=fit(held,key)
    print(f"{key:12s} fixed {a:6.1f} %  per driver-second {b/100*1e6:6.1f} us")
# holdout
target=[r for r in held if r[0]==12000]
if target:
    rest=[r for r in held if r[0]!=12000]
    for key in ['total']+procs:
        a,b=fit(rest,key)
        pred=a+b*12000; meas=(sum(target[0][2].values()) if key=='total' else target[0][2].get(key,0))
        print(f"holdout 12,000 {key:12s} predicted {pred:6.1f} % measured {meas:6.1f} % ({(pred-meas)/meas*100 if meas else 0:+.0f} %)")
