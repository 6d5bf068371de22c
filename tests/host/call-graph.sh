#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/host/call-graph.sh OBJDIR: which file of the driver calls which,
# read from the built objects (OBJDIR/mmiodemo-*.o, for any kernel): an
# edge A -> B when A.o uses a symbol that B.o defines. Prints the edges
# and the #include "..." graph of driver/, then one line:
#   PASS host.driver_calls_run_one_way   no file calls a file that calls it
#   FAIL host.driver_calls_run_one_way   and the cycle
# Exit status 0 on PASS. Anyone can run it after a build, e.g.
#   tests/host/call-graph.sh build/debian-6.1/src/driver
set -uo pipefail

dir=${1:?usage: tests/host/call-graph.sh OBJDIR}
nm=${NM:-aarch64-linux-gnu-nm}
top=$(cd "$(dirname "$0")/../.." && pwd)
declare -A owner=()
objs=()
for o in "$dir"/mmiodemo-*.o; do
	case $o in *kunit* | *.mod.o) continue ;; esac
	objs+=("$o")
done
[ ${#objs[@]} -gt 0 ] || { echo "no mmiodemo-*.o in $dir"; exit 2; }

for o in "${objs[@]}"; do
	f=$(basename "$o" .o)
	while read -r sym; do owner[$sym]=$f; done < <("$nm" --defined-only "$o" |
		awk '$2 ~ /^[TDRB]$/ { print $3 }')
done

edges=()
for o in "${objs[@]}"; do
	f=$(basename "$o" .o)
	while read -r sym; do
		to=${owner[$sym]:-}
		[ -n "$to" ] && [ "$to" != "$f" ] && edges+=("$f $to")
	done < <("$nm" --undefined-only "$o" | awk '{ print $2 }')
done
mapfile -t edges < <(printf '%s\n' "${edges[@]}" | sort -u)

echo "calls (file -> files whose functions it calls):"
for o in "${objs[@]}"; do
	f=$(basename "$o" .o)
	printf '  %-20s -> %s\n' "$f" "$(printf '%s\n' "${edges[@]}" |
		awk -v f="$f" '$1 == f { printf "%s ", $2 }')"
done
echo "includes (driver/, quoted):"
for c in "$top"/driver/*.[ch]; do
	[[ $c == *.mod.c ]] && continue
	printf '  %-22s %s\n' "$(basename "$c")" "$(sed -n 's/^#include "\(.*\)"/\1/p' "$c" | tr '\n' ' ')"
done

# tsort reports a cycle on stderr.
cycle=$(printf '%s\n' "${edges[@]}" | tsort 2>&1 >/dev/null)
if [ -z "$cycle" ]; then
	echo "PASS host.driver_calls_run_one_way"
else
	echo "FAIL host.driver_calls_run_one_way"
	printf '%s\n' "$cycle" | sed 's/^/    /'
	exit 1
fi
