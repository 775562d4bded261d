#!/usr/bin/env python3
"""Runs the real dmidecode, biosdecode, vpddecode, ownership and acpidump through devmem-shim and
compares with what they decode from the dump or from an exported image, or with the fixture.

Every check also runs the command once without the shim, where it must fail: a preload that
silently did not load cannot pass. That control never opens a real /dev/mem: where one exists
it is skipped (the comparison with the fixture still catches a shim that did nothing).
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

SOURCE_LINES = re.compile(
    r"^(Reading SMBIOS/DMI data from file .*"
    r"|Scanning .* for entry point\."
    r"|Getting SMBIOS data from sysfs\."
    r"|Found SMBIOS entry point in EFI, reading table from /dev/mem\."
    r"|# SMBIOS3? entry point at 0x[0-9a-fA-F]+"
    r"|Table at 0x[0-9A-F]+\."
    r"|# Writing \d+ bytes to .*)$")


class Run:
    def __init__(self, argv):
        done = subprocess.run(argv, capture_output=True, text=True, errors="replace",
                              stdin=subprocess.DEVNULL)
        self.argv, self.status = argv, done.returncode
        self.stdout, self.stderr = normalise(done.stdout), normalise(done.stderr)

    def decoded(self):
        return (self.status, self.stdout, self.stderr)


def normalise(text):
    return [line for line in text.splitlines() if not SOURCE_LINES.match(line)]


def fail(message, *runs):
    print(f"FAIL: {message}")
    for run in runs:
        print(f"--- {' '.join(run.argv)} (exit {run.status})")
        print("\n".join(["stdout:"] + run.stdout[:40] + ["stderr:"] + run.stderr[:20]))
    sys.exit(1)


def expect_same(expected, actual):
    if expected.decoded() != actual.decoded():
        fail("outputs differ", expected, actual)


def control_fails(command):
    if os.path.exists("/dev/mem"):
        print("note: /dev/mem exists; the run without the shim is skipped so as not to read it")
        return
    run = Run(command)
    if run.status == 0:
        fail("the command succeeded without the shim, so the check proves nothing", run)


def dump_from_firmware_dir(directory, out_path):
    """The dmidecode --dump-bin layout of a sysfs-like directory: EP at 0, table at 32."""
    with open(os.path.join(directory, "dmi/tables/smbios_entry_point"), "rb") as f:
        ep = bytearray(f.read())
    with open(os.path.join(directory, "dmi/tables/DMI"), "rb") as f:
        table = f.read()
    if ep.startswith(b"_SM3_"):
        struct.pack_into("<Q", ep, 0x10, 32)
        ep[5] = 0
        ep[5] = -sum(ep[:ep[6]]) & 0xFF
    else:
        struct.pack_into("<I", ep, 0x18, 32)
        ep[0x15] = 0
        ep[0x15] = -sum(ep[0x10:0x1F]) & 0xFF
        ep[4] = 0
        ep[4] = -sum(ep[:ep[5]]) & 0xFF
    with open(out_path, "wb") as f:
        f.write(bytes(ep).ljust(32, b"\0") + table)


def check_dump(args):
    expected = Run([args.dmidecode, "--from-dump", args.source])
    command = [args.dmidecode, "--no-sysfs"]
    actual = Run([args.launcher, "--dump", args.source, "--"] + command)
    expect_same(expected, actual)
    if args.expect_broken and not any("DMI table is broken" in l for l in actual.stderr):
        fail("the broken table was not reported broken", actual)
    control_fails(command)


def check_sysfs(args):
    expected = Run([args.dmidecode, "--from-dump", args.source])
    actual = Run([args.launcher, "--dump", args.source, "--", args.dmidecode])
    expect_same(expected, actual)
    if not os.path.exists("/sys/firmware/dmi/tables/DMI"):
        control_fails([args.dmidecode, "--no-sysfs"])


def check_firmware(args):
    with tempfile.TemporaryDirectory() as tmp:
        dump = os.path.join(tmp, "expected.bin")
        dump_from_firmware_dir(args.source, dump)
        expected = Run([args.dmidecode, "--from-dump", dump])
    command = [args.dmidecode, "--no-sysfs"]
    actual = Run([args.launcher, "--firmware", args.source, "--"] + command)
    expect_same(expected, actual)
    control_fails(command)


def check_roundtrip(args):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "roundtrip.bin")
        dumped = Run([args.launcher, "--dump", args.source, "--",
                      args.dmidecode, "--no-sysfs", "--dump-bin", out])
        if dumped.status != 0 or not os.path.exists(out):
            fail("dmidecode --dump-bin through the shim failed", dumped)
        expect_same(Run([args.dmidecode, "--from-dump", args.source]),
                    Run([args.dmidecode, "--from-dump", out]))
    control_fails([args.dmidecode, "--no-sysfs", "--dump-bin", os.devnull])


def check_export(args):
    """The exported image is a valid memory file: dmidecode -d IMAGE decodes the source."""
    with tempfile.TemporaryDirectory() as tmp:
        image = os.path.join(tmp, "image.bin")
        exported = Run([args.launcher, "--dump", args.source, "--export-image", image])
        if exported.status != 0:
            fail("--export-image failed", exported)
        expect_same(Run([args.dmidecode, "--from-dump", args.source]),
                    Run([args.dmidecode, "--no-sysfs", "-d", image]))


def entry_point_summary(path):
    """What biosdecode must print about the entry point of a dump, from the bytes alone."""
    with open(path, "rb") as f:
        data = f.read()
    ep = data[:32]
    if ep.startswith(b"_SM3_"):
        # The shim shrinks a 3.x maximum that exceeds the table to the table (docs/shim.md).
        (maximum,) = struct.unpack_from("<I", ep, 0x0C)
        (table_offset,) = struct.unpack_from("<Q", ep, 0x10)
        served = min(maximum, len(data) - table_offset)
        return [f"SMBIOS {ep[7]}.{ep[8]}.{ep[9]} present.",
                f"\tStructure Table Maximum Length: {served} bytes"]
    if ep.startswith(b"_SM_"):
        return [f"SMBIOS {ep[6]}.{ep[7]} present.",
                "\tStructure Table Length: %d bytes" % struct.unpack_from("<H", ep, 0x16),
                "\tNumber Of Structures: %d" % struct.unpack_from("<H", ep, 0x1C)]
    return [f"Legacy DMI {ep[14] >> 4}.{ep[14] & 15} present.",
            "\tStructure Table Length: %d bytes" % struct.unpack_from("<H", ep, 6)]


def check_biosdecode(args):
    actual = Run([args.launcher, "--dump", args.source, "--", args.biosdecode])
    missing = [l for l in entry_point_summary(args.source) if l not in actual.stdout]
    if actual.status != 0 or missing:
        fail(f"biosdecode lacks {missing}", actual)
    control_fails([args.biosdecode])


def check_acpi(args):
    """biosdecode finds the synthesized RSDP of a firmware dir where --check says it is."""
    check = subprocess.run([args.launcher, "--check", "--firmware", args.source],
                           check=True, capture_output=True, text=True).stdout
    acpi = re.search(r"^acpi: \d+ tables, RSDP at [0-9a-fx ]+, RSDT at (0x\w+), XSDT at (0x\w+)$",
                     check, re.M)
    if not acpi:
        fail(f"devmem-shim --check reports no ACPI:\n{check}")
    rsdt, xsdt = (int(address, 16) for address in acpi.groups())
    expected = ["ACPI 2.0 present.", "\tOEM Identifier: DEVMEM",
                f"\tRSD Table 32-bit Address: 0x{rsdt:08X}",
                f"\tXSD Table 64-bit Address: 0x{xsdt:016X}"]
    actual = Run([args.launcher, "--firmware", args.source, "--", args.biosdecode])
    missing = [line for line in expected if line not in actual.stdout]
    if actual.status != 0 or missing:
        fail(f"biosdecode lacks {missing}", actual)
    control_fails([args.biosdecode])


def acpidump_tables(acpidump, launcher_prefix, workdir):
    """{name: bytes} of every table acpidump -b writes (it lists /sys/firmware/acpi/tables)."""
    os.makedirs(workdir)
    run = subprocess.run(launcher_prefix + [acpidump, "-b"], cwd=workdir, capture_output=True,
                         text=True, stdin=subprocess.DEVNULL)
    tables = {}
    for name in os.listdir(workdir):
        with open(os.path.join(workdir, name), "rb") as f:
            tables[name] = f.read()
    return run, tables


def check_acpidump(args):
    """acpidump, which lists /sys/firmware/acpi/tables with opendir and reads each file, dumps
    exactly the fixture's tables through the shim, and something else (the host's, or nothing)
    without it."""
    with tempfile.TemporaryDirectory() as tmp:
        firmware = os.path.join(tmp, "firmware")
        shutil.copytree(args.source, firmware)
        if not os.path.isdir(os.path.join(firmware, "acpi/tables/dynamic")):
            fail("the fixture lacks acpi/tables/dynamic/, which sysfs always has")
        tables_dir = os.path.join(firmware, "acpi/tables")
        expected = {}
        for name in os.listdir(tables_dir):
            if os.path.isfile(os.path.join(tables_dir, name)):
                with open(os.path.join(tables_dir, name), "rb") as f:
                    expected[name.lower() + ".dat"] = f.read()
        run, dumped = acpidump_tables(args.acpidump, [args.launcher, "--firmware", firmware, "--"],
                                      os.path.join(tmp, "shimmed"))
        if run.returncode != 0 or dumped != expected:
            print(run.stdout, run.stderr)
            fail(f"acpidump -b through the shim wrote {sorted(dumped)}, the fixture has "
                 f"{sorted(expected)} (or the bytes differ)")
        if os.path.exists("/dev/mem"):
            print("note: /dev/mem exists; acpidump without the shim is skipped")
            return
        _, host = acpidump_tables(args.acpidump, [], os.path.join(tmp, "host"))
        if host == expected:
            fail("acpidump without the shim dumped the fixture's tables: the check proves nothing")


# What vpddecode and ownership print on an image that has only what /sys/firmware exposes:
# neither an IBM VPD structure nor a Compaq ownership tag is there, so they report nothing found.
LEGACY_SCANNER_OUTPUT = {
    "vpddecode": [r"# vpddecode [0-9.]+", r"# No VPD structure found, sorry\."],
    "ownership": [],
}


def reports_nothing_found(tool, run):
    patterns = LEGACY_SCANNER_OUTPUT[os.path.basename(tool)]
    return (run.status == 0 and not run.stderr and len(run.stdout) == len(patterns)
            and all(re.fullmatch(p, line) for p, line in zip(patterns, run.stdout)))


def check_legacy_scanner(args, tool):
    """tool through the shim prints exactly what tool -d prints on the exported image."""
    source = ["--firmware" if os.path.isdir(args.source) else "--dump", args.source]
    with tempfile.TemporaryDirectory() as tmp:
        image = os.path.join(tmp, "image.bin")
        exported = Run([args.launcher] + source + ["--export-image", image])
        if exported.status != 0:
            fail("--export-image failed", exported)
        expected = Run([tool, "-d", image])
    actual = Run([args.launcher] + source + ["--", tool])
    expect_same(expected, actual)
    if not reports_nothing_found(tool, actual):
        fail(f"{tool} did not report a machine without its structures", actual)
    control_fails([tool])


def check_refused(args):
    """A malformed source: the launcher refuses it, the bare preload denies /dev/mem."""
    launched = Run([args.launcher, "--dump", args.source, "--", args.dmidecode, "--no-sysfs"])
    if launched.status != 3:
        fail("the launcher ran a command on a malformed source", launched)
    env = dict(os.environ, LD_PRELOAD=args.preload, DEVMEM_SHIM_DUMP=args.source)
    done = subprocess.run([args.dmidecode, "--no-sysfs"], env=env, capture_output=True, text=True)
    if done.returncode == 0 or "/dev/mem: Operation not permitted" not in done.stderr:
        print(done.stdout, done.stderr)
        fail("the preload did not deny /dev/mem for a malformed source")


CHECKS = {"dump": check_dump, "sysfs": check_sysfs, "firmware": check_firmware,
          "roundtrip": check_roundtrip, "biosdecode": check_biosdecode,
          "export": check_export, "acpi": check_acpi, "refused": check_refused,
          "acpidump": check_acpidump,
          "vpddecode": lambda args: check_legacy_scanner(args, args.vpddecode),
          "ownership": lambda args: check_legacy_scanner(args, args.ownership)}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("check", choices=CHECKS)
    parser.add_argument("source", help="a dump file, or a firmware directory for 'firmware'")
    parser.add_argument("--launcher", required=True)
    parser.add_argument("--preload", default="")
    parser.add_argument("--dmidecode", default="dmidecode")
    parser.add_argument("--biosdecode", default="biosdecode")
    parser.add_argument("--vpddecode", default="vpddecode")
    parser.add_argument("--ownership", default="ownership")
    parser.add_argument("--acpidump", default="acpidump")
    parser.add_argument("--expect-broken", action="store_true")
    args = parser.parse_args()
    CHECKS[args.check](args)
    print(f"PASS: {args.check} {args.source}")


if __name__ == "__main__":
    main()
