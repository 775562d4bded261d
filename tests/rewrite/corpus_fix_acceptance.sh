#!/bin/bash
# Acceptance of the mechanical fixes over the corpus. For every program whose --fix-diff is not
# empty: the diff applies with git apply (and patch -p1 --dry-run takes it), the fixed program
# builds against libdevmem-compat, and run without the shim and without /dev/mem (only the
# fixture variable set) it prints what the original prints run through devmem-shim on the same
# fixture, with the same exit status.
#
# usage: corpus_fix_acceptance.sh DEVMEM_SCAN RULES_DIR CORPUS_DIR DEVMEM_SHIM COMPAT_LIB_DIR
#                                 COMPAT_INCLUDE_DIR --dump FILE|--firmware DIR
set -u

if [ $# -ne 8 ]; then
    echo "usage: $0 DEVMEM_SCAN RULES CORPUS DEVMEM_SHIM COMPAT_LIB_DIR COMPAT_INCLUDE_DIR --dump FILE|--firmware DIR" >&2
    exit 2
fi
# Absolute: the programs are built and run from their own directories.
scan=$(realpath "$1") rules=$(realpath "$2") corpus=$(realpath "$3") shim=$(realpath "$4")
compat_lib=$(realpath "$5") compat_include=$(realpath "$6") fixture_kind=$7 fixture=$(realpath "$8")
case $fixture_kind in
--dump) fixture_variable=DEVMEM_SHIM_DUMP ;;
--firmware) fixture_variable=DEVMEM_SHIM_FIRMWARE ;;
*)
    echo "$0: the fixture is --dump FILE or --firmware DIR, not $fixture_kind" >&2
    exit 2
    ;;
esac

# Programs that read /sys/firmware themselves (the DMI tables, efi/systab): through the shim
# that read is served from the fixture, without it the real (here missing) sysfs is read, so
# their output differs for a reason the fix does not touch. They are still fixed, applied and
# built; only the run comparison is skipped.
reads_sysfs_itself=" smbios-path-getter-crossfile acpi-proc-efi-systab-acpi20 smbios-efi-systab-read-wrapper "

# Programs that want arguments, so that they get past their usage message. @OUT@ is a file the
# program writes: one per run, compared like standard output; @IMAGE@ a 1 MiB file of zeros.
declare -A arguments=(
    [flash-physmap-funcptr]="65536"
    [read-readv-iovec]="0xF0000"
    [permacro-linux-else-xsvc]="@OUT@"
    [wrapper-fd-param-device-and-image]="@IMAGE@"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c 1048576 /dev/zero >"$work/image"

compared=0 failed=0 skipped=0
fail() {
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}

for source_dir in "$corpus"/*/; do
    name=$(basename "$source_dir")
    dir=$work/$name
    cp -r "$source_dir" "$dir"
    "$scan" --rules "$rules" --root "$dir" --fix-diff "$dir" >"$work/$name.diff" 2>"$work/$name.scan-err"
    status=$?
    if [ $status -ne 0 ] && [ $status -ne 1 ]; then
        fail "$name" "devmem-scan --fix-diff exited $status: $(head -1 "$work/$name.scan-err")"
        continue
    fi
    if [ ! -s "$work/$name.diff" ]; then
        rm -rf "$dir"
        continue
    fi
    sources=$(cd "$dir" && ls -- *.c *.cpp 2>/dev/null)
    compiler=gcc
    if ls "$dir"/*.cpp >/dev/null 2>&1; then
        compiler=g++
    fi
    # Sources only, without the fixed files: the corpus includes programs that are meant not to
    # build (missing headers); they are reported, not compared.
    if ! (cd "$dir" && $compiler -w -o original $sources) 2>"$work/$name.build-err"; then
        echo "SKIP $name: the original does not build ($(grep -m1 error "$work/$name.build-err"))"
        skipped=$((skipped + 1))
        continue
    fi
    if ! (cd "$dir" && patch -p1 --dry-run --quiet <"$work/$name.diff" >/dev/null); then
        fail "$name" "patch -p1 --dry-run refuses the diff"
        continue
    fi
    if ! (cd "$dir" && git init -q . && git apply "$work/$name.diff"); then
        fail "$name" "git apply refuses the diff"
        continue
    fi
    if ! (cd "$dir" && $compiler -w -I"$compat_include" -o fixed $sources -L"$compat_lib" \
        -ldevmem-compat -Wl,-rpath,"$compat_lib") 2>"$work/$name.fixed-err"; then
        fail "$name" "the fixed program does not build: $(grep -m1 error "$work/$name.fixed-err")"
        continue
    fi
    if [[ $reads_sysfs_itself == *" $name "* ]]; then
        echo "BUILT $name (reads /sys/firmware itself; run not compared)"
        continue
    fi
    program_arguments=${arguments[$name]:-}
    program_arguments=${program_arguments//@IMAGE@/$work/image}
    # Some programs die of SIGBUS on purpose (a map past the image); the shell's report of that
    # goes to /dev/null with the programs' own standard error.
    (cd "$dir" && timeout 20 "$shim" "$fixture_kind" "$fixture" -- ./original \
        ${program_arguments//@OUT@/$work/$name.original-file} >"$work/$name.original-out") 2>/dev/null
    original_status=$?
    (cd "$dir" && env "$fixture_variable=$fixture" timeout 20 ./fixed \
        ${program_arguments//@OUT@/$work/$name.fixed-file} >"$work/$name.fixed-out") 2>/dev/null
    fixed_status=$?
    compared=$((compared + 1))
    if ! cmp -s "$work/$name.original-out" "$work/$name.fixed-out"; then
        fail "$name" "standard output differs (original through the shim, then fixed):"
        diff "$work/$name.original-out" "$work/$name.fixed-out" | head -10
    elif [[ $program_arguments == *@OUT@* ]] &&
        ! cmp -s "$work/$name.original-file" "$work/$name.fixed-file"; then
        fail "$name" "the file it writes differs"
    elif [ $original_status -ne $fixed_status ]; then
        fail "$name" "exit status $original_status through the shim, $fixed_status fixed"
    else
        echo "PASS $name ${arguments[$name]:-}: exit $fixed_status," \
            "$(wc -l <"$work/$name.fixed-out") lines of output alike"
    fi
done

echo "$compared programs compared, $failed failed, $skipped skipped"
if [ $compared -eq 0 ]; then
    echo "no program with a mechanical fix was compared"
    exit 1
fi
[ $failed -eq 0 ]
