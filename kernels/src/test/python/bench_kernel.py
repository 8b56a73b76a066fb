"""Kernel start-up and per-cell overhead, as recorded in docs/BENCHMARKS.md.

start: from asking Jupyter to start the kernel to the result of `1 + 1` (median of 5 starts).
cell:  round trip of a trivial cell `int x = 1;` on a warm kernel, request to reply (median of 50
       after 10 warm-up cells), and the same for `1 + 1`.
"""
import os
import platform
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kernel_session import KernelSession  # noqa: E402


def timed_start():
    t0 = time.perf_counter()
    k = KernelSession()
    value = k.value("1 + 1")
    elapsed = time.perf_counter() - t0
    assert value == "2", value
    return k, elapsed


def cell_ms(k, code, n, warm):
    for _ in range(warm):
        k.run(code)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        content, _ = k.run(code)
        times.append((time.perf_counter() - t0) * 1000)
        assert content["status"] == "ok", content
    return statistics.median(times), min(times), max(times)


def main():
    starts = []
    for _ in range(5):
        k, s = timed_start()
        starts.append(s)
        k.close()
    k, _ = timed_start()
    try:
        decl = cell_ms(k, "int x = 1;", 50, 10)
        expr = cell_ms(k, "1 + 1", 50, 10)
    finally:
        k.close()
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                         capture_output=True, text=True).stdout.strip()
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    print(f"machine: {os.cpu_count()} cores, {cpu}; {platform.system()} {platform.release()}; {java}")
    print(f"kernel start to first result of 1 + 1: median {statistics.median(starts):.2f} s "
          f"(min {min(starts):.2f}, max {max(starts):.2f}, n=5)")
    print(f"trivial cell `int x = 1;` round trip: median {decl[0]:.1f} ms (min {decl[1]:.1f}, max {decl[2]:.1f}, n=50)")
    print(f"expression cell `1 + 1` round trip: median {expr[0]:.1f} ms (min {expr[1]:.1f}, max {expr[2]:.1f}, n=50)")


if __name__ == "__main__":
    main()
