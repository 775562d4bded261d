#!/usr/bin/env python3
"""libdevmem-shim.so is loaded into other people's processes: it may need libc alone (no
libstdc++, libgcc_s or libm), may export nothing but the functions it interposes, and may have
no static constructors (they would run in every process, before main)."""
import subprocess
import sys

INTERPOSED = {
    "open", "open64", "openat", "openat64", "__open_2", "__open64_2", "__openat_2",
    "__openat64_2", "fopen", "fopen64", "freopen", "freopen64",
    "stat", "lstat", "fstat", "fstatat", "stat64", "lstat64", "fstat64", "fstatat64", "statx",
    "__xstat", "__lxstat", "__fxstat", "__fxstatat",
    "__xstat64", "__lxstat64", "__fxstat64", "__fxstatat64",
    "access", "faccessat", "euidaccess", "eaccess",
    "opendir", "scandir", "scandir64", "scandirat", "scandirat64",
    "read", "__read_chk", "pread", "pread64", "__pread_chk", "__pread64_chk",
    "readv", "preadv", "preadv64", "mmap", "mmap64",
}


def output(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def main(library):
    needed = [line.split("[")[1].rstrip("]") for line in output("readelf", "-dW", library)
              .splitlines() if "(NEEDED)" in line]
    exported = set()
    for line in output("nm", "-D", "--defined-only", library).splitlines():
        symbol_type, name = line.split()[-2:]
        if symbol_type in "TWiV":
            exported.add(name)
    constructors = [line.split()[-1] for line in output("nm", library).splitlines()
                    if "_GLOBAL__sub_I" in line]
    failures = []
    if constructors:
        failures.append(f"has static constructors {constructors}")
    if needed != ["libc.so.6"]:
        failures.append(f"needs {needed}, expected libc.so.6 alone")
    if exported != INTERPOSED:
        failures.append(f"exports {sorted(exported - INTERPOSED)} it should not, "
                        f"lacks {sorted(INTERPOSED - exported)}")
    for failure in failures:
        print(f"FAIL: {failure}")
    if not failures:
        print(f"PASS: {library} needs libc alone, exports the {len(INTERPOSED)} "
              "interposers and has no static constructors")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
