#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# qemu/test.sh KERNEL [test|stress|fuzz|debian]: the whole suite against
# what make built for KERNEL (debian: in the Debian guest, make test-debian).
#
# One boot runs every test program in the guest (the static checks are
# tests/host/check.sh, once for all kernels). Prints a line per test and
# closes with "N passed, N failed, N skipped"; exits 0 only when nothing
# failed. A kernel oops, WARNING or BUG on the console fails the run
# whatever the tests said, and so does a guest program whose TAP plan
# (1..N) is not met. With T=PATTERN[,PATTERN...] in the environment, only
# the guest programs whose names contain a PATTERN run (qemu/init), and
# only the host checks of those programs.
#
# Files, in build/logs: KERNEL-MODE.log (the console), KERNEL.tap (the
# guest's TAP and KTAP as printed; KERNEL-MODE.tap for stress and fuzz),
# KERNEL.junit.xml (every result line below as a JUnit testcase).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${1:?usage: qemu/test.sh KERNEL [test|stress|fuzz|debian]}
mode=${2:-test}
cd "$top" || exit 1
b=build/$kernel
kpkg=$(sed -n 's/^KERNEL_PKG := //p; s/^KERNEL_VERSION := / /p' "$b/kernel.mk" | tr -d '\n')
log=build/logs/$kernel-$mode.log
trace=build/logs/$kernel-$mode.trace
run=$kernel
[ "$mode" = test ] || run=$kernel-$mode
results=build/logs/$run.results
# The checks of a whole suite: the busybox guest's (test) and the Debian
# guest's (debian, make test-debian).
full_suite=0
case $mode in test | debian) full_suite=1 ;; esac
filter=${T:-}
if ! [[ $filter =~ ^[A-Za-z0-9_.,*?-]*$ ]]; then
	echo "T='$filter': a pattern may hold letters, digits, _ . - * ? and commas" >&2
	exit 2
fi
mkdir -p build/logs
: >"$results"

# Phase times, printed at the end: since make started (MMIODEMO_T0, set
# by the Makefile) to here is the build.
now_ns() { date +%s%N; }
t_build=${MMIODEMO_T0:-} t_guest=$(now_ns) t_negative=0
secs() { awk -v ns="$1" 'BEGIN { printf "%.1f s", ns / 1e9 }'; }

passed=0 failed=0 skipped=0
result() { # result PASS|FAIL|SKIP NAME [DETAIL...]: one line per test
	local verdict=$1 name=$2
	shift 2
	{
		printf '%-4s %s\n' "$verdict" "$name"
		[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/     | /'
	} | tee -a "$results"
	case $verdict in
	PASS) passed=$((passed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
	return 0
}

# wanted NAME: the guest program NAME runs (as qemu/init decides it).
wanted() {
	local p
	[ -z "$filter" ] && return 0
	for p in ${filter//,/ }; do
		# shellcheck disable=SC2053 # $p is a pattern by design
		[[ $1 == *$p* ]] && return 0
	done
	return 1
}

echo "mmiodemo tests: kernel $kernel ($kpkg)"

# Guest: one boot runs every test program in the guest.
nonce=$(printf '0x%x' $(((RANDOM << 16 | RANDOM) | 0x100)))
extra=()
[ "$mode" = fuzz ] && extra=("mmiodemo_fuzz_s=${FUZZ_S:-600}" "mmiodemo_seed=${SEED:-0}")
[ -n "$filter" ] && extra+=("mmiodemo_filter=$filter")
qemu/boot.sh "$mode" "$kernel" "mmiodemo_nonce=$nonce" "${extra[@]}"
status=$?
t_checks=$(now_ns)
[ "$status" = 124 ] && result FAIL guest.boot_finished_in_time \
	"QEMU killed after its timeout; see $log"

if grep -q 'mmiodemo-guest: driver loaded' "$log" &&
	grep -q 'mmiodemo [^ ]*: PL061 .* offered as /dev/mmiodemo' "$log"; then
	result PASS guest.driver_binds_to_the_pl061_node
else
	result FAIL guest.driver_binds_to_the_pl061_node \
		"$(grep -i -m5 'mmiodemo' "$log")"
fi

# The decoy: a PL031 described as mmiodemo,pl061 must be refused by ID.
if [ "$full_suite" != 1 ]; then
	:
elif grep -Eq 'mmiodemo 9010000\.pl031: .*not a PL061: peripheral ID 0x[0-9a-f]+1031,' "$log" &&
	! grep -q 'mmiodemo 9010000\.pl031: PL061 .* offered' "$log"; then
	result PASS guest.driver_refuses_a_block_that_is_not_a_pl061
else
	result FAIL guest.driver_refuses_a_block_that_is_not_a_pl061 \
		"no refusal of 9010000.pl031 by its ID on the console" \
		"$(grep -i 'pl031\|not a PL061' "$log")"
fi

# The test modules (tests/modules) load after the driver.
while read -r m verdict; do
	if [ "$verdict" = loaded ]; then
		result PASS "guest.test_module_loads.${m%.ko}"
	else
		result FAIL "guest.test_module_loads.${m%.ko}" "insmod $m failed; see $log"
	fi
done < <(sed -n 's/^mmiodemo-guest: test module \([^ ]*\) \(loaded\|did not load\)$/\1 \2/p' "$log")

# TAP ("ok N name [# SKIP why]", "not ok N name") from every guest test
# program; a failure quotes the lines since the previous result. The 6.1
# harness names a skipped test only in its "#  RUN name ..." line.
# qemu/init frames each program with "mmiodemo-guest: program NAME
# begin" and "... end rc=N"; plan_met checks that the program printed one
# plan "1..N" and N results, and failed a test if it exited non-zero.
detail=() current='' skipped_names='' prog='' plan='' count=0 notok=0
plan_met() { # plan_met STATUS|"": the verdict on program $prog
	local why=()
	[ -n "$plan" ] || why+=("printed no TAP plan (1..N)")
	[ -n "$plan" ] && [ "$count" != "$plan" ] &&
		why+=("planned $plan tests, reported $count")
	[ -z "$1" ] && why+=("never ended (no \"program $prog end\" line); see $log")
	[ -n "$1" ] && [ "$1" != 0 ] && [ "$notok" = 0 ] &&
		why+=("exited with status $1, and no test failed")
	if [ "${#why[@]}" = 0 ]; then
		result PASS "guest.$prog.plan_met"
	else
		result FAIL "guest.$prog.plan_met" "${why[@]}"
	fi
	prog=''
}
while IFS= read -r line; do
	case $line in
	"mmiodemo-guest: program "*" begin")
		[ -n "$prog" ] && plan_met ''
		prog=${line#mmiodemo-guest: program }
		prog=${prog% begin}
		plan='' count=0 notok=0 detail=()
		continue ;;
	"mmiodemo-guest: program "*" end rc="*)
		[ -n "$prog" ] && plan_met "${line##*rc=}"
		detail=()
		continue ;;
	"mmiodemo-guest: tests end"*)
		[ -n "$prog" ] && plan_met ''
		continue ;;
	1..[0-9]*)
		if [ -z "$plan" ]; then plan=${line#1..}; else plan="$plan and ${line#1..}"; fi
		detail+=("$line")
		continue ;;
	"#  RUN "*)
		current=${line#\#  RUN}
		current=${current#"${current%%[! ]*}"}
		current=${current% ...}
		detail+=("$line")
		continue ;;
	"ok "*"# SKIP"*)
		name=${line#ok * }
		name=${name%%# SKIP*}
		name=${name% }
		name=${name:-$current}
		skipped_names+=" $name "
		result SKIP "guest.$name" "${line#*# SKIP }" ;;
	"ok "*)
		result PASS "guest.${line#ok * }" ;;
	"not ok "*)
		notok=$((notok + 1))
		result FAIL "guest.${line#not ok * }" "${detail[@]}" ;;
	*)
		detail+=("$line")
		continue ;;
	esac
	count=$((count + 1))
	detail=()
done < <(sed -n '/^mmiodemo-guest: tests begin/,/^mmiodemo-guest: tests end/p' "$log")
[ -n "$prog" ] && plan_met ''

# The guest's TAP and KTAP as printed, for CI: the programs' output and,
# from the kernel's lines, the KUnit suite's KTAP without timestamps.
sed -n '/^mmiodemo-guest: tests begin/,/^mmiodemo-guest: tests end/p' "$log" |
	sed -E -e '/^\[ *[0-9]+\.[0-9]+\] /{s/^\[ *[0-9]+\.[0-9]+\] //' \
		-e '/^ *(KTAP version|TAP version|1\.\.|ok |not ok |# )/!d' -e '}' \
		>"build/logs/$run.tap"

# KTAP from the KUnit suite, which ran on the console as its module loaded
# (kernels with KUnit only): "    ok N test" under "    # Subtest: suite".
suite='' detail=() kunit_results=0
while IFS= read -r line; do
	line=${line#*] }
	case $line in
	"    # Subtest: "*) suite=${line#*Subtest: } ;;
	"    ok "*"# SKIP"*)
		name=${line#    ok * }
		result SKIP "kunit.$suite.${name%% # SKIP*}" "${name#* # SKIP }" ;;
	"    ok "*) result PASS "kunit.$suite.${line#    ok * }" ;;
	"    not ok "*) result FAIL "kunit.$suite.${line#    not ok * }" "${detail[@]}" ;;
	*) detail+=("$line"); continue ;;
	esac
	case $line in "    ok "* | "    not ok "*) kunit_results=$((kunit_results + 1)) ;; esac
	detail=()
done < <(grep -E '^\[ *[0-9]+\.[0-9]+\]     ' "$log")
if [ "$mode" = test ] && [ -f "$b/modules/mmiodemo-kunit.ko" ] &&
	wanted kunit && [ "$kunit_results" = 0 ]; then
	result FAIL kunit.suite_ran "the KUnit module was built but printed no results"
fi

rc=$(sed -n 's/^mmiodemo-guest: tests end rc=\([0-9]*\).*/\1/p' "$log")
if [ -z "$rc" ]; then
	result FAIL guest.suite_ran_to_the_end "no end marker; console tail:" \
		"$(tail -n 30 "$log")"
elif [ "$rc" != 0 ]; then
	result FAIL guest.suite_ran_to_the_end "a guest test program exited non-zero"
fi

# Host: QEMU itself saw the guest's full-width write of the nonce to DIR.
if [ "$full_suite" != 1 ] || ! wanted mmiodemo_test; then
	:
elif [[ $skipped_names == *" regs.mapping_write_reaches_qemu "* ]]; then
	result SKIP host.qemu_trace_shows_the_mapping_write \
		"the guest could not map the registers"
elif grep -Eq "pl061_write.* offset 0x400 value $nonce\$" "$trace" 2>/dev/null; then
	result PASS host.qemu_trace_shows_the_mapping_write
else
	result FAIL host.qemu_trace_shows_the_mapping_write \
		"no pl061_write of $nonce at offset 0x400 in $trace"
fi

# Host: what the device (fw_cfg DMA) wrote into the buffer, as the guest
# hashed it through the mapping, is the host's file.
if [ "$full_suite" = 1 ] && wanted tool_test; then
	want=$(cat build/blobs/random.sha256 2>/dev/null)
	got=$(sed -n 's/^mmiodemo-sha256: opt\/mmiodemo\/random \([0-9a-f]*\)$/\1/p' "$log" | tail -n 1)
	if [ -n "$got" ] && [ "$got" = "$want" ]; then
		result PASS host.dma_load_matches_the_hosts_sha256
	else
		result FAIL host.dma_load_matches_the_hosts_sha256 \
			"guest: ${got:-no hash on the console}" "host:  ${want:-no build/blobs/random.sha256}"
	fi
fi

# Host: the usage errors of tests/guest/tool_test.sh made no register
# access: QEMU traced no pl061_read or pl061_write between its two marker
# writes to IEV (0x40c), 0x3b before the usage errors and 0xc4 after.
if [ "$full_suite" = 1 ] && wanted tool_test; then
	out=$(awk '
	/pl061_write .* offset 0x40c value 0x3b$/ { open = 1; n = 0; seen = ""; next }
	open && /pl061_write .* offset 0x40c value 0xc4$/ { closed = 1; exit }
	open && /pl061_(read|write) / { n++; if (n <= 5) seen = seen "\n" $0 }
	END {
		if (!closed)
			print "no window: the trace has no write of 0x3b then 0xc4 to IEV"
		else if (n)
			printf "%d register accesses in the window:%s\n", n, seen
	}' "$trace" 2>&1)
	if [ -z "$out" ]; then
		result PASS host.usage_errors_make_no_register_access
	else
		result FAIL host.usage_errors_make_no_register_access "$out"
	fi
fi

# Host: every JSON document the tool printed in the guest parses, with
# Python's json module (tests/guest/tool_test.sh put them on the console).
if [ "$full_suite" = 1 ] && wanted tool_test; then
	out=$(sed -n 's/^mmiodemo-json: //p' "$log" | python3 -c '
import json, sys
n = 0
for line in sys.stdin:
    cmd, _, doc = line.partition(": ")
    try:
        json.loads(doc)
        n += 1
    except ValueError as e:
        print(f"{cmd}: {e}: {doc.strip()[:200]}")
if n < 9:
    print(f"{n} documents parsed, 9 expected")
' 2>&1)
	if [ -z "$out" ]; then
		result PASS host.tool_json_parses
	else
		result FAIL host.tool_json_parses "$out"
	fi
fi

# Host: ramfb's pictures of the DMA buffer, pixel by pixel, as the guest
# drew them (tests/fb_test.sh asked for each screendump).
fb_check() { # fb_check NAME SPEC TEST
	local ppm=build/logs/$kernel-$mode-$1.ppm out
	if [ ! -f "$ppm" ]; then
		result FAIL "host.$3" "no screendump $ppm"
	elif out=$(python3 qemu/ppmcheck.py "$ppm" "$2" 2>&1); then
		result PASS "host.$3"
	else
		result FAIL "host.$3" "$out"
	fi
}
if [ "$full_suite" = 1 ] && wanted fb_test; then
	fb_check gradient gradient:640x480 fb_screendump_is_the_drawn_picture
	fb_check row gradient:640x480:row=100:ffffff fb_screendump_shows_the_synced_row
	fb_check unbound color:16x16:000000 fb_screendump_after_unbind_is_blank
fi
# tests/guest/bounce_test.c: a blue picture synced for the device and
# scanned out, then drawn green without a sync: under swiotlb=force the
# device still reads blue (its bounce slot), on a plain boot the CPU's
# page, green; after SYNC_FOR_DEVICE green on both.
if [ "$full_suite" = 1 ] && wanted bounce_test; then
	unsynced=00ff00
	grep -Eq 'Kernel command line: (.* )?swiotlb=([0-9]+,)*force( |$)' "$log" &&
		unsynced=0000ff
	fb_check bounce-unsynced "color:16x16:$unsynced" \
		bounce_scan_out_before_sync_for_device_is_what_the_device_had
	fb_check bounce-synced color:16x16:00ff00 \
		bounce_scan_out_after_sync_for_device_is_the_cpus_picture
fi

# Host: each region was mapped through the hook the kernel offers. Where
# its fs.h has f_op->mmap_prepare, the driver must use it (with
# vm_ops->mapped); elsewhere f_op->mmap. The driver says on the console,
# once per region, which hook made its first mapping. Only on a whole run:
# the mappings are made by several programs.
if [ "$full_suite" = 1 ] && [ -z "$filter" ]; then
	kheaders=$(sed -n 's/^KHEADERS := //p' "$b/kernel.mk")
	hook='f_op->mmap'
	grep -q '(\*mmap_prepare)' "$kheaders/include/linux/fs.h" &&
		hook='f_op->mmap_prepare and vm_ops->mapped'
	regions=dma
	[[ $skipped_names == *" regs.mapping_write_reaches_qemu "* ]] ||
		regions='regs dma'
	said=$(sed -n 's/.*mmiodemo 9030000\.pl061: \([a-z]* mapped through .*\)/\1/p' "$log")
	missing=
	for r in $regions; do
		grep -qxF "$r mapped through $hook" <<<"$said" || missing+=" $r"
	done
	if [ -z "$missing" ] && ! grep -vqx "[a-z]* mapped through $hook" <<<"$said"; then
		result PASS host.mmap_goes_through_the_kernels_hook
	else
		result FAIL host.mmap_goes_through_the_kernels_hook \
			"expected: $regions mapped through $hook" "the console says:" "$said"
	fi
fi

# The negative control (tests/negative), on one kernel: a second boot
# loads mmiodemo-negative.ko, the driver with its registers mapped as
# Normal memory, instead of mmiodemo.ko, and runs the audit and the tool's
# tests. Their memory-type tests must fail, and only those: the audit then
# demonstrably catches a wrong memory type.
negative_must_fail='audit.register_page_is_device_ngnre_like_the_kernels
audit.read_only_register_mapping_has_read_only_ptes
tool.maps_shows_a_register_page_as_device_ngnre
tool.maps_json_shows_the_same'
if [ "$mode" = test ] && [ -f "$b/modules/mmiodemo-negative.ko" ] &&
	[ -z "$filter" ]; then
	nlog=build/logs/$kernel-negative.log
	t_negative=$(now_ns)
	qemu/boot.sh negative "$kernel" "mmiodemo_nonce=$nonce" >/dev/null
	t_negative=$(($(now_ns) - t_negative))
	failed_tests=$(sed -n 's/^not ok [0-9]* \([a-z_.]*\).*/\1/p' "$nlog" | sort)
	passed_tests=$(sed -n 's/^ok [0-9]* \([a-z_.]*\)$/\1/p' "$nlog" | sort)
	want=$(sort <<<"$negative_must_fail")
	if grep -q '^mmiodemo-guest: driver mmiodemo-negative.ko loaded' "$nlog" &&
		[ "$failed_tests" = "$want" ] && [ -n "$passed_tests" ]; then
		result PASS host.negative_control_audit_catches_a_wrong_memory_type
	else
		result FAIL host.negative_control_audit_catches_a_wrong_memory_type \
			"under mmiodemo-negative.ko these must fail, and only these:" \
			"$want" "failed:" "${failed_tests:-(none)}" "console: $nlog"
	fi
	grep -Eq 'Oops|WARNING:|BUG:|Kernel panic|Unable to handle|Call trace:' "$nlog" &&
		result FAIL host.negative_control_console_has_no_kernel_complaint \
			"$(grep -En -m3 -B5 -A25 'Oops|WARNING:|BUG:|Call trace:' "$nlog")"
fi

# The console verdict: any kernel complaint fails the run.
pattern='Oops|WARNING:|BUG:|Kernel panic|Unable to handle|Call trace:|general protection|UBSAN:|KASAN:|kmemleak: unreferenced|unreferenced object'
# (Not the Debian guest's record of dpkg and DKMS: "mmiodemo-debian:" lines.)
if grep -v '^mmiodemo-debian: ' "$log" | grep -Eq "$pattern"; then
	result FAIL host.console_has_no_kernel_complaint \
		"$(grep -En -m3 -B5 -A25 "$pattern" "$log")"
else
	result PASS host.console_has_no_kernel_complaint
fi

# For CI: every result above as JUnit XML.
python3 qemu/junit.py "build/logs/$run.junit.xml" "$run=$results" ||
	echo "junit: could not write build/logs/$run.junit.xml" >&2
echo "console: $log"
t_end=$(now_ns)
printf 'phases: %sguest boot and suite %s, host checks %s%s; total %s\n' \
	"${t_build:+build $(secs $((t_guest - t_build))), }" \
	"$(secs $((t_checks - t_guest)))" \
	"$(secs $((t_end - t_checks - t_negative)))" \
	"$([ "$t_negative" = 0 ] || echo ", negative control boot $(secs "$t_negative")")" \
	"$(secs $((t_end - ${t_build:-$t_guest})))"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
