# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# tap.sh: TAP for the guest's shell tests, sourced by them. Set TAP_PREFIX
# (e.g. "tool."), call check for each test, and end with tap_done.
n=0
failures=0

# check NAME WANT_STATUS WANT_OUTPUT_REGEX CMD...: one TAP test.
check() {
	name=$1 want=$2 regex=$3
	shift 3
	n=$((n + 1))
	out=$("$@" 2>&1)
	status=$?
	if [ "$status" = "$want" ] && printf '%s\n' "$out" | grep -Eq "$regex"; then
		echo "ok $n $TAP_PREFIX$name"
	else
		echo "# \$ $*"
		printf '%s\n' "$out" | sed 's/^/# /'
		echo "# exit $status, wanted $want and output matching /$regex/"
		echo "not ok $n $TAP_PREFIX$name"
		failures=$((failures + 1))
	fi
}

# has_device_open PID: true once process PID has /dev/mmiodemo open.
has_device_open() {
	for f in /proc/"$1"/fd/*; do
		[ "$(readlink "$f")" = /dev/mmiodemo ] && return 0
	done
	return 1
}

# with_opened CMD...: runs CMD in the background and returns once it has
# /dev/mmiodemo open (or after 10 s), its pid in $bg. Waiting a fixed time
# instead loses the race on a loaded machine.
with_opened() {
	"$@" &
	bg=$!
	i=0
	until has_device_open "$bg" || [ $i -ge 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
}

tap_done() {
	[ "$failures" = 0 ]
}
