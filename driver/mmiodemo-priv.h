/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of the mmiodemo module share: the per-device state, the
 * small helpers every file uses (static inline, here), and each file's
 * entry points. Calls go one way, down this list; no file calls a
 * function of a file above it:
 *
 *   mmiodemo-core.c      probe and unbind, the file operations, the ioctl
 *                        and mmap dispatch: the top, called by nobody
 *   mmiodemo-mmio.c      the register block: ID check, register ioctls,
 *                        the register mapping, the kernel's regset
 *   mmiodemo-fwcfg.c     fw_cfg, the DMA buffer's bus master, and ramfb
 *   mmiodemo-dma.c       the DMA buffer: pages, fault, dirty sets, syncs
 *   mmiodemo-irq.c       interrupt events for read() and poll(),
 *                        IRQ_UNMASK and IRQ_HELD; held lines go on to
 *                        the irqchip
 *   mmiodemo-gpio.c      the gpiochip and its irqchip
 *   mmiodemo-lifetime.c  what keeps struct mmiodemo alive (the kref held
 *                        by the device, each file and each VMA), the
 *                        pseudo-fs inode of its mappings, and revocation
 *
 * Locking. The locks, outermost first, as they nest:
 *
 *   mmap_lock          (the kernel's, of a process) held by the kernel
 *                      around every fault, page_mkwrite, vm_ops->open,
 *                      ->close, ->mapped, f_op->mmap and ->mmap_prepare.
 *   gone_lock          (rw_semaphore) protects @gone. Read-held by whatever
 *                      uses the hardware or the DMA buffer
 *                      (mmiodemo_enter() to mmiodemo_exit()); write-held
 *                      only to set @gone at unbind, which so waits for
 *                      every user. Nested inside mmap_lock: the mmap
 *                      paths and vm_ops->access take it with mmap_lock
 *                      held, and nothing holding it touches user memory
 *                      (copies to userspace come after mmiodemo_exit()).
 *                      Faults take it with down_read_trylock()
 *                      (mmiodemo-dma.c, mmiodemo-mmio.c): a fault that finds unbind
 *                      waiting for it answers SIGBUS at once, as it would
 *                      a moment later, instead of queueing behind the
 *                      writer with mmap_lock held.
 *   fwcfg.lock         (mutex) one fw_cfg transfer at a time; taken with
 *                      gone_lock read-held. LOAD and FB_SHOW take dma.lock
 *                      inside it (mmiodemo_dma_give()); nothing holding
 *                      dma.lock takes it.
 *   dma.lock           (mutex) one take of a set, sync or hand-over to
 *                      the device at a time.
 *   the page lock      of each buffer page: a write fault records its
 *                      page under this lock (the dirty-tracking
 *                      invariant, mmiodemo-dma.c). Held by .page_mkwrite
 *                      until the PTE is writable and by .fault until the
 *                      PTE is in (both under mmap_lock or the VMA lock,
 *                      taken with gone_lock read-held); a take, under
 *                      dma.lock, clears bits with atomics and waits for it
 *                      (lock, unlock) on a page it took or unmaps, and
 *                      holds none while it walks or unmaps; SYNC_FOR_CPU,
 *                      under dma.lock, holds those of a chunk, in page
 *                      order, while it unmaps and syncs them; unbind's
 *                      revoke waits for each (lock, unlock), and the
 *                      buffer's release holds each while it detaches the
 *                      page from the address_space. Fault-around takes
 *                      none.
 *   the irq_desc lock  (the kernel's, raw) held around the irqchip's
 *                      mask, unmask, ack and set_type (mmiodemo-gpio.c):
 *                      all but ack take lock; its request and release
 *                      of resources take it under the irq's
 *                      request_mutex instead.
 *   lock               (raw spinlock, irq-safe) the register
 *                      read-modify-writes of the driver (DIR, IS, IBE,
 *                      IEV, IE), every register ioctl, the list of
 *                      listeners, and the lines gpiolib holds
 *                      (@irq_held, @irq_typed and their types) and
 *                      @irq_stopped (which the ack reads without it);
 *                      taken by the interrupt handler, which drops it
 *                      before it hands a line to gpiolib. Raw, as the
 *                      irqchip's callbacks run under the irq_desc's raw
 *                      lock. Innermost: nothing is taken under it.
 *
 * @gone is read without gone_lock (READ_ONCE) only where a stale answer is
 * harmless: a check for an early ENODEV before any work (INFO, mmap), and
 * a reader's wait for events, which unbind wakes after setting @gone
 * (wake_up_interruptible_all() orders it), so the wait ends either way.
 */
#ifndef MMIODEMO_PRIV_H
#define MMIODEMO_PRIV_H

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/dma-direction.h>
#include <linux/gpio/driver.h>
#include <linux/io.h>
#include <linux/kfifo.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "mmiodemo-logic.h"

struct platform_device;
struct vm_area_desc;

/* Events an open file queues; a full queue drops newer ones (seqno gap). */
#define MMIODEMO_EVENT_QUEUE 64

/* The DMA buffer: pages mapped for the device in runs (mmiodemo-dma.c). */
struct mmiodemo_dma {
	unsigned long nr_pages;
	struct page **pages;
	dma_addr_t *addrs; /* each page's bus address */
	unsigned long *run_first; /* the first page of each mapping */
	unsigned long nr_mapped; /* pages mapped for the device so far */
	bool device_holds; /* ramfb could not be stopped: never freed */
	unsigned long *dirty; /* written since the last GET_DIRTY */
	unsigned long *unsynced; /* written since the last SYNC_FOR_DEVICE */
	unsigned long *wr; /* may have a writable user PTE: a take walks them */
	unsigned long *found; /* a take's scratch: what its walk found */
	struct mutex lock; /* takes, syncs, hand-overs; guards @found */
	/* Read-only counters in sysfs "stats/" (mmiodemo_groups): they grow. */
	atomic_long_t faults; /* each maps its page: by .fault or .map_pages */
	atomic_long_t faultaround; /* pages mapped ahead of a fault */
	atomic_long_t mkwrites;
	atomic_long_t syncs;
	atomic_long_t pages_synced;
	atomic_long_t bytes_loaded; /* by the device, MMIODEMO_IOC_LOAD */
};

/* QEMU's fw_cfg block, the DMA buffer's bus master (mmiodemo-fwcfg.c). */
struct mmiodemo_fwcfg {
	void __iomem *base; /* NULL: the node has no "fw-cfg" reg */
	struct mutex lock; /* one transfer at a time */
	void *desc; /* what the device reads: a transfer, a ramfb config */
	dma_addr_t desc_dma;
	dma_addr_t blank; /* the zero page, where ramfb rests when off */
	bool fb_on; /* ramfb scans out a range of the buffer */
};

struct mmiodemo {
	struct kref ref; /* the device, each open file, each VMA */
	struct rw_semaphore gone_lock; /* see "Locking" above */
	bool gone; /* unbound: every mapping revoked */
	struct inode *inode; /* i_mapping: the mappings of writable files */
	struct inode *ro_inode; /* i_mapping: those of read-only files */
	struct device *dev;
	unsigned long hook_said; /* regions whose mmap hook the console named */
	void __iomem *base;
	raw_spinlock_t lock; /* register RMWs; the listeners; held lines */
	struct list_head listeners;
	/* The lines whose interrupt a gpiolib consumer holds (under @lock). */
	u32 irq_held;
	u32 irq_typed; /* of those, lines given a trigger type */
	u32 irq_is, irq_ibe, irq_iev; /* the IS, IBE, IEV bits of their type */
	bool irq_stopped; /* unbind: the irqchip touches no register */
	wait_queue_head_t events_wait;
	u32 nr_irqs;
	int id;
	char name[20]; /* mmiodemo, mmiodemo1, ... */
	struct miscdevice misc;
	unsigned int nr_regions;
	struct mmiodemo_region_desc regions[2];
	struct mmiodemo_dma dma;
	struct mmiodemo_fwcfg fwcfg;
	struct gpio_chip gpio;
	struct dentry *debugfs;
	struct debugfs_regset32 regset;
};

/* One open file: its queue of interrupt events. */
struct mmiodemo_file {
	struct mmiodemo *md;
	struct list_head node;
	struct mutex read_lock; /* one reader at a time takes events */
	DECLARE_KFIFO(events, struct mmiodemo_event, MMIODEMO_EVENT_QUEUE);
};

/* The block's registers are 32 bits wide: every access goes through here. */
static inline u32 mmiodemo_readl(struct mmiodemo *md, unsigned int off)
{
	return readl(md->base + off);
}

static inline void mmiodemo_writel(struct mmiodemo *md, unsigned int off,
				   u32 val)
{
	writel(val, md->base + off);
}

/*
 * True, with the device held (gone_lock read), if it is still bound.
 * Never sleep on user memory in between: unbind waits for mmiodemo_exit().
 */
static inline bool mmiodemo_enter(struct mmiodemo *md)
{
	down_read(&md->gone_lock);
	if (!md->gone)
		return true;
	up_read(&md->gone_lock);
	return false;
}

static inline void mmiodemo_exit(struct mmiodemo *md)
{
	up_read(&md->gone_lock);
}

static inline struct mmiodemo *mmiodemo_file_md(const struct file *file)
{
	struct mmiodemo_file *mf = file->private_data;

	return mf->md;
}

/* A VMA of the device holds it: vm_private_data is the device. */
static inline struct mmiodemo *mmiodemo_vma_md(struct vm_area_struct *vma)
{
	return vma->vm_private_data;
}

/* mmiodemo-lifetime.c */
void mmiodemo_get(struct mmiodemo *md);
void mmiodemo_put(struct mmiodemo *md);
int mmiodemo_inode_init(struct mmiodemo *md);
void mmiodemo_revoke_mappings(struct mmiodemo *md);
void mmiodemo_vm_open(struct vm_area_struct *vma);
void mmiodemo_vm_close(struct vm_area_struct *vma);
int mmiodemo_vm_mapped(unsigned long start, unsigned long end, pgoff_t pgoff,
		       const struct file *file, void **vm_private_data);
void mmiodemo_vma_hold(struct mmiodemo *md, struct vm_area_struct *vma);
void mmiodemo_hook_ran(struct mmiodemo *md,
		       const struct mmiodemo_region_desc *r, const char *hook);

/* mmiodemo-gpio.c */
int mmiodemo_gpio_init(struct mmiodemo *md);
void mmiodemo_gpio_irq(struct mmiodemo *md, unsigned long lines);
void mmiodemo_gpio_irq_stop(struct mmiodemo *md);

/* mmiodemo-irq.c */
int mmiodemo_irq_init(struct mmiodemo *md, int irq);
void mmiodemo_irq_listen(struct mmiodemo_file *mf);
void mmiodemo_irq_unlisten(struct mmiodemo_file *mf);
void mmiodemo_irq_revoke(struct mmiodemo *md);
ssize_t mmiodemo_irq_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos);
__poll_t mmiodemo_irq_poll(struct file *file, struct poll_table_struct *wait);
long mmiodemo_irq_unmask(struct mmiodemo *md, u32 __user *argp);
long mmiodemo_irq_held(struct mmiodemo *md, u32 __user *argp);

/* mmiodemo-dma.c */
int mmiodemo_dma_init(struct mmiodemo *md);
void mmiodemo_dma_revoke(struct mmiodemo *md);
int mmiodemo_dma_give(struct mmiodemo *md, unsigned long first,
		      unsigned long nr);
void mmiodemo_dma_mmap(struct vm_area_struct *vma);
void mmiodemo_dma_mmap_prepare(struct vm_area_desc *desc);
int mmiodemo_dma_map(struct device *dev, struct page *page, size_t size,
		     enum dma_data_direction dir, dma_addr_t *addr);
bool mmiodemo_dma_contiguous(struct mmiodemo_dma *dma, unsigned long first,
			     unsigned long nr);
int mmiodemo_dma_fsync(struct mmiodemo *md, loff_t start, loff_t end);
long mmiodemo_dma_ioctl(struct mmiodemo *md, unsigned int cmd,
			void __user *argp);
void mmiodemo_dma_debugfs_init(struct mmiodemo *md);
extern const struct attribute_group *mmiodemo_groups[];
void mmiodemo_stats_init(void);
void mmiodemo_dma_loaded(struct mmiodemo *md, u64 bytes);
void mmiodemo_dma_keep(struct mmiodemo *md);

/* mmiodemo-fwcfg.c */
int mmiodemo_fwcfg_init(struct mmiodemo *md, struct platform_device *pdev);
long mmiodemo_fwcfg_load(struct mmiodemo *md,
			 struct mmiodemo_load __user *argp);
long mmiodemo_fb_show(struct mmiodemo *md, struct mmiodemo_fb __user *argp);
long mmiodemo_fb_off(struct mmiodemo *md);
void mmiodemo_fb_revoke(struct mmiodemo *md);

/* mmiodemo-mmio.c */
int mmiodemo_mmio_init(struct mmiodemo *md, struct platform_device *pdev);
long mmiodemo_mmio_ioctl(struct mmiodemo *md, struct mmiodemo_reg __user *argp,
			 bool write);
void mmiodemo_mmio_mmap(struct vm_area_struct *vma);
void mmiodemo_mmio_mmap_prepare(struct vm_area_desc *desc,
				const struct mmiodemo_region_desc *r, u64 off);
long mmiodemo_mmio_update(struct mmiodemo *md,
			  struct mmiodemo_reg_update __user *argp);
void mmiodemo_mmio_debugfs_init(struct mmiodemo *md);

#endif /* MMIODEMO_PRIV_H */
