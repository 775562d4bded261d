#!/usr/bin/env python3
"""devmem-scan loads libclang only when it parses: not for --version, not for a tree with nothing
to find, not for a warm --cache-dir re-run; it does for a tree with a device open. When the
library cannot be loaded, a run that must parse fails with one line naming it (exit 2), and one
that need not parse does not notice. The loader's own report (LD_DEBUG=files) is the evidence.

usage: libclang_on_demand_check.py DEVMEM_SCAN RULES_DIR
"""
import os
import subprocess
import sys
import tempfile

PLAIN_UNIT = "int twice(int value) { return 2 * value; }\n"
DEVICE_UNIT = """#include <fcntl.h>
int open_memory(void) { return open("/dev/mem", O_RDONLY); }
"""


def scan(arguments, library=None):
    environment = dict(os.environ, LD_DEBUG="files")
    if library is not None:
        environment["DEVMEM_SCAN_LIBCLANG"] = library
    result = subprocess.run(arguments, capture_output=True, text=True, env=environment)
    loader_lines = [line for line in result.stderr.splitlines() if "\tfile=" in line]
    loaded = any("libclang" in line for line in loader_lines)
    if not loader_lines:
        sys.exit("LD_DEBUG=files reported nothing: the check cannot tell what was loaded")
    # The loader's lines carry the process id and a tab; what is left is devmem-scan's own.
    own = [line for line in result.stderr.splitlines() if not line.lstrip().split(":")[0].isdigit()]
    return result.returncode, result.stdout, own, loaded


def expect(condition, message):
    if not condition:
        sys.exit(message)


def main():
    devmem_scan, rules = sys.argv[1:3]
    with tempfile.TemporaryDirectory(prefix="devmem-libclang-check-") as work:
        plain = os.path.join(work, "plain")
        device = os.path.join(work, "device")
        cache = os.path.join(work, "cache")
        for directory, text in ((plain, PLAIN_UNIT), (device, DEVICE_UNIT)):
            os.mkdir(directory)
            with open(os.path.join(directory, "unit.c"), "w") as unit:
                unit.write(text)
        base = [devmem_scan, "--rules", rules, "--format", "json"]

        status, _, _, loaded = scan([devmem_scan, "--version"])
        expect(status == 0 and not loaded, "--version loaded libclang")

        status, _, _, loaded = scan([*base, plain])
        expect(status == 0, f"the plain tree: exit {status}")
        expect(not loaded, "a tree with nothing to parse loaded libclang")

        status, cold, _, loaded = scan([*base, "--cache-dir", cache, device])
        expect(status == 1 and loaded, f"the device tree: exit {status}, libclang loaded: {loaded}")
        expect('"DM001"' in cold, "the device tree's open of /dev/mem was not reported")
        status, warm, _, loaded = scan([*base, "--cache-dir", cache, device])
        expect(status == 1 and warm == cold, "the warm re-run reported differently")
        expect(not loaded, "the warm re-run loaded libclang")

        missing = os.path.join(work, "no-such-libclang.so")
        status, _, messages, _ = scan([*base, device], library=missing)
        expect(status == 2, f"without libclang, the device tree: exit {status}, not 2")
        expect(len(messages) == 1 and messages[0].startswith("devmem-scan: error: cannot load "
                                                             "libclang (") and missing in messages[0],
               f"without libclang, the device tree's error: {messages}")
        status, _, messages, _ = scan([*base, plain], library=missing)
        expect(status == 0 and not messages,
               f"without libclang, the plain tree: exit {status}, {messages}")
    print("libclang loaded for the device tree only; a missing one is one error line, exit 2")


if __name__ == "__main__":
    main()
