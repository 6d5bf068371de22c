// SPDX-License-Identifier: GPL-2.0-only
/*
 * The negative control's one difference from the driver: pgprot_device()
 * leaves the page protection as it is, so the registers are mapped as
 * Normal cacheable memory, the mistake the audit must catch. Under QEMU
 * the registers still read and write correctly through such a mapping
 * (TCG models no cache): only the page tables show it.
 */
#include <linux/pgtable.h>
#undef pgprot_device
#define pgprot_device(prot) (prot)
#include "../../driver/mmiodemo-mmio.c"
