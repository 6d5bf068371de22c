#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# What the Debian packages did to the Debian guest (make test-debian), as
# TAP: DKMS built both modules here against this system's own headers
# (and modprobe finds its copies), the
# overlay is in the device tree, udev made /dev/mmiodemo with the
# permissions the package's rule sets, and the tools package works, its
# library and headers too (a program built here with gcc and pkg-config's
# flags, run against the device). Run by guest/debian-run.sh.
# shellcheck source=tests/guest/tap.sh
. /tests/tap.sh
TAP_PREFIX=debian.
rel=$(uname -r)

# dkms status says installed for this kernel, and the make.log DKMS kept
# shows the build ran against this system's headers.
dkms_installed() {
	status=$(dkms status -k "$rel" mmiodemo) && echo "$status" &&
		echo "$status" | grep -q ": installed" &&
		grep -F "Entering directory '/usr/src/linux-headers-$rel'" \
			/var/lib/dkms/mmiodemo/*/"$rel"/*/log/make.log
}
check dkms_built_the_module_here_against_this_systems_headers 0 "installed" \
	dkms_installed
module_is_dkms_own() { # module_is_dkms_own NAME
	f=$(modinfo -n "$1") && echo "$f" &&
		case $f in "/lib/modules/$rel/updates/dkms/"*) ;; *) false ;; esac &&
		modinfo -F vermagic "$1" | grep -q "^$rel "
}
check modprobe_finds_the_dkms_module 0 "updates/dkms" module_is_dkms_own mmiodemo
check modprobe_finds_the_dkms_audit_module 0 "updates/dkms" \
	module_is_dkms_own mmiodemo-audit
check overlay_is_in_the_device_tree 0 "^mmiodemo,pl061" \
	tr -d '\0' </proc/device-tree/pl061@9030000/compatible
# The rule's MODE and GROUP, as the package installed it.
node_as_the_rule_says() {
	rule=$(dpkg -L mmiodemo-dkms | grep '/rules.d/.*\.rules$') || return 1
	mode=$(sed -n 's/.*MODE="\([0-7]*\)".*/\1/p' "$rule")
	group=$(sed -n 's/.*GROUP="\([^"]*\)".*/\1/p' "$rule")
	echo "rule $rule: MODE=$mode GROUP=$group; node: $(stat -c '%a %G' /dev/mmiodemo)"
	[ -n "$mode" ] && [ -n "$group" ] &&
		[ "$(stat -c '0%a %G' /dev/mmiodemo)" = "0${mode#0} $group" ]
}
check udev_gives_the_node_the_packages_permissions 0 "node" node_as_the_rule_says
check packaged_tool_runs 0 "dma" /usr/bin/mmiodemo info
# The packaged tool reads the packaged audit (modprobe'd by debian-run.sh).
check packaged_tool_reads_the_packaged_audit 0 '"regs": "Device-nGnRE"' \
	/usr/bin/mmiodemo maps --json
build_against_the_package() {
	cat >/tmp/lib_user.c <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <libmmiodemo.h>

int main(void)
{
	struct mmiodemo *md;

	if (mmiodemo_open("/dev/mmiodemo", O_RDWR, &md))
		return 1;
	printf("libmmiodemo: opened through the packaged library\n");
	mmiodemo_close(md);
	return 0;
}
C
	# shellcheck disable=SC2046 # pkg-config prints words
	gcc -Wall -Werror -o /tmp/lib_user /tmp/lib_user.c \
		$(pkg-config --cflags --libs libmmiodemo) && /tmp/lib_user
}
check library_and_headers_build_a_program 0 "packaged library" \
	build_against_the_package
echo "1..$n"
tap_done
