#!/bin/sh
# The corpus's Markdown refactoring report passes mdl with the project style, and has one
# finding section per finding of the JSON report.
# usage: check_markdown_report.sh DEVMEM_SCAN CORPUS STYLE WORKDIR; exits 77 without mdl.
set -eu
scan=$1 corpus=$2 style=$3 workdir=$4

if ! command -v mdl >/dev/null 2>&1; then
  echo "check_markdown_report: SKIP: mdl is not installed (Debian's ruby-mdl, scripts/install-deps)"
  exit 77
fi
mkdir -p "$workdir"
report="$workdir/corpus-report.md"
status=0
"$scan" --format markdown --root "$corpus" -o "$report" "$corpus" || status=$?
if [ "$status" -gt 1 ]; then
  echo "check_markdown_report: FAIL: devmem-scan --format markdown exited $status"
  exit 1
fi
mdl --style "$style" "$report"
sections=$(grep -c '^### Finding ' "$report")
findings=$("$scan" --format json --root "$corpus" "$corpus" | grep -c '"rule": "DM') || true
if [ "$sections" -ne "$findings" ] || [ "$findings" -eq 0 ]; then
  echo "check_markdown_report: FAIL: $sections finding sections for $findings findings"
  exit 1
fi
echo "check_markdown_report: PASS ($sections findings, mdl clean)"
