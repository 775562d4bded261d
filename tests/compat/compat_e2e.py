#!/usr/bin/env python3
"""A consumer of libdevmem-compat built the way a user builds one: the project installed into a
temporary prefix, the program compiled with `pkg-config --cflags --libs devmem-compat`. On a
fixture it must write the same entry point, table and /dev/mem bytes the shim serves, and
without a fixture (this machine has no /sys/firmware/dmi) fail with EPERM.

usage: compat_e2e.py CMAKE CC BUILD_DIR CONSUMER_C LAUNCHER SOURCE_OPTION FIXTURE
"""
import glob
import os
import subprocess
import sys
import tempfile


def run(argv, **kwargs):
    return subprocess.run(argv, check=True, capture_output=True, **kwargs)


def build_consumer(cmake, cc, build, source, work):
    prefix = os.path.join(work, "prefix")
    run([cmake, "--install", build, "--prefix", prefix])
    pc = glob.glob(os.path.join(prefix, "**", "pkgconfig", "devmem-compat.pc"), recursive=True)
    env = dict(os.environ, PKG_CONFIG_PATH=os.path.dirname(pc[0]))
    flags = run(["pkg-config", "--cflags", "--libs", "devmem-compat"], env=env, text=True)
    libdir = run(["pkg-config", "--variable=libdir", "devmem-compat"], env=env, text=True)
    program = os.path.join(work, "consumer")
    run([cc, "-std=c11", "-Wall", "-Wextra", "-Werror", "-o", program, source]
        + flags.stdout.split())
    return program, libdir.stdout.strip()


def shim_served(launcher, option, fixture, path):
    return run([launcher, option, fixture, "--", "cat", path]).stdout


def main():
    cmake, cc, build, source, launcher, option, fixture = sys.argv[1:8]
    variable = {"--dump": "DEVMEM_SHIM_DUMP", "--firmware": "DEVMEM_SHIM_FIRMWARE"}[option]
    with tempfile.TemporaryDirectory() as work:
        program, libdir = build_consumer(cmake, cc, build, source, work)
        env = {k: v for k, v in os.environ.items() if not k.startswith("DEVMEM_SHIM_")}
        env["LD_LIBRARY_PATH"] = libdir
        bare = subprocess.run([program, work], env=env, capture_output=True, text=True)
        assert bare.returncode == 1 and "Operation not permitted" in bare.stderr, bare
        served = run([program, work], env=dict(env, **{variable: fixture}), text=True)
        print(served.stdout, end="")
        expected = {
            "entry-point.bin": "/sys/firmware/dmi/tables/smbios_entry_point",
            "table.bin": "/sys/firmware/dmi/tables/DMI",
            "mem.bin": "/dev/mem",
        }
        for name, path in expected.items():
            with open(os.path.join(work, name), "rb") as f:
                ours = f.read()
            theirs = shim_served(launcher, option, fixture, path)
            assert ours == theirs, f"{name}: {len(ours)} bytes differ from the shim's {path}"
            print(f"{name}: {len(ours)} bytes, as the shim serves {path}")


if __name__ == "__main__":
    main()
