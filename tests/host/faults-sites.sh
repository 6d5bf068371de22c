#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/host/faults-sites.sh OBJDUMP MODULE.ko...: the allocation and
# DMA-map call sites of driver/'s modules, one a line, as
#   MODULE FUNCTION+0xOFFSET CALLEE
# where FUNCTION+0xOFFSET is the return address of the call, as the kernel
# prints it in a stack dump ("%pS": FUNCTION+0xOFFSET/0xSIZE [MODULE]), and
# MODULE the module's name as the kernel spells it ('-' as '_').
# tests/guest/faults_test.c reads the list (as /tests/faults_sites) and
# fails if an injected failure's stack never went through one of them.
#
# A call site is a bl to an allocator (slab, page, vmalloc, devres, IDA,
# bitmap, inode) or to a DMA mapping or allocation function; a tail call
# (b) leaves no frame of its own, and none is made to one of those
# (this script fails if one appears). Calls to helpers that allocate
# inside (misc_register(), gpiochip and IRQ registration, debugfs) are not
# in the list: faults_test prints those it reaches beside it.
set -euo pipefail

objdump=$1
shift
callee='^(__)?(kmalloc|kvmalloc|kmem_cache_alloc|kzalloc|kcalloc|krealloc|vmalloc|vzalloc|alloc_pages|get_free_pages|get_zeroed_page|bitmap_zalloc|bitmap_alloc|ida_alloc|alloc_anon_inode|devm_kmalloc|devm_kzalloc|devm_kasprintf|devm_add_action|dma_map_|dmam_alloc_|dma_alloc_|kstrdup|kmemdup|kasprintf)'
for ko; do
	mod=$(basename "$ko" .ko | tr - _)
	"$objdump" -dr "$ko" | awk -v mod="$mod" -v rx="$callee" '
		/^[0-9a-f]+ <[^>]+>:$/ {
			fn = $2; gsub(/[<>:]/, "", fn)
			start = strtonum("0x" $1)
			next
		}
		/^ *[0-9a-f]+:/ { addr = strtonum("0x" substr($1, 1, length($1) - 1)) }
		/R_AARCH64_(CALL|JUMP)26/ {
			sym = $3; sub(/\+0x[0-9a-f]+$/, "", sym)
			if (sym !~ rx)
				next
			if ($2 ~ /JUMP26/) {
				print "faults-sites: " mod ": tail call to " sym \
					" in " fn > "/dev/stderr"
				bad = 1
				next
			}
			printf "%s %s+0x%x %s\n", mod, fn, addr + 4 - start, sym
		}
		END { exit bad }'
done
