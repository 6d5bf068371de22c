#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs once, inside the Debian guest's first boot, chrooted into its disk
# (packaging/debian-guest.sh): debootstrap's second stage, then the kernel's own
# packages, then what a test boot needs. Its output is the first boot's
# console (build/cache/debian-guest/stage2.log).
set -e
export DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin
/debootstrap/debootstrap --second-stage
# The kernel the guest boots, its headers and kbuild: DKMS builds against
# them. The image's postinst makes /boot/initrd.img-* (initramfs-tools).
dpkg -i /root/kernel-debs/*.deb
rm -rf /root/kernel-debs

echo mmiodemo-debian >/etc/hostname
printf '/dev/vda / ext4 defaults 0 1\n' >/etc/fstab
passwd -d root
# A test boot runs the payload (the second disk, label "mmiodemo") once
# the system is up, on the serial console, and powers off.
cat >/etc/systemd/system/mmiodemo-payload.service <<'UNIT'
[Unit]
Description=mmiodemo's test payload (guest/debian-run.sh)
After=multi-user.target systemd-udev-settle.service
Wants=systemd-udev-settle.service

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'mkdir -p /mnt/payload && mount -o ro LABEL=mmiodemo /mnt/payload && exec /mnt/payload/run.sh'
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyAMA0

[Install]
WantedBy=multi-user.target
UNIT
systemctl enable mmiodemo-payload.service
apt-get clean
