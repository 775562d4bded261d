#!/bin/bash
# Acceptance of the mechanical fixes over the corpus. For every program whose --fix-diff is not
# empty: the diff applies with git apply (and patch -p1 --dry-run takes it), the fixed program
# builds against libdevmem-compat, and run without the shim and without /dev/mem it prints what
# the original prints run through devmem-shim on the same fixture, with the same exit status.
# A program must also show that it got somewhere (exit 0 and some output) unless the list below
# says why it cannot on that fixture.
#
# Without --sysfs-readers, the fixed program gets the fixture through DEVMEM_SHIM_DUMP or
# DEVMEM_SHIM_FIRMWARE, and the programs that read /sys/firmware themselves are only built. With
# --sysfs-readers, only those are compared, both sides in a private mount namespace whose
# /sys/firmware (and /proc/efi/systab) is the fixture, and no variable is set for the fixed one:
# libdevmem-compat reads /sys/firmware as on a real machine. Where no mount namespace can be
# made (a chroot, a container without CAP_SYS_ADMIN), proot's bind mounts (ptrace, no privilege)
# give both sides the same view. Exit 77 when neither works.
#
# usage: corpus_fix_acceptance.sh [--sysfs-readers] DEVMEM_SCAN RULES_DIR CORPUS_DIR DEVMEM_SHIM
#                                 COMPAT_LIB_DIR COMPAT_INCLUDE_DIR --dump FILE|--firmware DIR
set -u

sysfs_readers_only=false
if [ "${1:-}" = --sysfs-readers ]; then
    sysfs_readers_only=true
    shift
fi
if [ $# -ne 8 ]; then
    echo "usage: $0 [--sysfs-readers] DEVMEM_SCAN RULES CORPUS DEVMEM_SHIM COMPAT_LIB_DIR COMPAT_INCLUDE_DIR --dump FILE|--firmware DIR" >&2
    exit 2
fi
# Absolute: the programs are built and run from their own directories.
scan=$(realpath "$1") rules=$(realpath "$2") corpus=$(realpath "$3") shim=$(realpath "$4")
compat_lib=$(realpath "$5") compat_include=$(realpath "$6") fixture_kind=$7 fixture=$(realpath "$8")
case $fixture_kind in
--dump) fixture_variable=DEVMEM_SHIM_DUMP kind=dump ;;
--firmware) fixture_variable=DEVMEM_SHIM_FIRMWARE kind=firmware ;;
*)
    echo "$0: the fixture is --dump FILE or --firmware DIR, not $fixture_kind" >&2
    exit 2
    ;;
esac

# Programs that read /sys/firmware themselves (the DMI tables, efi/systab, /proc/efi/systab):
# through the shim that read is served from the fixture, without it the host's sysfs is read, so
# they are compared only in the mount namespace of --sysfs-readers.
reads_sysfs_itself=" smbios-path-getter-crossfile acpi-proc-efi-systab-acpi20 smbios-efi-systab-read-wrapper smbios-legacy-scan-length-reassigned "

# Programs that want arguments, so that they get past their usage message. @OUT@ is a file the
# program writes: one per run, compared like standard output; @IMAGE@ a 1 MiB file of zeros.
declare -A arguments=(
    [flash-physmap-funcptr]="65536"
    [read-readv-iovec]="0xF0000"
    [permacro-linux-else-xsvc]="@OUT@"
    [wrapper-fd-param-device-and-image]="@IMAGE@"
)

# Programs that cannot show anything on a fixture (exit 0 with output, or with a non-empty
# written file), both sides alike, and why; NAME for every fixture, NAME@dump or NAME@firmware
# for one. The image holds the SMBIOS entry point and table and, from a firmware directory, the
# ACPI tables with an RSDP; everything else below 1 MiB reads as zeros, it ends after the highest
# table, and it is sealed (docs/shim.md). An entry for a program that does show something fails
# the run, so the list stays true.
declare -A cannot_show=(
    [acpi-rsdp-ebda-and-window@dump]="a dump has no ACPI tables, so there is no RSDP to find (exit 1)"
    [acpi-proc-efi-systab-acpi20@dump]="a dump has no efi/systab, so there is no ACPI20= line (exit 1)"
    [open-openat-atfdcwd-pread@dump]="scans for an RSDP; a dump has no ACPI tables (no output)"
    [cxx-unique-ptr-munmap-hpet]="maps the HPET registers at 0xFED00000, past the end of the image (EPERM, exit 1)"
    [mmio-hpet-above1mib]="maps the HPET registers at 0xFED00000, past the end of the image (EPERM, exit 1)"
    [largefile64-mmap64-pread64]="maps the local APIC at 0xFEE00000 and reads the TPM at 0xFED40000, past the end of the image (EPERM, end of file: no output)"
    [mmio-ecam-fopen-fread-above1mib]="reads PCIe config space at 0xE0000000, past the end of the image (short read, exit 1)"
    [flash-physmap-funcptr]="maps read-write and shared; the sealed image refuses it (EPERM, exit 1)"
    [realmode-lowmem-full-map]="maps the low megabyte read-write and shared at address 0; refused (exit 1)"
    [xserver-int10-mapfixed-segments]="maps the real-mode segments MAP_FIXED from address 0, the VGA window read-write and shared; refused (exit 1)"
    [vga-textbuf-b8000]="maps the VGA text buffer read-write and shared; refused (exit 1)"
    [vga-planar-svgalib-portio]="needs iopl before its open (refused under lockdown, absent here), then a read-write shared map (exit 1)"
    [mptable-fopen-fseek-fread]="scans for an MP floating pointer, which /sys/firmware does not export (exit 1)"
    [pnpbios-bios32-anchor-macros]="scans for PnP BIOS and BIOS32 headers, which /sys/firmware does not export (no output)"
    [inactive-sparc-branch-open]="looks for a 'B' in the BIOS area, which holds only the entry points (no output)"
    [permacro-linux-else-xsvc]="copies the video option ROM, which reads as zeros, so it writes an empty file"
    [wrapper-open-returns-fd-crossfile@firmware]="looks for the SMBIOS 2 anchor _SM_; this fixture is SMBIOS 3 (no output)"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c 1048576 /dev/zero >"$work/image"

compared=0 failed=0 skipped=0
fail() {
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}

# Sets up, in the mount namespace it runs in, /sys/firmware from a firmware directory and, when
# that has efi/systab, a /proc that also has efi/systab (the host's /proc entries are symbolic
# links into it, so /proc/self/fd works), then touches the ready file and runs the command.
cat >"$work/enter-firmware-namespace" <<'EOF'
firmware=$1 host_proc=$2 ready=$3
shift 3
mount --bind "$firmware" /sys/firmware || exit 1
if [ -e "$firmware/efi/systab" ]; then
    mkdir -p "$host_proc" && mount --rbind /proc "$host_proc" &&
        mount -t tmpfs -o mode=755 devmem-proc /proc || exit 1
    for entry in "$host_proc"/*; do
        ln -s "$entry" "/proc/${entry##*/}" || exit 1
    done
    mkdir /proc/efi && cp "$firmware/efi/systab" /proc/efi/systab || exit 1
fi
touch "$ready"
exec "$@"
EOF

if $sysfs_readers_only; then
    # The fixture as the shim shows it under /sys/firmware: a firmware directory as is; for a
    # dump, the entry point and table the shim serves there (the entry point placed at 1 MiB),
    # which must make the same image as the dump.
    firmware_view=$fixture
    if [ $kind = dump ]; then
        firmware_view=$work/firmware-view
        mkdir -p "$firmware_view/dmi/tables"
        for table in smbios_entry_point DMI; do
            "$shim" --dump "$fixture" -- cat "/sys/firmware/dmi/tables/$table" \
                >"$firmware_view/dmi/tables/$table" || exit 1
        done
        "$shim" --dump "$fixture" --export-image "$work/dump.image" -- true &&
            "$shim" --firmware "$firmware_view" --export-image "$work/view.image" -- true || exit 1
        if ! cmp -s "$work/dump.image" "$work/view.image"; then
            echo "FAIL: the /sys/firmware the shim shows for $fixture does not make the dump's image"
            exit 1
        fi
    fi
    unshare_command=
    for candidate in "unshare -m --propagation private" "unshare -r -m --propagation private"; do
        if $candidate bash "$work/enter-firmware-namespace" "$firmware_view" "$work/probe-proc" \
            "$work/probe-ready" true 2>"$work/unshare-err" && [ -e "$work/probe-ready" ]; then
            unshare_command=$candidate
            break
        fi
    done
    proot_binds=()
    if [ -z "$unshare_command" ] && command -v proot >/dev/null; then
        proot_binds=(-b "$firmware_view:/sys/firmware")
        if [ -e "$firmware_view/efi/systab" ]; then
            proot_binds+=(-b "$firmware_view/efi/systab:/proc/efi/systab")
        fi
        if ! proot "${proot_binds[@]}" cmp -s "$firmware_view/dmi/tables/DMI" \
            /sys/firmware/dmi/tables/DMI 2>>"$work/unshare-err"; then
            proot_binds=()
        fi
    fi
    if [ -z "$unshare_command" ] && [ ${#proot_binds[@]} -eq 0 ]; then
        echo "SKIP: no private mount namespace with the fixture on /sys/firmware can be made here" \
            "(unshare -m and unshare -r -m: $(head -1 "$work/unshare-err")), and no working" \
            "proot; the programs that read /sys/firmware themselves are not compared"
        exit 77
    fi
    if [ -n "$unshare_command" ]; then
        echo "mount namespace: $unshare_command, $fixture as /sys/firmware"
    else
        echo "no mount namespace ($(head -1 "$work/unshare-err")); proot ${proot_binds[*]}"
    fi
fi

# in_firmware_namespace READY COMMAND...: runs the command with the fixture as /sys/firmware, in
# a new mount namespace or under proot; 125 and a message when that was not set up (READY not
# made).
in_firmware_namespace() {
    local ready=$1
    shift
    if [ -n "$unshare_command" ]; then
        $unshare_command bash "$work/enter-firmware-namespace" "$firmware_view" \
            "$work/host-proc" "$ready" "$@"
    else
        proot "${proot_binds[@]}" bash -c 'touch "$0" && exec "$@"' "$ready" "$@"
    fi
    local status=$?
    if [ ! -e "$ready" ]; then
        echo "the mount namespace was not set up" >&2
        return 125
    fi
    return $status
}

for source_dir in "$corpus"/*/; do
    name=$(basename "$source_dir")
    reads_sysfs=false
    [[ $reads_sysfs_itself == *" $name "* ]] && reads_sysfs=true
    if $sysfs_readers_only && ! $reads_sysfs; then
        continue
    fi
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
    if $reads_sysfs && ! $sysfs_readers_only; then
        echo "BUILT $name (reads /sys/firmware itself; compared by the --sysfs-readers run)"
        continue
    fi
    program_arguments=${arguments[$name]:-}
    program_arguments=${program_arguments//@IMAGE@/$work/image}
    original_arguments=${program_arguments//@OUT@/$work/$name.original-file}
    fixed_arguments=${program_arguments//@OUT@/$work/$name.fixed-file}
    # A program that dies of a signal: the shell's report of that goes to a file with the
    # programs' own standard error.
    if $sysfs_readers_only; then
        (cd "$dir" && in_firmware_namespace "$work/$name.original-ready" timeout 20 "$shim" \
            "$fixture_kind" "$fixture" -- ./original $original_arguments \
            >"$work/$name.original-out") 2>"$work/$name.original-err"
        original_status=$?
        (cd "$dir" && in_firmware_namespace "$work/$name.fixed-ready" \
            env -u DEVMEM_SHIM_DUMP -u DEVMEM_SHIM_FIRMWARE timeout 20 ./fixed $fixed_arguments \
            >"$work/$name.fixed-out") 2>"$work/$name.fixed-err"
        fixed_status=$?
    else
        (cd "$dir" && timeout 20 "$shim" "$fixture_kind" "$fixture" -- ./original \
            $original_arguments >"$work/$name.original-out") 2>"$work/$name.original-err"
        original_status=$?
        (cd "$dir" && env "$fixture_variable=$fixture" timeout 20 ./fixed \
            $fixed_arguments >"$work/$name.fixed-out") 2>"$work/$name.fixed-err"
        fixed_status=$?
    fi
    compared=$((compared + 1))
    output=$work/$name.fixed-out
    if [[ $program_arguments == *@OUT@* ]]; then
        output=$work/$name.fixed-file
    fi
    shows_something=false
    [ $fixed_status -eq 0 ] && [ -s "$output" ] && shows_something=true
    excuse=${cannot_show[$name@$kind]:-${cannot_show[$name]:-}}
    if [ $original_status -eq 125 ] || [ $fixed_status -eq 125 ]; then
        fail "$name" "not run: $(tail -qn1 "$work/$name.original-err" "$work/$name.fixed-err")"
    elif ! cmp -s "$work/$name.original-out" "$work/$name.fixed-out"; then
        fail "$name" "standard output differs (original through the shim, then fixed):"
        diff "$work/$name.original-out" "$work/$name.fixed-out" | head -10
    elif [[ $program_arguments == *@OUT@* ]] &&
        ! cmp -s "$work/$name.original-file" "$work/$name.fixed-file"; then
        fail "$name" "the file it writes differs"
    elif [ $original_status -ne $fixed_status ]; then
        fail "$name" "exit status $original_status through the shim, $fixed_status fixed"
    elif ! $shows_something && [ -z "$excuse" ]; then
        fail "$name" "exit $fixed_status with $(wc -c <"$output") bytes of output on both sides:" \
            "alike, but it shows nothing; make it, or say in cannot_show why it cannot"
    elif $shows_something && [ -n "$excuse" ]; then
        fail "$name" "exit 0 with output, but cannot_show says: $excuse; remove that entry"
    elif [ -n "$excuse" ]; then
        echo "PASS $name ${arguments[$name]:-}: exit $fixed_status, $(wc -l <"$output")" \
            "lines alike (shows nothing: $excuse)"
    else
        echo "PASS $name ${arguments[$name]:-}: exit 0, $(wc -l <"$output") lines alike:" \
            "$(head -1 "$output" | tr -c '[:print:]\n' '?' | cut -c1-60)"
    fi
done

echo "$compared programs compared, $failed failed, $skipped skipped"
if [ $compared -eq 0 ]; then
    echo "no program with a mechanical fix was compared"
    exit 1
fi
[ $failed -eq 0 ]
