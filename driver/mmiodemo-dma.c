// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo's DMA buffer: allocated with the DMA API for the device, mapped
 * into userspace on first touch (.fault, and .map_pages for fault-around),
 * and dirty-tracked (.page_mkwrite) so that a sync hands the device exactly the pages
 * userspace wrote.
 *
 * QEMU virt's devices are not DMA-coherent. The buffer is therefore
 * ordinary cacheable memory, pages mapped for the device with
 * dma_map_page(): the kernel's linear mapping and every user mapping are
 * Normal write-back, one memory type, and ownership moves with
 * dma_sync_single_for_device()/_for_cpu(), one page at a time. An
 * uncached buffer would make every CPU access slow and leave nothing for
 * the dirty tracking to save.
 *
 * Dirty tracking follows fbdev's deferred I/O and the kernel's own shared
 * file mappings for a page's first write, and vmwgfx's page-table dirty
 * tracking after it: a page is mapped write-protected, by its fault or
 * ahead of it (fault-around, .map_pages, as filemap_map_pages() does), its
 * first write calls .page_mkwrite, which records it. From then on its
 * entries stay writable: a take walks them with the kernel's
 * clean_record_shared_mapping_range(), which records and cleans each entry
 * the CPU dirtied (the CPU sets the dirty bit of a writable clean entry as
 * it writes, with no fault), and unmaps the pages whose entries it found
 * clean, so that their next write faults again and the walks cover only
 * the pages being written. The kernel reports a write it made through a
 * reference (a pin, O_DIRECT) or a dirty entry it removed (munmap, exit)
 * with set_page_dirty(): the address_space's .dirty_folio records it too.
 * The pages' rmap needs the folio's mapping and index set as for a
 * page-cache page.
 */

#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/error-injection.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/property.h>
#include <linux/rmap.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include "mmiodemo-compat.h"
#include "mmiodemo-priv.h"
#include "mmiodemo-stats.h"

/*
 * The buffer's size comes from the device tree, the one place that
 * describes the device: a module parameter would apply to every device
 * the driver binds and say it twice.
 */
#define MMIODEMO_DT_DMA_SIZE "mmiodemo,dma-buffer-size"
/* Holds a 640x480 XRGB8888 framebuffer (1,228,800 bytes), as documented. */
#define MMIODEMO_DMA_SIZE_DEFAULT SZ_2M
#define MMIODEMO_DMA_SIZE_MAX SZ_256M
/* Far from the registers whatever the page size: in INFO, never hard-coded. */
#define MMIODEMO_DMA_OFFSET SZ_1G

/*
 * A take works through the buffer this many pages at a time (32 MiB of
 * 4 KiB pages), and may reschedule between chunks. It holds no lock a
 * write or a fault waits for but a page table's, one table at a time.
 * A chunk's walk flushes the TLB once per mapping it cleaned an entry of
 * (mm/mapping_dirty_helpers.c: one flush_tlb_range() of the range it
 * cleaned): an all-dirty 64 MiB take of 4 KiB pages, two a mapping.
 */
#define MMIODEMO_TAKE_CHUNK 8192

/* Runs of at most 4 MiB of contiguous memory: a framebuffer fits in one. */
#define MMIODEMO_DMA_RUN_ORDER min(get_order(SZ_4M), MMIODEMO_MAX_PAGE_ORDER)

/* The page offset in the mmap space (and the folio index) of page @i. */
#define MMIODEMO_DMA_PGOFF(i) ((MMIODEMO_DMA_OFFSET >> PAGE_SHIFT) + (i))

/*
 * set_page_dirty() of a buffer page: the kernel removed a dirty user PTE
 * of it (munmap, MADV_DONTNEED, exit, a take's or SYNC_FOR_CPU's unmap,
 * unbind's revocation) or wrote it through
 * a reference it took (a write GUP, a pin, O_DIRECT; told when it takes
 * the page or releases it, which may be after the system call returned:
 * the block layer marks an O_DIRECT read's pages from a workqueue). The
 * page goes into both sets. The folio stays clean: its pages back no file,
 * and a release that finds a folio dirty tells nobody
 * (unpin_user_pages_dirty_lock()), so each one comes here. Called under
 * the page lock, or by the zap of a PTE of the page under its page table's
 * lock, before the unmap returns; the buffer's release detaches each page
 * under its lock, after every mapping is revoked, so the sets are there.
 */
static bool mmiodemo_dma_dirty_folio(struct address_space *mapping,
				     struct folio *folio)
{
	struct mmiodemo *md = mapping->host->i_private;
	unsigned long i = folio->index - MMIODEMO_DMA_PGOFF(0);

	if (!WARN_ON_ONCE(i >= md->dma.nr_pages)) {
		set_bit(i, md->dma.dirty);
		set_bit(i, md->dma.unsynced);
	}
	return false;
}

static const struct address_space_operations mmiodemo_dma_aops = {
	.dirty_folio = mmiodemo_dma_dirty_folio,
};

static void mmiodemo_dma_free(void *data)
{
	struct mmiodemo *md = data;
	struct mmiodemo_dma *dma = &md->dma;
	unsigned long i, end;

	/*
	 * Each page leaves the address_space under its page lock, leaked or
	 * freed: a reference the kernel still holds (a pin) may mark the page
	 * dirty as it lets go (set_page_dirty_lock()), and must find it
	 * either there, with the sets still allocated, or out of it.
	 */
	for (i = 0; dma->pages && i < dma->nr_pages && dma->pages[i]; i++) {
		lock_page(dma->pages[i]);
		dma->pages[i]->mapping = NULL;
		unlock_page(dma->pages[i]);
	}
	/*
	 * A device that may still read the buffer (ramfb could not be
	 * stopped) would read freed memory: the pages are leaked instead.
	 */
	if (dma->device_holds) {
		dev_warn(md->dev,
			 "%lu pages leaked: the device may read them\n",
			 dma->nr_pages);
		goto arrays;
	}
	/* Each run of the device's mappings is unmapped as it was mapped. */
	for (i = 0; i < dma->nr_mapped; i = end) {
		end = find_next_bit(dma->run_first, dma->nr_mapped, i + 1);
		dma_unmap_page(md->dev, dma->addrs[i], (end - i) << PAGE_SHIFT,
			       DMA_BIDIRECTIONAL);
	}
	for (i = 0; dma->pages && i < dma->nr_pages && dma->pages[i]; i++)
		__free_page(dma->pages[i]);
arrays:
	kvfree(dma->pages);
	kvfree(dma->addrs);
	bitmap_free(dma->run_first);
	bitmap_free(dma->dirty);
	bitmap_free(dma->unsynced);
	bitmap_free(dma->wr);
	bitmap_free(dma->found);
}

/*
 * Fills pages[first...] with zeroed pages from one contiguous run, as
 * large as the allocator gives (never larger than needed or than
 * MMIODEMO_DMA_RUN_ORDER), split into pages that each have their own
 * reference, as the fault path needs. Returns the pages filled, 0 if none.
 */
static unsigned long mmiodemo_dma_alloc_run(struct mmiodemo_dma *dma,
					    unsigned long first)
{
	unsigned long want = dma->nr_pages - first, n, k;
	unsigned int order = min_t(unsigned int, MMIODEMO_DMA_RUN_ORDER,
				   get_order(want << PAGE_SHIFT));
	gfp_t gfp = GFP_KERNEL | __GFP_ZERO;
	struct page *page;

	for (;; order--) {
		/* A large run may fail quietly: a smaller one is tried. */
		page = alloc_pages(order ? gfp | __GFP_NOWARN | __GFP_NORETRY :
					   gfp,
				   order);
		if (page || !order)
			break;
	}
	if (!page)
		return 0;
	split_page(page, order);
	n = min(want, 1UL << order);
	for (k = 0; k < 1UL << order; k++) {
		if (k < n)
			dma->pages[first + k] = page + k;
		else
			__free_page(page + k);
	}
	return n;
}

/*
 * The driver's one way to map memory for the device: dma_map_page() of
 * @size bytes from @page, its failure (an IOMMU or bounce buffers out of
 * room) as -ENOMEM. Not inlined, and open to function error injection
 * (fail_function), through which tests/guest/faults_test.c fails it: each
 * caller's unwind must then undo every mapping made before.
 */
noinline int mmiodemo_dma_map(struct device *dev, struct page *page,
			      size_t size, enum dma_data_direction dir,
			      dma_addr_t *addr)
{
	*addr = dma_map_page(dev, page, 0, size, dir);
	return dma_mapping_error(dev, *addr) ? -ENOMEM : 0;
}

ALLOW_ERROR_INJECTION(mmiodemo_dma_map, ERRNO);

/*
 * Maps pages [first, ...) for the device (streaming DMA, bidirectional):
 * as many physically contiguous pages as one mapping may hold
 * (dma_max_mapping_size(): unlimited without an IOMMU or bounce buffers,
 * 256 KiB with swiotlb), so that a framebuffer of them is one run of bus
 * addresses behind an IOMMU or bounce buffers too. Each page's bus
 * address is kept: a sync names exactly one page of its run. Returns the
 * pages mapped, 0 on failure.
 */
static unsigned long mmiodemo_dma_map_run(struct mmiodemo *md,
					  unsigned long first)
{
	struct mmiodemo_dma *dma = &md->dma;
	unsigned long max =
		max_t(size_t, dma_max_mapping_size(md->dev) >> PAGE_SHIFT, 1);
	unsigned long i, n = 1;
	dma_addr_t addr;

	while (first + n < dma->nr_pages && n < max &&
	       page_to_pfn(dma->pages[first + n]) ==
		       page_to_pfn(dma->pages[first]) + n)
		n++;
	if (mmiodemo_dma_map(md->dev, dma->pages[first], n << PAGE_SHIFT,
			     DMA_BIDIRECTIONAL, &addr))
		return 0;
	for (i = 0; i < n; i++)
		dma->addrs[first + i] = addr + (i << PAGE_SHIFT);
	__set_bit(first, dma->run_first);
	return n;
}

/*
 * Allocates the buffer, whole pages, freed with the device: runs of
 * contiguous pages, mapped for the device a run at a time. Then
 * describes its region of the mmap space.
 */
int mmiodemo_dma_init(struct mmiodemo *md)
{
	struct mmiodemo_region_desc *r = &md->regions[MMIODEMO_REGION_DMA];
	struct mmiodemo_dma *dma = &md->dma;
	u32 size = MMIODEMO_DMA_SIZE_DEFAULT;
	unsigned long i, n;
	int ret;

	mutex_init(&dma->lock);
	if (device_property_present(md->dev, MMIODEMO_DT_DMA_SIZE)) {
		ret = device_property_read_u32(md->dev, MMIODEMO_DT_DMA_SIZE,
					       &size);
		if (ret)
			return dev_err_probe(md->dev, ret,
					     "%s is not one u32\n",
					     MMIODEMO_DT_DMA_SIZE);
	}
	if (!size || size > MMIODEMO_DMA_SIZE_MAX)
		return dev_err_probe(md->dev, -EINVAL,
				     "%s of %u bytes: from 1 to %u\n",
				     MMIODEMO_DT_DMA_SIZE, size,
				     MMIODEMO_DMA_SIZE_MAX);

	/*
	 * The bus master, fw_cfg, takes 64-bit addresses: nothing bounces
	 * unless the kernel forces it (swiotlb=force), or an IOMMU remaps.
	 */
	ret = dma_set_mask_and_coherent(md->dev, DMA_BIT_MASK(64));
	if (ret)
		return dev_err_probe(md->dev, ret,
				     "cannot set a 64-bit DMA mask\n");

	dma->nr_pages = DIV_ROUND_UP(size, PAGE_SIZE);
	dma->pages = kvcalloc(dma->nr_pages, sizeof(*dma->pages), GFP_KERNEL);
	dma->addrs = kvcalloc(dma->nr_pages, sizeof(*dma->addrs), GFP_KERNEL);
	dma->run_first = bitmap_zalloc(dma->nr_pages, GFP_KERNEL);
	dma->dirty = bitmap_zalloc(dma->nr_pages, GFP_KERNEL);
	dma->unsynced = bitmap_zalloc(dma->nr_pages, GFP_KERNEL);
	dma->wr = bitmap_zalloc(dma->nr_pages, GFP_KERNEL);
	dma->found = bitmap_zalloc(dma->nr_pages, GFP_KERNEL);
	ret = devm_add_action_or_reset(md->dev, mmiodemo_dma_free, md);
	if (ret)
		return ret;
	if (!dma->pages || !dma->addrs || !dma->run_first || !dma->dirty ||
	    !dma->unsynced || !dma->wr || !dma->found)
		return -ENOMEM;

	for (i = 0; i < dma->nr_pages; i += n) {
		n = mmiodemo_dma_alloc_run(dma, i);
		if (!n)
			goto nomem;
	}
	/*
	 * Pages from the page allocator, mapped with dma_map_page(): whose
	 * failure dma_mapping_error() reports (dma_alloc_pages() would
	 * report it with NULL instead).
	 */
	for (i = 0; i < dma->nr_pages; i += n) {
		n = mmiodemo_dma_map_run(md, i);
		if (!n)
			goto nomem;
		dma->nr_mapped = i + n;
	}

	/*
	 * set_page_dirty() on a buffer page finds the mapping's a_ops, and
	 * .dirty_folio the page's number, through the folio's mapping and
	 * index, as for a page-cache page (the kernel's rmap walks use them
	 * too); the a_ops find the device through the inode. Through the
	 * folio: 7.x struct page has no index.
	 */
	md->inode->i_private = md;
	md->inode->i_mapping->a_ops = &mmiodemo_dma_aops;
	for (i = 0; i < dma->nr_pages; i++) {
		page_folio(dma->pages[i])->mapping = md->inode->i_mapping;
		page_folio(dma->pages[i])->index = MMIODEMO_DMA_PGOFF(i);
	}
	r->offset = MMIODEMO_DMA_OFFSET;
	r->size = (u64)dma->nr_pages << PAGE_SHIFT;
	r->flags = MMIODEMO_REGION_F_READ | MMIODEMO_REGION_F_WRITE |
		   MMIODEMO_REGION_F_MMAP | MMIODEMO_REGION_F_DIRTY_LOG;
	r->caching = MMIODEMO_CACHING_WRITEBACK;
	r->name = "dma";
	return 0;

nomem:
	dev_err(md->dev, "cannot allocate a DMA buffer of %u bytes\n", size);
	return -ENOMEM;
}

/* Is [first, first + nr) in one run of consecutive bus addresses? */
bool mmiodemo_dma_contiguous(struct mmiodemo_dma *dma, unsigned long first,
			     unsigned long nr)
{
	return mmiodemo_in_one_run(dma->addrs, dma->nr_pages, first, nr);
}

/*
 * After the device's mappings were zapped at unbind: a fault that looked
 * at the device before it was gone may still be installing its PTE, with
 * the page locked (.fault and .page_mkwrite lock it before they let go
 * of gone_lock; fault-around inserts under gone_lock). Wait for each such
 * page, then zap again.
 */
void mmiodemo_dma_revoke(struct mmiodemo *md)
{
	struct mmiodemo_dma *dma = &md->dma;
	unsigned long i;

	for (i = 0; i < dma->nr_pages && dma->pages[i]; i++) {
		lock_page(dma->pages[i]);
		unlock_page(dma->pages[i]);
	}
	unmap_mapping_range(md->inode->i_mapping, 0, 0, 1);
	unmap_mapping_range(md->ro_inode->i_mapping, 0, 0, 1);
}

/*
 * The buffer page a fault is about, with the device held (gone_lock read)
 * if true. A trylock: unbind may be waiting to write it while this fault
 * holds mmap_lock; either way a device on its way out answers SIGBUS.
 * The page comes from pgoff, never from the address: a buffer can be
 * mapped twice.
 */
static bool mmiodemo_dma_fault_enter(struct mmiodemo *md, struct vm_fault *vmf,
				     unsigned long *i)
{
	if (!down_read_trylock(&md->gone_lock))
		return false;
	if (!md->gone && mmiodemo_page_index(&md->regions[MMIODEMO_REGION_DMA],
					     vmf->pgoff, PAGE_SHIFT, i))
		return true;
	up_read(&md->gone_lock);
	return false;
}

static vm_fault_t mmiodemo_dma_fault(struct vm_fault *vmf)
{
	struct mmiodemo *md = mmiodemo_vma_md(vmf->vma);
	struct page *page;
	unsigned long i;

	if (!mmiodemo_dma_fault_enter(md, vmf, &i))
		return VM_FAULT_SIGBUS;

	/*
	 * Locked before the device can be marked gone: unbind's revoke waits
	 * for this lock, so it zaps again after the kernel has installed the
	 * PTE (mmiodemo_dma_revoke()).
	 */
	page = md->dma.pages[i];
	get_page(page);
	lock_page(page);
	vmf->page = page;
	atomic_long_inc(&md->dma.faults);
	up_read(&md->gone_lock);
	return VM_FAULT_LOCKED;
}

/*
 * Fault-around: a read fault first maps the buffer pages around it that
 * are not mapped yet (pgoff @start to @end, inclusive, within one page
 * table), as the kernel does for page-cache pages, so that a sequential
 * first read takes one fault per batch (fault_around_bytes). They are
 * mapped with the VMA's page protection, write-protected while
 * .page_mkwrite wants to hear of writes, so a first write to each page
 * still calls it. VM_FAULT_NOPAGE if the faulting page was mapped; 0 to
 * let .fault map it. Since 6.5 the caller holds rcu_read_lock(): nothing
 * here sleeps, and the page table must exist already (if not, .fault
 * allocates it and the next fault maps around).
 */
static vm_fault_t mmiodemo_dma_map_pages(struct vm_fault *vmf, pgoff_t start,
					 pgoff_t end)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mmiodemo *md = mmiodemo_vma_md(vma);
	unsigned long i, addr, nr = 0;
	vm_fault_t ret = 0;
	pgoff_t pgoff;

	if (pmd_none(*vmf->pmd) || !down_read_trylock(&md->gone_lock))
		return 0;
	for (pgoff = start; pgoff <= end && !md->gone; pgoff++) {
		if (!mmiodemo_page_index(&md->regions[MMIODEMO_REGION_DMA],
					 pgoff, PAGE_SHIFT, &i))
			continue;
		addr = vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
		/* -EBUSY: mapped already. */
		if (vm_insert_page(vma, addr, md->dma.pages[i]))
			continue;
		nr++;
		if (addr == (vmf->address & PAGE_MASK))
			ret = VM_FAULT_NOPAGE;
	}
	/* Counted as .fault counts: the fault, and the pages ahead of it. */
	if (ret) {
		atomic_long_inc(&md->dma.faults);
		nr--;
	}
	atomic_long_add(nr, &md->dma.faultaround);
	up_read(&md->gone_lock);
	return ret;
}

/*
 * The dirty-tracking invariant: a user PTE of a buffer page is writable
 * only while the page's bit is set in dma.wr (but for the moment between
 * a demotion or SYNC_FOR_CPU clearing the bit and its unmap, which
 * records a dirty entry it removes), and it is dirty unless its page is
 * in both sets or was written by nothing since a take's walk cleaned it.
 * A write fault records its page here, in both sets and in dma.wr, under
 * the page lock, and keeps the lock until the kernel has made its PTE
 * writable and dirty (VM_FAULT_LOCKED). A later write through
 * that entry makes it dirty again, with no fault (arm64's hardware dirty
 * bit, or the fault handler's pte_mkdirty() on a CPU without it). A take
 * of a chunk (mmiodemo_dma_take_chunk()) first walks its pages of dma.wr
 * (mmiodemo_dma_collect()), each dirty entry cleaned and its page put
 * into both sets, then clears the chunk's bits of the set it takes,
 * waiting for the page lock of each page it took that is locked (a write
 * recording it right now). So each write is in the set a take returns or
 * in the next one, never in neither. A removed dirty entry is recorded by
 * .dirty_folio.
 */
static vm_fault_t mmiodemo_dma_page_mkwrite(struct vm_fault *vmf)
{
	struct mmiodemo *md = mmiodemo_vma_md(vmf->vma);
	unsigned long i;

	if (!mmiodemo_dma_fault_enter(md, vmf, &i))
		return VM_FAULT_SIGBUS;

	lock_page(vmf->page);
	/* The page lock before the bits: a take that sees a bit sees it. */
	smp_mb__before_atomic();
	set_bit(i, md->dma.wr);
	set_bit(i, md->dma.dirty);
	set_bit(i, md->dma.unsynced);
	atomic_long_inc(&md->dma.mkwrites);
	up_read(&md->gone_lock);
	return VM_FAULT_LOCKED;
}

static const struct vm_operations_struct mmiodemo_dma_vm_ops = {
#ifdef MMIODEMO_HAVE_MMAP_PREPARE
	.mapped = mmiodemo_vm_mapped,
#endif
	.open = mmiodemo_vm_open,
	.close = mmiodemo_vm_close,
	.fault = mmiodemo_dma_fault,
	.map_pages = mmiodemo_dma_map_pages,
	.page_mkwrite = mmiodemo_dma_page_mkwrite,
};

/*
 * Nothing to map now: pages come in by fault. Growing by mremap() would
 * reach past the buffer (VM_DONTEXPAND); fault-around inserts pages with
 * vm_insert_page(), which wants VM_MIXEDMAP set before any fault, and
 * which keeps them normal pages (rmap, refcount, .page_mkwrite).
 */
#ifdef MMIODEMO_HAVE_MMAP_PREPARE
void mmiodemo_dma_mmap_prepare(struct vm_area_desc *desc)
{
	desc->vm_ops = &mmiodemo_dma_vm_ops;
	vma_desc_set_flags(desc, VMA_DONTEXPAND_BIT, VMA_MIXEDMAP_BIT);
}
#else
void mmiodemo_dma_mmap(struct vm_area_struct *vma)
{
	vma->vm_ops = &mmiodemo_dma_vm_ops;
	mmiodemo_vm_flags_set(vma, VM_DONTEXPAND | VM_MIXEDMAP);
}
#endif

/*
 * Unmaps pages [first, first + nr) from every writable mapping (one walk
 * of each mapping's page tables for the range): their next access maps
 * them again, read-only, and their next write calls .page_mkwrite. A
 * dirty entry it removes is recorded by .dirty_folio.
 */
static void mmiodemo_dma_unmap(struct mmiodemo *md, unsigned long first,
			       unsigned long nr)
{
	unmap_mapping_pages(md->inode->i_mapping, MMIODEMO_DMA_PGOFF(first), nr,
			    false);
}

/*
 * A page of [first, end) taken into @taken that is pinned for DMA
 * (FOLL_PIN: process_vm_writev(), O_DIRECT since 6.5) may still be
 * written through its pin, with no fault and no dirty entry: it goes back
 * into @set, to be reported by every take until one finds it unpinned, as
 * reclaim keeps a pinned folio (6.1 mm/vmscan.c). Its release marks it
 * dirty (.dirty_folio): a take after that has it too. A page pinned after
 * this check through its writable entry is checked by the next take: its
 * entry is dirty then, or clean and unmapped (mmiodemo_dma_unmap_runs()).
 * In SYNC_FOR_CPU the pages are locked and have no writable entry: none
 * can be pinned anew for writing (that takes a write fault, which waits
 * for the page lock), and the barrier orders the unmap before the pin
 * counts are read. The check cannot tell
 * a pin for reading from one for writing: both keep the page in @set
 * (and in @also, if not NULL).
 */
static void mmiodemo_dma_keep_pinned(struct mmiodemo_dma *dma,
				     unsigned long *set, unsigned long *also,
				     unsigned long first, unsigned long end,
				     unsigned long *taken)
{
	unsigned long i = first;

	/* The PTEs gone before the pins are read: pairs with GUP-fast. */
	smp_mb();
	for_each_set_bit_from(i, taken, end) {
		if (!folio_maybe_dma_pinned(page_folio(dma->pages[i])))
			continue;
		set_bit(i, set);
		if (also)
			set_bit(i, also);
	}
}

/*
 * Unmaps the runs of pages of @runs in [first, end), pages that may have
 * had a writable entry, and clears their bits. One of them pinned for DMA
 * (FOLL_PIN: process_vm_writev(), O_DIRECT since 6.5) may have been
 * pinned through a writable clean entry, which GUP-fast does with no
 * fault and no mark, and be written through its pin with no dirty entry:
 * it goes into both sets, and stays there while pinned
 * (mmiodemo_dma_keep_pinned()). Unmapped, a page cannot be pinned anew
 * with no fault: the pin count is read after the PTEs are gone, and
 * GUP-fast, which takes its pin before it checks the PTE again, either
 * sees the PTE gone or is seen by the check (whose barrier pairs with its
 * atomic reference count increment).
 */
static void mmiodemo_dma_unmap_runs(struct mmiodemo *md, unsigned long *runs,
				    unsigned long first, unsigned long end)
{
	struct mmiodemo_dma *dma = &md->dma;
	unsigned long a, b;

	for (a = find_next_bit(runs, end, first); a < end;
	     a = find_next_bit(runs, end, b)) {
		b = find_next_zero_bit(runs, end, a);
		mmiodemo_dma_unmap(md, a, b - a);
	}
	mmiodemo_dma_keep_pinned(dma, dma->dirty, dma->unsynced, first, end,
				 runs);
	bitmap_clear(runs, first, end - first);
}

/* The bits of pages [i, end) in the bitmap word that holds page @i. */
static unsigned long mmiodemo_word_mask(unsigned long i, unsigned long end)
{
	unsigned long mask = BITMAP_FIRST_WORD_MASK(i);

	if (end < (BIT_WORD(i) + 1) * BITS_PER_LONG)
		mask &= BITMAP_LAST_WORD_MASK(end);
	return mask;
}

/* Waits for the pages of @bits, of the word at @pages, that are locked. */
static void mmiodemo_dma_wait_locked(struct page **pages, unsigned long bits)
{
	struct folio *folio;

	for (; bits; bits &= bits - 1) {
		folio = page_folio(pages[__ffs(bits)]);
		if (folio_test_locked(folio)) {
			folio_lock(folio);
			folio_unlock(folio);
		}
	}
}

/*
 * A take's walk of pages [first, end), before it clears their bits. The
 * span of its pages of dma.wr (those that may have a writable entry) goes
 * through clean_record_shared_mapping_range(), vmwgfx's walk of an
 * address_space's mappings: each dirty entry is cleaned, writable still,
 * under its page table lock, and its page goes into both sets. One walk
 * of the span, not one per run of dma.wr: each walk costs a TLB flush per
 * mapping it cleaned an entry of, and the pages between the runs have no
 * writable entry to look at (every 4th page written of 64 MiB: 27 ms a
 * take with a walk per page, make bench, debian-7.3). A page of dma.wr
 * whose entries were all clean is demoted: out of dma.wr, and unmapped, a
 * run at a time (mmiodemo_dma_unmap_runs(), which keeps a pinned one in
 * the sets), so that its next write faults again and the walks stay as
 * small as what is being written. A write fault recording it right now
 * holds its page lock: the demotion waits for it, so that the entry it
 * installs is unmapped too. A write between the walk and the unmap
 * dirties the entry, which the unmap records (.dirty_folio).
 *
 * One walk that cleans, not a write-protect walk and then a clean one:
 * between two walks, mprotect(PROT_READ | PROT_WRITE) makes a dirty
 * read-only entry writable with no fault (can_change_pte_writable()),
 * and the second walk then cleaned an entry that was writable, which
 * arm64 (DBM) writes with no fault: make test's short fuzz lost writes
 * so on debian-6.1 (seed 3332894621723). Here nothing relies on an entry
 * being read-only: a cleaned entry keeps its page in dma.wr, walked by
 * the next take, and mprotect() makes only dirty entries writable.
 */
static void mmiodemo_dma_collect(struct mmiodemo *md, unsigned long first,
				 unsigned long end)
{
	struct mmiodemo_dma *dma = &md->dma;
	unsigned long a, w, mask, f, bits, lo, hi, *found = dma->found;
	pgoff_t start = 0, stop = 0;
	atomic_long_t *wr;

	lo = find_next_bit(dma->wr, end, first);
	if (lo >= end)
		return;
	hi = find_last_bit(dma->wr, end);
	clean_record_shared_mapping_range(md->inode->i_mapping,
					  MMIODEMO_DMA_PGOFF(lo), hi + 1 - lo,
					  MMIODEMO_DMA_PGOFF(0), found, &start,
					  &stop);
	for (a = lo; a <= hi; a = (w + 1) * BITS_PER_LONG) {
		w = BIT_WORD(a);
		mask = mmiodemo_word_mask(a, hi + 1);
		f = found[w] & mask;
		if (f) {
			atomic_long_or(f, (atomic_long_t *)&dma->dirty[w]);
			atomic_long_or(f, (atomic_long_t *)&dma->unsynced[w]);
		}
		wr = (atomic_long_t *)&dma->wr[w];
		bits = READ_ONCE(dma->wr[w]) & mask & ~f;
		/* Fully ordered: the page flags are read after it. */
		if (bits)
			bits &= atomic_long_fetch_andnot(bits, wr);
		/* From here on, @found holds the pages demoted. */
		found[w] = (found[w] & ~mask) | bits;
		mmiodemo_dma_wait_locked(&dma->pages[w * BITS_PER_LONG], bits);
	}
	mmiodemo_dma_unmap_runs(md, found, lo, hi + 1);
}

/*
 * Takes the pages of [first, end) that are in @set out of it into @taken
 * (the invariant above mmiodemo_dma_page_mkwrite()): walks them first
 * (mmiodemo_dma_collect()), then clears their bits a word at a time and,
 * right after each word, waits for the pages of it locked by a write
 * recording them; then puts pinned pages back
 * (mmiodemo_dma_keep_pinned()). Returns their number.
 *
 * The pages of a word are looked at bit by bit, with no find_next_bit()
 * call per page: those calls cost 3.6 ms of an all-dirty 8192-page chunk,
 * the loop over each word's bits 0.5 ms (make bench, debian-6.1).
 */
static unsigned long mmiodemo_dma_take_chunk(struct mmiodemo *md,
					     unsigned long *set,
					     unsigned long first,
					     unsigned long end,
					     unsigned long *taken)
{
	struct mmiodemo_dma *dma = &md->dma;
	unsigned long i, w, mask, bits, lo = end, hi = 0, n = 0;

	mmiodemo_dma_collect(md, first, end);
	for (i = find_next_bit(set, end, first); i < end;
	     i = find_next_bit(set, end, (w + 1) * BITS_PER_LONG)) {
		w = BIT_WORD(i);
		mask = mmiodemo_word_mask(i, end);
		if (!(READ_ONCE(set[w]) & mask))
			continue;
		/* Fully ordered: the page flags are read after it. */
		bits = atomic_long_fetch_andnot(mask, (atomic_long_t *)&set[w]);
		bits &= mask;
		if (!bits)
			continue;
		taken[w] |= bits;
		n += hweight_long(bits);
		lo = min(lo, w * BITS_PER_LONG + __ffs(bits));
		hi = w * BITS_PER_LONG + __fls(bits);
		mmiodemo_dma_wait_locked(&dma->pages[w * BITS_PER_LONG], bits);
	}
	if (n)
		mmiodemo_dma_keep_pinned(dma, set, NULL, lo, hi + 1, taken);
	return n;
}

/*
 * Takes the pages [first, first + nr) out of @set into @taken (a bitmap of
 * the whole buffer), MMIODEMO_TAKE_CHUNK pages at a time: a write to a
 * page of a chunk already passed is in the next set. Returns their number.
 */
static unsigned long mmiodemo_dma_take(struct mmiodemo *md, unsigned long *set,
				       unsigned long first, unsigned long nr,
				       unsigned long *taken)
{
	unsigned long i, next, end = first + nr, n = 0;

	for (i = first; i < end; i = next) {
		next = min(end, i + MMIODEMO_TAKE_CHUNK);
		n += mmiodemo_dma_take_chunk(md, set, i, next, taken);
		cond_resched();
	}
	return n;
}

/* Puts the pages of @taken back into @set, atomically, word by word. */
static void mmiodemo_dma_untake(struct mmiodemo_dma *dma, unsigned long *set,
				const unsigned long *taken)
{
	unsigned long w;

	for (w = 0; w < BITS_TO_LONGS(dma->nr_pages); w++)
		if (taken[w])
			atomic_long_or(taken[w], (atomic_long_t *)&set[w]);
}

/*
 * GET_DIRTY's bitmap is an array of u64 words, page 64 * w + n in bit n of
 * word w: an unsigned long bitmap on a 64-bit little-endian kernel, which
 * is then copied out as it is, with no second buffer and no conversion
 * (bitmap_to_arr64()).
 */
static bool mmiodemo_bitmap_is_arr64(void)
{
	return IS_ENABLED(CONFIG_64BIT) && !IS_ENABLED(CONFIG_CPU_BIG_ENDIAN);
}

static long mmiodemo_dma_get_dirty(struct mmiodemo *md, void __user *argp)
{
	struct mmiodemo_dma *dma = &md->dma;
	size_t nr_words = DIV_ROUND_UP(dma->nr_pages, 64);
	struct mmiodemo_dirty arg;
	unsigned long *taken;
	long ret = -ENOMEM;
	u64 *words = NULL;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (arg.reserved || arg.nr_pages < dma->nr_pages)
		return -EINVAL;

	taken = bitmap_zalloc(dma->nr_pages, GFP_KERNEL);
	if (!taken)
		return -ENOMEM;
	if (!mmiodemo_bitmap_is_arr64()) {
		words = kcalloc(nr_words, sizeof(*words), GFP_KERNEL);
		if (!words)
			goto out;
	}

	ret = -ENODEV;
	if (!mmiodemo_enter(md))
		goto out;
	mutex_lock(&dma->lock);
	arg.count = mmiodemo_dma_take(md, dma->dirty, 0, dma->nr_pages, taken);
	mutex_unlock(&dma->lock);
	mmiodemo_exit(md);

	/*
	 * Copied out with no lock held: the bitmap may be in this buffer. If
	 * it cannot be, the pages taken go back into the log, for the next
	 * GET_DIRTY: a failed call loses nothing.
	 */
	if (words)
		bitmap_to_arr64(words, taken, dma->nr_pages);
	ret = 0;
	if (copy_to_user(u64_to_user_ptr(arg.bitmap), words ?: (u64 *)taken,
			 nr_words * sizeof(u64)) ||
	    copy_to_user(argp, &arg, sizeof(arg))) {
		mmiodemo_dma_untake(dma, dma->dirty, taken);
		ret = -EFAULT;
	}
out:
	bitmap_free(taken);
	kfree(words);
	return ret;
}

/*
 * SYNC_FOR_CPU of pages [first, end), one chunk: an invalidate of the CPU's
 * caches (or, with bounce buffers, a copy of the bounce buffer over the
 * page) would destroy what the CPU wrote and has not synced for the
 * device. So, with every page of the chunk locked (a write fault on one
 * waits in .page_mkwrite, a first touch in .fault), the chunk's pages that
 * may have a writable entry (dma.wr) are unmapped, each dirty entry
 * recorded as it goes (.dirty_folio); then the chunk's pages of the sync
 * set are taken out of it and synced for the device first, and each page
 * is synced for the CPU. Nothing can write a page in between: no entry is
 * writable, and none can be made so while the page is locked.
 * What the device wrote to a page with unsynced CPU writes is overwritten
 * where the CPU wrote (all of the page, with bounce buffers), and a page
 * pinned for writing keeps the CPU's content.
 */
static void mmiodemo_dma_sync_for_cpu(struct mmiodemo *md, unsigned long first,
				      unsigned long end, unsigned long *taken)
{
	struct mmiodemo_dma *dma = &md->dma;
	unsigned long i, w, mask, n = 0, lo = end, hi = 0;
	atomic_long_t *wr;

	for (i = first; i < end; i++)
		lock_page(dma->pages[i]);
	/* No take can wait for these locks: dma.lock is held. */
	for (i = first; i < end; i = (w + 1) * BITS_PER_LONG) {
		w = BIT_WORD(i);
		mask = mmiodemo_word_mask(i, end);
		wr = (atomic_long_t *)&dma->wr[w];
		dma->found[w] |= mask & atomic_long_fetch_andnot(mask, wr);
	}
	mmiodemo_dma_unmap_runs(md, dma->found, first, end);
	for (i = first; i < end; i++) {
		if (!test_and_clear_bit(i, dma->unsynced))
			continue;
		__set_bit(i, taken);
		lo = min(lo, i);
		hi = i;
		n++;
	}
	if (n)
		mmiodemo_dma_keep_pinned(dma, dma->unsynced, NULL, lo, hi + 1,
					 taken);
	for (i = first; i < end; i++) {
		/*
		 * Taken and back in the set: pinned, so written through its
		 * pin maybe right now, which a sync for the CPU would undo.
		 * It keeps the CPU's content and stays in the set.
		 */
		if (test_bit(i, taken) && test_bit(i, dma->unsynced))
			continue;
		if (test_bit(i, taken))
			dma_sync_single_for_device(md->dev, dma->addrs[i],
						   PAGE_SIZE,
						   DMA_BIDIRECTIONAL);
		dma_sync_single_for_cpu(md->dev, dma->addrs[i], PAGE_SIZE,
					DMA_BIDIRECTIONAL);
	}
	for (i = first; i < end; i++)
		unlock_page(dma->pages[i]);
}

/*
 * Syncs pages [first, first + nr): for the device, the pages of the sync
 * set in that range, taken out of it; for the CPU, all of them, the
 * range's pages of the sync set first for the device
 * (mmiodemo_dma_sync_for_cpu()). Returns how many pages it synced, or
 * -ENODEV once the device is gone.
 */
static long mmiodemo_dma_sync_pages(struct mmiodemo *md, unsigned long first,
				    unsigned long nr, bool for_device)
{
	struct mmiodemo_dma *dma = &md->dma;
	unsigned long i, next, count, *taken;

	taken = bitmap_zalloc(dma->nr_pages, GFP_KERNEL);
	if (!taken)
		return -ENOMEM;
	if (!mmiodemo_enter(md)) {
		bitmap_free(taken);
		return -ENODEV;
	}

	mutex_lock(&dma->lock);
	if (for_device) {
		count = mmiodemo_dma_take(md, dma->unsynced, first, nr, taken);
		for_each_set_bit(i, taken, dma->nr_pages)
			dma_sync_single_for_device(md->dev, dma->addrs[i],
						   PAGE_SIZE,
						   DMA_BIDIRECTIONAL);
	} else {
		for (i = first; i < first + nr; i = next) {
			next = min(first + nr, i + MMIODEMO_TAKE_CHUNK);
			mmiodemo_dma_sync_for_cpu(md, i, next, taken);
			cond_resched();
		}
		count = nr;
	}
	atomic_long_inc(&dma->syncs);
	atomic_long_add(count, &dma->pages_synced);
	mutex_unlock(&dma->lock);
	mmiodemo_exit(md);

	bitmap_free(taken);
	return count;
}

/*
 * Before the device reads or writes pages [first, first + nr) (LOAD,
 * FB_SHOW): every page of the range is synced for the device, the range's
 * pages of the sync set taken out of it, as SYNC_FOR_DEVICE takes them. A
 * page that stayed in the set would be synced for the device again by a
 * later SYNC_FOR_CPU, over what the device wrote. Every page, not only
 * the set's: with bounce buffers, the device may write part of a page,
 * and the rest of its bounce buffer must be the page's. The caller holds
 * the device (mmiodemo_enter()).
 */
/* The device wrote @bytes into the buffer (MMIODEMO_IOC_LOAD). */
void mmiodemo_dma_loaded(struct mmiodemo *md, u64 bytes)
{
	atomic_long_add(bytes, &md->dma.bytes_loaded);
}

/*
 * The device may go on reading the buffer after unbind (ramfb could not
 * be stopped): mmiodemo_dma_free() leaks its pages instead of freeing them.
 */
void mmiodemo_dma_keep(struct mmiodemo *md)
{
	md->dma.device_holds = true;
}

int mmiodemo_dma_give(struct mmiodemo *md, unsigned long first,
		      unsigned long nr)
{
	struct mmiodemo_dma *dma = &md->dma;
	unsigned long i, *taken;

	taken = bitmap_zalloc(dma->nr_pages, GFP_KERNEL);
	if (!taken)
		return -ENOMEM;
	mutex_lock(&dma->lock);
	mmiodemo_dma_take(md, dma->unsynced, first, nr, taken);
	for (i = first; i < first + nr; i++)
		dma_sync_single_for_device(md->dev, dma->addrs[i], PAGE_SIZE,
					   DMA_BIDIRECTIONAL);
	mutex_unlock(&dma->lock);
	bitmap_free(taken);
	return 0;
}

static long mmiodemo_dma_sync(struct mmiodemo *md, void __user *argp,
			      bool for_device)
{
	unsigned long first, nr;
	struct mmiodemo_sync arg;
	long ret;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (arg.reserved)
		return -EINVAL;
	ret = mmiodemo_sync_range(md->regions[MMIODEMO_REGION_DMA].size,
				  arg.offset, arg.len, PAGE_SHIFT, &first, &nr);
	if (ret)
		return ret;

	ret = mmiodemo_dma_sync_pages(md, first, nr, for_device);
	if (ret < 0)
		return ret;
	arg.count = ret;
	return copy_to_user(argp, &arg, sizeof(arg)) ? -EFAULT : 0;
}

/*
 * fsync(), fdatasync() and msync(MS_SYNC) of bytes [start, end] of the
 * mmap space: the buffer's dirty pages in that range go to the device, as
 * with MMIODEMO_IOC_SYNC_FOR_DEVICE. The registers have nothing to flush.
 */
int mmiodemo_dma_fsync(struct mmiodemo *md, loff_t start, loff_t end)
{
	const struct mmiodemo_region_desc *r =
		&md->regions[MMIODEMO_REGION_DMA];
	unsigned long first, nr;
	long ret;

	if (!md->dma.nr_pages ||
	    !mmiodemo_fsync_range(r->offset, r->size, start, end, PAGE_SHIFT,
				  &first, &nr))
		return 0;
	ret = mmiodemo_dma_sync_pages(md, first, nr, true);
	return ret < 0 ? ret : 0;
}

/* DMA_RUN: the run of the page at arg.offset (mmiodemo_run_of()). */
static long mmiodemo_dma_run(struct mmiodemo *md, void __user *argp)
{
	struct mmiodemo_dma *dma = &md->dma;
	struct mmiodemo_dma_run arg;
	unsigned long a, b;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (arg.reserved || arg.offset >= md->regions[MMIODEMO_REGION_DMA].size)
		return -EINVAL;
	if (!mmiodemo_enter(md))
		return -ENODEV;
	mmiodemo_run_of(dma->addrs, dma->nr_pages, arg.offset >> PAGE_SHIFT, &a,
			&b);
	mmiodemo_exit(md);
	arg.offset = (u64)a << PAGE_SHIFT;
	arg.len = (u64)(b - a) << PAGE_SHIFT;
	return copy_to_user(argp, &arg, sizeof(arg)) ? -EFAULT : 0;
}

long mmiodemo_dma_ioctl(struct mmiodemo *md, unsigned int cmd,
			void __user *argp)
{
	switch (cmd) {
	case MMIODEMO_IOC_GET_DIRTY:
		return mmiodemo_dma_get_dirty(md, argp);
	case MMIODEMO_IOC_SYNC_FOR_DEVICE:
		return mmiodemo_dma_sync(md, argp, true);
	case MMIODEMO_IOC_SYNC_FOR_CPU:
		return mmiodemo_dma_sync(md, argp, false);
	case MMIODEMO_IOC_DMA_RUN:
		return mmiodemo_dma_run(md, argp);
	default:
		return -ENOTTY;
	}
}

/*
 * debugfs "dma", read-only: the buffer's memory as the kernel reads it
 * through its linear map, to compare with what a user mapping shows.
 */
static ssize_t mmiodemo_dma_debugfs_read(struct file *file, char __user *ubuf,
					 size_t count, loff_t *ppos)
{
	struct mmiodemo *md = file->private_data;
	struct mmiodemo_dma *dma = &md->dma;
	loff_t size = (loff_t)dma->nr_pages << PAGE_SHIFT;
	size_t done = 0, n, off;
	unsigned long i;

	if (*ppos >= size)
		return 0;
	count = min_t(loff_t, count, size - *ppos);

	while (done < count) {
		i = (*ppos + done) >> PAGE_SHIFT;
		off = (*ppos + done) & ~PAGE_MASK;
		n = min(count - done, PAGE_SIZE - off);
		if (copy_to_user(ubuf + done, page_address(dma->pages[i]) + off,
				 n))
			break;
		done += n;
	}
	if (!done && count)
		return -EFAULT;
	*ppos += done;
	return done;
}

static const struct file_operations mmiodemo_dma_debugfs_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = mmiodemo_dma_debugfs_read,
	.llseek = default_llseek,
};

/*
 * The counters as sysfs attributes of the misc device, in a group "stats"
 * (/sys/class/misc/NODE/stats/NAME, Documentation/ABI/testing/
 * sysfs-class-misc-mmiodemo): read-only, each an atomic_long_t of struct
 * mmiodemo_dma named in mmiodemo-stats.h. A reader compares two readings.
 */
static ssize_t mmiodemo_counter_show(struct device *dev,
				     struct device_attribute *attr, char *buf)
{
	struct miscdevice *misc = dev_get_drvdata(dev);
	struct mmiodemo *md = container_of(misc, struct mmiodemo, misc);
	struct dev_ext_attribute *ea =
		container_of(attr, struct dev_ext_attribute, attr);

	return sysfs_emit(buf, "%ld\n",
			  atomic_long_read((atomic_long_t *)((char *)&md->dma +
							     (size_t)ea->var)));
}

#define MMIODEMO_COUNTER_ATTR(_name)                          \
	{ .attr = { .attr = { .name = #_name, .mode = 0444 }, \
		    .show = mmiodemo_counter_show },          \
	  .var = (void *)offsetof(struct mmiodemo_dma, _name) },

static struct dev_ext_attribute mmiodemo_counter_attrs[] = {
	/* One for each counter of mmiodemo-stats.h. */
	MMIODEMO_COUNTERS(MMIODEMO_COUNTER_ATTR)
};

/* Filled at probe, before the first misc_register(): the same each time. */
static struct attribute
	*mmiodemo_stats_attrs[ARRAY_SIZE(mmiodemo_counter_attrs) + 1];

static const struct attribute_group mmiodemo_stats_group = {
	.name = "stats",
	.attrs = mmiodemo_stats_attrs,
};

const struct attribute_group *mmiodemo_groups[] = {
	&mmiodemo_stats_group,
	NULL,
};

void mmiodemo_stats_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mmiodemo_counter_attrs); i++)
		mmiodemo_stats_attrs[i] = &mmiodemo_counter_attrs[i].attr.attr;
}

void mmiodemo_dma_debugfs_init(struct mmiodemo *md)
{
	struct mmiodemo_dma *dma = &md->dma;

	debugfs_create_file_size("dma", 0400, md->debugfs, md,
				 &mmiodemo_dma_debugfs_fops,
				 (loff_t)dma->nr_pages << PAGE_SHIFT);
}
