# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# suite.sh: how a guest runs the suite, sourced (as /tests/suite.sh) by
# guest/init, by the Debian guest's guest/debian-run.sh and by LAVA's
# lava/lava-suite.sh, so that the three run the same programs in the same
# order with the same frames around each:
#   mmiodemo-guest: program NAME begin
#   mmiodemo-guest: program NAME end rc=STATUS
# which the host's judge (workbench/results.py) and lava-suite.sh read. Set filter to a list of
# comma-separated patterns to run only the programs whose names contain
# one (make test T=); rc is set to 1 when a program exits non-zero.
rc=${rc:-0}
filter=${filter:-}

# wanted NAME: true if no filter was given or NAME contains one of its
# comma-separated patterns.
wanted() {
	[ -z "$filter" ] && return 0
	set -f
	for p in $(echo "$filter" | tr , ' '); do
		# shellcheck disable=SC2254 # $p is a pattern by design
		case $1 in *$p*) set +f; return 0 ;; esac
	done
	set +f
	return 1
}

# program NAME CMD...: runs CMD between the begin and end lines of NAME if
# NAME is wanted; a non-zero status sets rc.
program() {
	name=$1
	shift
	wanted "$name" || return 0
	echo "mmiodemo-guest: program $name begin"
	"$@"
	status=$?
	echo "mmiodemo-guest: program $name end rc=$status"
	[ "$status" = 0 ] || rc=1
}

# Leaks are reported only after a scan (twice: young objects wait).
kmemleak_scan() {
	[ -f /sys/kernel/debug/kmemleak ] || return 0
	echo scan >/sys/kernel/debug/kmemleak
	sleep 1
	echo scan >/sys/kernel/debug/kmemleak
	sed 's/^/mmiodemo-guest: kmemleak: /' /sys/kernel/debug/kmemleak
}

# run_programs: every /tests/*_test and /tests/*_test.sh in sorted order,
# then the short forms of "make fuzz" and "make stress", from /tests.
run_programs() {
	cd /tests || return 1
	for t in /tests/*; do
		case ${t##*/} in
		*_test) program "${t##*/}" "$t" ;;
		*_test.sh) program "$(basename "$t" .sh)" "$t" ;;
		esac
	done
	program fuzz ./fuzz --seconds 20
	program fuzz_unbind ./fuzz --unbind --seconds 6
	program stress ./stress --cycles 10 --threads 4 --seconds 30
}
