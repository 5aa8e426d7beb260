"""Times two commands in turn (A B A B …) as whole processes and prints each one's median wall
time and the median of the ratios A/B taken pair by pair (a slow spell of the machine hits both
commands of a pair alike).

    python compare.py RUNS 'COMMAND A' 'COMMAND B'
"""
import shlex
import statistics
import subprocess
import sys
import time


def once(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, shell=True, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    runs, a, b = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    once(a), once(b)  # warm-up: the files in the page cache, Python's modules compiled
    ta, tb = [], []
    for _ in range(runs):
        ta.append(once(a))
        tb.append(once(b))
    ratios = [x / y for x, y in zip(ta, tb)]
    print(f"A  {statistics.median(ta):8.3f} s  (min {min(ta):.3f}, max {max(ta):.3f})  {a}")
    print(f"B  {statistics.median(tb):8.3f} s  (min {min(tb):.3f}, max {max(tb):.3f})  {b}")
    print(f"A/B median of pairs {statistics.median(ratios):.2f}  (min {min(ratios):.2f}, max {max(ratios):.2f})")


if __name__ == "__main__":
    main()
