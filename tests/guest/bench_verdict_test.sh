#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# bench_verdict_test.sh: track_bench's verdicts, not its figures (those
# are make bench's). With every limit times 0 each target that runs on
# this kernel is missed: FAIL, exit 1. With every limit times a million
# each is met: exit 0. A target this kernel cannot run (uffd-wp: arm64
# from 6.10) says SKIP either way, counted apart, neither met nor missed;
# on 6.10 and later a uffd side that cannot be set up is a FAIL. Here on
# the test boot's small buffer, in seconds; skipped on a debug kernel
# (told by /sys/kernel/debug/kmemleak, which only the debug kernels have;
# with KASAN and lockdep it took 70 s there): the verdicts' logic is the
# same on every kernel, and the matrix's others run it.
export TAP_PREFIX=bench_verdict.
# shellcheck source=tests/guest/tap.sh
. "$(dirname "$0")/tap.sh"

thp=/sys/kernel/mm/transparent_hugepage
# The THP setting FILE holds now (the word in brackets), or nothing.
thp_get() {
	[ -f "$thp/$1" ] && sed 's/.*\[\(.*\)\].*/\1/' "$thp/$1"
}
# track_bench sets THP to never: the suite's later programs get it back.
thp_put() {
	[ -n "$enabled" ] && echo "$enabled" >"$thp/enabled"
	[ -n "$shmem" ] && echo "$shmem" >"$thp/shmem_enabled"
	true
}
enabled=$(thp_get enabled)
shmem=$(thp_get shmem_enabled)

# The targets that can run here: 6, or 3 before 6.10 (no uffd-wp).
release=$(uname -r)
major=${release%%.*}
minor=${release#*.}
minor=${minor%%[!0-9]*}
if [ "$major" -gt 6 ] || { [ "$major" = 6 ] && [ "$minor" -ge 10 ]; }; then
	run=6 skip=0
else
	run=3 skip=3
fi

bench() {
	/tests/track_bench "$@"
	status=$?
	thp_put
	return $status
}

echo "TAP version 13"
echo "1..3"
if [ -e /sys/kernel/debug/kmemleak ]; then
	for t in limits_times_0_miss_every_target_that_runs \
		large_limits_meet_every_target_that_runs \
		a_bad_argument_is_refused; do
		n=$((n + 1))
		echo "ok $n $TAP_PREFIX$t # SKIP a debug kernel: 70 s here, the same logic as on the others"
	done
	exit 0
fi
check limits_times_0_miss_every_target_that_runs 1 \
	"track_bench: 0 targets met, $run missed, $skip skipped" \
	bench --limits-times 0
check large_limits_meet_every_target_that_runs 0 \
	"track_bench: $run targets met, 0 missed, $skip skipped" \
	bench --limits-times 1000000
check a_bad_argument_is_refused 2 "usage: track_bench" \
	bench --limits-times -1
tap_done
