#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# packaging/debian-guest.sh image KERNEL: a real Debian bookworm arm64 system for
# QEMU virt, cached in build/cache/debian-guest/ (make test-debian).
#
# The host has no binfmt, so nothing arm64 runs here: debootstrap --foreign
# only unpacks the packages; their second stage runs inside the guest, on
# a first boot with a small busybox initramfs (the Debian kernel's virtio
# and ext4 modules, from its package), which then installs the kernel's own
# packages (image, headers, kbuild: they are in bookworm-security, which
# debootstrap does not read). The result is the disk image base.img and the
# initramfs Debian's initramfs-tools made in the guest (initrd.img), kept
# until the inputs change (the second stage's commands, the package list, the kernel,
# IMAGE_FORMAT). Everything the guest
# installs comes as .deb files fetched here: it has no network.
#
# packaging/debian-guest.sh payload KERNEL: what a test boot needs besides the
# cached system, in build/debian-guest/: a fresh copy of it (root.img); the
# second disk (payload.img, ext4) holding mmiodemo's packages (build/deb),
# the guest's test programs and test modules, guest/debian-run.sh, which the
# guest runs at boot (mmiodemo-payload.service), and
# guest/debian-install-test.sh; and QEMU's tree with the package's overlay
# applied (virt-package.dtb).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
what=${1:?usage: packaging/debian-guest.sh image|payload KERNEL}
kernel=${2:?usage: packaging/debian-guest.sh image|payload KERNEL}
cd "$top"
b=build/$kernel
# The kernel's variables, in the environment the workbench gives
# (python3 -m workbench test-debian).
release=${KERNEL_RELEASE:?run by python3 -m workbench test-debian}
version=${KERNEL_VERSION:?run by python3 -m workbench test-debian}
vmlinuz=${VMLINUZ:?run by python3 -m workbench test-debian}
busybox=${BUSYBOX:?run by python3 -m workbench test-debian}
: "${KERNEL_PACKAGES:?run by python3 -m workbench test-debian}"
cache=build/cache/debian-guest
debs=build/cache/debs
out=build/debian-guest
export DEBIAN_FRONTEND=noninteractive

say() { echo "test-debian: $*"; }
die() { echo "test-debian: $*" >&2; exit 1; }

# The packages the system has besides debootstrap's minbase: systemd and
# udev, what the kernel's packages and DKMS need (a compiler, make, the
# headers' tools' libraries), and libgpiod for the tests. Dependencies are
# resolved by debootstrap.
DEBIAN_PACKAGES=systemd-sysv,udev,kmod,linux-base,initramfs-tools,dkms,gcc,gcc-12,make,libc6-dev,dpkg-dev,patch,libelf1,libssl3,gpiod,libgpiod2,procps,pkgconf

# The cached image is made again when the second stage, the packages or the
# kernel change, or this number (raise it when image() changes what it
# makes).
IMAGE_FORMAT=1

case $kernel in
debian-6.1) suite=bookworm ;;
*) die "KERNEL=$kernel: the Debian guest is bookworm, whose kernel is debian-6.1" ;;
esac

# mirror: the system's Debian mirror, as workbench/apt.py finds it.
mirror() {
	awk 'BEGIN { RS = "" }
		/(^|\n)Suites:[^\n]*[ \t]bookworm([ \t\n]|$)/ {
			match($0, /URIs:[ \t]*[^ \t\n]+/)
			split(substr($0, RSTART, RLENGTH), f, /[ \t]+/)
			print f[2]; exit
		}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true
}

# The kernel's own packages for the guest, as the workbench resolved them
# (KERNEL_PACKAGES: image, headers, their common tree, kbuild), arm64 all
# of them (the host's cache has an amd64 linux-kbuild, for cross-building).
kernel_debs() {
	local p f
	for p in $KERNEL_PACKAGES; do
		f=$(apt-get download --print-uris "$p=$version" 2>/dev/null |
			awk '{ print $2 }') || true
		[ -n "$f" ] || die "apt cannot find $p=$version"
		[ -f "$debs/$f" ] || (cd "$debs" && apt-get download -qq \
			-o APT::Sandbox::User=root "$p=$version") ||
			die "cannot download $p=$version"
		echo "$debs/$f"
	done
}

image() {
	local key root m stamp
	key=$( (grep -v "^#" guest/debian-stage2.sh
		echo "$IMAGE_FORMAT $release $version $DEBIAN_PACKAGES") |
		md5sum | cut -d' ' -f1)
	stamp=$cache/base.key
	if [ -f "$cache/base.img" ] && [ -f "$cache/initrd.img" ] &&
		[ "$(cat "$stamp" 2>/dev/null)" = "$key" ]; then
		say "Debian $suite image cached ($cache/base.img)"
		return 0
	fi
	/usr/bin/python3 -m workbench packages debootstrap e2fsprogs ||
		die "cannot install debootstrap"
	mkdir -p "$cache" "$debs"
	root=$cache/rootfs
	rm -rf "$root" "$cache/base.img" "$cache/initrd.img" "$stamp"
	mkdir -p "$root"
	say "debootstrap --foreign: Debian $suite arm64 (first stage, unpack only)"
	debootstrap --foreign --arch=arm64 --variant=minbase \
		--include="$DEBIAN_PACKAGES" "$suite" "$root" \
		"$(mirror)" >"$cache/debootstrap.log" 2>&1 ||
		die "debootstrap failed; see $cache/debootstrap.log"
	mkdir -p "$root/root/kernel-debs"
	kernel_debs | while read -r f; do cp "$f" "$root/root/kernel-debs/"; done
	install -m 755 guest/debian-stage2.sh "$root/root/stage2.sh"

	# The first boot's initramfs: busybox and the modules that mount the
	# disk, from the kernel's package, loaded in dependency order.
	local initrd=$cache/stage2-initramfs
	rm -rf "$initrd"
	mkdir -p "$initrd/bin" "$initrd/lib/modules"
	cp "$busybox" "$initrd/bin/busybox"
	for m in crc16 mbcache jbd2 crc32c_generic ext4 virtio_mmio virtio_blk; do
		f=$(find "$(dirname "$vmlinuz")/../lib/modules/$release/kernel" \
			-name "$m.ko" | head -n1)
		[ -n "$f" ] || die "no $m.ko in the kernel's package"
		cp "$f" "$initrd/lib/modules/"
		echo "$m" >>"$initrd/lib/modules/order"
	done
	cat >"$initrd/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do insmod "/lib/modules/$m.ko"; done </lib/modules/order
sleep 1
mkdir -p /newroot
if mount -t ext4 /dev/vda /newroot; then
	mount -t proc proc /newroot/proc
	mount -t sysfs sysfs /newroot/sys
	mount -t devtmpfs devtmpfs /newroot/dev
	chroot /newroot /root/stage2.sh && echo "mmiodemo-debian: stage2 ok"
	umount /newroot/dev /newroot/sys /newroot/proc
	sync
	umount /newroot
else
	echo "mmiodemo-debian: cannot mount /dev/vda"
fi
poweroff -f
EOF
	chmod 755 "$initrd/init"
	(cd "$initrd" && find . | cpio -o -H newc --quiet) >"$cache/stage2-initramfs.cpio"
	rm -rf "$initrd"

	say "making the disk image (ext4, 8 GiB sparse)"
	mke2fs -q -t ext4 -L debian -d "$root" "$cache/stage1.img" 8G >/dev/null
	rm -rf "$root"
	say "second stage in the guest: dpkg configures Debian (long under TCG)"
	local t0=$SECONDS
	/usr/bin/python3 -m workbench boot --image "$vmlinuz" \
		--initrd "$cache/stage2-initramfs.cpio" \
		--drive "root=$cache/stage1.img" --log "$cache/stage2.log" || true
	grep -q '^mmiodemo-debian: stage2 ok' "$cache/stage2.log" ||
		die "the second stage failed; see $cache/stage2.log"
	say "second stage done in $((SECONDS - t0)) s"
	debugfs -R "dump /boot/initrd.img-$release $cache/initrd.img" \
		"$cache/stage1.img" >/dev/null 2>&1
	[ -s "$cache/initrd.img" ] || die "no /boot/initrd.img-$release in the image"
	mv "$cache/stage1.img" "$cache/base.img"
	echo "$key" >"$stamp"
}

payload() {
	local dir=$out/payload x=$out/dkms-deb
	rm -rf "$dir" "$x"
	mkdir -p "$dir/debs" "$dir/tests" "$dir/examples" "$dir/modules" "$dir/bin"
	if ! compgen -G 'build/deb/mmiodemo-dkms_*.deb' >/dev/null ||
		! compgen -G 'build/deb/mmiodemo-tools_*_arm64.deb' >/dev/null; then
		die "no packages in build/deb (make deb)"
	fi
	cp build/deb/mmiodemo-dkms_*.deb build/deb/mmiodemo-tools_*_arm64.deb "$dir/debs/"
	# The guest's programs as make lists them for the busybox guest
	# ($b/guest-files), every one (a test may run another: track_bench,
	# fb_doc_example), but the tool (the package's is tested) and the
	# kernel's modules (Debian's own are loaded).
	local files
	read -r -a files <"$b/guest-files"
	for f in "${files[@]}"; do
		case $f in
		*/examples/*) cp "$f" "$dir/examples/" ;;
		*.ko | */userspace/mmiodemo) ;;
		*) cp "$f" "$dir/tests/" ;;
		esac
	done
	cp "$b"/modules/tests/*.ko "$dir/modules/"
	cp "$busybox" "$dir/bin/busybox"
	install -m 755 guest/debian-run.sh "$dir/run.sh"
	install -m 755 guest/debian-install-test.sh "$dir/debian-install-test.sh"
	rm -f "$out/payload.img"
	mke2fs -q -t ext4 -L mmiodemo -d "$dir" "$out/payload.img" 256M >/dev/null

	# The device tree a board's boot loader would hand the kernel: QEMU's
	# own, with the overlay the package installs applied; then, as for
	# every test boot, the tests' decoy nodes (dts/mmiodemo-virt-decoy.dtso).
	dpkg-deb -x build/deb/mmiodemo-dkms_*.deb "$x"
	dtbo=$(find "$x" -name '*.dtbo' | head -n1)
	[ -n "$dtbo" ] || die "no .dtbo in mmiodemo-dkms"
	fdtoverlay -i "$b/virt.dtb" -o "$out/virt-package.dtb" "$dtbo" \
		"$b/mmiodemo-virt-decoy.dtbo"
	rm -rf "$x"
	# A fresh copy of the cached system for each test boot.
	cp --sparse=always "$cache/base.img" "$out/root.img"
}

case $what in
image) image ;;
payload) payload ;;
*) die "unknown step '$what'" ;;
esac
