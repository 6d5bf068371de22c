#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/host/check.sh DTB KSRC NAME,KDIR,TOOLCHAIN...: the static checks, one
# PASS/FAIL line each and a closing "N passed, N failed". Zero findings is
# the bar; the few accepted ones are listed below, each with its reason.
# KSRC: the kernel source of checkpatch and clang-format's style; per
# kernel: its name, its build tree, and its build root (empty: none). The
# workbench runs it (python3 -m workbench check, make check).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
usage='usage: tests/host/check.sh DTB KSRC NAME,KDIR,TOOLCHAIN...'
dtb=${1:?$usage}
ksrc=${2:?$usage}
shift 2
# The driver's sources and the test modules', without what kbuild
# generates beside them.
kernel_files=()
for f in driver/*.[ch] driver/uapi/*.h tests/modules/*.c tests/negative/*.c; do
	[[ $f == *.mod.c ]] || kernel_files+=("$f")
done
scripts=(machine/*.sh packaging/*.sh workbench/*.sh guest/*.sh lava/*.sh
	tests/*/*.sh .ci/run userspace/mmiodemo.bash-completion)

passed=0 failed=0
check() { # check NAME OUTPUT: no output is a pass
	if [ -z "$2" ]; then
		echo "PASS host.$1"
		passed=$((passed + 1))
	else
		echo "FAIL host.$1"
		printf '%s\n' "$2" | sed 's/^/     | /'
		failed=$((failed + 1))
	fi
}

# checkpatch --strict. Accepted finding types, per file:
#   mmiodemo-compat.h: it is the one place where kernel versions are tested;
#   mmiodemo-regs.h, mmiodemo-stats.h: PL061_REGISTERS and
#   MMIODEMO_COUNTERS are X-macros, their argument a macro.
# shellcheck disable=SC2054 # the values are checkpatch's comma lists
declare -A accepted=(
	[driver/mmiodemo-compat.h]=LINUX_VERSION_CODE,CONSTANT_COMPARISON
	[driver/mmiodemo-regs.h]=COMPLEX_MACRO,MACRO_ARG_REUSE
	[driver/mmiodemo-stats.h]=COMPLEX_MACRO,MACRO_ARG_REUSE
)
out=
for f in "${kernel_files[@]}"; do
	out+=$(perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --quiet \
		--show-types --ignore "${accepted[$f]:-NONE}" -f "$f" 2>&1)
done
check checkpatch_strict_finds_nothing_in_driver "$out"

# The kernel's .clang-format. The headers' tab-aligned tables opt out
# with "clang-format off", a comment above each saying why.
out=
for f in "${kernel_files[@]}"; do
	out+=$(clang-format --style="file:$ksrc/.clang-format" "$f" |
		diff -u --label "$f" --label "$f (clang-format)" "$f" -)
done
check clang_format_finds_nothing_in_driver "$out"

# W=1 and sparse (C=2) against each kernel's headers, in a tree of links
# to the sources of its own (build/check/KERNEL; make test's are
# build/KERNEL/src), in the kernel's build root if it has one
# (7.x: gcc-14, sparse 0.6.5).
for spec in "$@"; do
	IFS=, read -r k kdir root <<<"$spec"
	toolchain=()
	[ -n "$root" ] && toolchain=("$top/machine/toolchain.sh" "$root")
	mod=$top/build/check/$k
	rm -rf "$mod/driver"
	mkdir -p "$mod/driver/uapi"
	ln -sf "$top/Kbuild" "$mod/"
	for f in driver/Kbuild "${kernel_files[@]}"; do
		[[ $f == driver/* ]] && ln -sf "$top/$f" "$mod/$f"
	done
	out=$("${toolchain[@]}" make -s -C "$kdir" M="$mod" ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- W=1 C=2 modules 2>&1 |
		grep -v '^Skipping BTF generation')
	# The test modules, the same way.
	rm -rf "$mod/tests-modules" && mkdir -p "$mod/tests-modules"
	ln -sf "$top"/tests/modules/Kbuild "$top"/tests/modules/*.c "$mod/tests-modules/"
	out+=$("${toolchain[@]}" make -s -C "$kdir" M="$mod/tests-modules" \
		ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- W=1 C=2 modules 2>&1 |
		grep -v '^Skipping BTF generation\|^WARNING: modpost: missing MODULE_')
	check "w1_and_sparse_find_nothing_on_$k" "$out"
done

# The driver's files call one another one way (tests/host/call-graph.sh
# prints the graph), read from the objects just built.
out=$(tests/host/call-graph.sh "$top/build/check/${1%%,*}/driver" 2>&1)
grep -q '^PASS ' <<<"$out" && out=
check driver_calls_run_one_way "$out"

# Every C example in the documentation compiles as written.
out=$(tests/host/doc-examples.sh Documentation/*.rst 2>&1)
check doc_examples_compile_as_written "$out"

# What the docs say of the code is what the code does: the functions they
# say the driver uses or avoids, the flags it sets, the errnos and EINVAL
# reasons of the header, no retired design's words, make help's variables
# (tests/host/doc-claims.py).
out=$(/usr/bin/python3 tests/host/doc-claims.py 2>&1)
check docs_say_what_the_code_does "$out"

out=$(shellcheck -x "${scripts[@]}" 2>&1; shellcheck -x -s sh guest/init 2>&1)
check shellcheck_finds_nothing_in_scripts "$out"

# The bash completion completes commands, options, their values and the
# register names (tests/host/completion-check.sh).
out=$(tests/host/completion-check.sh 2>&1)
check bash_completion_completes "$out"

# mmiodemo(1) lints clean with mandoc and renders with no groff warning,
# as man -l renders it.
out=$(mandoc -T lint -W warning userspace/mmiodemo.1 2>&1
	groff -ww -z -mandoc userspace/mmiodemo.1 2>&1)
check man_page_lints_clean "$out"

# make install DESTDIR=... PREFIX=/usr puts every file where it belongs
# and a program links against the installed pkg-config file
# (tests/host/install-check.sh).
out=$(tests/host/install-check.sh 2>&1)
check install_into_destdir_works "$out"

# The workbench's own tests (workbench/tests, pytest, Debian's python3):
# its verdicts on made-up consoles and on a recorded one, host checks found
# by name, screendumps, JUnit XML, compare.
if out=$(/usr/bin/python3 -m pytest -q -p no:cacheprovider workbench/tests 2>&1); then
	check workbench_tests_pass ""
else
	check workbench_tests_pass "$out"
fi

# Documentation/ builds with Sphinx, warnings as errors, and the README's
# tables are whole (tests/host/doc-build.sh).
while read -r verdict name; do
	case $verdict in
	PASS) check "${name#host.}" "" ;;
	FAIL) check "${name#host.}" "see the lines above" ;;
	*) printf '     | %s %s\n' "$verdict" "$name" ;;
	esac
done < <(tests/host/doc-build.sh 2>&1)

# The binding is a valid schema and the booted tree obeys it.
while read -r verdict name; do
	case $verdict in
	PASS) check "$name" "" ;;
	FAIL) check "$name" "see the lines above" ;;
	*) printf '     | %s %s\n' "$verdict" "$name" ;;
	esac
done < <(tests/host/dt-check.sh \
	Documentation/devicetree/bindings/misc/mmiodemo,pl061.yaml \
	"$dtb" build/check 2>&1)

# The LAVA job of every kernel of the matrix validates with lava-common's
# schema (make lava-check; lava-common is in workbench/host-packages).
out=$(make -s --no-print-directory lava-check 2>&1 | grep -v '^PASS ')
check lava_jobs_validate "$out"

# make test-lava's comparison of LAVA's results with the harness's finds
# a changed verdict, a missing test and an extra one, and only those
# (lava/lava-run.py --compare).
cmp_dir=$(mktemp -d)
printf '%s\n' 'PASS guest.a.one' 'SKIP guest.a.two' 'PASS guest.a.plan_met' \
	'PASS guest.driver_binds_to_the_pl061_node' 'PASS host.qemu_trace' \
	'PASS host.console_has_no_kernel_complaint' >"$cmp_dir/harness"
printf '%s\n' 'pass a.one' 'skip a.two' 'pass a.plan_met' \
	'pass kernel_log_has_no_complaint' >"$cmp_dir/same"
printf '%s\n' 'fail a.one' 'pass a.plan_met' 'pass a.three' \
	'pass kernel_log_has_no_complaint' >"$cmp_dir/changed"
out=$(/usr/bin/python3 lava/lava-run.py --compare "$cmp_dir/harness" "$cmp_dir/same" 2>&1 ||
	echo "equal results: exit status $?")
got=$(/usr/bin/python3 lava/lava-run.py --compare "$cmp_dir/harness" "$cmp_dir/changed" 2>&1)
status=$?
want="4 tests in the harness's results, 4 in LAVA's, 3 differ:
guest.a.one: the harness pass, LAVA fail
guest.a.three: the harness has no such test, LAVA pass
guest.a.two: the harness skip, LAVA has no such test"
[ "$status" = 1 ] && [ "$got" = "$want" ] ||
	out+="different results: exit status $status, output:
$got"
rm -rf "$cmp_dir"
check lava_comparison_finds_each_difference "$out"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
