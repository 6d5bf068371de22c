#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# machine/ticker.sh LABEL LOG CMD...: runs CMD with its output into LOG and,
# while it runs, prints "LABEL: N s, LAST LINE OF LOG" every 10 seconds on
# stderr, so that a long step (machine/build-kernel.sh's build) is never minutes
# of silence. Exits with CMD's status; when that is not 0, the last 30
# lines of LOG follow.
set -uo pipefail

label=${1:?usage: machine/ticker.sh LABEL LOG CMD...} log=${2:?usage: machine/ticker.sh LABEL LOG CMD...}
shift 2
mkdir -p "$(dirname "$log")"
"$@" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null' EXIT
start=$SECONDS last=$SECONDS
while kill -0 "$pid" 2>/dev/null; do
	sleep 1
	if [ $((SECONDS - last)) -ge 10 ]; then
		last=$SECONDS
		printf '%s: %d s, %s\n' "$label" $((SECONDS - start)) \
			"$(tail -n 1 "$log" | tr -d '\r' | cut -c1-100)" >&2
	fi
done
wait "$pid"
status=$?
trap - EXIT
if [ "$status" != 0 ]; then
	printf '%s: failed (status %d) after %d s; the end of %s:\n' "$label" \
		"$status" $((SECONDS - start)) "$log" >&2
	tail -n 30 "$log" >&2
fi
exit "$status"
