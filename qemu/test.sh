#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# qemu/test.sh KERNEL [test|stress|fuzz|debian]: the whole suite against
# what make built for KERNEL (debian: in the Debian guest, make test-debian).
#
# One boot runs every test program in the guest (the static checks are
# tests/host/check.sh, once for all kernels); python3 -m workbench parse
# judges it (workbench/judge.py, and the host checks beside the tests,
# tests/guest/NAME.host.py). Prints a line per test and closes with "N
# passed, N failed, N skipped"; exits 0 only when nothing failed. With
# T=PATTERN[,PATTERN...] in the environment, only the guest programs whose
# names contain a PATTERN run (qemu/init), and only the host checks of
# those programs.
#
# Files, in build/logs: KERNEL-MODE.log (the console), RUN.tap (the
# guest's TAP and KTAP as printed), RUN.results (the lines printed),
# RUN.junit.xml (each result as a JUnit testcase); RUN is KERNEL in test
# mode, KERNEL-MODE in the others.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=${1:?usage: qemu/test.sh KERNEL [test|stress|fuzz|debian]}
mode=${2:-test}
cd "$top" || exit 1
b=build/$kernel
kpkg=$(sed -n 's/^KERNEL_PKG := //p; s/^KERNEL_VERSION := / /p' "$b/kernel.mk" | tr -d '\n')
log=build/logs/$kernel-$mode.log
filter=${T:-}
if ! [[ $filter =~ ^[A-Za-z0-9_.,*?-]*$ ]]; then
	echo "T='$filter': a pattern may hold letters, digits, _ . - * ? and commas" >&2
	exit 2
fi
mkdir -p build/logs
run=$kernel
[ "$mode" = test ] || run=$kernel-$mode
rm -f "build/logs/$run.results" "build/logs/$run.tap" "build/logs/$run.junit.xml"

# Phase times, printed at the end: since make started (MMIODEMO_T0, set
# by the Makefile) to here is the build.
now_ns() { date +%s%N; }
t_build=${MMIODEMO_T0:-} t_guest=$(now_ns)
secs() { awk -v ns="$1" 'BEGIN { printf "%.1f", ns / 1e9 }'; }

echo "mmiodemo tests: kernel $kernel ($kpkg)"

# Guest: one boot runs every test program in the guest.
nonce=$(printf '0x%x' $(((RANDOM << 16 | RANDOM) | 0x100)))
extra=()
[ "$mode" = fuzz ] && extra=("mmiodemo_fuzz_s=${FUZZ_S:-600}" "mmiodemo_seed=${SEED:-0}")
[ -n "$filter" ] && extra+=("mmiodemo_filter=$filter")
qemu/boot.sh "$mode" "$kernel" "mmiodemo_nonce=$nonce" "${extra[@]}"
t_checks=$(now_ns)

# The negative control (tests/negative), on the kernel that builds it: a
# second boot loads mmiodemo-negative.ko, the driver with its registers
# mapped as Normal memory, instead of mmiodemo.ko, and runs the audit and
# the tool's tests; tests/guest/audit_test.host.py judges it.
if [ "$mode" = test ] && [ -f "$b/modules/mmiodemo-negative.ko" ] &&
	[ -z "$filter" ]; then
	qemu/boot.sh negative "$kernel" "mmiodemo_nonce=$nonce" >/dev/null
fi
t_negative=$(now_ns)

# The verdicts: every test's, from the boot's files (python3 -m workbench
# parse LOG re-judges them later alike).
phases=()
[ -n "$t_build" ] && phases+=(--phase "build=$(secs $((t_guest - t_build)))")
phases+=(--phase "guest boot and suite=$(secs $((t_checks - t_guest)))")
[ "$t_negative" -gt $((t_checks + 100000000)) ] &&
	phases+=(--phase "negative control boot=$(secs $((t_negative - t_checks)))")
/usr/bin/python3 -m workbench parse "$log" --write "${phases[@]}"
