/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pure logic of mmiodemo's mmap path: which region an mmap offset
 * falls in, and whether a mapping may be made. No device, no locks, no
 * side effects, so the KUnit suite (mmiodemo-kunit.c) tests it directly.
 */
#ifndef MMIODEMO_LOGIC_H
#define MMIODEMO_LOGIC_H

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/types.h>

#include "uapi/mmiodemo.h"

struct mmiodemo_region_desc {
	u64 offset; /* in the mmap space */
	u64 size;
	phys_addr_t phys;
	u32 flags; /* MMIODEMO_REGION_F_* */
	u32 caching; /* MMIODEMO_CACHING_* */
	const char *name;
};

/* A region is mappable only if it is whole pages: never a neighbour's. */
static inline bool mmiodemo_whole_pages(phys_addr_t phys, u64 size,
					unsigned long page_size)
{
	return size && !(phys & (page_size - 1)) && !(size & (page_size - 1));
}

/* The region holding mmap offset @off, or NULL. */
static inline const struct mmiodemo_region_desc *
mmiodemo_find_region(const struct mmiodemo_region_desc *regions,
		     unsigned int nr, u64 off)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (off >= regions[i].offset &&
		    off - regions[i].offset < regions[i].size)
			return &regions[i];
	return NULL;
}

/*
 * May @len bytes at mmap offset @off be mapped with @vm_flags through a
 * file opened with @f_mode? 0 with *@region set, or the errno the uAPI
 * header documents.
 */
static inline int
mmiodemo_check_mmap(const struct mmiodemo_region_desc *regions, unsigned int nr,
		    u64 off, unsigned long len, unsigned long vm_flags,
		    fmode_t f_mode, const struct mmiodemo_region_desc **region)
{
	const struct mmiodemo_region_desc *r;

	/*
	 * VM_MAYSHARE, not VM_SHARED: mmap() of a read-only fd clears
	 * VM_SHARED from a MAP_SHARED mapping. A private mapping would
	 * copy-on-write register pages into anonymous memory.
	 */
	if (!(vm_flags & VM_MAYSHARE))
		return -EINVAL;
	if (vm_flags & VM_EXEC)
		return -EPERM;
	if ((vm_flags & VM_WRITE) && !(f_mode & FMODE_WRITE))
		return -EACCES;

	r = mmiodemo_find_region(regions, nr, off);
	if (!r)
		return -ENXIO;
	if (!(r->flags & MMIODEMO_REGION_F_MMAP))
		return -EOPNOTSUPP;
	if (!len || len > r->size - (off - r->offset))
		return -ENXIO;

	*region = r;
	return 0;
}

/*
 * The buffer page behind mmap page offset @pgoff of region @r: true with
 * *@index set, false past the region's end.
 */
static inline bool mmiodemo_page_index(const struct mmiodemo_region_desc *r,
				       unsigned long pgoff,
				       unsigned int page_shift,
				       unsigned long *index)
{
	u64 off = (u64)pgoff << page_shift;

	if (off < r->offset || off - r->offset >= r->size)
		return false;
	*index = (off - r->offset) >> page_shift;
	return true;
}

/*
 * The pages [*@first, *@first + *@nr) of a @size-byte buffer that a sync
 * of [@offset, @offset + @len) covers (@len 0: to the end), or -EINVAL if
 * that is not whole pages inside the buffer.
 */
static inline int mmiodemo_sync_range(u64 size, u64 offset, u64 len,
				      unsigned int page_shift,
				      unsigned long *first, unsigned long *nr)
{
	u64 mask = (1ULL << page_shift) - 1;

	if (offset > size || (offset & mask) || (len & mask))
		return -EINVAL;
	if (!len)
		len = size - offset;
	if (len > size - offset)
		return -EINVAL;
	*first = offset >> page_shift;
	*nr = len >> page_shift;
	return 0;
}

/*
 * The pages of a @size-byte region at mmap offset @region_off that bytes
 * [start, end] of the mmap space touch (an fsync() or msync() range, end
 * inclusive), as @first and @nr. False if they touch none.
 */
static inline bool mmiodemo_fsync_range(u64 region_off, u64 size, s64 start,
					s64 end, unsigned int page_shift,
					unsigned long *first, unsigned long *nr)
{
	u64 lo, hi;

	if (start < 0 || end < start || (u64)end < region_off)
		return false;
	lo = max_t(u64, start, region_off) - region_off;
	if (lo >= size)
		return false;
	hi = min_t(u64, (u64)end - region_off, size - 1);
	*first = lo >> page_shift;
	*nr = (hi >> page_shift) - *first + 1;
	return true;
}

/*
 * Is a register ioctl of @width bits at @offset of a @size-byte block
 * valid? The block's registers are 32 bits wide and the driver reads and
 * writes them whole: narrower accesses go through the mapping.
 */
static inline bool mmiodemo_reg_access_ok(u64 size, u32 offset, u32 width)
{
	return width == 32 && !(offset % 4) && offset < size &&
	       size - offset >= 4;
}

/*
 * The run of page @i among @nr pages of bus addresses @addrs: the pages
 * around it whose addresses follow each other, [*first, *end). What
 * MMIODEMO_IOC_DMA_RUN answers, and where a framebuffer must lie.
 */
static inline void mmiodemo_run_of(const dma_addr_t *addrs, unsigned long nr,
				   unsigned long i, unsigned long *first,
				   unsigned long *end)
{
	unsigned long a = i, b = i + 1;

	while (a && addrs[a - 1] + PAGE_SIZE == addrs[a])
		a--;
	while (b < nr && addrs[b - 1] + PAGE_SIZE == addrs[b])
		b++;
	*first = a;
	*end = b;
}

/* Do pages [@first, @first + @n) of @addrs lie in one run? (@n >= 1) */
static inline bool mmiodemo_in_one_run(const dma_addr_t *addrs,
				       unsigned long nr, unsigned long first,
				       unsigned long n)
{
	unsigned long a, b;

	mmiodemo_run_of(addrs, nr, first, &a, &b);
	return first + n <= b;
}

#endif /* MMIODEMO_LOGIC_H */
