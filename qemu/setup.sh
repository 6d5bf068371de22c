#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# qemu/setup.sh KERNEL: make sure everything a build and a boot need is here.
#
# Installs missing host packages, resolves the kernel named by
# qemu/kernels/KERNEL.conf through Debian's metapackages (or builds it from
# Debian's kernel source and a config fragment), makes the build root of
# the compiler it needs if the host has none (KERNEL_TOOLCHAIN), downloads
# and unpacks what is not cached yet under build/cache, and writes
# build/KERNEL/kernel.mk for the Makefile. A second run downloads nothing.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${1:?usage: qemu/setup.sh KERNEL}
conf=$top/qemu/kernels/$kernel.conf
cache=$top/build/cache
out=$top/build/$kernel

say() { printf 'setup: %s\n' "$*" >&2; }
# tick WHAT CMD...: CMD with a progress line every 10 s (qemu/ticker.sh),
# its output in build/logs/setup-$kernel.log.
tick() {
	local what=$1
	shift
	"$top/qemu/ticker.sh" "setup: $what" "$top/build/logs/setup-$kernel.log" "$@"
}
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=qemu/lib.sh
. "$top/qemu/lib.sh"

[ -f "$conf" ] || die "unknown kernel '$kernel': no $conf (have: $(basename -s .conf "$top"/qemu/kernels/*.conf | tr '\n' ' '))"
# shellcheck source=/dev/null
. "$conf"

export DEBIAN_FRONTEND=noninteractive
apt_updated=0
apt_update() {
	[ "$apt_updated" = 1 ] && return 0
	say "apt-get update"
	tick "apt-get update" apt-get update || die "apt-get update failed"
	apt_updated=1
}

# Host packages.
mapfile -t wanted < <(grep -v '^#' "$top/qemu/host-packages")
mapfile -t missing < <(missing_packages "${wanted[@]}")
if [ "${#missing[@]}" -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing host packages (${missing[*]}): run as root or install them"
	apt_update
	say "installing ${missing[*]}"
	tick installing apt-get install -y --no-install-recommends "${missing[@]}" ||
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

# The system's Debian mirror, whichever it is, from its own sources.
mirror() {
	local m
	m=$(awk 'BEGIN { RS = "" }
		/(^|\n)Suites:[^\n]*[ \t]bookworm([ \t\n]|$)/ {
			match($0, /URIs:[ \t]*[^ \t\n]+/)
			split(substr($0, RSTART, RLENGTH), f, /[ \t]+/)
			print f[2]; exit
		}' /etc/apt/sources.list.d/*.sources 2>/dev/null)
	[ -n "$m" ] || m=$(awk '$1 == "deb" && / bookworm / {
		for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' \
		/etc/apt/sources.list 2>/dev/null)
	[ -n "$m" ] || die "no Debian bookworm mirror in the system's apt sources"
	printf '%s\n' "$m"
}

# local_apt ARRAY NAME SUITE...: a project-local apt configuration under
# build/cache/apt/NAME for the SUITEs (the first one preferred), its
# options in ARRAY; its lists are fetched if missing or if the suites
# changed. The system's sources stay as they are.
local_apt() {
	local -n opts=$1
	local dir=$cache/apt/$2 suite list=
	shift 2
	mkdir -p "$dir/lists/partial" "$dir/cache"
	for suite in "$@"; do
		list+="deb [arch=arm64,amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) $suite main"$'\n'
	done
	apt_opts opts "$dir" "$1"
	if ! printf '%s' "$list" | cmp -s - "$dir/sources.list" ||
		! compgen -G "$dir/lists/*_Packages*" >/dev/null; then
		printf '%s' "$list" >"$dir/sources.list"
		say "apt-get update ($*, project-local)"
		tick "apt-get update" apt-get "${opts[@]}" update || die "apt-get update of $* failed"
	fi
}

# Kernels from another suite (bookworm-backports, trixie-backports) come
# through a project-local apt configuration that prefers it, with its base
# suite for what a backports suite lacks (the guest's C library).
kapt=()
klists=/var/lib/apt/lists
kapt_update() {
	if [ "${#kapt[@]}" = 0 ]; then
		apt_update
	else
		say "apt-get update ($KERNEL_SUITE, project-local)"
		tick "apt-get update" apt-get "${kapt[@]}" update || die "apt-get update of $KERNEL_SUITE failed"
	fi
}

if [ -n "${KERNEL_SUITE:-}" ]; then
	local_apt kapt "$KERNEL_SUITE" "$KERNEL_SUITE" "${KERNEL_SUITE%-backports}"
	klists=$cache/apt/$KERNEL_SUITE/lists
fi

# resolve: name the packages of this kernel (image, headers, their common
# tree, the host's kbuild tools), the guest's busybox and the kernel source
# of the anchors, and their .deb files, from apt's lists alone.
resolve() {
	local show
	spkgs=(busybox-static:arm64 linux-source-6.1)
	mapfile -t sdebs < <(apt-get download --print-uris "${spkgs[@]}" \
		2>/dev/null | awk '{ print $2 }')
	[ "${#sdebs[@]}" = "${#spkgs[@]}" ] || return 1
	# libgpiod from the kernel's own suite, with the C library it runs on:
	# v1 with bookworm, v2 with bookworm-backports and trixie; its library
	# package is named by its soname.
	libgpiod=$(apt-cache "${kapt[@]}" depends gpiod:arm64 2>/dev/null |
		sed -n 's/^ *Depends: \(libgpiod[0-9]*\).*/\1/p' | head -n 1)
	[ -n "$libgpiod" ] || return 1
	gpkgs=(gpiod:arm64 "$libgpiod:arm64" libgpiod-dev:arm64 libc6:arm64)
	mapfile -t gdebs < <(apt-get "${kapt[@]}" download --print-uris \
		"${gpkgs[@]}" 2>/dev/null | awk '{ print $2 }')
	[ "${#gdebs[@]}" = "${#gpkgs[@]}" ] || return 1
	if [ -n "${KERNEL_FRAGMENT:-}" ]; then
		# Built here from Debian's kernel source: the source package,
		# named by its metapackage in the kernel's suite, or 6.1's.
		image=built headers=built common=built kbuild=built version=built
		imgpkg=built kpkgs=(linux-source-6.1)
		if [ -n "${KERNEL_SOURCE_META:-}" ]; then
			kpkgs=("$(apt-cache "${kapt[@]}" depends "$KERNEL_SOURCE_META" 2>/dev/null |
				sed -n 's/^ *Depends: \(linux-source-[0-9][^:]*\).*/\1/p' | head -n 1)")
			[ -n "${kpkgs[0]}" ] || return 1
		fi
		mapfile -t kdebs < <(apt-get "${kapt[@]}" download --print-uris \
			"${kpkgs[@]}" 2>/dev/null | awk '{ print $2 }')
		[ "${#kdebs[@]}" = 1 ]
		return
	fi
	image=$(apt-cache "${kapt[@]}" depends "$KERNEL_IMAGE_META" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^:]*\).*/\1/p' | head -n 1)
	headers=$(apt-cache "${kapt[@]}" depends "$KERNEL_HEADERS_META" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-headers-[^:]*\).*/\1/p' | head -n 1)
	[ -n "$image" ] && [ -n "$headers" ] || return 1
	show=$(apt-cache "${kapt[@]}" show --no-all-versions "$image:arm64" \
		"$headers:arm64") || return 1
	version=$(printf '%s\n' "$show" | sed -n 's/^Version: //p' | head -n 1)
	common=$(printf '%s\n' "$show" |
		sed -n 's/^Depends: .*\(linux-headers-[^ ,]*-common\).*/\1/p')
	kbuild=$(printf '%s\n' "$show" |
		sed -n 's/^Depends: .*\(linux-kbuild-[^ ,]*\).*/\1/p')
	[ -n "$version" ] && [ -n "$common" ] && [ -n "$kbuild" ] || return 1
	# Since 7.x the image package is small and depends on linux-binary-*
	# (signed); the unsigned image is in linux-binary-unsigned-*.
	imgpkg=$image
	if printf '%s\n' "$show" | grep -q '^Depends: .*linux-binary-'; then
		imgpkg=linux-binary-unsigned-${image#linux-image-}
	fi
	# kbuild without an architecture: the host's (amd64) build tools.
	kpkgs=("$imgpkg:arm64" "$headers:arm64" "$common" "$kbuild=$version")
	# 7.x ships the modules apart: the guest loads a few (KMODULES).
	[ "$imgpkg" = "$image" ] ||
		kpkgs+=("linux-modules-${image#linux-image-}:arm64")
	mapfile -t kdebs < <(apt-get "${kapt[@]}" download --print-uris \
		"${kpkgs[@]}" 2>/dev/null | awk '{ print $2 }')
	[ "${#kdebs[@]}" = "${#kpkgs[@]}" ]
}

# fetch: download the .debs of a group that are not cached yet. A file is
# NAME_VERSION_ARCH.deb; NAME:ARCH asks apt for exactly that package.
fetch() { # fetch DEBS-ARRAY [APT-OPTION...]
	local -n fdebs=$1
	local f arch need=()
	shift
	mkdir -p "$cache/debs"
	for f in "${fdebs[@]}"; do
		[ -f "$cache/debs/$f" ] && continue
		arch=${f##*_}
		arch=${arch%.deb}
		need+=("${f%%_*}:$arch")
	done
	[ "${#need[@]}" = 0 ] && return 0
	say "downloading ${need[*]}"
	(cd "$cache/debs" && tick downloading apt-get "$@" download \
		-o APT::Sandbox::User=root "${need[@]}")
}

fetch_all() {
	fetch kdebs "${kapt[@]}" && fetch gdebs "${kapt[@]}" && fetch sdebs
}

# deb NAME-PREFIX: the cached .deb of the package whose name starts so.
deb() {
	local f
	for f in "${kdebs[@]}" "${gdebs[@]}" "${sdebs[@]}"; do
		case $f in "$1"_*) printf '%s\n' "$cache/debs/$f"; return 0 ;; esac
	done
	die "no .deb for $1"
}

# apt's cache is rebuilt on every call here (over a second each), so the
# resolution is kept, keyed by the lists it came from and by this script.
lists_stamp=$( (stat -c '%n %Y %s' /var/lib/apt/lists/*_Packages* \
	"$klists"/*_Packages*; cat "$0" "$conf") 2>/dev/null |
	md5sum | cut -d' ' -f1)
resolved=$cache/resolved-$kernel.sh
if [ -f "$resolved" ] && grep -qx "# $lists_stamp" "$resolved"; then
	# shellcheck source=/dev/null
	. "$resolved"
elif resolve || { apt_update && kapt_update && resolve; }; then
	mkdir -p "$cache"
	{
		echo "# $lists_stamp"
		declare -p image imgpkg headers common kbuild version libgpiod \
			kpkgs spkgs gpkgs kdebs sdebs gdebs
	} >"$resolved"
else
	die "cannot resolve $kernel through $KERNEL_IMAGE_META and $KERNEL_HEADERS_META"
fi
# The lists may name an ABI that already left the mirror: refresh once.
fetch_all || { apt_update && kapt_update && resolve && fetch_all; } ||
	die "cannot download the packages of $kernel: ${kpkgs[*]} ${spkgs[*]}"
busybox_deb=$(deb busybox-static)

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

unpack "$cache/busybox" "$busybox_deb"

# libgpiod's tools, library and headers, with the arm64 C library they
# run on: the guest's /lib and /usr come from here.
gpiod_deb=$(deb gpiod)
gpiod_root=$cache/gpiod/$(basename "$gpiod_deb" .deb)
unpack "$gpiod_root" "$gpiod_deb" "$(deb "$libgpiod")" "$(deb libgpiod-dev)" \
	"$(deb libc6)"
# libgpiod2 is the v1 API, libgpiod3 the v2 API.
gpiod_api=$((${libgpiod#libgpiod} - 1))

# unpack_source NAME: the tree of the linux-source-VERSION package NAME,
# unpacked once into build/cache/NAME.
unpack_source() {
	local name=$1 dir=$cache/$1 sdeb
	if [ ! -f "$dir/.unpacked" ]; then
		sdeb=$(deb "$name")
		rm -rf "$dir"
		mkdir -p "$dir"
		say "unpacking $(basename "$sdeb")"
		# shellcheck disable=SC2016 # expanded by the inner shell
		tick unpacking bash -c 'dpkg-deb --fsys-tarfile "$1" |
			tar -xO "./usr/src/$2.tar.xz" |
			tar -xJv -C "$3" --strip-components=1' unpack "$sdeb" "$name" "$dir" ||
			die "unpacking $sdeb failed"
		basename "$sdeb" >"$dir/.unpacked"
	fi
	printf '%s\n' "$dir"
}

# The kernel source of the anchors: the selftest harness, checkpatch, and
# the tree the 6.1 debug kernel is built from.
src=$(unpack_source linux-source-6.1)

# A kernel built by a newer compiler than the host's (7.x: gcc-14) builds
# its modules, and is built, in a build root of that suite made here once
# with mmdebstrap (all amd64, no emulation). Its sparse comes from sid:
# 7.x headers use __typeof_unqual__, which needs sparse 0.6.5.
toolchain=
if [ -n "${KERNEL_TOOLCHAIN:-}" ]; then
	toolchain=$cache/toolchain/$KERNEL_TOOLCHAIN
	if [ ! -f "$toolchain/.made" ]; then
		rm -rf "$toolchain" "$toolchain.tmp"
		mkdir -p "$(dirname "$toolchain")"
		say "making the $KERNEL_TOOLCHAIN build root (mmdebstrap)"
		tick mmdebstrap mmdebstrap --mode=root --variant=apt \
			--include=gcc-aarch64-linux-gnu,gcc,make,libc6-dev,bc,flex,bison,libelf-dev,libssl-dev,dwarves,kmod,cpio \
			"$KERNEL_TOOLCHAIN" "$toolchain.tmp" \
			"deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) $KERNEL_TOOLCHAIN main" ||
			die "mmdebstrap of $KERNEL_TOOLCHAIN failed"
		sidapt=()
		local_apt sidapt sid sid
		(cd "$toolchain.tmp/tmp" && apt-get "${sidapt[@]}" download -qq \
			-o APT::Sandbox::User=root sparse:amd64 >/dev/null &&
			dpkg-deb -x sparse_*.deb sparse &&
			install -m 0755 sparse/usr/bin/sparse ../usr/local/bin/sparse &&
			rm -rf sparse sparse_*.deb) || die "no sparse from sid"
		touch "$toolchain.tmp/.made"
		mv "$toolchain.tmp" "$toolchain"
	fi
	# Where qemu/toolchain.sh mounts the project.
	mkdir -p "$toolchain$top"
fi

if [ -n "${KERNEL_FRAGMENT:-}" ]; then
	ksrc_name=${kpkgs[0]}
	ksrc=$(unpack_source "$ksrc_name")
	kdir=$cache/kbuild/$kernel
	TOOLCHAIN=$toolchain "$top/qemu/build-kernel.sh" "$ksrc" \
		"$top/qemu/kernels/$KERNEL_FRAGMENT" "$kdir" ||
		die "building the $kernel kernel failed"
	vmlinuz=$kdir/arch/arm64/boot/Image
	krel=$(cat "$kdir/include/config/kernel.release")
	image="$ksrc_name + qemu/kernels/$KERNEL_FRAGMENT"
	version=$(sed 's/^linux-source-[^_]*_\([^_]*\)_.*/\1/' "$ksrc/.unpacked")
	kheaders=$ksrc
	kmodules=$kdir
else
	kroot=$cache/kernels/$image-$version
	unpack "$kroot" "$(deb "$imgpkg")" "$(deb "$headers")" "$(deb "$common")" \
		"$(deb "$kbuild")"
	kdir=$kroot/usr/src/$headers
	kheaders=$kroot/usr/src/$common
	# The arm64 headers name the common tree, and on 7.x themselves, by
	# absolute path.
	sed -i -e "s|^include /usr/src/|include $kroot/usr/src/|" \
		-e "s|^KBUILD_OUTPUT=/usr/src/|KBUILD_OUTPUT=$kroot/usr/src/|" \
		"$kdir/Makefile"
	# Debian's 7.x kbuild tools lack the script C=2 runs to accept sparse.
	checker=$kheaders/scripts/checker-valid.sh
	if grep -q checker-valid.sh "$kheaders/Makefile" && [ ! -e "$checker" ]; then
		install -m 0755 "$top/qemu/checker-valid.sh" "$checker"
	fi
	krel=${image#linux-image-}
	vmlinuz=$kroot/boot/vmlinuz-$krel
	kmodules=$kroot/lib/modules/$krel/kernel
	# 7.x: the unsigned image, and the modules in a package of their own.
	if [ ! -f "$vmlinuz" ]; then
		vmlinuz=$kroot/usr/lib/modules/$krel/vmlinuz.unsigned
		unpack "$kroot.modules" "$(deb "linux-modules-$krel")"
		kmodules=$kroot.modules/usr/lib/modules/$krel/kernel
	fi
	[ -f "$vmlinuz" ] || die "no kernel image in $(deb "$imgpkg")"
fi

mkdir -p "$out"
cat >"$out/kernel.mk.new" <<EOF
# Written by qemu/setup.sh: the $kernel kernel as resolved on this machine.
KERNEL_PKG := $image
KERNEL_VERSION := $version
KERNEL_RELEASE := $krel
KDIR := $kdir
VMLINUZ := $vmlinuz
BUSYBOX := $cache/busybox/bin/busybox
GPIOD_ROOT := $gpiod_root
GPIOD_API := $gpiod_api
KSRC := $src
KHEADERS := $kheaders
KMODULES := $kmodules
TOOLCHAIN := ${toolchain:+$top/qemu/toolchain.sh $toolchain}
EOF
# Rewrite only on change, so an unchanged kernel rebuilds nothing.
if cmp -s "$out/kernel.mk.new" "$out/kernel.mk"; then
	rm "$out/kernel.mk.new"
else
	mv "$out/kernel.mk.new" "$out/kernel.mk"
fi
say "kernel $kernel: $image $version"
