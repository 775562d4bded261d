#!/usr/bin/env bash
# run_if_shared.sh PATH CMD...: runs CMD when PATH exists; otherwise says so and exits 77, which
# ctest reports as skipped.
path=$1
shift
if [[ ! -e "$path" ]]; then
  echo "SKIPPED: $path not found; this check runs only where ../shared exists"
  exit 77
fi
exec "$@"
