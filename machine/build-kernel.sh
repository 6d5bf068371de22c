#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# machine/build-kernel.sh SRC FRAGMENT OUT: build an arm64 kernel from the tree
# SRC with allnoconfig + FRAGMENT into OUT (an O= build directory, which
# then serves as KDIR for the module too). Does nothing if OUT was built
# from the same source, fragment settings and flags already. With TOOLCHAIN set to a build
# root (workbench/kernel.py), the kernel is configured and built inside it.
set -euo pipefail

src=$1 fragment=$2 out=$3
top=$(cd "$(dirname "$0")/.." && pwd)
# The kernel without gcc's variable-tracking assignments (a fifth of a
# file's compile time: 4.50 s against 3.65 s for mm/memory.c): its types,
# lines and variable locations stay, less complete in optimised code,
# enough for gdb's breakpoints and lx-symbols (which reads do_init_module's
# argument); the modules, built with KCFLAGS of their own, keep them all.
kcflags=-fno-var-tracking-assignments
kmake=(make -C "$src" O="$out" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
	KCFLAGS="$kcflags")
[ -z "${TOOLCHAIN:-}" ] || kmake=("$top/machine/toolchain.sh" "$TOOLCHAIN" "${kmake[@]}")
say() { printf 'build-kernel: %s\n' "$*" >&2; }

# The fragment's settings (not its comments), the source's package and
# the flags.
stamp=$( (grep -v '^#' "$fragment"; cat "$src/.unpacked"; echo "$kcflags") |
	md5sum | cut -d' ' -f1)
if [ -f "$out/.built" ] && [ "$(cat "$out/.built")" = "$stamp" ]; then
	exit 0
fi

say "configuring $(basename "$fragment") in $out"
# MAPPING_DIRTY_HELPERS (the page-table walks the module's dirty tracking
# calls: clean_record_shared_mapping_range()) has no prompt: only drivers
# select it (vmwgfx, whose DRM, PCI and TTM the guest does not need), and
# allnoconfig drops a fragment line for a symbol with no prompt. Debian's
# arm64 kernels have it (vmwgfx is built there); here it gets a prompt.
if grep -qx CONFIG_MAPPING_DIRTY_HELPERS=y "$fragment"; then
	sed -i '/^config MAPPING_DIRTY_HELPERS$/{n;s/^\([[:space:]]*bool\)$/\1 "Page table walks that track dirty pages"/}' \
		"$src/mm/Kconfig"
fi
mkdir -p "$out"
rm -f "$out/.built"
"${kmake[@]}" -s allnoconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$fragment" >/dev/null
"${kmake[@]}" -s olddefconfig

# A fragment line that did not survive (a missing dependency) is an error.
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$fragment" | while IFS= read -r line; do
	case $line in
	*=n) grep -qx "# ${line%=n} is not set" "$out/.config" || echo "$line" ;;
	*) grep -qx "$line" "$out/.config" || echo "$line" ;;
	esac
done)
[ -z "$missing" ] || { say "not in the final .config: $missing"; exit 1; }

say "building (this takes minutes, once; the log: $out/build.log)"
start=$SECONDS
# scripts_gdb: the links to the kernel's gdb scripts (vmlinux-gdb.py).
targets=(Image modules)
grep -qx CONFIG_GDB_SCRIPTS=y "$out/.config" && targets+=(scripts_gdb)
"$top/machine/ticker.sh" build-kernel "$out/build.log" \
	"${kmake[@]}" -j"$(nproc)" "${targets[@]}"
say "built in $((SECONDS - start)) s"
echo "$stamp" >"$out/.built"
