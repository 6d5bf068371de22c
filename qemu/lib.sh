# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# qemu/lib.sh: what the host's scripts share, sourced by qemu/setup.sh,
# qemu/deb.sh and lava/test-lava.sh.

# missing_packages PKG...: the Debian packages of the list that are not
# installed, one a line (PKG may name an architecture, as libc6:arm64).
missing_packages() {
	local p
	for p; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			printf '%s\n' "$p"
	done
	return 0
}
