#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# examples_test.sh: the worked examples (userspace/examples/NAME.c, in the
# guest /examples/NAME), one TAP test each, the plan their number. Each
# example ends with one line: "result: ok" (a pass), "result: skip WHY" (a
# SKIP) or "result: FAIL WHY"; ok and skip exit 0. Every example's output
# is quoted as TAP comments, to be read in build/logs/KERNEL.tap.
export TAP_PREFIX=examples.
# shellcheck source=tests/guest/tap.sh
. "$(dirname "$0")/tap.sh"

set -- /examples/*
echo "TAP version 13"
if [ ! -x "$1" ]; then
	echo "1..1"
	echo "not ok 1 ${TAP_PREFIX}found # no program in /examples"
	exit 1
fi
echo "1..$#"
for ex; do
	n=$((n + 1))
	out=$("$ex" 2>&1)
	status=$?
	printf '%s\n' "$out" | sed 's/^/# /'
	last=$(printf '%s\n' "$out" | tail -n 1)
	case $status:$last in
	"0:result: ok")
		echo "ok $n $TAP_PREFIX${ex##*/}" ;;
	"0:result: skip "*)
		echo "ok $n $TAP_PREFIX${ex##*/} # SKIP ${last#result: skip }" ;;
	*)
		echo "# exit $status, wanted 0 and a last line \"result: ok\""
		echo "not ok $n $TAP_PREFIX${ex##*/}"
		failures=$((failures + 1)) ;;
	esac
done
tap_done
