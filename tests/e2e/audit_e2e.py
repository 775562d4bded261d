#!/usr/bin/env python3
"""Audit mode and auto mode against a /dev/mem that is present, which no machine of the project
has: devmem-probe runs preloaded with a stand-in device at the path /dev/mem, never the real one.

The stand-in is put there inside a private mount namespace (`unshare -m`, or `unshare -r -m`
where only a user namespace can be made): a tmpfs with the usual nodes and the stand-in bound
onto its `mem` replaces /dev for the probe alone. Where no namespace can be made (a chroot, an
unprivileged container), proot's bind (`proot -b STANDIN:/dev/mem`, ptrace, no privilege) does
the same. Before anything runs preloaded, /dev/mem in that view must be the stand-in itself
(same device and inode); otherwise that way is not used. Exit 77 (skipped) when no way works.

Stand-ins: a regular file whose every byte depends on its offset (so a read or mapping shows
which physical range it got), /dev/zero (a character device that is not 1:1, as a device bound
over /dev/mem in a container) and /dev/full (whose mmap fails: a pass-through error).

Checked: audit mode gives the program the stand-in's bytes, not the synthetic image, and logs
the open and every read, readv, pread, preadv and mmap with its offset, length, class and the
pass-through result (the device's own error when it fails); auto mode with a fixture passes the
present device through (its bytes and its stat) and serves nothing; the control runs see the same
bytes without the preload and no log, and the image (not the stand-in) in mode always.

usage: audit_e2e.py --preload LIB --probe PROBE --fixtures DIR
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

SKIP = 77
STANDIN_SIZE = 0x110000  # the low megabyte and a little more
SM2_ANCHOR = "bytes=5f534d5f"  # the image of smbios2.bin at 0xF0000

# Run with: VIEW STANDIN COMMAND...; VIEW an empty directory for the namespace's /dev.
NAMESPACE_DEV = r"""
set -e
view=$1 standin=$2
shift 2
mount -t tmpfs devmem-audit-dev "$view"
for node in null zero full random urandom; do
    touch "$view/$node"
    mount --bind "/dev/$node" "$view/$node"
done
touch "$view/mem"
mount --bind "$standin" "$view/mem"
mount --rbind "$view" /dev
exec "$@"
"""


# Python's stat, not coreutils': proot does not translate statx, which coreutils' stat uses.
SHOW_IDENTITY = "import os; st = os.stat('/dev/mem'); print(f'{st.st_dev}:{st.st_ino}')"


def physical_pattern(size):
    return bytes((offset * 7 + (offset >> 8) * 13 + (offset >> 16) * 101) & 0xFF
                 for offset in range(size))


def identity(path):
    st = os.stat(path)
    return f"{st.st_dev}:{st.st_ino}"


class DeviceView:
    """A way to run a command that sees a given stand-in at /dev/mem."""

    def __init__(self, work):
        self.view = os.path.join(work, "dev")
        os.mkdir(self.view)
        self.how = None
        self.why_not = []

    def wrapper(self, how, standin):
        if how == "proot":
            return ["proot", "-b", f"{standin}:/dev/mem"]
        return how.split() + ["bash", "-c", NAMESPACE_DEV, "namespace-dev", self.view, standin]

    def shows(self, how, standin):
        """Whether /dev/mem under `how` is the stand-in itself."""
        try:
            command = self.wrapper(how, standin) + [sys.executable, "-c", SHOW_IDENTITY]
            seen = subprocess.run(command, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as error:
            self.why_not.append(f"{how}: {error}")
            return False
        if seen.returncode == 0 and seen.stdout.strip() == identity(standin):
            return True
        self.why_not.append(f"{how}: {(seen.stderr.strip() or seen.stdout.strip())[:200]}")
        return False

    def choose(self, standin):
        for how in ("unshare -m --propagation private", "unshare -r -m --propagation private",
                    "proot"):
            if self.shows(how, standin):
                self.how = how
                return True
        return False

    def run(self, standin, argv, env):
        command = self.wrapper(self.how, standin) + ["env", *env] + argv
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        return result.stdout + result.stderr


class Checks:
    def __init__(self):
        self.failures = []

    def expect(self, what, ok, detail=""):
        print(f"{'PASS' if ok else 'FAIL'}: {what}" + (f": {detail}" if detail else ""))
        if not ok:
            self.failures.append(what)

    def line(self, what, output, line):
        self.expect(what, line in output.splitlines(), f"expected {line!r}, got {output.strip()!r}")


def records(log):
    if not os.path.exists(log):
        return []
    with open(log) as lines:
        parsed = [json.loads(line) for line in lines]
    os.remove(log)
    return parsed


def access_of(record):
    return f"{record['op']} {record['offset']}+{record['length']}"


def check_access_records(checks, what, found, expected, result="passthrough"):
    """The records after the open: each access, of /dev/mem as physical memory, classed."""
    checks.expect(f"{what}: the open is logged as passed through",
                  bool(found) and found[0]["op"] == "open" and found[0]["result"] == "passthrough"
                  and found[0]["path"] == "/dev/mem", json.dumps(found[:1]))
    accesses = found[1:]
    checks.expect(f"{what}: each access is logged", [(access_of(r), r.get("class"))
                                                     for r in accesses] == expected,
                  f"expected {expected}, got {[(access_of(r), r.get('class')) for r in accesses]}")
    for record in accesses:
        checks.expect(f"{what}: {access_of(record)} is {result}, of /dev/mem, by the probe",
                      record["result"] == result and record["path"] == "/dev/mem"
                      and record["region"] == "physical-memory"
                      and record["pid"] == found[0]["pid"]
                      and record["exe"].endswith("devmem-probe"), json.dumps(record))


def check(args, work, view, standins):
    checks = Checks()
    contents = physical_pattern(STANDIN_SIZE)
    log = os.path.join(work, "audit.jsonl")
    preload = [f"LD_PRELOAD={args.preload}"]
    audit = preload + ["DEVMEM_SHIM_MODE=audit", f"DEVMEM_SHIM_LOG={log}"]
    dump = os.path.join(args.fixtures, "smbios2.bin")

    def expected_bytes(offset, length):
        return "bytes=" + contents[offset:offset + length].hex()

    def probe(standin, probe_args, env):
        return view.run(standins[standin], [args.probe, *probe_args], env)

    # Audit mode on a regular file with known bytes: what a reader of each range gets, logged.
    checks.line("audit: pread gets the device's bytes",
                probe("pattern", ["pread", "/dev/mem", "0xF0000", "16"], audit),
                expected_bytes(0xF0000, 16))
    check_access_records(checks, "audit pread", records(log), [("pread 983040+16", "bios-area")])
    checks.line("audit: mmap gets the device's bytes",
                probe("pattern", ["mmap", "/dev/mem", "0xC0000", "16"], audit),
                expected_bytes(0xC0000, 16))
    check_access_records(checks, "audit mmap", records(log), [("mmap 786432+16", "option-rom")])
    checks.line("audit: every kind of read and mapping succeeds",
                probe("pattern", ["accesses", "/dev/mem"], audit), "read=22 mapped=1")
    check_access_records(checks, "audit accesses", records(log), [
        ("read 983040+4", "bios-area"), ("readv 983044+4", "bios-area"),
        ("pread 983056+8", "bios-area"), ("preadv 983072+4", "bios-area"),
        ("pread 983088+2", "bios-area"), ("mmap64 983040+65536", "bios-area")])

    # A character device that is not numbered 1:1 is still recognised as the /dev/mem opened.
    checks.line("audit on a character device: pread gets its zeros",
                probe("zero", ["pread", "/dev/mem", "0xF0000", "8"], audit), "bytes=" + "00" * 8)
    check_access_records(checks, "audit pread of a character device", records(log),
                         [("pread 983040+8", "bios-area")])
    checks.line("audit on a character device: mmap gets its zeros",
                probe("zero", ["mmap", "/dev/mem", "0xF0000", "8"], audit), "bytes=" + "00" * 8)
    check_access_records(checks, "audit mmap of a character device", records(log),
                         [("mmap 983040+8", "bios-area")])
    checks.line("audit: the device's own mmap error reaches the program",
                probe("full", ["mmap", "/dev/mem", "0xF0000", "8"], audit), "mmap errno=ENODEV")
    failed = records(log)
    check_access_records(checks, "audit of a failing mmap", failed,
                         [("mmap 983040+8", "bios-area")], result="failed")
    checks.expect("audit of a failing mmap: the record says why",
                  len(failed) == 2 and failed[1].get("detail") == os.strerror(19),
                  json.dumps(failed[1:]))

    # Auto mode tries the real device first: present, it is passed through, even with a fixture.
    auto = preload + [f"DEVMEM_SHIM_DUMP={dump}", "DEVMEM_SHIM_MODE=auto",
                      f"DEVMEM_SHIM_LOG={log}"]
    checks.line("auto with a present device: pread gets the device's bytes, not the image",
                probe("pattern", ["pread", "/dev/mem", "0xF0000", "4"], auto),
                expected_bytes(0xF0000, 4))
    checks.line("auto with a present device: stat describes the device itself",
                probe("zero", ["stat", "/dev/mem"], auto), "stat mode=20666 rdev=1:5")
    served = [r for r in records(log) if r["result"] == "served"]
    checks.expect("auto with a present device: nothing is served", not served, json.dumps(served))

    # Controls: the same bytes without the preload and then no log, and the image in mode always.
    checks.line("control without the preload: the same bytes",
                probe("pattern", ["pread", "/dev/mem", "0xF0000", "16"],
                      [f"DEVMEM_SHIM_LOG={log}"]), expected_bytes(0xF0000, 16))
    checks.expect("control without the preload: no log", not os.path.exists(log))
    checks.line("control in mode always: the image, not the stand-in",
                probe("pattern", ["pread", "/dev/mem", "0xF0000", "4"],
                      preload + [f"DEVMEM_SHIM_DUMP={dump}"]), SM2_ANCHOR)
    return checks.failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--preload", required=True)
    parser.add_argument("--probe", required=True)
    parser.add_argument("--fixtures", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="devmem-audit-") as work:
        standins = {"pattern": os.path.join(work, "physical-memory"), "zero": "/dev/zero",
                    "full": "/dev/full"}
        with open(standins["pattern"], "wb") as out:
            out.write(physical_pattern(STANDIN_SIZE))
        view = DeviceView(work)
        if not view.choose(standins["pattern"]):
            print("SKIP: no way to show a stand-in at /dev/mem: " + "; ".join(view.why_not))
            return SKIP
        print(f"/dev/mem stand-ins through: {view.how}")
        failures = check(args, work, view, standins)
    print(f"{len(failures)} failure(s)" + (": " + ", ".join(failures) if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
