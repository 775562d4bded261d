#!/usr/bin/env python3
"""devmem-scan parses in a child process it watches (docs/lint.md, --tu-timeout). When
devmem-scan itself is killed (a cancelled CI job), that child must not go on parsing: it dies
with its watcher. The check starts a scan of a unit that parses for minutes, waits for the
child, kills devmem-scan with SIGKILL and expects the child gone within seconds.

usage: watched_child_check.py DEVMEM_SCAN RULES_DIR
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

# Preprocessor output that doubles with every level: it parses far longer than the check waits.
EXPLODING_UNIT = "const char *device = \"/dev/mem\";\n#define E0 1 +\n" + "".join(
    f"#define E{level} E{level - 1} E{level - 1}\n" for level in range(1, 29)) + \
    "int explode = E28 1;\n"


def children_of(pid):
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def main():
    scanner, rules = sys.argv[1:3]
    with tempfile.TemporaryDirectory() as directory:
        source = os.path.join(directory, "explode.c")
        with open(source, "w") as out:
            out.write(EXPLODING_UNIT)
        scan = subprocess.Popen([scanner, "--rules", rules, "--tu-timeout", "600",
                                 "--tu-memory-limit", "0", source],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        children = []
        if not wait_for(lambda: children.extend(children_of(scan.pid)) or children, 20):
            scan.kill()
            scan.wait()
            sys.exit("devmem-scan started no watched process within 20 s")
        scan.send_signal(signal.SIGKILL)
        scan.wait()
        if not wait_for(lambda: not any(alive(child) for child in children), 10):
            for child in children:
                os.kill(child, signal.SIGKILL)
            sys.exit(f"the watched process {children} outlived devmem-scan by 10 s")
    print("the watched process died with devmem-scan")


if __name__ == "__main__":
    main()
