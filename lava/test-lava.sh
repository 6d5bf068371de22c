#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# lava/test-lava.sh files: make lava-files, the artefacts of the LAVA job
# of KERNEL (from the environment, as the workbench gives it: python3 -m
# workbench exec) in build/KERNEL/lava/ (for a lab: Documentation/lava.rst).
#
# lava/test-lava.sh run: make test-lava. Runs KERNEL's LAVA job
# (lava/mkjobs.py) with LAVA's own dispatcher, lava-run, on a device
# dictionary for this machine, and checks that LAVA's per-test results are
# the harness's: the workbench runs the suite first, in its own boot.
#
# The LAVA initramfs takes from the kernel's modules (KMODULES of
# workbench/kernel.py; 7.x: its linux-modules package) those that mount LAVA's
# overlay disk, but for those the guest loads in every boot (the
# Makefile's KERNEL_MODULES). Files:
# build/KERNEL/lava/ (the job's artefacts), build/lava/KERNEL/ (job,
# device dictionary, lava-run's output directory), build/logs/KERNEL-lava.*
# (lava-run's log, the console, LAVA's results). Prints a line per check
# and "N passed, N failed"; exits 0 only when nothing failed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
usage='usage: python3 -m workbench exec [--kernel NAME] -- lava/test-lava.sh files|run'
what=${1:?$usage}
kernel=${KERNEL:?$usage}
case $what in files | run) ;; *) echo "$usage" >&2; exit 2 ;; esac
cd "$top"
b=build/$kernel
art=$b/lava
run=build/lava/$kernel
cache=build/cache/lava
# The kernel's variables, in the environment the workbench gives (make
# lava-files, make test-lava: python3 -m workbench exec).
vmlinuz=${VMLINUZ:?run by python3 -m workbench exec}
kmods=${KMODULES:?run by python3 -m workbench exec}
kdir=${KDIR:?run by python3 -m workbench exec}
die() { echo "test-lava: $*" >&2; exit 2; }
say() { echo "test-lava: $*"; }

# The job's artefacts. The LAVA initramfs is the guest's with a second
# cpio appended (the kernel unpacks both): lava-suite.sh, and the modules
# of the overlay disk in load order, their dependencies first.
rm -rf "$art"
mkdir -p "$art"
cp "$vmlinuz" "$art/vmlinuz"
cp "$b/mmiodemo-virt-test.dtb" "$art/"
cp build/blobs/*.bin "$art/"
extra=$(mktemp -d)
trap 'rm -rf "$extra"' EXIT
mkdir -p "$extra/lib/modules/lava" "$extra/tests"
install -m 755 lava/lava-suite.sh "$extra/tests/"
mods=''
modfile() { # modfile NAME: the module's file among the kernel's modules
	find "$kmods" \
		\( -name "$1.ko" -o -name "$1.ko.xz" -o -name "${1//_/-}.ko" \
		-o -name "${1//_/-}.ko.xz" \) 2>/dev/null | head -n1 || true
}
built_in() { # built_in SYMBOL: the kernel's configuration has CONFIG_SYMBOL=y
	grep -qx "CONFIG_$1=y" "$kdir/.config"
}
add_module() { # add_module NAME: NAME after its dependencies
	local f dep
	case " $mods " in *" $1 "*) return 0 ;; esac
	f=$(modfile "$1")
	[ -n "$f" ] || die "no $1.ko for $kernel in ${kmods:-KMODULES}: its LAVA guest could not mount LAVA's overlay disk"
	for dep in $(modinfo -F depends "$f" | tr , ' '); do
		add_module "$dep"
	done
	case $f in
	*.xz) xz -dc "$f" >"$extra/lib/modules/lava/$1.ko" ;;
	*) cp "$f" "$extra/lib/modules/lava/$1.ko" ;;
	esac
	echo "$1" >>"$extra/lib/modules/lava/order"
	mods+=" $1"
}
# virtio-blk over PCI (QEMU's if=virtio on virt), ext2 through ext4 and
# the checksum ext4 asks the crypto API for.
# Each NAME:SYMBOL is left out where the kernel has CONFIG_SYMBOL=y (6.12
# and 7.x build virtio_pci in); what they depend on comes with them. Up
# to 6.x, ext4 asks the crypto API for crc32c (crc32c_generic); since 7.x
# it calls the crc32c library, and crc32c_generic is gone.
for m in virtio_pci:VIRTIO_PCI virtio_blk:VIRTIO_BLK crc32c_generic:CRYPTO_CRC32C \
	ext4:EXT4_FS; do
	built_in "${m#*:}" && continue
	# Loaded by guest/init in every boot already.
	[ -f "$b/kernel-modules/${m%:*}.ko" ] && continue
	[ "${m%:*}" = crc32c_generic ] && [ -z "$(modfile crc32c_generic)" ] &&
		[ -n "$(modfile crc32c-cryptoapi)" ] && continue
	add_module "${m%:*}"
done
say "LAVA initramfs: $(basename "$b")/initramfs.cpio and lava-suite.sh, modules$mods"
(cd "$extra" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$extra.cpio"
cat "$b/initramfs.cpio" "$extra.cpio" >"$art/initramfs.cpio"
rm -f "$extra.cpio"

if [ "$what" = files ]; then
	say "the job's files are in $art/"
	exit 0
fi

# Host packages: LAVA's dispatcher, and libguestfs with its appliance
# builder, with which the dispatcher makes the overlay disk.
/usr/bin/python3 -m workbench packages lava-dispatcher python3-guestfs \
	supermin qemu-utils kmod || die "could not install LAVA's packages"

# libguestfs boots a small appliance with a kernel of the host's: Debian's
# amd64 (or the host's) kernel package, unpacked into the cache, not
# installed. KVM is not used: a nested /dev/kvm can hang the appliance.
arch=$(dpkg --print-architecture)
meta=linux-image-$arch
[ "$arch" = arm64 ] && meta=linux-image-arm64
dep=$(apt-cache depends "$meta" 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
[ -n "$dep" ] || die "cannot resolve $meta (for libguestfs' appliance)"
sk=$cache/supermin-kernel/$dep
if [ ! -d "$sk/lib/modules" ]; then
	say "fetching $dep for libguestfs' appliance"
	rm -rf "$sk" "$sk.tmp" "$cache/dl"
	mkdir -p "$cache/dl"
	(cd "$cache/dl" && apt-get download "$dep" >/dev/null 2>&1) ||
		die "apt-get download $dep failed"
	mkdir -p "$sk.tmp"
	dpkg-deb -x "$cache/dl/"*.deb "$sk.tmp"
	depmod -b "$sk.tmp" "${dep#linux-image-}"
	rm -rf "$cache/dl"
	mv "$sk.tmp" "$sk"
fi
SUPERMIN_KERNEL=$(realpath "$sk"/boot/vmlinuz-*)
SUPERMIN_KERNEL_VERSION=${dep#linux-image-}
SUPERMIN_MODULES=$(realpath "$sk/lib/modules/$SUPERMIN_KERNEL_VERSION")
export SUPERMIN_KERNEL SUPERMIN_KERNEL_VERSION SUPERMIN_MODULES
export LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg

# The harness's results, from its own boot of the same build.
rm -rf "$run"
mkdir -p "$run"
say "the harness: python3 -m workbench test $kernel"
harness_rc=0
/usr/bin/python3 -m workbench test "$kernel" >"$run/harness.out" 2>&1 || harness_rc=$?
tail -n 1 "$run/harness.out"

# LAVA's: the job as a lab would get it, but with file:// URLs, and the
# device dictionary of this machine (with QMP for the host's part).
/usr/bin/python3 lava/mkjobs.py --check "$run" "$kernel" >/dev/null ||
	die "the job does not validate: make lava-check"
sock=$top/build/logs/$kernel-lava.qmp
/usr/bin/python3 lava/mkjobs.py --device "$run/device.yaml" --qmp "$sock"
say "lava-run: job $run/$kernel.yaml on $run/device.yaml"
/usr/bin/python3 lava/lava-run.py "$kernel" "$run" "$sock" "$harness_rc"
