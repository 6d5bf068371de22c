#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# fb_test.sh: the DMA buffer scanned out by a real device, QEMU's ramfb, in
# the guest. The guest draws through the mapping and asks the host for a
# screendump ("mmiodemo-qmp: screendump NAME" on the console); the host
# saves it, presses the power button (PL061 line 3) as the go-ahead, and
# compares it pixel by pixel with the picture (tests/guest/fb_test.host.py, host.fb_*).
# Prints TAP like the selftests.
export TAP_PREFIX=fb.
# shellcheck source=tests/guest/tap.sh
. "$(dirname "$0")/tap.sh"

ps=$(mmiodemo info | sed -n 's/^page size: \([0-9]*\).*/\1/p')
stride=2560	# 640 pixels of 4 bytes
row=100		# the line the second picture changes

# screendump NAME: the host saves ramfb's picture, then presses the power
# button; an edge interrupt on line 3 says it is done. QEMU's gpio-key
# holds the line high for 100 ms after a press: a request made sooner
# would get no rising edge, so wait for the line to fall first.
screendump() {
	i=0
	while [ $(($(mmiodemo read DATA | sed 's/.*= //') & 0x8)) != 0 ] &&
		[ $i -lt 100 ]; do
		sleep 0.02
		i=$((i + 1))
	done
	mmiodemo write IE 0 && mmiodemo write IS 0 && mmiodemo write IBE 0 &&
		mmiodemo write IEV 0x8 && mmiodemo write IC 0x8 &&
		mmiodemo write IE 0x8 >/dev/null || return 1
	with_opened mmiodemo irq wait --timeout 30000 >/dev/null
	echo "mmiodemo-qmp: screendump $1" >/dev/console
	wait "$bg"
	st=$?
	mmiodemo write IE 0 >/dev/null
	[ $st = 0 ] && echo "screendump $1 taken"
	return $st
}

picture() {
	mmiodemo fb off >/dev/null &&
		mmiodemo fb draw gradient >/dev/null &&
		mmiodemo dma sync --for device >/dev/null &&
		mmiodemo fb show && screendump gradient
}

# One line changed: only its pages are dirty, and only they are synced.
first=$((row * stride / ps))
last=$(((row * stride + stride - 1) / ps))
one_row() {
	mmiodemo dma fill 0xff --offset $((row * stride)) --len $stride &&
		mmiodemo dma sync --for device && screendump row
}

# Unbind while scanning out: the device is parked on a blank picture
# before the buffer is freed; the next device shows nothing either.
unbind_while_scanning() {
	echo 9030000.pl061 >/sys/bus/platform/drivers/mmiodemo/unbind &&
		echo 9030000.pl061 >/sys/bus/platform/drivers/mmiodemo/bind &&
		screendump unbound
}

# The framebuffer example of Documentation/mmiodemo.rst, as written
# (/tests/fb_doc_example, made by tests/host/doc-program.sh), on a black
# buffer of the driver's default size: its picture is its white line 100,
# shown after the program exited.
doc_example() {
	mmiodemo fb off >/dev/null && mmiodemo dma fill 0 >/dev/null &&
		mmiodemo dma sync --for device >/dev/null &&
		/tests/fb_doc_example && screendump doc-example &&
		mmiodemo fb off
}

# "fb_test.sh screendump NAME" alone: for make run's picture.
if [ "${1:-}" = screendump ]; then
	screendump "$2"
	exit
fi

echo "TAP version 13"
echo "1..6"
check scan_out_starts_on_the_drawn_picture 0 \
	'^scanning out 640x480 XRGB8888, stride 2560, from offset 0x0$' picture
check changed_row_syncs_only_its_pages 0 \
	"^synced $((last - first + 1)) pages for the device\$" one_row
check second_scan_out_is_refused_while_one_is_on 1 \
	'already scans out a framebuffer' mmiodemo fb show
check unbind_parks_the_device_before_freeing_the_buffer 0 \
	'^screendump unbound taken$' unbind_while_scanning
check scan_out_can_start_again_after_rebind 0 '^scan-out off$' \
	sh -c 'mmiodemo fb show >/dev/null && mmiodemo fb off'
check the_documented_example_shows_its_picture 0 '^scan-out off$' \
	doc_example
tap_done
