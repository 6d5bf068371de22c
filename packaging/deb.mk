# SPDX-License-Identifier: GPL-2.0-only
#
# make deb: mmiodemo's Debian packages, built with dpkg-buildpackage and
# debhelper from the packaging in debian/ (packaging/deb.sh): mmiodemo-dkms
# (all: the source of the driver and its audit for DKMS, the overlay, the
# udev rule) and
# mmiodemo-tools (arm64, cross-built: the tool, libmmiodemo, headers,
# pkg-config file, man page, completion), in $(O)/deb with their .changes
# and .buildinfo, checked by lintian and by their expected contents; the
# modules are built from the packaged source as its dkms.conf says, against
# KERNEL's headers (debian-6.1 unless KERNEL= says otherwise).
# The workbench runs it with the kernel's variables in its environment.
.PHONY: deb
deb: /usr/bin/python3
	@$(WB) exec --no-build $(if $(KERNEL),--kernel $(KERNEL)) -- \
		packaging/deb.sh $(O)/deb
