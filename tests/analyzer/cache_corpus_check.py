#!/usr/bin/env python3
"""devmem-scan's report over the whole corpus is byte for byte the same parsed in-process, in
worker processes, into an empty cache and from a full one, and the warm run rewrites no entry.

usage: cache_corpus_check.py DEVMEM_SCAN RULES_DIR CORPUS_DIR
"""
import os
import subprocess
import sys
import tempfile


def scan(command):
    result = subprocess.run(command, capture_output=True)
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} exited with {result.returncode}: {result.stderr!r}")
    return result.returncode, result.stdout


def entries(cache):
    return {name: os.stat(os.path.join(cache, name)).st_ino
            for name in os.listdir(cache) if name.endswith(".entry")}


def main():
    devmem_scan, rules, corpus = sys.argv[1:4]
    base = [devmem_scan, "--rules", rules, "--format", "json", "-j", "2", corpus]
    with tempfile.TemporaryDirectory(prefix="devmem-cache-check-") as cache:
        runs = {
            "in-process": scan([*base, "--tu-timeout", "0", "--tu-memory-limit", "0"]),
            "workers": scan(base),
            "cold cache": scan([*base, "--cache-dir", cache]),
        }
        stored = entries(cache)
        runs["warm cache"] = scan([*base, "--cache-dir", cache])
        reference = runs["in-process"]
        for name, result in runs.items():
            if result != reference:
                sys.exit(f"the {name} report differs from the in-process one")
        if not stored:
            sys.exit("the cold run stored nothing")
        if entries(cache) != stored:
            sys.exit("the warm run rewrote cache entries")
    print(f"{len(stored)} units cached; four identical reports")


if __name__ == "__main__":
    main()
