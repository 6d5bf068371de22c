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
echo "1..17"

chip=$(gpiodetect | sed -n 's/^\(gpiochip[0-9]*\) \[mmiodemo\].*/\1/p')
case $(gpiodetect --version | head -n 1) in
*v1.*)
	api=1
	gset() { gpioset "$chip" "$1=$2"; }
	gget() { gpioget "$chip" "$1"; }	# requests an input
	ginfo() { gpioinfo "$chip"; }
	# gmon EDGES N LINE: N events of LINE, one line each: "EDGE LINE"
	gmon() {
		case $1 in rising) e=-r ;; falling) e=-f ;; *) e=-rf ;; esac
		timeout 10 gpiomon "$e" --num-events="$2" -F '%e %o' "$chip" "$3" |
			sed 's/^1 /rising /; s/^0 /falling /'
	}
	;;
*)
	api=2
	gset() { gpioset -c "$chip" -t0 "$1=$2"; }
	gget() { gpioget -c "$chip" --numeric "$1"; }
	ginfo() { gpioinfo -c "$chip"; }
	gmon() {
		timeout 10 gpiomon -c "$chip" -e "$1" --num-events="$2" \
			-F '%e %o' "$3" | sed 's/^1 /rising /; s/^2 /falling /'
	}
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

# The irqchip: gpiomon's line events. held MASK: true once gpiolib holds
# the lines of MASK (MMIODEMO_IOC_IRQ_HELD), within 10 s.
held() {
	i=0
	until mmiodemo irq held | grep -q "^held $1"; do
		[ $i -ge 100 ] && return 1
		sleep 0.1
		i=$((i + 1))
	done
}
# level5 L: line 5 driven to L through the mapping, then turned input
# again: QEMU latches an edge when an input line's level changes.
level5() {
	mmiodemo write DIR 0x20 >/dev/null &&
		mmiodemo write $((0x20 << 2)) $(($1 * 0x20)) >/dev/null &&
		mmiodemo write DIR 0 >/dev/null
}
# mon EDGES N LEVEL...: gpiomon's N events on line 5 while the mapping
# makes LEVELs, on one line; with gpioinfo's line 5 and irq held while
# gpiomon waits, and irq held after it.
mon() {
	edges=$1 n=$2
	shift 2
	level5 0
	gmon "$edges" "$n" 5 >/tmp/gmon.out 2>&1 &
	pid=$!
	held 0x20 || echo "gpiolib never held line 5"
	info="$(ginfo | grep 'line *5:') | $(mmiodemo irq held)"
	for l; do level5 "$l"; done
	wait "$pid"
	st=$?
	echo "$(tr '\n' ' ' </tmp/gmon.out)| $info | $(mmiodemo irq held)"
	return $st
}
# One run of gpiomon, four checks of what it printed.
rising=$(mon rising 2 1 0 1)
st=$?
check gpiomon_sees_rising_edges "$st" '^rising 5 rising 5 \|' echo "$rising"
check gpioinfo_shows_gpiomon_holding_the_line "$st" \
	'\|[[:space:]]+line +5:.*gpiomon' echo "$rising"
check irq_held_names_the_line_gpiomon_holds "$st" '\| held 0x20 5 \|' \
	echo "$rising"
check gpiolib_lets_go_of_the_line_after_gpiomon "$st" '\| held 0x00$' \
	echo "$rising"
check gpiomon_sees_falling_edges 0 '^falling 5 falling 5 \|' \
	mon falling 2 1 0 1 0
check gpiomon_sees_both_edges 0 '^rising 5 falling 5 \|' mon both 2 1 0
# The power button, pressed by the host (QMP), through gpiolib: line 3
# rises, and falls 100 ms later.
button() {
	gmon both 2 3 >/tmp/gmon.out 2>&1 &
	pid=$!
	held 0x08 || echo "gpiolib never held line 3"
	echo "mmiodemo-qmp: system_powerdown" >/dev/console
	wait "$pid"
	st=$?
	tr '\n' ' ' </tmp/gmon.out
	return $st
}
check gpiomon_sees_the_power_button_rise_and_fall 0 '^rising 3 falling 3 $' \
	button

# An unbind while gpiomon waits for an edge: gpiomon ends (an error or end
# of file) within a second, and the driver binds again.
unbind_under_gpiomon() {
	gmon rising 1 5 >/tmp/gmon.out 2>&1 &
	pid=$!
	held 0x20 || echo "gpiolib never held line 5"
	echo 9030000.pl061 >/sys/bus/platform/drivers/mmiodemo/unbind
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 10 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "gpiomon still waits 1 s after the unbind"
		wait "$pid"
	else
		echo "gpiomon ended within $((i * 100)) ms of the unbind"
	fi
	cat /tmp/gmon.out
	echo 9030000.pl061 >/sys/bus/platform/drivers/mmiodemo/bind &&
		mmiodemo irq held
}
# Linux 6.1's gpiolib neither wakes a waiting line request at unbind nor
# keeps its interrupt: it disposes of the mapping under gpiomon (a WARNING,
# the irq's /proc entry leaked); 6.12's ends gpiomon (measured).
rel=$(uname -r)
major=${rel%%.*} minor=${rel#*.}
minor=${minor%%[!0-9]*}
if [ $((major * 1000 + minor)) -lt 6012 ]; then
	n=$((n + 1))
	echo "ok $n ${TAP_PREFIX}unbind_ends_a_waiting_gpiomon # SKIP Linux $major.$minor's gpiolib disposes of a held line's interrupt at unbind"
else
	check unbind_ends_a_waiting_gpiomon 0 'gpiomon ended within' \
		unbind_under_gpiomon
fi

# For people: gpiomon's own output, in its default format, of two edges
# of line 5 (the checks above parse a format of their own).
level5 0
case $api in
1) timeout 10 gpiomon --num-events=2 "$chip" 5 >/tmp/gmon.out 2>&1 & ;;
*) timeout 10 gpiomon -c "$chip" --num-events=2 5 >/tmp/gmon.out 2>&1 & ;;
esac
pid=$!
held 0x20 && level5 1 && level5 0
wait "$pid"
sed 's/^/# gpiomon: /' /tmp/gmon.out

mmiodemo write DIR 0 >/dev/null
tap_done
