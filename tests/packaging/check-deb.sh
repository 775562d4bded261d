#!/usr/bin/env bash
# Builds the .deb from a finished build tree and checks what a user installing it gets: the
# Depends that bring libclang's runtime and builtin headers, both executables answering
# --version from the unpacked tree, the preload library in the multiarch directory, man pages.
set -euo pipefail
build=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "check-deb: $*" >&2; exit 1; }

cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack failed"; }
deb=$(find "$work/out" -maxdepth 1 -name '*.deb' | head -n 1)
[[ -n "$deb" ]] || fail "cpack produced no .deb"
echo "built $(basename "$deb")"

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for needed in libclang1-19 libclang-common-19-dev libc6-dev; do
  grep -q "$needed" <<<"$depends" || fail "Depends lacks $needed"
done
dpkg --dry-run -i "$deb" >/dev/null 2>&1 || fail "dpkg --dry-run -i refuses the package"

dpkg-deb -x "$deb" "$work/root"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
[[ -f "$work/root/usr/lib/$multiarch/libdevmem-shim.so" ]] ||
  fail "libdevmem-shim.so is not under /usr/lib/$multiarch"
for tool in devmem-scan devmem-shim; do
  [[ -f "$work/root/usr/share/man/man1/$tool.1.gz" || -f "$work/root/usr/share/man/man1/$tool.1" ]] ||
    fail "no man page for $tool"
  version=$("$work/root/usr/bin/$tool" --version) || fail "$tool --version failed"
  [[ "$version" == "$tool "* ]] || fail "$tool --version printed '$version'"
  echo "$version"
done
# The unpacked launcher must find the unpacked preload library, not the build tree's.
fixture="$build/fixtures/smbios2.bin"
expected=$(dmidecode --from-dump "$fixture" -s system-product-name)
served=$("$work/root/usr/bin/devmem-shim" --dump "$fixture" -- dmidecode --no-sysfs -s system-product-name) ||
  fail "the packaged devmem-shim could not serve dmidecode"
[[ "$served" == "$expected" ]] || fail "packaged shim served '$served', --from-dump says '$expected'"
echo "packaged devmem-shim serves dmidecode: $served"
echo "check-deb: ok"
