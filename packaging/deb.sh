#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# packaging/deb.sh OUT: make deb. Builds the Debian packages mmiodemo-dkms
# (all) and mmiodemo-tools (arm64, cross-built here) with Debian's own
# tools (dpkg-buildpackage, debhelper, dh-dkms; the packaging is debian/)
# out of a copy of the tree in OUT/src, so that the build never writes into
# the tree and never sees build/. The .deb, .changes and .buildinfo files
# land in OUT. Then: lintian, which must find no error; the packages'
# contents and control fields as expected; and, with KDIR= (the arm64
# kernel the workbench resolved), the module built the way the package's dkms.conf
# says, from the source the package installs.
# Environment: CROSS_COMPILE (aarch64-linux-gnu-), KDIR, TOOLCHAIN.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:?usage: packaging/deb.sh OUT}")
cross=${CROSS_COMPILE:-aarch64-linux-gnu-}
kdir=${KDIR:-}
read -ra toolchain <<<"${TOOLCHAIN:-}"
unset KDIR TOOLCHAIN CROSS_COMPILE

say() { printf 'deb: %s\n' "$*" >&2; }
die() { printf 'deb: error: %s\n' "$*" >&2; exit 1; }

# The host's packaging tools, installed if missing (by the workbench, as
# for workbench/host-packages; these serve make deb alone). libc6:arm64: the C
# library the arm64 binaries link against, as dpkg knows it, for
# dpkg-shlibdeps to write their Depends (the compiler uses the cross
# toolchain's libc6-dev-arm64-cross; libc6-dev:arm64, the usual cross
# build-essential, would upgrade linux-libc-dev and more of the host's
# packages in lockstep, which libc6:arm64 does not).
/usr/bin/python3 -m workbench packages dpkg-dev debhelper dh-dkms lintian \
	device-tree-compiler fakeroot libc6:arm64 || exit 1

# One version: the package's (debian/changelog) is libmmiodemo's.
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
lib_version=$(sed -n 's/^LIB_VERSION := //p' "$top/userspace/Makefile")
[ "$version" = "$lib_version" ] ||
	die "debian/changelog says $version, userspace/Makefile's LIB_VERSION $lib_version"

# The copy: the files git knows and the new ones it does not ignore
# (uncommitted edits included, kbuild's objects and build/ not); without
# git, everything but build/.
rm -rf "$out"
mkdir -p "$out/src"
if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	mapfile -d '' files < <(git -C "$top" ls-files -z --cached --others \
		--exclude-standard)
	present=()
	for f in "${files[@]}"; do
		[ -e "$top/$f" ] || [ -L "$top/$f" ] && present+=("$f")
	done
	tar -C "$top" -cf - -- "${present[@]}" | tar -C "$out/src" -xf -
else
	tar -C "$top" --exclude=./build -cf - . | tar -C "$out/src" -xf -
fi

# The build, without the variables of a calling make; a cross build (the
# cross compiler named for dpkg; the tree's tests need a guest: nocheck).
say "dpkg-buildpackage -aarm64 -Pcross,nocheck -b -us -uc (log: $out/build.log)"
if ! (cd "$out/src" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
	CC="${cross}gcc" DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -aarm64 -Pcross,nocheck -b -us -uc) >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	die "dpkg-buildpackage failed; log: $out/build.log"
fi
changes=$out/mmiodemo_${version}_arm64.changes
dkms_deb=$out/mmiodemo-dkms_${version}_all.deb
tools_deb=$out/mmiodemo-tools_${version}_arm64.deb
for f in "$changes" "$dkms_deb" "$tools_deb"; do
	[ -f "$f" ] || die "dpkg-buildpackage made no $f"
done

say "lintian"
lintian_rc=0
lintian --fail-on error "$changes" >"$out/lintian.txt" 2>&1 || lintian_rc=$?
sed 's/^/lintian: /' "$out/lintian.txt" >&2
[ "$lintian_rc" = 0 ] || die "lintian found errors (or failed, rc $lintian_rc)"

# The packages hold what they must: each path a line of dpkg-deb -c,
# each field as dpkg-deb -f says.
problems=()
has_files() { # DEB PATH...
	local deb=$1 list p
	shift
	list=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
	for p in "$@"; do
		grep -qxF "./$p" <<<"$list" ||
			problems+=("${deb##*/} lacks /$p")
	done
}
field_has() { # DEB FIELD REGEX
	local value
	value=$(dpkg-deb -f "$1" "$2")
	grep -qE "$3" <<<"$value" ||
		problems+=("${1##*/}: $2 is '$value', expected /$3/")
}
src=usr/src/mmiodemo-$version
driver_files=(dkms.conf Kbuild uapi/mmiodemo.h)
for f in "$out"/src/driver/*.[ch]; do
	driver_files+=("${f##*/}")
done
has_files "$dkms_deb" "${driver_files[@]/#/$src/}" \
	usr/lib/mmiodemo/mmiodemo-virt.dtbo lib/udev/rules.d/60-mmiodemo.rules
field_has "$dkms_deb" Architecture '^all$'
field_has "$dkms_deb" Depends '(^|, )dkms( |,|$)'
field_has "$dkms_deb" Depends '(^|, )adduser(,|$)'
multiarch=usr/lib/aarch64-linux-gnu
has_files "$tools_deb" usr/bin/mmiodemo "$multiarch/libmmiodemo.so.0" \
	"$multiarch/libmmiodemo.so" "$multiarch/libmmiodemo.a" \
	"$multiarch/pkgconfig/libmmiodemo.pc" \
	usr/include/mmiodemo/libmmiodemo.h usr/include/mmiodemo/mmiodemo.h \
	usr/include/mmiodemo/mmiodemo-regs.h usr/include/mmiodemo/mmiodemo-stats.h \
	usr/share/man/man1/mmiodemo.1.gz usr/share/bash-completion/completions/mmiodemo
field_has "$tools_deb" Architecture '^arm64$'
field_has "$tools_deb" Depends '(^|, )libc6 '

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$dkms_deb" "$tmp/dkms"
dpkg-deb -x "$tools_deb" "$tmp/tools"
grep -qx "PACKAGE_VERSION=\"$version\"" "$tmp/dkms/$src/dkms.conf" ||
	problems+=("dkms.conf: no PACKAGE_VERSION=\"$version\"")
grep -qx 'AUTOINSTALL="yes"' "$tmp/dkms/$src/dkms.conf" ||
	problems+=("dkms.conf: no AUTOINSTALL=\"yes\"")
dpkg-deb -I "$dkms_deb" postinst | grep -q 'addgroup --system' ||
	problems+=("mmiodemo-dkms's postinst creates no system group")
dpkg-deb -I "$dkms_deb" postinst | grep -q 'common.postinst' ||
	problems+=("mmiodemo-dkms's postinst runs no DKMS")
grep -q 'GROUP="mmiodemo", MODE="0660"' "$tmp/dkms/lib/udev/rules.d/60-mmiodemo.rules" ||
	problems+=("the udev rule sets no GROUP=mmiodemo MODE=0660")
"${cross}readelf" -lW "$tmp/tools/usr/bin/mmiodemo" | grep -q 'Requesting program interpreter' ||
	problems+=("usr/bin/mmiodemo is not dynamically linked")
[ "$(readlink "$tmp/tools/$multiarch/libmmiodemo.so")" = libmmiodemo.so.0 ] ||
	problems+=("$multiarch/libmmiodemo.so is no symlink to libmmiodemo.so.0")
"${cross}readelf" -d "$tmp/tools/$multiarch/libmmiodemo.so.0" |
	grep -q 'SONAME.*\[libmmiodemo\.so\.0\]' ||
	problems+=("libmmiodemo.so.0 has no SONAME libmmiodemo.so.0")
grep -qx "libdir=/$multiarch" "$tmp/tools/$multiarch/pkgconfig/libmmiodemo.pc" ||
	problems+=("libmmiodemo.pc: libdir is not /$multiarch")

# The module, built as DKMS builds it: the source copied to DKMS's build
# directory, dkms.conf read by the shell with DKMS's variables set, its
# MAKE[0] run (cross, for the arm64 kernel), and each module it installs
# (BUILT_MODULE_NAME) is there.
if [ -n "$kdir" ]; then
	dkms_tree=$tmp/dkms-tree
	build=$dkms_tree/mmiodemo/$version/build
	mkdir -p "${build%/build}"
	cp -a "$tmp/dkms/$src" "$build"
	# shellcheck disable=SC2034 # dkms.conf reads them
	kernel_source_dir=$kdir
	MAKE=() BUILT_MODULE_NAME=()
	# shellcheck source=/dev/null
	. "$build/dkms.conf"
	[ "${BUILT_MODULE_NAME[*]}" = "mmiodemo mmiodemo-audit" ] ||
		problems+=("dkms.conf builds ${BUILT_MODULE_NAME[*]}, not the driver and its audit (mmiodemo mmiodemo-audit)")
	read -ra make_cmd <<<"${MAKE[0]}"
	say "DKMS's build: ${make_cmd[*]} ARCH=arm64 CROSS_COMPILE=$cross"
	if ! (cd "$build" && env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
		"${toolchain[@]}" "${make_cmd[@]}" ARCH=arm64 \
		CROSS_COMPILE="$cross") >"$out/dkms-build.log" 2>&1; then
		tail -n 20 "$out/dkms-build.log" >&2
		problems+=("the module does not build from the package's source; log: $out/dkms-build.log")
	else
		for i in "${!BUILT_MODULE_NAME[@]}"; do
			ko=${BUILT_MODULE_NAME[$i]}.ko
			if [ ! -f "$build/$ko" ]; then
				problems+=("DKMS's build made no $ko")
			else
				say "DKMS's build: $ko, vermagic $(modinfo -F vermagic "$build/$ko")"
			fi
		done
	fi
fi

if [ "${#problems[@]}" -gt 0 ]; then
	printf 'deb: FAIL %s\n' "${problems[@]}" >&2
	die "the packages are not as expected"
fi
say "the packages hold what they must"
for f in "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo; do
	[ -f "$f" ] && printf '%s\n' "${f#"$top"/}"
done
