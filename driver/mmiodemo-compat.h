/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every kernel-version difference mmiodemo cares about, in one place.
 * Nothing else in the driver tests LINUX_VERSION_CODE.
 */
#ifndef MMIODEMO_COMPAT_H
#define MMIODEMO_COMPAT_H

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/version.h>

/*
 * The largest order the page allocator gives: MAX_ORDER - 1 until 6.4,
 * MAX_ORDER from 6.4 (inclusive since), MAX_PAGE_ORDER since its rename.
 */
#if defined(MAX_PAGE_ORDER)
#define MMIODEMO_MAX_PAGE_ORDER MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define MMIODEMO_MAX_PAGE_ORDER MAX_ORDER
#else
#define MMIODEMO_MAX_PAGE_ORDER (MAX_ORDER - 1)
#endif

/* Since 6.3 vma->vm_flags is read-only; it changes through helpers. */
static inline void mmiodemo_vm_flags_clear(struct vm_area_struct *vma,
					   vm_flags_t flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

static inline void mmiodemo_vm_flags_set(struct vm_area_struct *vma,
					 vm_flags_t flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/*
 * Since 6.17 gpio_chip.set returns an int (a setter can fail); before, it
 * returned nothing. Nothing to test but the version.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
#define MMIODEMO_HAVE_GPIO_SET_INT
#endif

/*
 * f_op->mmap_prepare(), with both things mmiodemo needs to map from it:
 * the vma_desc_*() flag helpers on struct vm_area_desc, and
 * vm_ops->mapped(), which runs once the new VMA exists, so that the VMA's
 * reference on the device is taken only for a mapping that is made (see
 * Documentation/mmiodemo.rst). Found together on
 * 7.x (read in Debian's 7.3 headers). vma_desc_set_flags() is a macro, so
 * the preprocessor can test for it; a kernel with the helpers but not the
 * hook fails to build here instead of quietly taking the old path.
 * Without them the driver keeps f_op->mmap.
 */
#ifdef vma_desc_set_flags
#define MMIODEMO_HAVE_MMAP_PREPARE
#endif

#endif /* MMIODEMO_COMPAT_H */
