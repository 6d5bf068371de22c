#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# qemu/boot.sh dumpdtb KERNEL OUT.dtb   dump QEMU virt's own device tree
# qemu/boot.sh run|test|bench|debian KERNEL [APPEND...]
#     boot KERNEL's image with the initramfs and the overlaid tree built by
#     make (for "test", the one with the decoy node; for "debian", the Debian
#     system of qemu/debian-guest.sh), in the given guest mode. The console goes to
#     build/logs/KERNEL-MODE.log (and to stdout for "run" and "bench"), QEMU's pl061_*
#     trace events to build/logs/KERNEL-MODE.trace (not for "bench"). In "test" mode a
#     console line "mmiodemo-qmp: system_powerdown" from the guest presses
#     virt's power button (PL061 line 3) over QMP. Exits with QEMU's
#     status, 124 when the boot outlived QEMU_TIMEOUT.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:?usage: qemu/boot.sh dumpdtb|run|test KERNEL ...}
kernel=${2:?usage: qemu/boot.sh dumpdtb|run|test KERNEL ...}
shift 2
# shellcheck source=/dev/null
. "$top/qemu/machine.conf"
# A kernel's own conf may ask for more time (QEMU_TIMEOUT) and add to the
# kernel command line (KERNEL_APPEND).
# shellcheck source=/dev/null
. "$top/qemu/kernels/$kernel.conf"

# QEMU_EXTRA is a list of words by design.
# shellcheck disable=SC2206
qemu_opts=(-cpu "$QEMU_CPU" -smp "$QEMU_SMP" -m "$QEMU_MEM" $QEMU_EXTRA)

if [ "$mode" = dumpdtb ]; then
	exec qemu-system-aarch64 -M "$QEMU_MACHINE,dumpdtb=${1:?OUT.dtb}" \
		"${qemu_opts[@]}" 2>/dev/null
fi

b=$top/build/$kernel
vmlinuz=$(sed -n 's/^VMLINUZ := //p' "$b/kernel.mk")
logs=$top/build/logs
mkdir -p "$logs"
log=$logs/$kernel-$mode.log
trace=$logs/$kernel-$mode.trace
rm -f "$trace"
rm -f "$logs/$kernel-$mode-"*.ppm
dtb=$b/mmiodemo-virt.dtb
[ "$mode" = test ] && dtb=$b/mmiodemo-virt-test.dtb
[ "$mode" = bench ] && dtb=$b/mmiodemo-virt-bench.dtb
# "debian": the Debian guest of make test-debian (qemu/debian-guest.sh):
# Debian's own initramfs, its disk, the payload disk, and the overlay the
# package installs, applied to QEMU's tree.
initrd=$b/initramfs.cpio
disks=(-drive "if=none,id=mmiodemo-disk,format=raw,readonly=on,file=$top/build/blobs/$QEMU_DISK"
       -device "virtio-blk-device,drive=mmiodemo-disk,serial=mmiodemo-disk")
# mmiodemo_disk=1: the guest must find that disk (tests/bench/fuzz.c).
append="$QEMU_APPEND ${KERNEL_APPEND:+$KERNEL_APPEND }mmiodemo_mode=$mode mmiodemo_disk=1"
if [ "$mode" = debian ]; then
	dg=$top/build/debian-guest
	dtb=$dg/virt-package.dtb
	initrd=$top/build/cache/debian-guest/initrd.img
	# virt gives virtio-mmio devices their transports last first: the
	# system's disk, created last, is /dev/vda (its /etc/fstab says so).
	disks=(-drive "if=none,id=payload,format=raw,readonly=on,file=$dg/payload.img"
	       -device "virtio-blk-device,drive=payload"
	       -drive "if=none,id=root,format=raw,file=$dg/root.img"
	       -device "virtio-blk-device,drive=root")
	# Every kernel line on the console, as in the busybox guest, and the
	# host's clock: virt's RTC is the tests' decoy.
	append="$QEMU_APPEND ${KERNEL_APPEND:+$KERNEL_APPEND }root=LABEL=debian rw ignore_loglevel mmiodemo_epoch=$(date +%s)"
fi

limit=$QEMU_TIMEOUT
[ "$mode" = stress ] && limit=$QEMU_STRESS_TIMEOUT
[ "$mode" = fuzz ] && limit=$((${FUZZ_S:-600} + 60 + QEMU_TIMEOUT))
[ "$mode" = bench ] && limit=$QEMU_BENCH_TIMEOUT
[ "$mode" = debian ] && limit=$QEMU_DEBIAN_TIMEOUT
# The files the device loads into the DMA buffer (fw_cfg DMA).
python3 "$top/qemu/mkblobs.py" "$top/build/blobs"
blobs=()
while read -r name file; do
	[ -n "$name" ] && blobs+=(-fw_cfg "name=$name,file=$top/build/blobs/$file")
done <<<"$QEMU_BLOBS"
cmd=(timeout "$limit" qemu-system-aarch64 -M "$QEMU_MACHINE"
     "${qemu_opts[@]}" -kernel "$vmlinuz" -initrd "$initrd" "${disks[@]}"
     -dtb "$dtb" "${blobs[@]}" -append "$append $*")
# Not for "bench": a trace line per register access would be timed too.
[ "$mode" = bench ] || cmd+=(-trace 'pl061_*' -D "$trace")
# The serial console ends lines with CR LF: keep plain lines.
# Tests may ask the host to act on the machine, with a console line
# "mmiodemo-qmp: COMMAND": QEMU gets COMMAND over QMP. Only the commands
# listed here are passed on:
#   system_powerdown    press virt's power button (PL061 line 3);
#   screendump NAME     save ramfb's picture as build/logs/KERNEL-MODE-NAME.ppm,
#                       then press the power button: the guest's go-ahead.
# "run" and "bench" also show the console as it comes.
sock=$logs/$kernel-$mode.qmp
status_file=$logs/$kernel-$mode.status
rm -f "$sock" "$status_file" "$logs/$kernel-$mode.qmp.log"
cmd+=(-qmp "unix:$sock,server=on,wait=off")
{
	"${cmd[@]}" </dev/null 2>&1
	echo $? >"$status_file"
} | stdbuf -oL tr -d '\r' >"$log" &
console=$!
tail -n +1 -F --pid="$console" "$log" 2>/dev/null | while IFS= read -r line; do
	case $line in
	"mmiodemo-qmp: system_powerdown")
		python3 "$top/qemu/qmp.py" "$sock" system_powerdown ;;
	"mmiodemo-qmp: screendump "*)
		name=${line#mmiodemo-qmp: screendump }
		case $name in *[!a-z0-9-]* | "") echo "refused: screendump '$name'"; continue ;; esac
		rm -f "$logs/$kernel-$mode-$name.ppm"
		python3 "$top/qemu/qmp.py" "$sock" screendump \
			"filename=$logs/$kernel-$mode-$name.ppm" &&
			python3 "$top/qemu/qmp.py" "$sock" system_powerdown ;;
	"mmiodemo-qmp: "*)
		echo "refused: ${line#mmiodemo-qmp: }" ;;
	esac
done >>"$logs/$kernel-$mode.qmp.log" 2>&1 &
if [ "$mode" = run ] || [ "$mode" = bench ]; then
	tail -n +1 -F --pid="$console" "$log" 2>/dev/null &
fi
wait "$console"
wait
exit "$(cat "$status_file" 2>/dev/null || echo 1)"
