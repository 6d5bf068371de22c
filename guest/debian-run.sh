#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The test boot of the Debian guest (make test-debian), run by systemd
# (mmiodemo-payload.service) from the payload disk mounted at /mnt/payload:
# installs mmiodemo's packages with dpkg (DKMS builds the driver and its
# mapping audit here, against this system's headers), loads both with
# modprobe as a user would, then
# runs the guest suite as guest/init's test mode does, with the same
# "mmiodemo-guest:" lines for the host's judge (workbench/), and powers off.
p=/mnt/payload
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/opt/mmiodemo/bin
rc=0
# The login prompt on the serial console hangs up the terminal when it
# starts (agetty's vhangup()), and what this script wrote to it was lost:
# stop it, then write to the console afresh.
systemctl stop serial-getty@ttyAMA0.service
exec >/dev/ttyAMA0 2>&1

# The harness's nonce (workbench/runner.py), as guest/init exports it.
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case $arg in
	mmiodemo_nonce=*) export MMIODEMO_NONCE="${arg#*=}" ;;
	# virt's only RTC, the PL031, is the tests' decoy: the host's clock.
	mmiodemo_epoch=*) date -s "@${arg#*=}" >/dev/null ;;
	esac
done
echo "mmiodemo-guest: kernel $(uname -r)"
echo "mmiodemo-debian: Debian $(cat /etc/debian_version), $(systemctl --version | head -n1)"
echo "mmiodemo-debian: \$ dpkg -i $(cd $p/debs && echo *.deb)"
dpkg -i "$p"/debs/*.deb 2>&1 | sed 's/^/mmiodemo-debian: dpkg: /'
# How DKMS built the module: the log it keeps.
for f in /var/lib/dkms/mmiodemo/*/*/*/log/make.log; do
	[ -f "$f" ] && sed "s|^|mmiodemo-debian: dkms $f: |" "$f"
done
dkms status 2>&1 | sed 's/^/mmiodemo-debian: dkms status: /'
udevadm settle
if modprobe mmiodemo && udevadm settle && [ -c /dev/mmiodemo ]; then
	echo "mmiodemo-guest: driver mmiodemo.ko loaded"
	echo "mmiodemo-guest: driver loaded, /dev/mmiodemo present"
else
	echo "mmiodemo-guest: driver did not load"
fi
# The mapping audit, as a user loads it: DKMS installed it beside the driver.
if modprobe mmiodemo-audit; then
	echo "mmiodemo-guest: module mmiodemo-audit.ko loaded"
else
	echo "mmiodemo-guest: module mmiodemo-audit.ko did not load"
fi
if modprobe uio; then
	echo "mmiodemo-guest: kernel module uio.ko loaded"
else
	echo "mmiodemo-guest: kernel module uio.ko did not load"
fi
for m in "$p"/modules/*.ko; do
	if insmod "$m"; then
		echo "mmiodemo-guest: test module ${m##*/} loaded"
	else
		echo "mmiodemo-guest: test module ${m##*/} did not load"
	fi
done

# The suite's programs expect /tests, /examples and busybox's few tools
# Debian has not (after Debian's own in PATH).
ln -sfn "$p/tests" /tests
ln -sfn "$p/examples" /examples
mkdir -p /opt/mmiodemo/bin
"$p/bin/busybox" --install -s /opt/mmiodemo/bin
mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug

# program and run_programs: as guest/init runs the suite.
# shellcheck source=guest/suite.sh
. /tests/suite.sh
echo "mmiodemo-guest: tests begin"
program debian_install sh "$p/debian-install-test.sh"
run_programs || exit 1
echo "mmiodemo-guest: tests end rc=$rc"
systemctl poweroff
