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

# apt_opts ARRAY DIR SUITE: into ARRAY, apt's options for the
# project-local configuration in DIR (an absolute path; qemu/setup.sh's
# local_apt makes it) that prefers SUITE. The system's sources stay out.
# shellcheck disable=SC2034 # o names the caller's array
apt_opts() {
	local -n o=$1
	o=(-o "Dir::Etc::SourceList=$2/sources.list"
	   -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$2/lists"
	   -o "Dir::Cache=$2/cache" -o "APT::Default-Release=$3")
}
