#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# qemu/setup.sh KERNEL: make sure everything a build and a boot need is here.
#
# Installs missing host packages, resolves the kernel named by
# qemu/kernels/KERNEL.conf through Debian's metapackages, downloads and
# unpacks what is not cached yet under build/cache, and writes
# build/KERNEL/kernel.mk for the Makefile. A second run downloads nothing.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${1:?usage: qemu/setup.sh KERNEL}
conf=$top/qemu/kernels/$kernel.conf
cache=$top/build/cache
out=$top/build/$kernel

say() { printf 'setup: %s\n' "$*" >&2; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

[ -f "$conf" ] || die "unknown kernel '$kernel': no $conf (have: $(basename -s .conf "$top"/qemu/kernels/*.conf | tr '\n' ' '))"
# shellcheck source=/dev/null
. "$conf"

export DEBIAN_FRONTEND=noninteractive
apt_updated=0
apt_update() {
	[ "$apt_updated" = 1 ] && return 0
	say "apt-get update"
	apt-get update -qq || die "apt-get update failed"
	apt_updated=1
}

# Host packages.
mapfile -t wanted < <(grep -v '^#' "$top/qemu/host-packages")
missing=()
for p in "${wanted[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing host packages (${missing[*]}): run as root or install them"
	apt_update
	say "installing ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		die "apt-get install ${missing[*]} failed"
fi

# arm64 packages are only downloaded and unpacked, never installed, but
# apt must know the architecture to resolve them.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	say "adding the arm64 architecture to dpkg"
	dpkg --add-architecture arm64
	apt_updated=0
	apt_update
fi

# resolve: name the packages of this kernel (image, headers, their common
# tree, the host's kbuild tools) and their .debs, from apt's lists alone.
resolve() {
	local show
	image=$(apt-cache depends "$KERNEL_IMAGE_META" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^:]*\).*/\1/p' | head -n 1)
	headers=$(apt-cache depends "$KERNEL_HEADERS_META" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-headers-[^:]*\).*/\1/p' | head -n 1)
	[ -n "$image" ] && [ -n "$headers" ] || return 1
	show=$(apt-cache show --no-all-versions "$image:arm64" "$headers:arm64") || return 1
	version=$(printf '%s\n' "$show" | sed -n 's/^Version: //p' | head -n 1)
	common=$(printf '%s\n' "$show" | sed -n 's/^Depends: .*\(linux-headers-[^ ,]*-common\).*/\1/p')
	[ -n "$version" ] && [ -n "$common" ] || return 1
	pkgs=("$image:arm64" "$headers:arm64" "$common" "$KERNEL_KBUILD=$version"
	      busybox-static:arm64 linux-source-6.1)
	# The .deb file names, in apt's order.
	mapfile -t debs < <(apt-get download --print-uris "${pkgs[@]}" 2>/dev/null |
		awk '{ print $2 }')
	[ "${#debs[@]}" = "${#pkgs[@]}" ]
}

# fetch: download the packages unless every .deb is cached already.
fetch() {
	local f
	mkdir -p "$cache/debs"
	for f in "${debs[@]}"; do
		[ -f "$cache/debs/$f" ] && continue
		say "downloading ${pkgs[*]}"
		(cd "$cache/debs" && apt-get download -qq \
			-o APT::Sandbox::User=root "${pkgs[@]}" >/dev/null)
		return
	done
}

# deb NAME-PREFIX: the cached .deb of the package whose name starts so.
deb() {
	local f
	for f in "${debs[@]}"; do
		case $f in "$1"_*) printf '%s\n' "$cache/debs/$f"; return 0 ;; esac
	done
	die "no .deb for $1"
}

# apt's cache is rebuilt on every call here (over a second each), so the
# resolution is kept, keyed by the lists it came from.
lists_stamp=$(stat -c '%n %Y %s' /var/lib/apt/lists/*_Packages* 2>/dev/null |
	md5sum | cut -d' ' -f1)
resolved=$cache/resolved-$kernel.sh
if [ -f "$resolved" ] && grep -qx "# $lists_stamp" "$resolved"; then
	# shellcheck source=/dev/null
	. "$resolved"
elif resolve || { apt_update && resolve; }; then
	mkdir -p "$cache"
	{
		echo "# $lists_stamp"
		declare -p image headers common version pkgs debs
	} >"$resolved"
else
	die "cannot resolve $kernel through $KERNEL_IMAGE_META and $KERNEL_HEADERS_META"
fi
# The lists may name an ABI that already left the mirror: refresh once.
fetch || { apt_update && resolve && fetch; } ||
	die "cannot download the packages of $kernel: ${pkgs[*]}"
image_deb=$(deb "$image")
headers_deb=$(deb "$headers")
common_deb=$(deb "$common")
kbuild_deb=$(deb "${KERNEL_KBUILD}")
busybox_deb=$(deb busybox-static)
source_deb=$(deb linux-source-6.1)

# unpack DIR DEB...: DIR holds the DEBs' files, unpacked once.
unpack() {
	local dir=$1 deb
	shift
	[ -f "$dir/.unpacked" ] && return 0
	rm -rf "$dir"
	mkdir -p "$dir"
	for deb in "$@"; do
		say "unpacking $(basename "$deb")"
		dpkg-deb -x "$deb" "$dir"
	done
	touch "$dir/.unpacked"
}

kroot=$cache/kernels/$image-$version
unpack "$kroot" "$image_deb" "$headers_deb" "$common_deb" "$kbuild_deb"
kdir=$kroot/usr/src/$headers
# The arm64 headers include the common tree by absolute path.
sed -i "s|^include /usr/src/|include $kroot/usr/src/|" "$kdir/Makefile"
krel=${image#linux-image-}
[ -f "$kroot/boot/vmlinuz-$krel" ] || die "no kernel image in $image_deb"

unpack "$cache/busybox" "$busybox_deb"

# From the kernel source package: the selftest harness and checkpatch.
src=$cache/linux-source-6.1
if [ ! -f "$src/.unpacked" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	say "unpacking parts of $(basename "$source_deb")"
	dpkg-deb --fsys-tarfile "$source_deb" |
		tar -xO ./usr/src/linux-source-6.1.tar.xz |
		tar -xJ -C "$src" --strip-components=1 \
			linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
			linux-source-6.1/tools/testing/selftests/kselftest.h \
			linux-source-6.1/scripts/checkpatch.pl \
			linux-source-6.1/scripts/spelling.txt \
			linux-source-6.1/scripts/const_structs.checkpatch \
			linux-source-6.1/.clang-format
	touch "$src/.unpacked"
fi

mkdir -p "$out"
cat >"$out/kernel.mk.new" <<EOF
# Written by qemu/setup.sh: the $kernel kernel as resolved on this machine.
KERNEL_PKG := $image
KERNEL_VERSION := $version
KERNEL_RELEASE := $krel
KDIR := $kdir
VMLINUZ := $kroot/boot/vmlinuz-$krel
BUSYBOX := $cache/busybox/bin/busybox
KSRC := $src
EOF
# Rewrite only on change, so an unchanged kernel rebuilds nothing.
if cmp -s "$out/kernel.mk.new" "$out/kernel.mk"; then
	rm "$out/kernel.mk.new"
else
	mv "$out/kernel.mk.new" "$out/kernel.mk"
fi
say "kernel $kernel: $image $version"
