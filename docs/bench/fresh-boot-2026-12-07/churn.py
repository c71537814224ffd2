import mmap, time, random
random.seed(3)
while True:
    m = mmap.mmap(-1, 64 << 20)
    for off in range(0, 64 << 20, 4096):
        m[off] = 1
    m.close()
    time.sleep(random.uniform(0.005, 0.05))
