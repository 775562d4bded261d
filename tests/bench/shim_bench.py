#!/usr/bin/env python3
"""What the shim costs, from one run:

1. dmidecode --no-sysfs through the shim (LD_PRELOAD and DEVMEM_SHIM_DUMP, and through the
   launcher) against dmidecode --from-dump on the largest fixture: median wall times and their
   ratio (target <= 1.10).
2. /bin/true, and devmem-probe reading and mapping a file that is not /dev/mem (through the
   interposed read and mmap), with and without the preload: syscalls counted by strace -f -c,
   and every extra call attributed from a strace -f -y trace to the dynamic loader mapping the
   library (its openat, read, fstat, mmaps, close, and the mprotect of its RELRO segment). The
   pass-through path adds none, so the difference must be exactly those calls.
3. The wall ratio of /bin/true with and without the preload (target <= 1.05), beside the ratios
   for two libraries built the same way: an empty one (tests/e2e/empty_preload.cpp), what the
   loader charges for any LD_PRELOAD, and the least an interposer can be
   (tests/e2e/interposer_floor.cpp: one function calling dlsym, so it needs libc, a version of
   it and a lazily bound PLT slot in a writable page of its own), which the shim cannot go
   below. What the shim adds over that floor is its own.

Runs of the two sides alternate, so that a noisy neighbour slows both alike; medians of many
runs. Exit status 1 when a syscall is not the loader's; the timing targets are only reported,
as a shared machine cannot promise them.

usage: tests/bench/shim_bench.py BUILD_DIR [--runs N] [--true-runs N] [--shared DIR] [--quick]
"""
import argparse
import collections
import glob
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time


def spawn_seconds(argv, env):
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, env, file_actions=[
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)])
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"shim_bench: {' '.join(argv)} failed")
    return elapsed


def alternating_medians(sides, runs):
    """sides: name -> (argv, env). Median seconds per side, runs interleaved."""
    samples = collections.defaultdict(list)
    for _ in range(runs):
        for name, (argv, env) in sides.items():
            samples[name].append(spawn_seconds(argv, env))
    return {name: statistics.median(values) for name, values in samples.items()}


def largest_fixture(build, shared):
    candidates = glob.glob(os.path.join(build, "fixtures", "*.bin"))
    candidates += glob.glob(os.path.join(shared, "fixtures", "smbios", "*.bin"))
    candidates = [c for c in candidates if "bad-checksum" not in c]
    return max(candidates, key=os.path.getsize)


def counted_syscalls(argv, env):
    """strace -f -c of argv: calls per syscall name."""
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as out:
        subprocess.run(["strace", "-f", "-c", "-o", out.name] + argv, check=True, env=env,
                       stdout=subprocess.DEVNULL)
        counts = collections.Counter()
        for line in out.read().splitlines():
            fields = line.split()
            if len(fields) >= 5 and fields[-1] not in ("total", "syscall") and fields[3].isdigit():
                counts[fields[-1]] = int(fields[3])
        return counts


def loader_calls(argv, library, env):
    """The calls of argv that serve loading library: those naming it (strace -y prints a
    descriptor's path) and the mprotect that makes its RELRO segment read-only."""
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as out:
        subprocess.run(["strace", "-f", "-y", "-qq", "-o", out.name] + argv, check=True,
                       env=env, stdout=subprocess.DEVNULL)
        trace = out.read().splitlines()
    calls, start, end = collections.Counter(), None, None
    for line in trace:
        name = re.match(r"\d+ +(\w+)\(", line)
        if not name:
            continue
        if library in line:
            calls[name[1]] += 1
            mapped = re.match(r".*mmap\(NULL, (\d+), .* = (0x[0-9a-f]+)$", line)
            if mapped:
                start = int(mapped[2], 16)
                end = start + int(mapped[1])
        elif name[1] == "mprotect" and start is not None:
            address = int(re.match(r".*mprotect\((0x[0-9a-f]+),", line)[1], 16)
            calls["mprotect"] += start <= address < end
    return +calls


def describe(counts):
    return ", ".join(f"{name} {n}" for name, n in sorted(counts.items()))


def only_loader_calls(name, argv, preload, plain_env, preload_env):
    """Prints the syscalls argv makes with and without the preload; whether the difference is
    exactly the loader's calls for the library."""
    plain, preloaded = counted_syscalls(argv, plain_env), counted_syscalls(argv, preload_env)
    extra = preloaded - plain
    loader = loader_calls(argv, preload, preload_env)
    exact = extra == loader and plain - preloaded == collections.Counter()
    print(f"syscalls of {name}: {sum(plain.values())} without the preload, "
          f"{sum(preloaded.values())} with it (+{sum(extra.values())}: {describe(extra)})")
    print(f"  the loader's calls for the library: {describe(loader)}; "
          f"difference {'is exactly these' if exact else 'is NOT only these'}")
    return exact


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("build")
    parser.add_argument("--runs", type=int, default=101, help="dmidecode runs per side")
    parser.add_argument("--true-runs", type=int, default=2001, help="/bin/true runs per side")
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(__file__),
                                                         "../../../shared"))
    parser.add_argument("--quick", action="store_true", help="few runs: checks the bench works")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.true_runs = 3, 5
    launcher = os.path.abspath(os.path.join(args.build, "shims/launcher/devmem-shim"))
    preload = os.path.abspath(os.path.join(args.build, "shims/preload/libdevmem-shim.so"))
    empty = os.path.abspath(os.path.join(args.build, "tests/e2e/libdevmem-empty-preload.so"))
    floor = os.path.abspath(os.path.join(args.build, "tests/e2e/libdevmem-interposer-floor.so"))
    probe = os.path.abspath(os.path.join(args.build, "tests/e2e/devmem-probe"))
    dump = os.path.abspath(largest_fixture(args.build, args.shared))
    plain_env = {k: v for k, v in os.environ.items()
                 if k != "LD_PRELOAD" and not k.startswith("DEVMEM_SHIM_")}
    preload_env = dict(plain_env, LD_PRELOAD=preload)

    times = alternating_medians({
        "from-dump": (["dmidecode", "--from-dump", dump], plain_env),
        "preload": (["dmidecode", "--no-sysfs"], dict(preload_env, DEVMEM_SHIM_DUMP=dump)),
        "launcher": ([launcher, "--dump", dump, "--", "dmidecode", "--no-sysfs"], plain_env),
    }, args.runs)
    base = times["from-dump"]
    print(f"fixture: {dump} ({os.path.getsize(dump)} bytes), {args.runs} alternating runs, median")
    print(f"  dmidecode --from-dump                  {base * 1e3:8.3f} ms")
    print(f"  LD_PRELOAD dmidecode --no-sysfs        {times['preload'] * 1e3:8.3f} ms"
          f"  ratio {times['preload'] / base:.3f} (target <= 1.10)")
    print(f"  devmem-shim -- dmidecode --no-sysfs    {times['launcher'] * 1e3:8.3f} ms"
          f"  ratio {times['launcher'] / base:.3f} (one more exec: the launcher's)")

    exact = only_loader_calls("/bin/true", ["/bin/true"], preload, plain_env, preload_env)
    exact &= only_loader_calls("devmem-probe read-file", [probe, "read-file", dump], preload,
                               plain_env, preload_env)

    true_times = alternating_medians({
        "plain": (["/bin/true"], plain_env),
        "empty": (["/bin/true"], dict(plain_env, LD_PRELOAD=empty)),
        "floor": (["/bin/true"], dict(plain_env, LD_PRELOAD=floor)),
        "preload": (["/bin/true"], preload_env)}, args.true_runs)
    plain_us = true_times["plain"] * 1e6
    ratio = {name: seconds / true_times["plain"] for name, seconds in true_times.items()}
    print(f"wall time of /bin/true, {args.true_runs} alternating runs, median: "
          f"{plain_us:.0f} us without a preload")
    print(f"  with an empty preload library          {true_times['empty'] * 1e6:.0f} us, "
          f"ratio {ratio['empty']:.3f} (the loader's price for any)")
    print(f"  with an interposer importing dlsym     {true_times['floor'] * 1e6:.0f} us, "
          f"ratio {ratio['floor']:.3f} (the floor for any interposer)")
    print(f"  with the shim                          {true_times['preload'] * 1e6:.0f} us, "
          f"ratio {ratio['preload']:.3f} (target <= 1.05, "
          f"{ratio['preload'] - ratio['floor']:+.3f} over the floor)")
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
