#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/host/doc-examples.sh RST...: every ".. code-block:: c" example of the
# given pages compiles for arm64 with -Wall -Wextra -Werror, as written,
# against the uAPI and register headers. Each example becomes the body of a
# function; it may use "fd" (an open /dev/mmiodemo) and "regs" (its
# register mapping, a volatile uint8_t *), which the first example makes.
# Prints what failed, nothing when all compile.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cc=${CROSS_COMPILE:-aarch64-linux-gnu-}gcc
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for rst in "$@"; do
	# The indented lines after each ".. code-block:: c", one file each.
	awk -v dir="$work" -v base="$(basename "$rst" .rst)" '
		/^\.\. code-block:: c$/ { n++; inblock = 1; started = 0
			file = sprintf("%s/%s-%d.body", dir, base, n)
			printf "" > file; next }
		inblock && /^$/ { if (started) print "" >> file; next }
		inblock && /^    / { started = 1; print substr($0, 5) >> file; next }
		inblock && started { inblock = 0 }
	' "$rst"
done

found=0
for body in "$work"/*.body; do
	[ -e "$body" ] || continue
	found=$((found + 1))
	src=${body%.body}.c
	{
		printf '%s\n' '#include <fcntl.h>' '#include <stdint.h>' \
			'#include <stdio.h>' '#include <string.h>' \
			'#include <sys/ioctl.h>' '#include <sys/mman.h>' \
			'#include <unistd.h>' '#include "libmmiodemo.h"' \
			'#include "mmiodemo-regs.h"' \
			'void example(int fd, volatile uint8_t *regs);' \
			'void example(int fd, volatile uint8_t *regs)' '{' \
			'(void)fd; (void)regs;' '{'
		cat "$body"
		printf '}\n}\n'
	} >"$src"
	if ! out=$("$cc" -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
		-I"$top/driver" -I"$top/driver/uapi" -I"$top/userspace/lib" -c -o /dev/null "$src" 2>&1); then
		echo "$(basename "$body" .body): the example does not compile:"
		printf '%s\n' "$out"
	fi
done
[ "$found" -gt 0 ] || echo "no '.. code-block:: c' example in $*"
