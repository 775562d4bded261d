#!/usr/bin/env python3
"""Setuid, setgid and file-capability programs (AT_SECURE) honour DEVMEM_SHIM_MODE=off and
nothing else: run for real, as an unprivileged user, with the preload loaded the way it reaches
such programs in production, from /etc/ld.so.preload (the loader ignores LD_PRELOAD paths there).

Nothing outside a private mount namespace changes: inside `unshare --mount`, a tmpfs holds
copies of the library and the probe (made setuid root, setgid root, and given a file
capability), /etc gets an overlay whose upper layer is on that tmpfs so that the namespace's own
/etc/ld.so.preload names the copy, and /sys/firmware is replaced by a fixture firmware
directory (SMBIOS 3) that plays the host's. The probes run as nobody with DEVMEM_SHIM_DUMP
naming a different fixture (SMBIOS 2) and DEVMEM_SHIM_LOG set. A secure probe must serve the
host's tables, write no log and obey only DEVMEM_SHIM_MODE=off; the same probe without
privileges, the control, must take the dump and write the log.

Exit 77 (skipped) when not root, where a real /dev/mem exists (auto mode would open it), or
when the namespace, tmpfs, overlay or setpriv is unavailable.

usage: secure_e2e.py --preload LIB --probe PROBE --fixtures DIR
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
SM3_ANCHOR = "bytes=5f534d33"  # the "host's" /sys/firmware
SM2_ANCHOR = "bytes=5f534d5f"  # DEVMEM_SHIM_DUMP


def skip(why):
    print(f"SKIP: {why}")
    return SKIP


def mount(*args):
    return subprocess.run(["mount", *args], capture_output=True, text=True).returncode == 0


def mount_type(target):
    """The filesystem type of the mount at target in this namespace, or None."""
    with open("/proc/self/mountinfo") as info:
        types = [line.split(" - ")[1].split()[0] for line in info
                 if line.split()[4] == target]
    return types[-1] if types else None


class Root:
    """The tmpfs laid out for the namespace."""

    def __init__(self, path, args):
        self.path = path
        self.library = os.path.join(path, "lib", "libdevmem-shim.so")
        self.dump = os.path.join(path, "smbios2.bin")
        self.logs = os.path.join(path, "logs")
        os.makedirs(os.path.dirname(self.library))
        os.makedirs(os.path.join(path, "bin"))
        os.makedirs(self.logs)
        os.chmod(self.logs, 0o1777)
        shutil.copy(args.preload, self.library)
        shutil.copy(os.path.join(args.fixtures, "smbios2.bin"), self.dump)
        shutil.copytree(os.path.join(args.fixtures, "smbios3-efi.fw"),
                        os.path.join(path, "firmware"))
        self.probes = {}
        for kind, mode in (("plain", 0o755), ("setuid", 0o4755), ("setgid", 0o2755),
                           ("capability", 0o755)):
            self.probes[kind] = os.path.join(path, "bin", f"probe-{kind}")
            shutil.copy(args.probe, self.probes[kind])
            os.chown(self.probes[kind], 0, 0)
            os.chmod(self.probes[kind], mode)
        if subprocess.run(["setcap", "cap_net_bind_service+ep", self.probes["capability"]],
                          capture_output=True).returncode != 0:
            del self.probes["capability"]


def run_as_nobody(probe, args, env):
    result = subprocess.run(NOBODY + [probe, *args], env=env, capture_output=True, text=True)
    return result.stdout + result.stderr


def check(root):
    failures = []

    def expect(what, output, line):
        ok = line in output.splitlines()
        print(f"{'PASS' if ok else 'FAIL'}: {what}: expected {line!r}, got {output.strip()!r}")
        if not ok:
            failures.append(what)

    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    for kind, probe in root.probes.items():
        secure = kind != "plain"
        log = os.path.join(root.logs, kind)
        env = dict(base, DEVMEM_SHIM_DUMP=root.dump, DEVMEM_SHIM_LOG=log)
        expect(f"{kind}: AT_SECURE", run_as_nobody(probe, ["at-secure"], env),
               f"at_secure={int(secure)}")
        for mode in ("always", "audit", "auto"):
            output = run_as_nobody(probe, ["pread", "/dev/mem", "0xF0000", "4"],
                                   dict(env, DEVMEM_SHIM_MODE=mode))
            if secure:
                expect(f"{kind}, DEVMEM_SHIM_MODE={mode}: the host's tables, not the dump",
                       output, SM3_ANCHOR)
            elif mode == "audit":
                expect(f"{kind}, DEVMEM_SHIM_MODE={mode}: passed through", output,
                       "open errno=ENOENT")
            else:
                expect(f"{kind}, DEVMEM_SHIM_MODE={mode}: the dump", output, SM2_ANCHOR)
        expect(f"{kind}, DEVMEM_SHIM_MODE=off: passed through",
               run_as_nobody(probe, ["pread", "/dev/mem", "0xF0000", "4"],
                             dict(env, DEVMEM_SHIM_MODE="off")), "open errno=ENOENT")
        logged = os.path.exists(log)
        ok = logged != secure
        print(f"{'PASS' if ok else 'FAIL'}: {kind}: DEVMEM_SHIM_LOG "
              f"{'written' if logged else 'not written'}")
        if not ok:
            failures.append(f"{kind}: log")
    if "capability" not in root.probes:
        print("NOTE: setcap failed here, so no file-capability probe ran")
    return 1 if failures else 0


def inside(args):
    """In the private mount namespace: build the tmpfs, overlay /etc, replace /sys/firmware."""
    if os.readlink("/proc/self/ns/mnt") == args.outer_namespace:
        return skip("unshare did not give a new mount namespace")
    if not mount("--make-rprivate", "/") or not mount("-t", "tmpfs", "-o", "mode=755", "tmpfs",
                                                      args.inside):
        return skip("cannot mount a tmpfs in the namespace")
    root = Root(args.inside, args)
    upper, work = os.path.join(args.inside, "etc-upper"), os.path.join(args.inside, "etc-work")
    os.makedirs(upper)
    os.makedirs(work)
    if not mount("-t", "overlay", "overlay", "-o",
                 f"lowerdir=/etc,upperdir={upper},workdir={work}", "/etc"):
        return skip("cannot mount an overlay on /etc in the namespace")
    # Only an overlay in this namespace may receive the file: never the real /etc.
    if mount_type("/etc") != "overlay":
        return skip("/etc is not the namespace's overlay")
    with open("/etc/ld.so.preload", "w") as preload:
        preload.write(root.library + "\n")
    if not mount("--bind", os.path.join(args.inside, "firmware"), "/sys/firmware"):
        return skip("cannot bind a fixture over /sys/firmware in the namespace")
    return check(root)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preload", required=True)
    parser.add_argument("--probe", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--inside", help=argparse.SUPPRESS)
    parser.add_argument("--outer-namespace", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        return inside(args)
    if os.geteuid() != 0:
        return skip("needs root to make setuid files and a mount namespace")
    if os.path.exists("/dev/mem"):
        return skip("a real /dev/mem exists here, and auto mode would open it")
    for tool in ("unshare", "setpriv", "mount"):
        if not shutil.which(tool):
            return skip(f"{tool} is not installed")
    if subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode != 0:
        return skip("unshare --mount is not permitted here")
    mountpoint = tempfile.mkdtemp(prefix="devmem-secure-")
    try:
        return subprocess.run(
            ["unshare", "--mount", "--propagation", "private", "--", sys.executable,
             os.path.abspath(__file__), "--preload", os.path.abspath(args.preload),
             "--probe", os.path.abspath(args.probe), "--fixtures",
             os.path.abspath(args.fixtures), "--inside", mountpoint,
             "--outer-namespace", os.readlink("/proc/self/ns/mnt")]).returncode
    finally:
        os.rmdir(mountpoint)


if __name__ == "__main__":
    sys.exit(main())
