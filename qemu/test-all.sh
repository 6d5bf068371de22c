#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# qemu/test-all.sh KERNEL...: make check, make test on each kernel, then one table
# (kernel, page size, passed, failed, skipped, console verdict) and the
# totals, and build/logs/junit.xml: every result line of the run, one
# testsuite for the static checks and one per kernel. Exits 0 only if no
# kernel had a failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
declare -a rows
tp=0 tf=0 ts=0 bad=0

# The static checks first, once: a row of their own.
mkdir -p build/logs
make --no-print-directory check 2>&1 | tee build/logs/check.txt
status=${PIPESTATUS[0]}
read -r p f < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' build/logs/check.txt)
p=${p:-0} f=${f:-0}
if [ "$status" != 0 ] && [ "$f" = 0 ]; then
	f=1
	printf 'FAIL host.make_check_finished\n     | make exited %s\n' "$status" >>build/logs/check.txt
fi
rows+=("$(printf '%-18s %-5s %7s %7s %8s  %s' "(static checks)" - "$p" "$f" 0 -)")
suites=("check=build/logs/check.txt")
tp=$p tf=$f
[ "$status" = 0 ] || bad=1

for k in "$@"; do
	out=build/logs/$k-make-test.txt
	make --no-print-directory test KERNEL="$k" 2>&1 | tee "$out"
	status=${PIPESTATUS[0]}
	read -r p f s < <(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$out" | tail -n 1)
	p=${p:-0} f=${f:-0} s=${s:-0}
	# make failed before any test ran (download, build): count it.
	if [ "$status" != 0 ] && [ "$f" = 0 ]; then
		f=1
		printf 'FAIL host.make_test_finished\n     | make exited %s; see %s\n' \
			"$status" "$out" >>"$out"
	fi
	suites+=("$k=$out")
	kdir=$(sed -n 's/^KDIR := //p' "build/$k/kernel.mk" 2>/dev/null)
	page=$(sed -n 's/^CONFIG_ARM64_\([0-9]*K\)_PAGES=y/\1/p' "$kdir/.config" 2>/dev/null)
	verdict=$(sed -n 's/^\(PASS\|FAIL\) host.console_has_no_kernel_complaint$/\1/p' "$out")
	case $verdict in PASS) verdict=clean ;; FAIL) verdict=REPORTS ;; *) verdict=none ;; esac
	rows+=("$(printf '%-18s %-5s %7s %7s %8s  %s' "$k" "${page:-?}" "$p" "$f" "$s" "$verdict")")
	tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + s))
	[ "$status" = 0 ] || bad=1
done

echo
printf '%-18s %-5s %7s %7s %8s  %s\n' kernel page passed failed skipped console
printf '%s\n' "${rows[@]}"
echo
/usr/bin/python3 -m workbench junit build/logs/junit.xml "${suites[@]}" || bad=1
echo "$tp passed, $tf failed, $ts skipped"
exit "$bad"
