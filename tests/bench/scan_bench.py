#!/usr/bin/env python3
"""What devmem-scan costs, from one run (directory mode, as `devmem-scan DIR`):

1. A tree with nothing to find against a text search for the same literals: `rg -l` when
   ripgrep is installed, `grep -rlE` otherwise (the line says which). Target <= 3x.
2. The X server tree against `clang -fsyntax-only` over every translation unit with the flags
   devmem-scan infers for it (-x, -std, -I for every directory holding a header), on as many
   parallel clang processes as devmem-scan has threads. Target <= 0.5x.
3. The X server tree against `spatch` with a semantic patch that matches literal
   `open("/dev/mem", ...)` calls, on as many jobs, reading no headers (--no-includes), the runs
   of the two alternating. Target <= 1.0x, while devmem-scan finds strictly more (the line gives
   both counts). A second line,
   for reference, has spatch read every header through the same include directories as
   devmem-scan (--all-includes). Skipped without spatch (Debian's coccinelle,
   `scripts/install-deps --bench`).
4. A warm re-run against a cold one with --cache-dir, on the X server tree (the 4x generated tree
   without it). Target <= 0.1x.
5. Scaling: a generated tree (plain files, a /dev/mem wrapper, files calling it with constant
   addresses) at 1x, 4x and 16x.

Medians of --runs runs; the targets are reported, not enforced, as a shared machine cannot
promise them. Exit status 1 when devmem-scan fails (status other than 0 or 1).

usage: tests/bench/scan_bench.py DEVMEM_SCAN [--plain DIR] [--xserver DIR] [--runs N] [-j N]
                                 [--quick]
  e.g. tests/bench/scan_bench.py build-engine/analyzer/devmem-scan \\
           --plain /tmp/trees/lshw --xserver /tmp/trees/xorg-xserver
--plain defaults to a generated tree of 5000 files without triggers; --xserver is skipped when
not given. --quick: one run, small trees, no X server: a smoke test for ctest.
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# The literals the prefilter looks for; a text search for them is the floor devmem-scan is
# compared with on a tree without any.
LITERALS = r"/dev/mem|/dev/kmem|/dev/port|_PATH_MEM|_PATH_KMEM|\b(iopl|ioperm|inb|outb|inw|outw|inl|outl)\b|_SM_|_DMI_|RSD PTR|systab"
SOURCE_EXTENSIONS = {".c", ".cc", ".cpp", ".cxx", ".C"}

PLAIN_UNIT = """#include "common.h"
static int table_{n}[64];
int sum_{n}(int count) {{
    int total = 0;
    for (int i = 0; i < count && i < 64; ++i)
        total += table_{n}[i] * scale(i);
    return total;
}}
"""
WRAPPER_UNIT = """#include <fcntl.h>
#include <sys/mman.h>
void *map_physical(unsigned long base, unsigned long length) {
    int fd = open("/dev/mem", O_RDONLY);
    return mmap(0, length, PROT_READ, MAP_SHARED, fd, base);
}
"""
CALLER_UNIT = """void *map_physical(unsigned long base, unsigned long length);
void *bios_{n}(void) {{ return map_physical(0xF0000, 0x10000); }}
"""


# What a grep-like tool can find: open() of the device named by a literal.
SEMANTIC_PATCH = """@@
@@
* open("/dev/mem", ...)
"""


def timed(command):
    start = time.monotonic()
    result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - start, result.returncode


def median_time(command, runs, ok=(0, 1)):
    times = []
    for _ in range(runs):
        elapsed, status = timed(command)
        if status not in ok:
            sys.exit(f"{' '.join(command)} exited with {status}")
        times.append(elapsed)
    return statistics.median(times)


def write_plain_tree(directory, files):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "common.h"), "w") as header:
        header.write("static inline int scale(int i) { return i * 3 + 1; }\n")
    for n in range(files):
        with open(os.path.join(directory, f"plain{n}.c"), "w") as unit:
            unit.write(PLAIN_UNIT.format(n=n))


def write_scaled_tree(directory, copies):
    for copy in range(copies):
        part = os.path.join(directory, f"part{copy}")
        write_plain_tree(part, 20)
        with open(os.path.join(part, "wrapper.c"), "w") as unit:
            unit.write(WRAPPER_UNIT)
        for n in range(2):
            with open(os.path.join(part, f"caller{n}.c"), "w") as unit:
                unit.write(CALLER_UNIT.format(n=n))


def text_search_command(tree):
    if shutil.which("rg"):
        return "rg -l", ["rg", "-l", "-e", LITERALS, tree]
    return "grep -rlE", ["grep", "-rlE", LITERALS, tree]


def inferred_flags(tree):
    """The jobs devmem-scan makes of a directory: (file, arguments) for every source."""
    sources = []
    include_directories = set()
    for root, _, files in os.walk(tree):
        for name in files:
            extension = os.path.splitext(name)[1]
            if extension in SOURCE_EXTENSIONS:
                sources.append(os.path.join(root, name))
            elif extension in (".h", ".hpp"):
                include_directories.add(os.path.abspath(root))
    includes = [f"-I{d}" for d in sorted(include_directories)]
    jobs = []
    for source in sorted(sources):
        language = ["-x", "c", "-std=gnu11"] if source.endswith(".c") else \
            ["-x", "c++", "-std=gnu++17"]
        jobs.append((source, language + includes))
    return jobs


def syntax_only_time(tree, threads):
    clang = shutil.which("clang-19") or shutil.which("clang")
    jobs = inferred_flags(tree)

    def check(job):
        source, flags = job
        subprocess.run([clang, "-fsyntax-only", "-w", *flags, source],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       cwd=os.path.dirname(source))

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(check, jobs))
    return time.monotonic() - start, len(jobs)


def spatch_command(tree, jobs, scratch, includes=("--no-includes",)):
    """spatch with the semantic patch over the tree; `includes` says which headers spatch reads
    (by default none, as for the target line)."""
    patch = os.path.join(scratch, "devmem-open.cocci")
    with open(patch, "w") as out:
        out.write(SEMANTIC_PATCH)
    return ["spatch", "--sp-file", patch, "--dir", tree, "-j", str(jobs), "--very-quiet",
            *includes]


def spatch_run(command):
    """(seconds, matches) of one run of `command` (spatch_command())."""
    start = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, errors="replace")
    elapsed = time.monotonic() - start
    # Each match is a removed ("-" in column 0 of the diff, "*" marks it) line of the context
    # diff spatch prints.
    matches = sum(1 for text in result.stdout.splitlines()
                  if text.startswith("-") and not text.startswith("---"))
    return elapsed, matches


def paired_medians(ours, theirs, runs):
    """Median seconds of devmem-scan (`ours`) and of spatch (`theirs`), and spatch's matches.
    The runs alternate, so that both sides see the machine in the same state."""
    our_times, their_times, matches = [], [], 0
    for _ in range(runs):
        elapsed, status = timed(ours)
        if status not in (0, 1):
            sys.exit(f"{' '.join(ours)} exited with {status}")
        our_times.append(elapsed)
        elapsed, matches = spatch_run(theirs)
        their_times.append(elapsed)
    return statistics.median(our_times), statistics.median(their_times), matches


def scan_findings(scan, tree):
    result = subprocess.run([*scan, "--format", "json", tree], capture_output=True, text=True,
                            errors="replace")
    if result.returncode not in (0, 1):
        sys.exit(f"devmem-scan exited with {result.returncode}: {result.stderr}")
    return len(json.loads(result.stdout)["findings"])


def cache_ratio(scan, tree, runs, scratch):
    """Median cold and warm times with a fresh --cache-dir per run."""
    colds, warms = [], []
    for run in range(runs):
        cache = os.path.join(scratch, f"cache{run}")
        colds.append(median_time([*scan, "--cache-dir", cache, tree], 1))
        warms.append(median_time([*scan, "--cache-dir", cache, tree], 1))
        shutil.rmtree(cache)
    return statistics.median(warms), statistics.median(colds)


def line(what, ours, theirs, target):
    ratio = ours / theirs if theirs > 0 else float("inf")
    verdict = "ok" if ratio <= target else "over target"
    print(f"{what}: {ours:.2f} s vs {theirs:.2f} s = {ratio:.2f}x (target <= {target}x, {verdict})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("devmem_scan")
    parser.add_argument("--plain", help="a tree with nothing to find")
    parser.add_argument("--xserver", help="the X server source tree")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    runs = 1 if options.quick else options.runs
    usage = subprocess.run([options.devmem_scan, "--help"], capture_output=True, text=True).stdout
    scan = [options.devmem_scan]
    if "-j" in usage:
        scan += ["-j", str(options.jobs)]  # otherwise its default: every core

    with tempfile.TemporaryDirectory(prefix="scan-bench-") as scratch:
        plain = options.plain
        if plain is None:
            plain = os.path.join(scratch, "plain")
            write_plain_tree(plain, 40 if options.quick else 5000)
        label, search = text_search_command(plain)
        # One untimed run of each first (as hyperfine --warmup): the tree was just written, and
        # whichever ran first would pay for bringing its 5000 inodes into the cache.
        timed([*scan, plain])
        timed(search)
        line(f"no-trigger tree, devmem-scan vs {label}", median_time([*scan, plain], runs),
             median_time(search, runs, ok=(0, 1)), 3)

        if options.xserver and not options.quick:
            ours = median_time([*scan, options.xserver], 1)
            theirs, units = syntax_only_time(options.xserver, options.jobs)
            line(f"X server ({units} units), devmem-scan vs clang -fsyntax-only", ours, theirs,
                 0.5)

        if options.xserver and not options.quick:
            if shutil.which("spatch"):
                ours, theirs, matches = paired_medians(
                    [*scan, options.xserver],
                    spatch_command(options.xserver, options.jobs, scratch), runs)
                found = scan_findings(scan, options.xserver)
                line(f"X server, devmem-scan ({found} findings) vs spatch ({matches} matches of "
                     "open(\"/dev/mem\", ...))", ours, theirs, 1.0)
                # For reference, not a target: spatch reading every header through the include
                # directories devmem-scan infers, as devmem-scan does.
                directories = sorted({flag[2:] for _, flags in inferred_flags(options.xserver)
                                      for flag in flags if flag.startswith("-I")})
                with_headers, _ = spatch_run(spatch_command(
                    options.xserver, options.jobs, scratch,
                    ["--all-includes", *[a for d in directories for a in ("-I", d)]]))
                ratio = ours / with_headers if with_headers > 0 else float("inf")
                print(f"  for reference, spatch --all-includes with the same -I directories: "
                      f"{with_headers:.2f} s ({ratio:.2f}x)")
            else:
                print("X server vs spatch: not measured (no spatch; scripts/install-deps --bench)")

        scales = (1, 4) if options.quick else (1, 4, 16)
        timings = []
        for scale in scales:
            tree = os.path.join(scratch, f"scaled{scale}")
            write_scaled_tree(tree, scale)
            timings.append(median_time([*scan, tree], runs))

        if "--cache-dir" in usage:
            cached_tree = options.xserver if options.xserver and not options.quick else \
                os.path.join(scratch, "scaled4")
            warm, cold = cache_ratio(scan, cached_tree, runs, scratch)
            line(f"warm vs cold re-run with --cache-dir ({os.path.basename(cached_tree)})", warm,
                 cold, 0.1)
        else:
            print("warm vs cold re-run: not measured (this devmem-scan has no --cache-dir)")

        print("scaling (23 files per 1x): " +
              ", ".join(f"{s}x {t:.2f} s" for s, t in zip(scales, timings)))


if __name__ == "__main__":
    main()
