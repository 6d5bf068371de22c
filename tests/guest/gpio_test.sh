#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# gpio_test.sh: libgpiod's tools against mmiodemo's gpiochip, cross-checked
# with the register mapping of the same PL061 (through the mmiodemo tool),
# in the guest. Speaks the v1 tools (libgpiod 1.6) and the v2 tools (2.1).
# Prints TAP like the selftests.
export TAP_PREFIX=gpio.
# shellcheck source=tests/guest/tap.sh
. "$(dirname "$0")/tap.sh"

echo "TAP version 13"
echo "1..10"

chip=$(gpiodetect | sed -n 's/^\(gpiochip[0-9]*\) \[mmiodemo\].*/\1/p')
case $(gpiodetect --version | head -n 1) in
*v1.*)
	api=1
	gset() { gpioset "$chip" "$1=$2"; }
	gget() { gpioget "$chip" "$1"; }	# requests an input
	ginfo() { gpioinfo "$chip"; }
	gmon() { timeout 5 gpiomon --num-events=1 "$chip" 3; }
	no_irq='No such device$'	# the v1 uAPI answers ENODEV
	;;
*)
	api=2
	gset() { gpioset -c "$chip" -t0 "$1=$2"; }
	gget() { gpioget -c "$chip" --numeric "$1"; }
	ginfo() { gpioinfo -c "$chip"; }
	gmon() { timeout 5 gpiomon -c "$chip" --num-events=1 3; }
	no_irq='No such device or address'	# the v2 uAPI answers ENXIO
	;;
esac
echo "# libgpiod v$api tools, chip $chip"

# mmiodemo's register names; PL061_DATA(mask) is mask << 2.
data_of() { mmiodemo read $(($1 << 2)); }

# The steps of the checks below.
set_high() { gset 6 1 && echo "$(mmiodemo read DIR) $(data_of 0x40)"; }
set_low() { gset 6 0 && data_of 0x40; }
get_turns_input() { mmiodemo write DIR 0x80 && gget 7 >/dev/null && mmiodemo read DIR; }
drive() { mmiodemo write DIR 0x20 && mmiodemo write $((0x20 << 2)) "$1" && gget 5; }
set_then_info() { gset 6 1 && ginfo; }
set_then_get() { gset 2 1 && gget 2; }

check gpiodetect_lists_the_chip 0 '\[mmiodemo\] \(8 lines\)' gpiodetect
check gpioinfo_names_the_power_button 0 'line +3:.*"power-button"' ginfo

# libgpiod -> mapping
check gpioset_high_shows_in_dir_and_data 0 \
	'DIR \(0x400\) = 0x00000040.*= 0x00000040$' set_high
check gpioset_low_shows_in_data 0 '= 0x00000000$' set_low
check gpioget_turns_the_line_to_input_in_dir 0 \
	'^DIR \(0x400\) = 0x00000000$' get_turns_input

# mapping -> libgpiod: the mapping drives line 5. QEMU keeps a line's last
# driven level when it turns input, so even v1's gpioget (which requests
# an input) reads what the mapping wrote.
check mapping_high_is_what_gpioget_reads 0 '^1$' drive 0x20
check mapping_low_is_what_gpioget_reads 0 '^0$' drive 0
check gpioset_then_gpioget_round_trips 0 '^1$' set_then_get
check gpioinfo_shows_the_line_libgpiod_drives_as_output 0 \
	'line +6:.*output' set_then_info

# No irqchip: line events are refused; interrupts come through the device.
check line_events_are_refused_without_an_irqchip 1 "$no_irq" gmon

mmiodemo write DIR 0 >/dev/null
tap_done
