import sys, re, collections
# perf script -F pid,tid,comm,ip,sym output with callchains: a header line then frames, blank line between samples
pids=set(sys.argv[1].split(',')); commpre=sys.argv[2]
leaf=collections.Counter(); incl=collections.Counter(); n=0
cur=None; frames=[]
def flush():
    global n
    if cur and frames:
        n+=1
        leaf[frames[0]]+=1
        for f in set(frames): incl[f]+=1
for line in sys.stdin:
    if not line.strip():
        flush(); cur=None; frames=[]; continue
    if not line.startswith('\t') and not line.startswith(' '*8):
        m=re.match(r'\s*(.+?)\s+(\d+)/(\d+)', line)
        if m and m.group(2) in pids and m.group(1).startswith(commpre): cur=True
        else: cur=None
        frames=[]; continue
    if cur:
        parts=line.strip().split(' ',1)
        sym=parts[1] if len(parts)>1 else parts[0]
        sym=re.sub(r'\s*\(.*?\)\s*$','',sym) if sym.endswith(')') and '(/' in sym or '([' in sym else sym
        frames.append(sym[:150])
flush()
print("samples", n)
print("-- leaf"); [print(f"{100*c/n:5.1f} {s}") for s,c in leaf.most_common(25)]
print("-- inclusive"); [print(f"{100*c/n:5.1f} {s}") for s,c in incl.most_common(60)]
