import re,sys,glob,statistics as st
rows=[]
for f in sorted(glob.glob(sys.argv[1]), key=lambda x:(re.sub(r'\d+\.txt$','',x), int((re.findall(r'(\d+)\.txt$',x) or ['0'])[0]))):
    t=open(f).read()
    g=re.search(r'^\| 16 B \| 1 \| ([\d.]+) \| ([\d.]+) \|', t, re.M)
    c=re.findall(r'^\| 16 B \| 1 \| ([\d.]+) \| ([\d.]+) \|$', t, re.M)
    peers={}
    for m in re.finditer(r'^\| (natrix call \(byte\[\]\)|Go nats.go \(reply inline\)|control: [^|]+) \| 1 \| ([\d,]+) \| [^|]+ \| ([\d,]+) \| [\d,]+ \| [\d,]+ \| [\d,]+ \| ([\d,]+) \| ([\d,]+) \|', t, re.M):
        peers[m.group(1)[:6]]=(int(m.group(3).replace(',','')), int(m.group(4).replace(',','')), int(m.group(5).replace(',','')))
    if not g: print(f,'incomplete'); continue
    rows.append((f.split('/')[-1], float(g.group(1)), float(g.group(2)), float(c[-1][0]) if c else None, float(c[-1][1]) if c else None, peers))
for r in rows:
    print("%-16s natrix/Go rate %.2f p99 %.2f | control/Go rate %s p99 %s | natrix/control p99 %.2f | p50,p99med,slow natrix %s Go %s ctl %s" % (r[0], r[1], r[2], r[3], r[4], r[5]['natrix'][1]/r[5]['contro'][1] if 'contro' in r[5] else float('nan'), r[5].get('natrix'), r[5].get('Go nat'), r[5].get('contro')))
n=len(rows)
if n:
    p=[r[2] for r in rows]; c=[r[4] for r in rows if r[4]]
    print("runs",n,"natrix p99 ratio median %.3f within1.5 %d" % (st.median(p), sum(x<=1.5 for x in p)))
    if c:
        print("control p99 ratio median %.3f, >1.5: %d, <1/1.5: %d, either: %d of %d" % (st.median(c), sum(x>1.5 for x in c), sum(x<1/1.5 for x in c), sum(x>1.5 or x<1/1.5 for x in c), len(c)))
