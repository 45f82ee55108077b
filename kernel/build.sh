#!/bin/bash
# Build the daxmon guest kernel from Debian's linux-source-6.12, or the
# mainline form of the series from Debian's linux-source-7.3.
#
# The source is unpacked once into a git tree whose first commit is the
# pristine tarball; the series is applied on top with `git am`.  When the
# patches change, the tree is reset to pristine and the series re-applied,
# so make only rebuilds what the patches touch.  Nothing is done when the
# key (source version, patches, config, this script, toolchain) is unchanged.
#
# Two variants share the patched 6.12 source, each with its own object
# tree (make O=), so switching between them rebuilds nothing:
#   default  base.config: the kernel of make test, make demo and make bench
#   debug    base.config + debug.config (lockdep, KASAN, kmemleak, ...):
#            make test-debug; its products go to BUILD_DIR/debug
# and a third has its own source tree and series:
#   mainline linux-source-7.3 with kernel/patches-7.3 and base.config:
#            make kernel-mainline, the guest-7.3/* tests of make test;
#            its products go to BUILD_DIR/mainline
#
# Usage: kernel/build.sh BUILD_DIR [default|debug|mainline]
# Env:   DAXMON_KERNEL_CACHE  directory of built kernels shared between
#                             checkouts on one machine (optional)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(mkdir -p "${1:-build}" && cd "${1:-build}" && pwd)
variant=${2:-default}
pkg=linux-source-6.12
tree=$top/linux
patchdir=$here/patches
case $variant in
default) out=$top
	 fragments=(base linux-6.12) ;;
debug)	 out=$top/debug
	 fragments=(base linux-6.12 debug) ;;
mainline) pkg=linux-source-7.3
	 tree=$top/linux-7.3
	 patchdir=$here/patches-7.3
	 out=$top/mainline
	 fragments=(base linux-7.3) ;;
*)	 echo "kernel/build.sh: unknown variant '$variant' (default, debug or mainline)" >&2; exit 2 ;;
esac
tarball=/usr/src/$pkg.tar.xz
fragments=("${fragments[@]/#/$here/config/}")
fragments=("${fragments[@]/%/.config}")
obj=$top/kobj-$variant
mkdir -p "$out" "$obj"
git=(git -C "$tree" -c user.name=daxmon -c user.email=daxmon@localhost
     -c advice.detachedHead=false -c gc.auto=0)

die() { echo "kernel/build.sh: $*" >&2; exit 1; }

[ -r "$tarball" ] || die "$tarball missing: run 'make deps' (package $pkg)"
src_version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
	die "package $pkg not installed: run 'make deps'"

series() { grep -v -e '^#' -e '^$' "$patchdir/series" || true; }

build_key() {
	{
		echo "$pkg $src_version $variant"
		cat "$0" "$here/check-config.sh" "${fragments[@]}" "$patchdir/series"
		series | while read -r p; do cat "$patchdir/$p"; done
		gcc --version | head -1
		pahole --version
	} | sha256sum | cut -d' ' -f1
}

report() {
	echo "kernel: $pkg $src_version ($(cat "$out/kernel.release")), $variant, $(series | wc -l) patch(es), key ${key:0:12}"
	echo "kernel: $out/bzImage"
}

key=$(build_key)
if [ -f "$out/kernel.key" ] && [ "$(cat "$out/kernel.key")" = "$key" ] &&
   [ -f "$out/bzImage" ] && [ -f "$out/vmlinux" ] && [ -d "$out/modules" ]; then
	report
	exit 0
fi

cache=${DAXMON_KERNEL_CACHE:-}
if [ -n "$cache" ] && [ -f "$cache/$key/bzImage" ] && [ -f "$cache/$key/vmlinux" ] &&
   [ -d "$cache/$key/modules" ]; then
	cp "$cache/$key/bzImage" "$cache/$key/vmlinux" "$cache/$key/kernel.release" "$out/"
	rm -rf "$out/modules"
	cp -a "$cache/$key/modules" "$out/"
	echo "$key" > "$out/kernel.key"
	echo "kernel: taken from cache $cache/$key"
	report
	exit 0
fi

unpack() {
	echo "kernel: unpacking $tarball ($src_version)"
	rm -rf "$tree" "$top/unpack"
	mkdir -p "$top/unpack"
	tar -C "$top/unpack" -xf "$tarball"
	mv "$top/unpack/$pkg" "$tree"
	rmdir "$top/unpack"
	"${git[@]}" init -q
	"${git[@]}" add -A -f  # Debian's tarball ignores "/*"
	"${git[@]}" commit -q -m "$pkg $src_version"
	"${git[@]}" tag pristine
	echo "$src_version" > "$tree/.daxmon-source-version"
}

if [ ! -f "$tree/.daxmon-source-version" ] ||
   [ "$(cat "$tree/.daxmon-source-version")" != "$src_version" ]; then
	unpack
fi

# Files added by a previously applied series would block `git am`.
"${git[@]}" am --abort >/dev/null 2>&1 || true
added=$("${git[@]}" diff --name-only --diff-filter=A pristine HEAD)
"${git[@]}" checkout -q --detach pristine
for f in $added; do rm -f "$tree/$f"; done
patches=()
while read -r p; do patches+=("$patchdir/$p"); done < <(series)
if [ ${#patches[@]} -gt 0 ]; then
	"${git[@]}" am -q --whitespace=nowarn "${patches[@]}" ||
		die "series does not apply to $pkg $src_version (see 'git -C $tree am --show-current-patch')"
fi
# An object tree needs a clean source tree (older checkouts built in it).
[ -f "$tree/.config" ] && make -C "$tree" -s mrproper

kmake=(make -C "$tree" O="$obj" -s LOCALVERSION=)
"${kmake[@]}" tinyconfig
"$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${fragments[@]}" >/dev/null
"${kmake[@]}" olddefconfig

"$here/check-config.sh" "$obj/.config" "${fragments[@]}" ||
	die "the kernel config is not what kernel/config asks for"

echo "kernel: building the $variant bzImage and modules with $(nproc) jobs"
"${kmake[@]}" -j"$(nproc)" bzImage modules
cp "$obj/arch/x86/boot/bzImage" "$obj/vmlinux" "$out/"
"${kmake[@]}" kernelrelease > "$out/kernel.release"
# modules/lib/modules/RELEASE, with modules.dep: the guest's
# `modprobe -d modules` (tests/vm/guest-init) reads it from there
rm -rf "$out/modules"
"${kmake[@]}" INSTALL_MOD_PATH="$out/modules" DEPMOD=/sbin/depmod modules_install
echo "$key" > "$out/kernel.key"
# The shared cache is a convenience: failing to fill it is not an error.
if [ -n "$cache" ] && mkdir -p "$cache/$key.tmp" 2>/dev/null &&
   cp "$out/bzImage" "$out/vmlinux" "$out/kernel.release" "$cache/$key.tmp/" &&
   cp -a "$out/modules" "$cache/$key.tmp/"; then
	rm -rf "${cache:?}/$key"
	mv "$cache/$key.tmp" "$cache/$key"
fi
report
