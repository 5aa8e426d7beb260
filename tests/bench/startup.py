#!/usr/bin/env python3
"""Cold start to an interactive window, and memory, of the release desktop build under Xvfb,
beside a blank Tauri window. Prints medians over N runs.

"Interactive" means: the page has loaded and its first data came back over IPC — for Huixiao the
seminar list answered (seen in its debug log), for the blank window a `ready` command called on the
first animation frame. Memory is the PSS of the app and all its processes (WebKit's web and network
processes included), 3 s after it became interactive. The CPU time each process used until then is
printed too: the work behind the wall-clock time, which a busy machine stretches.

Run from the repo root after `npm --prefix ui run build` and the builds (see startup.sh):
    python3 tests/bench/startup.py [--runs 7] [--app NAME=PATH …]

`--app NAME=PATH` adds another build of the desktop app (a copy of an earlier build, say), started in
turn with the others in every run: A/B comparisons under the same load.
"""
import argparse
import glob
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The release builds, where startup.sh put them (cargo's CARGO_TARGET_DIR, else the repo's target/).
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")


def descendants(pid):
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            kids = subprocess.run(["pgrep", "-P", str(p)], capture_output=True, text=True).stdout.split()
        except OSError:
            kids = []
        todo.extend(int(k) for k in kids)
    return out


def pss_by_process(pids):
    """PSS in KiB of each process, by its name (the app, WebKitWebProcess, WebKitNetworkProcess, …)."""
    out = {}
    for p in pids:
        try:
            with open(f"/proc/{p}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        out[name] = out.get(name, 0) + int(line.split()[1])
        except OSError:
            pass
    return out


def cpu_ms_by_process(pids):
    """CPU time (user + system) in ms each process has used so far, by its name: the work behind the
    wall-clock time, which the machine's load stretches."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for p in pids:
        try:
            with open(f"/proc/{p}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[name] = out.get(name, 0) + (int(fields[11]) + int(fields[12])) * 1000 / tick
        except OSError:
            pass
    return out


def drop_caches():
    try:
        subprocess.run(["sync"], check=True)
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def run_once(cmd, env, ready):
    """Starts `cmd`, polls `ready()` every 2 ms, returns (seconds to ready, PSS MiB by process, cache dropped,
    CPU ms by process until ready)."""
    cold = drop_caches()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=env.pop("_STDOUT"), stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while not ready():
            if proc.poll() is not None:
                raise RuntimeError(f"{cmd[0]} exited early with {proc.returncode}")
            if time.monotonic() - t0 > 60:
                raise RuntimeError(f"{cmd[0]} not ready after 60 s")
            time.sleep(0.002)
        elapsed = time.monotonic() - t0
        cpu = cpu_ms_by_process(descendants(proc.pid))
        time.sleep(3)
        mem = {name: kib / 1024 for name, kib in pss_by_process(descendants(proc.pid)).items()}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return elapsed, mem, cold, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--app", action="append", default=[], metavar="NAME=PATH",
                    help="another build of huixiao-desktop to start in turn with the others")
    args = ap.parse_args()
    apps = [("huixiao", f"{TARGET}/release/huixiao-desktop")]
    apps += [tuple(a.split("=", 1)) for a in args.app]
    display = ":97"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", "1440x900x24", "-nolisten", "tcp"],
                            stderr=subprocess.DEVNULL)
    time.sleep(1)
    work = tempfile.mkdtemp(prefix="huixiao-startup-")
    try:
        db = os.path.join(work, "demo.db")
        subprocess.run([f"{TARGET}/release/huixiao", "--db", db, "demo", "--today", "2026-11-22"],
                       check=True, stdout=subprocess.DEVNULL)
        results = {name: [] for name, _ in apps}
        results["blank"] = []
        colds = []
        for i in range(args.runs):
            for name, path in apps:
                data = tempfile.mkdtemp(dir=work)
                env = dict(os.environ, DISPLAY=display, HUIXIAO_LOG="debug", HUIXIAO_DATA_DIR=data,
                           _STDOUT=subprocess.DEVNULL)

                def huixiao_ready():
                    for f in glob.glob(os.path.join(data, "logs", "huixiao.log*")):
                        with open(f, errors="replace") as fh:
                            if "seminars.list" in fh.read():
                                return True
                    return False

                t, m, cold, cpu = run_once([path, "--db", db], env, huixiao_ready)
                results[name].append((t, m, cpu))
                colds.append(cold)

            out = os.path.join(work, f"blank-{i}.out")
            fh = open(out, "w")
            env = dict(os.environ, DISPLAY=display, _STDOUT=fh)

            def blank_ready():
                with open(out) as f:
                    return "ready" in f.read()

            t, m, cold, cpu = run_once([f"{TARGET}/release/blank-tauri"], env, blank_ready)
            fh.close()
            results["blank"].append((t, m, cpu))
            colds.append(cold)
            parts = [f"{name} {results[name][-1][0] * 1000:.0f} ms {sum(results[name][-1][1].values()):.0f} MiB"
                     for name in results]
            print(f"run {i + 1}: " + " | ".join(parts), file=sys.stderr)

        def med(name, k):
            return statistics.median(r[0] if k == 0 else sum(r[1].values()) for r in results[name])

        print(f"runs: {args.runs}; page cache dropped before each start: {'yes' if all(colds) else 'no'}")
        print(f"{'':10} {'start → interactive (median)':>30} {'PSS, all processes (median)':>30}")
        for name in results:
            print(f"{name:10} {med(name, 0) * 1000:>27.0f} ms {med(name, 1):>26.0f} MiB")
        for name, _ in apps:
            label = "ratio" if name == "huixiao" else f"ratio {name}"
            print(f"{label:10} {med(name, 0) / med('blank', 0):>29.2f}x {med(name, 1) / med('blank', 1):>29.2f}x")
        print("PSS by process (median MiB):")
        for name in results:
            procs = sorted({p for r in results[name] for p in r[1]})
            parts = ", ".join(f"{p} {statistics.median(r[1].get(p, 0) for r in results[name]):.0f}" for p in procs)
            print(f"  {name}: {parts}")
        print("CPU time until interactive, by process (median ms):")
        for name in results:
            procs = sorted({p for r in results[name] for p in r[2]})
            parts = ", ".join(f"{p} {statistics.median(r[2].get(p, 0) for r in results[name]):.0f}" for p in procs)
            print(f"  {name}: {parts}")
        print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        xvfb.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
