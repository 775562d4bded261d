#!/usr/bin/env python3
"""What the shim costs.

1. dmidecode --no-sysfs through the shim against dmidecode --from-dump on the largest fixture:
   median wall time of each and their ratio, through the launcher and with LD_PRELOAD alone.
2. Syscalls of /bin/true with and without the preload (strace -f -c): the price every
   process pays for loading it, since the pass-through path itself adds none.

usage: tests/bench/shim_bench.py BUILD_DIR [--runs N] [--shared DIR]
"""
import argparse
import glob
import os
import statistics
import subprocess
import tempfile
import time


def median_seconds(argv, runs, env=None):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=env)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def largest_fixture(build, shared):
    candidates = glob.glob(os.path.join(build, "fixtures", "*.bin"))
    candidates += glob.glob(os.path.join(shared, "fixtures", "smbios", "*.bin"))
    candidates = [c for c in candidates if "bad-checksum" not in c]
    return max(candidates, key=os.path.getsize)


def syscall_count(argv, env=None):
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as out:
        subprocess.run(["strace", "-f", "-c", "-o", out.name] + argv, check=True, env=env,
                       stdout=subprocess.DEVNULL)
        total = [line for line in out.read().splitlines() if line.rstrip().endswith("total")]
        return int(total[0].split()[3]) if total else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("build")
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(__file__),
                                                         "../../../shared"))
    args = parser.parse_args()
    launcher = os.path.join(args.build, "shims/launcher/devmem-shim")
    preload = os.path.abspath(os.path.join(args.build, "shims/preload/libdevmem-shim.so"))
    dump = largest_fixture(args.build, args.shared)

    baseline = median_seconds(["dmidecode", "--from-dump", dump], args.runs)
    launched = median_seconds([launcher, "--dump", dump, "--", "dmidecode", "--no-sysfs"],
                              args.runs)
    env = dict(os.environ, LD_PRELOAD=preload, DEVMEM_SHIM_DUMP=os.path.abspath(dump))
    preloaded = median_seconds(["dmidecode", "--no-sysfs"], args.runs, env)
    print(f"fixture: {dump} ({os.path.getsize(dump)} bytes), {args.runs} runs each, median")
    print(f"  dmidecode --from-dump               {baseline * 1e3:8.2f} ms")
    print(f"  devmem-shim -- dmidecode --no-sysfs {launched * 1e3:8.2f} ms"
          f"  ratio {launched / baseline:.2f}")
    print(f"  LD_PRELOAD dmidecode --no-sysfs     {preloaded * 1e3:8.2f} ms"
          f"  ratio {preloaded / baseline:.2f}")

    plain = syscall_count(["/bin/true"])
    with_preload = syscall_count(["/bin/true"], dict(os.environ, LD_PRELOAD=preload))
    print(f"syscalls of /bin/true: {plain} without the preload, {with_preload} with it "
          f"(+{with_preload - plain}, all from loading the library)")


if __name__ == "__main__":
    main()
