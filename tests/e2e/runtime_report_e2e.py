#!/usr/bin/env python3
"""Corpus programs run through `devmem-shim --log`, their log merged by `devmem-scan --runtime-log`:
each map and read site the analyzer found must be shown with the record of that very access,
at the range and class the analyzer gave it, and no record may be left unexplained.

usage: runtime_report_e2e.py --scan DEVMEM_SCAN --launcher DEVMEM_SHIM --fixture DUMP
                             --corpus CORPUS --workdir DIR
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

# (corpus directory, source file, arguments): built as the source's stem, the executable name
# the merge attributes to that program.
PROGRAMS = [
    ("stdio-fopen-fileno-mmap", "biosdate.c", []),
    ("read-plain-offset0-ivt", "ivtdump.c", []),
    ("open-openat-atfdcwd-pread", "romscan.c", []),
    ("largefile64-mmap64-pread64", "lapic.c", []),
    ("read-readv-iovec", "rdv.c", ["10"]),
]

# (source file, rule, logged operation, class, result, match): the access each map or read site
# makes. lapic maps the local APIC page, far beyond the image: the map is denied (the program
# goes on), and its pread64 there reads nothing. rdv's readv range depends on its argument, so
# the analyzer has no range and the match is only possible.
EXPECTED = [
    ("biosdate.c", "DM002", "mmap", "bios-area", "served", "matched"),
    ("ivtdump.c", "DM003", "read", "real-mode-low", "served", "matched"),
    ("romscan.c", "DM003", "pread", "acpi-rsdp-window", "served", "matched"),
    ("lapic.c", "DM002", "mmap64", "above-1mib", "denied", "matched"),
    ("lapic.c", "DM003", "pread64", "above-1mib", "served", "matched"),
    ("rdv.c", "DM003", "readv", "bios-area", "served", "possible"),
]

OPENS = {"open", "open64", "openat", "fopen"}


def fail(message):
    print(f"runtime_report_e2e: FAIL: {message}")
    sys.exit(1)


def run_programs(args, log):
    for directory, source, arguments in PROGRAMS:
        stem = os.path.splitext(source)[0]
        program = os.path.join(args.workdir, stem)
        subprocess.run(["cc", "-o", program, os.path.join(args.corpus, directory, source)],
                       check=True)
        run = subprocess.run([args.launcher, "--dump", args.fixture, "--log", log, "--", program]
                             + arguments, capture_output=True, text=True, check=False)
        if run.returncode != 0:
            fail(f"{stem} through the shim exited {run.returncode}: {run.stderr}")


def records_of(log):
    with open(log, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def merged_report(args, log):
    run = subprocess.run([args.scan, "--format", "json", "--root", args.corpus, "--runtime-log",
                          log] + [os.path.join(args.corpus, d) for d, _, _ in PROGRAMS],
                         capture_output=True, text=True, check=False)
    if run.returncode > 1:
        fail(f"devmem-scan exited {run.returncode}: {run.stderr}")
    return json.loads(run.stdout)


def check_log(records):
    accesses = [r for r in records if r["op"] not in OPENS]
    if len(accesses) != len(EXPECTED):
        fail(f"{len(accesses)} reads and maps logged, expected {len(EXPECTED)}: {accesses}")
    for source, _, op, range_class, result, _ in EXPECTED:
        stem = os.path.splitext(source)[0]
        if not any(os.path.basename(r["exe"]) == stem and r["op"] == op and
                   r.get("class") == range_class and r["result"] == result for r in accesses):
            fail(f"no {op} of {range_class} {result} by {stem} in the log: {accesses}")


def check_report(report):
    for source, rule, op, range_class, result, match in EXPECTED:
        findings = [f for f in report["findings"]
                    if f["rule"] == rule and f["location"]["file"].endswith("/" + source)]
        if not findings:
            fail(f"no {rule} finding in {source}")
        seen = [r for f in findings for r in f["runtime"]]
        if not any(r["op"] == op and r.get("class") == range_class and r["result"] == result and
                   r["match"] == match for r in seen):
            fail(f"the {rule} finding of {source} does not show a {match} {op} of {range_class} "
                 f"({result}): {seen}")
    unexplained = report["runtime"]["unexplained"]
    if unexplained:
        fail(f"records no finding explains: {unexplained}")


def main():
    parser = argparse.ArgumentParser()
    for option in ("--scan", "--launcher", "--fixture", "--corpus", "--workdir"):
        parser.add_argument(option, required=True)
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    log = os.path.join(args.workdir, "run.jsonl")
    run_programs(args, log)
    check_log(records_of(log))
    check_report(merged_report(args, log))
    print(f"runtime_report_e2e: PASS: {len(EXPECTED)} map and read sites matched to their records")


if __name__ == "__main__":
    main()
