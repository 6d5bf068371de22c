#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# workbench/mkinitramfs.sh OUT BUSYBOX INIT MODULE-DIR GPIOD-ROOT TOOL TESTS...
# Packs the guest's whole world: busybox, /init, the driver's modules
# (MODULE-DIR/*.ko into /lib/modules, the test modules MODULE-DIR/tests/*.ko
# into /lib/modules/tests), libgpiod's tools with the C library they run
# on (from GPIOD-ROOT, the unpacked Debian packages), mmiodemo's tool and
# the test programs (into /tests; the worked examples, any TESTS path under
# an examples/ directory, into /examples; modules of the kernel's own
# package, any TESTS path ending in .ko, into /lib/modules/kernel), as a
# newc cpio, not compressed.
set -euo pipefail

out=$1 busybox=$2 init=$3 moddir=$4 gpiod=$5 tool=$6
shift 6
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib/modules,tests}
install -m 0755 "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 0755 "$init" "$root/init"
install -m 0644 "$moddir"/*.ko "$root/lib/modules/"
if compgen -G "$moddir/tests/*.ko" >/dev/null; then
	mkdir -p "$root/lib/modules/tests"
	install -m 0644 "$moddir"/tests/*.ko "$root/lib/modules/tests/"
fi
install -m 0755 "$tool" "$root/bin/"
(cd "$gpiod" && cp -a --parents usr/lib/aarch64-linux-gnu/libgpiod.so.* \
	usr/bin/gpio* "$root/")
# The C library: in /lib up to bookworm, in /usr/lib since trixie; the
# guest finds it in /lib either way.
mkdir -p "$root/lib/aarch64-linux-gnu"
for f in ld-linux-aarch64.so.1 aarch64-linux-gnu/ld-linux-aarch64.so.1 \
	aarch64-linux-gnu/libc.so.6; do
	for d in lib usr/lib; do
		if [ -e "$gpiod/$d/$f" ]; then
			cp -L "$gpiod/$d/$f" "$root/lib/$f"
			break
		fi
	done
	[ -e "$root/lib/$f" ] || { echo "mkinitramfs: no $f in $gpiod" >&2; exit 1; }
done
for f; do
	mode=0755
	case $f in
	*/examples/*) dest=examples ;;
	*.ko) dest=lib/modules/kernel mode=0644 ;;
	*) dest=tests ;;
	esac
	install -D -m "$mode" "$f" "$root/$dest/${f##*/}"
done
# Not compressed: the guest unpacks 10 MB of gzip in about a second under
# QEMU's emulation, and copies 30 MB of cpio in a fraction of that.
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) \
	>"$out.tmp"
mv "$out.tmp" "$out"
