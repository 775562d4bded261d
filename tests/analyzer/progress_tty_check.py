#!/usr/bin/env python3
"""devmem-scan draws its progress line only when standard error is a terminal.

usage: progress_tty_check.py DEVMEM_SCAN RULES_DIR CORPUS_DIR
Runs the scan twice, standard error on a pseudo-terminal and then on a pipe: the first must show
"[done/total] N files/s" and erase it, the second must not; the reports must be the same.
"""
import os
import pty
import re
import subprocess
import sys
import tempfile

PROGRESS = re.compile(rb"\r\[ *(\d+)/(\d+)\] \d+ files/s")


def run_on_terminal(command):
    controller, terminal = pty.openpty()
    # A file, not a pipe: the report must not block the scan while the terminal is being read.
    report = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdout=report, stderr=terminal)
    os.close(terminal)
    drawn = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # EIO: the last holder of the terminal closed it
            break
        if not chunk:
            break
        drawn += chunk
    process.wait()
    report.seek(0)
    out = report.read()
    os.close(controller)
    return process.returncode, out, drawn


def main():
    scan, rules, corpus = sys.argv[1:4]
    command = [scan, "--rules", rules, "-j", "2", corpus]
    status, out, drawn = run_on_terminal(command)
    lines = PROGRESS.findall(drawn)
    if not lines:
        sys.exit(f"no progress line on the terminal: {drawn[:200]!r}")
    done, total = map(int, lines[-1])
    if done != total:
        sys.exit(f"the last progress line is [{done}/{total}], not complete")
    if not drawn.endswith(b"\r"):
        sys.exit(f"the progress line was not erased: {drawn[-80:]!r}")
    piped = subprocess.run(command, capture_output=True)
    if piped.stderr:
        sys.exit(f"standard error on a pipe is not quiet: {piped.stderr[:200]!r}")
    if piped.stdout != out or piped.returncode != status:
        sys.exit("the report differs between a terminal and a pipe")
    quiet_status, _, quiet = run_on_terminal([scan, "--no-progress", *command[1:]])
    if quiet or quiet_status != status:
        sys.exit(f"--no-progress still drew on the terminal: {quiet[:200]!r}")
    print(f"progress drawn up to [{done}/{total}] on a terminal, nothing on a pipe")


if __name__ == "__main__":
    main()
