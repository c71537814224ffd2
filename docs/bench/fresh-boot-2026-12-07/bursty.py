import random, time, sys
random.seed(int(sys.argv[1]))
while True:
    end = time.perf_counter() + random.uniform(0.001, 0.006)
    while time.perf_counter() < end:
        pass
    time.sleep(random.uniform(0.002, 0.020))
