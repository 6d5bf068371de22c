# SPDX-License-Identifier: GPL-2.0-only
#
# make deb: mmiodemo's Debian packages, built with dpkg-buildpackage and
# debhelper from the packaging in debian/ (qemu/deb.sh): mmiodemo-dkms
# (all: the module's source for DKMS, the overlay, the udev rule) and
# mmiodemo-tools (arm64, cross-built: the tool, libmmiodemo, headers,
# pkg-config file, man page, completion), in $(O)/deb with their .changes
# and .buildinfo, checked by lintian and by their expected contents; the
# module is built from the packaged source as its dkms.conf says, against
# KERNEL's headers (debian-6.1 unless KERNEL= says otherwise).
.PHONY: deb
deb:
	@CROSS_COMPILE='$(CROSS_COMPILE)' KDIR='$(KDIR)' TOOLCHAIN='$(TOOLCHAIN)' \
		qemu/deb.sh $(O)/deb
