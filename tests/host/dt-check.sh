#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Usage: tests/host/dt-check.sh BINDING_YAML DTB WORKDIR
# Validates the mmiodemo,pl061 binding with dt-schema and checks that DTB's
# /pl061@9030000 node is an mmiodemo,pl061 node that satisfies the binding.
set -euo pipefail

if [ $# -ne 3 ]; then
	echo "usage: $0 BINDING_YAML DTB WORKDIR" >&2
	exit 2
fi
binding=$1 dtb=$2 workdir=$3
node=/pl061@9030000
mkdir -p "$workdir"
bindings_root=$(cd "$(dirname "$binding")/.." && pwd)
failed=0

# report NAME OUTPUT: empty OUTPUT means PASS, else FAIL + indented OUTPUT
report() {
	if [ -z "$2" ]; then
		echo "PASS $1"
	else
		echo "FAIL $1"
		while IFS= read -r line; do echo "    $line"; done <<<"$2"
		failed=1
	fi
}

# Rules of the kernel's Documentation/devicetree/bindings/.yamllint, raised
# from "relaxed"'s warning level to error (except line-length, as there)
E='level: error'
yamllint_conf="{extends: relaxed, rules: {
  line-length: {max: 110, allow-non-breakable-words: true, level: warning},
  braces: {max-spaces-inside: 1, max-spaces-inside-empty: 0, $E},
  brackets: {max-spaces-inside: 1, max-spaces-inside-empty: 0, $E},
  colons: {max-spaces-before: 0, max-spaces-after: 1, $E},
  commas: {min-spaces-after: 1, max-spaces-after: 1, $E},
  document-start: {present: true, $E}, empty-lines: {max: 3, max-end: 1, $E},
  empty-values: {forbid-in-block-mappings: true, forbid-in-flow-mappings: true, $E},
  hyphens: {max-spaces-after: 1, $E}, trailing-spaces: false,
  indentation: {spaces: 2, indent-sequences: true, check-multi-line-strings: false, $E}}}"

# 1. the binding itself is valid against dt-schema's meta-schemas
# (a tool's output is kept only if it failed: yamllint also prints warnings)
out=""
y=$(yamllint -f parsable -d "$yamllint_conf" "$binding" 2>&1) ||
	out=${y:-yamllint failed}
d=$(dt-doc-validate -u "$bindings_root" "$binding" 2>&1) ||
	out="$out${out:+$'\n'}${d:-dt-doc-validate failed}"
report dt_binding_schema_valid "$out"

# 2. the DTB's PL061 node is ours and passes the processed binding
out=""
compat=$(fdtget "$dtb" "$node" compatible 2>&1) || true
[ "$compat" = "mmiodemo,pl061" ] ||
	out="$node compatible is '$compat', expected 'mmiodemo,pl061'"
processed=$workdir/processed.json
if ! mk_out=$(dt-mk-schema -j "$(dirname "$binding")" 2>&1 >"$processed") ||
	! grep -q "$(basename "$binding")" "$processed"; then
	# dt-mk-schema exits 0 even when it drops a broken schema
	out="$out${out:+$'\n'}binding missing from processed schema: $mk_out"
fi
# dt-validate exits 0 on errors; errors look like "FILE: NODE: msg" and
# also cover unrelated QEMU nodes, so keep only those about our node.
val_out=$(dt-validate -s "$processed" "$dtb" 2>&1) || true
bad=$(grep -E ": /?${node#/}[:/]" <<<"$val_out" || true)
out="$out${bad:+${out:+$'\n'}$bad}"
report dtb_node_matches_binding "$out"

# 3. one owner per block: the fw_cfg block our node names is not also a
# node of its own that qemu_fw_cfg would bind to.
status=$(fdtget "$dtb" /fw-cfg@9020000 status 2>&1) || true
reg_names=$(fdtget "$dtb" "$node" reg-names 2>&1) || true
out=""
[ "$reg_names" = "regs fw-cfg" ] ||
	out="$node reg-names is '$reg_names', expected 'regs fw-cfg'"
[ "$status" = disabled ] ||
	out="$out${out:+$'\n'}/fw-cfg@9020000 status is '$status', expected 'disabled'"
report fw_cfg_has_one_owner "$out"

exit "$failed"
