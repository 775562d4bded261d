#!/usr/bin/env bash
# ci_recipe_test.sh DEVMEM_SCAN RULES_DIR: the recipe of docs/ci/README.md on a tiny make project:
# bear records compile_commands.json, devmem-scan -p writes SARIF and a summary, and an override
# with a justification silences one finding.
set -euo pipefail
scanner=$1 rules=$2
command -v bear >/dev/null || { echo "SKIPPED: bear is not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > Makefile <<'MAKE'
probe: probe.o util.o
	$(CC) -o $@ $^
%.o: %.c
	$(CC) -DHAVE_DEVMEM -c $<
MAKE
cat > probe.c <<'C'
#include <fcntl.h>
#include <sys/mman.h>
void *map_bios(void) {
#ifdef HAVE_DEVMEM
    int fd = open("/dev/mem", O_RDONLY);
    return mmap(0, 0x10000, PROT_READ, MAP_SHARED, fd, 0xF0000);
#else
    return 0;
#endif
}
C
cat > util.c <<'C'
#include <sys/io.h>
int main(void) { return iopl(3); }
C
bear -- make -s >/dev/null
test -s compile_commands.json

status=0
"$scanner" --rules "$rules" -p . --format sarif -o devmem-scan.sarif --summary 2> summary || status=$?
cat summary
[[ $status == 1 ]] || { echo "expected exit 1 (findings), got $status"; exit 1; }
# HAVE_DEVMEM comes from the recorded -D flag: without the database the open would be an
# inactive-branch note (DM007), not these warnings.
grep -q '^devmem-scan: 3 findings in 2 files (1 errors, 2 warnings, 0 notes)$' summary
grep -q '^  DM004 port-io' summary
jq -e '.runs[0].results | map(.locations[0].physicalLocation.artifactLocation
       | select(.uriBaseId == "SRCROOT") | .uri) | sort == ["probe.c", "probe.c", "util.c"]' \
   devmem-scan.sarif >/dev/null

mkdir debian
echo 'DM004 util.c:main # the port I/O is gone in the next upstream release' \
  > debian/devmem-scan.overrides
status=0
"$scanner" --rules "$rules" -p . --format gitlab -o quality.json --summary 2> summary || status=$?
cat summary
[[ $status == 1 ]] || { echo "expected exit 1 (warnings left), got $status"; exit 1; }
jq -e 'map(.check_name) | sort == ["DM001", "DM002"]' quality.json >/dev/null
echo "PASS"
