#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# machine/checker-valid.sh CHECK [FLAG...]: prints 1 if the checker CHECK
# (sparse) parses what 7.x kernel headers use (__typeof_unqual__), else 0.
# "make C=2" runs the kernel's scripts/checker-valid.sh to decide whether
# to run the checker at all; Debian's linux-kbuild-7.x package lacks that
# script, so workbench/kernel.py installs this one in its place.
command -v "$1" >/dev/null 2>&1 || { echo 0; exit 0; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
printf 'static inline int u(const int *q)\n{\n\t__typeof_unqual__(*q) v = *q;\n\treturn v;\n}\n' >"$tmp"
# sparse exits 0 on errors: read its messages.
if "$@" "$tmp" 2>&1 | grep -q error; then
	echo 0
else
	echo 1
fi
