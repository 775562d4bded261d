#!/bin/sh
# A real shim audit log merged into the HTML report: a corpus program (built as "biosdate", the
# stem of its source; its open and its map are logged) and dmidecode, which nothing scanned
# explains, run through devmem-shim.
# usage: runtime_log_e2e.sh DEVMEM_SCAN DEVMEM_SHIM FIXTURE CORPUS WORKDIR
set -eu
scan=$1 shim=$2 fixture=$3 corpus=$4 workdir=$5
program=stdio-fopen-fileno-mmap

fail() {
  echo "runtime_log_e2e: FAIL: $*"
  exit 1
}

rm -rf "$workdir"
mkdir -p "$workdir"
log="$workdir/run.jsonl"
cc -o "$workdir/biosdate" "$corpus/$program/biosdate.c"
"$shim" --dump "$fixture" --log "$log" -- "$workdir/biosdate" >/dev/null
"$shim" --dump "$fixture" --log "$log" -- dmidecode --no-sysfs -t 0 >/dev/null
[ -s "$log" ] || fail "the shim wrote no log"

report="$workdir/report.html"
status=0
"$scan" --format html --root "$corpus" --runtime-log "$log" -o "$report" "$corpus/$program" ||
  status=$?
[ "$status" -le 1 ] || fail "devmem-scan exited $status"

grep -q "seen executing: $log:1: pid [0-9]* $workdir/biosdate fopen /dev/mem at 0x0-" "$report" ||
  fail "the fopen of /dev/mem is not shown at its DM001 finding"
grep -q "seen executing: $log:2: pid [0-9]* $workdir/biosdate mmap /dev/mem at 0xf0000-0xfffff" \
  "$report" || fail "the mmap of the BIOS area is not shown at its DM002 finding"
grep -q "2 findings seen executing, <a href=\"#unexplained\">[1-9][0-9]* accesses unexplained" \
  "$report" ||
  fail "the totals do not say two findings seen and dmidecode's accesses unexplained"
sed -n '/id="unexplained"/,$p' "$report" | grep -q "/dmidecode open /dev/mem" ||
  fail "dmidecode's open is not listed as unexplained"

printf '{"pid":1}\n' >"$workdir/bad.jsonl"
status=0
"$scan" --format html --runtime-log "$workdir/bad.jsonl" "$corpus/$program" >/dev/null \
  2>"$workdir/err" || status=$?
[ "$status" -eq 2 ] || fail "a malformed log exits $status, not 2"
grep -qx "devmem-scan: error: $workdir/bad.jsonl:1: field 'exe' is missing or not a string" \
  "$workdir/err" || fail "unexpected error: $(cat "$workdir/err")"
echo "runtime_log_e2e: PASS"
