# SPDX-License-Identifier: GPL-2.0-only
#
# make test-debian: mmiodemo's Debian packages (make deb) installed with
# dpkg in a real Debian bookworm arm64 system booted in QEMU with Debian's
# kernel, initramfs and systemd; DKMS builds both modules there, against
# the guest's own headers; then the guest suite runs and the workbench
# judges its results as for every other guest (python3 -m workbench
# test-debian: make deb, then packaging/debian-guest.sh image and payload). The
# system is made once and cached in build/cache/debian-guest/. Not part of
# make test: its first run alone takes longer than make test may.
.PHONY: test-debian
test-debian: /usr/bin/python3
	@$(WB) test-debian $(KERNEL)
