#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/host/install-check.sh: make install DESTDIR=TMP PREFIX=/usr puts
# every file where it belongs, a program built against the installed
# pkg-config file (and nothing of the source tree) links with the shared
# and with the static libmmiodemo, and make uninstall removes it all.
# Prints one line per problem; no output is a pass. (No grep -q after a
# pipe: with pipefail, the writer's SIGPIPE would fail the pipeline.)
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cross=${CROSS_COMPILE:-aarch64-linux-gnu-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root

# A make of our own: no variable of a calling make (make check) leaks in,
# and its own build folder (O=), apart from build/userspace, where make
# test's kernel builds, which run beside the checks, build.
make_() {
	MAKEFLAGS='' MAKELEVEL='' make -s -C "$top" "$@" O="$tmp/build" \
		DESTDIR="$root" PREFIX=/usr
}

if ! out=$(make_ install 2>&1); then
	printf 'make install failed:\n%s\n' "$out"
	exit 1
fi

# Every file, and nothing else.
want=(
	usr/bin/mmiodemo
	usr/include/mmiodemo/libmmiodemo.h
	usr/include/mmiodemo/mmiodemo-regs.h
	usr/include/mmiodemo/mmiodemo-stats.h
	usr/include/mmiodemo/mmiodemo.h
	usr/lib/libmmiodemo.a
	usr/lib/libmmiodemo.so
	usr/lib/libmmiodemo.so.0
	usr/lib/pkgconfig/libmmiodemo.pc
	usr/share/bash-completion/completions/mmiodemo
	usr/share/man/man1/mmiodemo.1
)
diff -u --label want <(printf '%s\n' "${want[@]}") --label installed \
	<(cd "$root" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort)
[ -x "$root/usr/bin/mmiodemo" ] || echo "usr/bin/mmiodemo is not executable"
[ "$(readlink "$root/usr/lib/libmmiodemo.so")" = libmmiodemo.so.0 ] ||
	echo "usr/lib/libmmiodemo.so is not a symlink to libmmiodemo.so.0"
"${cross}readelf" -d "$root/usr/lib/libmmiodemo.so.0" 2>&1 |
	grep 'SONAME.*\[libmmiodemo\.so\.0\]' >/dev/null ||
	echo "usr/lib/libmmiodemo.so.0 has no SONAME libmmiodemo.so.0"
for f in usr/include/mmiodemo/libmmiodemo.h usr/include/mmiodemo/mmiodemo.h \
	usr/include/mmiodemo/mmiodemo-regs.h usr/include/mmiodemo/mmiodemo-stats.h; do
	src=$top/userspace/lib/${f##*/}
	[ -f "$src" ] || src=$top/driver/${f##*/}
	[ -f "$src" ] || src=$top/driver/uapi/${f##*/}
	cmp -s "$src" "$root/$f" || echo "$f differs from ${src#"$top"/}"
done
cmp -s "$top/userspace/mmiodemo.1" "$root/usr/share/man/man1/mmiodemo.1" ||
	echo "usr/share/man/man1/mmiodemo.1 differs from userspace/mmiodemo.1"

# The pkg-config file: only the installed one is found, through the
# staging root (as a cross build or a package build would use it).
export PKG_CONFIG_LIBDIR=$root/usr/lib/pkgconfig PKG_CONFIG_PATH=
export PKG_CONFIG_SYSROOT_DIR=$root
pkgconf --validate libmmiodemo 2>&1
[ "$(pkgconf --variable=libdir libmmiodemo)" = "$root/usr/lib" ] ||
	echo "pkg-config's libdir is $(pkgconf --variable=libdir libmmiodemo), not /usr/lib"
if ! read -ra flags < <(pkgconf --cflags --libs libmmiodemo 2>&1); then
	echo "pkgconf --cflags --libs libmmiodemo failed"
	exit 1
fi
[ "${flags[*]}" = "-I$root/usr/include/mmiodemo -L$root/usr/lib -lmmiodemo" ] ||
	echo "pkgconf --cflags --libs libmmiodemo: ${flags[*]}"

# A program of the library's documented API, built with those flags only.
cat >"$tmp/example.c" <<'PROGRAM'
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <libmmiodemo.h>

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/mmiodemo";
	struct mmiodemo *md;
	uint32_t dir;
	int err;

	err = mmiodemo_open(path, O_RDONLY, &md);
	if (err) {
		fprintf(stderr, "%s: %s\n", path, strerror(-err));
		return 1;
	}
	err = mmiodemo_reg_read(md, PL061_DIR, 32, &dir);
	if (!err)
		printf("DIR = 0x%02x\n", dir);
	mmiodemo_close(md);
	return err ? 1 : 0;
}
PROGRAM
cd "$tmp" || exit 1
"${cross}gcc" -Wall -Wextra -Werror -o example-shared example.c "${flags[@]}" 2>&1
"${cross}readelf" -d example-shared 2>&1 | grep 'NEEDED.*\[libmmiodemo\.so\.0\]' >/dev/null ||
	echo "example-shared does not need libmmiodemo.so.0"
read -ra static_flags < <(pkgconf --static --cflags --libs libmmiodemo)
"${cross}gcc" -static -Wall -Wextra -Werror -o example-static example.c \
	"${static_flags[@]}" 2>&1
"${cross}nm" example-static 2>&1 | grep ' T mmiodemo_reg_read$' >/dev/null ||
	echo "example-static does not hold mmiodemo_reg_read"

# And every worked example of the tree, from the installed headers alone.
for src in "$top"/userspace/examples/*.c; do
	[ -e "$src" ] || continue
	"${cross}gcc" -static -Wall -Wextra -Werror -o "$tmp/worked" "$src" \
		"${static_flags[@]}" 2>&1 | sed "s|^|${src##*/}: |"
done

# make uninstall leaves no file behind.
out=$(make_ uninstall 2>&1) || printf 'make uninstall failed:\n%s\n' "$out"
left=$(cd "$root" && find . ! -type d)
[ -z "$left" ] || printf 'make uninstall left:\n%s\n' "$left"
