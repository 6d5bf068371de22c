#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# lava-suite.sh: the guest suite as a LAVA test definition's step
# (lava/suite.yaml; in the LAVA initramfs as /tests/lava-suite.sh). Runs
# what guest/init's test mode runs (/tests/suite.sh) and reports each
# result with lava-test-case, under the name the host's judge
# (workbench/results.py) gives it without its "guest."
# prefix:
#   NAME                     each TAP result of each program (pass, fail,
#                            skip), as workbench/results.py reads it;
#   PROGRAM.plan_met         the program printed one plan 1..N, N results,
#                            and exited 0 unless a test failed;
#   kernel_log_has_no_complaint
#                            no oops, WARNING, BUG, KASAN... in the kernel's
#                            log (the judge's host.console_has_no_kernel_complaint,
#                            with workbench/results.py's COMPLAINT pattern).
# Not the KUnit suite: make test runs it on the debug kernel, whose LAVA
# job make test-lava cannot run, so a report of it could not be tested
# (Documentation/lava.rst).
# The programs' output goes to the console as it comes: the host may have
# to act on a "mmiodemo-qmp:" line (make test-lava does, lava/lava-run.py).

# report NAME pass|fail|skip
report() {
	lava-test-case "$1" --result "$2" </dev/null
}

# plan_met STATUS|"": the verdict on program $prog, as the judge's.
plan_met() {
	verdict=pass
	[ -n "$plan" ] || { echo "# $prog printed no TAP plan (1..N)"; verdict=fail; }
	[ -n "$plan" ] && [ "$count" != "$plan" ] &&
		{ echo "# $prog planned $plan tests, reported $count"; verdict=fail; }
	[ -z "$1" ] && { echo "# $prog never ended"; verdict=fail; }
	[ -n "$1" ] && [ "$1" != 0 ] && [ "$notok" = 0 ] &&
		{ echo "# $prog exited with status $1, and no test failed"; verdict=fail; }
	report "$prog.plan_met" $verdict
	prog=
}

# tap_to_lava: the suite's output on stdin, to stdout, with a
# lava-test-case call for each result.
tap_to_lava() {
	prog='' plan='' count=0 notok=0 current=''
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"mmiodemo-guest: program "*" begin")
			[ -n "$prog" ] && plan_met ''
			prog=${line#mmiodemo-guest: program }
			prog=${prog% begin}
			plan='' count=0 notok=0
			continue ;;
		"mmiodemo-guest: program "*" end rc="*)
			[ -n "$prog" ] && plan_met "${line##*rc=}"
			continue ;;
		1..[0-9]*)
			# "1..0 # SKIP why": the number only.
			n=${line#1..}
			n=${n%%[!0-9]*}
			if [ -z "$plan" ]; then plan=$n; else plan="$plan and $n"; fi
			continue ;;
		"#  RUN "*)
			current=${line#\#  RUN}
			current=${current#"${current%%[! ]*}"}
			current=${current% ...}
			continue ;;
		"ok "*"# SKIP"*)
			name=${line#ok * }
			name=${name%%# SKIP*}
			name=${name% }
			report "${name:-$current}" skip ;;
		"ok "*)
			report "${line#ok * }" pass ;;
		"not ok "*)
			notok=$((notok + 1))
			report "${line#not ok * }" fail ;;
		*)
			continue ;;
		esac
		count=$((count + 1))
	done
	[ -n "$prog" ] && plan_met ''
}

# As guest/init does: the arguments of the harness on the command line.
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case $arg in
	mmiodemo_nonce=*) export MMIODEMO_NONCE="${arg#*=}" ;;
	esac
done

# shellcheck source=guest/suite.sh
. /tests/suite.sh
echo "mmiodemo-guest: tests begin"
run_programs 2>&1 | tap_to_lava
echo "mmiodemo-guest: tests end"

pattern='Oops|WARNING:|BUG:|Kernel panic|Unable to handle|Call trace:|general protection|UBSAN:|KASAN:|kmemleak: unreferenced|unreferenced object'
leaks=$(kmemleak_scan)
# The "Call trace:" of a failure the kernel's fault injection forced
# (faults_test) is its stack, not a complaint, as in results.py.
complaints=$({ dmesg; printf '%s\n' "$leaks"; } |
	awk '/FAULT_INJECTION: forcing a failure/ { f = 1 }
		f && /Call trace:/ { f = 0; next } { print }' | grep -E "$pattern")
if [ -n "$complaints" ]; then
	printf '%s\n' "$complaints" | head -n 20 | sed 's/^/# /'
	report kernel_log_has_no_complaint fail
else
	report kernel_log_has_no_complaint pass
fi
