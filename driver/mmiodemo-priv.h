/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the parts of the mmiodemo module share: the per-device state, and
 * the entry points of the DMA buffer (mmiodemo-dma.c), of the interrupt
 * events (mmiodemo-irq.c) and of the gpiochip (mmiodemo-gpio.c).
 */
#ifndef MMIODEMO_PRIV_H
#define MMIODEMO_PRIV_H

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/gpio/driver.h>
#include <linux/kfifo.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "mmiodemo-logic.h"

struct vm_area_desc;

/* The DMA buffer: separate pages, each with its own DMA address. */
struct mmiodemo_dma {
	unsigned long nr_pages;
	struct page **pages;
	dma_addr_t *addrs;
	unsigned long nr_mapped; /* pages mapped for the device so far */
	unsigned long *dirty; /* written since the last GET_DIRTY */
	unsigned long *unsynced; /* written since the last SYNC_FOR_DEVICE */
	struct mutex lock; /* serialises GET_DIRTY and the syncs */
	atomic_long_t faults;
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
	struct rw_semaphore
		gone_lock; /* taken to read @gone and use the device */
	bool gone; /* unbound: every mapping revoked */
	struct inode *inode; /* its i_mapping holds every user mapping */
	struct mutex vmas_lock; /* under mmap_lock, never around it */
	struct list_head vmas; /* every live VMA, for the audit */
	struct device *dev;
	void __iomem *base;
	spinlock_t lock; /* register read-modify-writes; the listeners */
	struct list_head listeners;
	wait_queue_head_t events_wait;
	u32 nr_irqs;
	int id;
	char name[16];
	struct miscdevice misc;
	unsigned int nr_regions;
	struct mmiodemo_region_desc regions[2];
	struct mmiodemo_dma dma;
	struct mmiodemo_fwcfg fwcfg;
	struct gpio_chip gpio;
	struct dentry *debugfs;
	struct debugfs_regset32 regset;
};

/* One VMA of the device (its vm_private_data), listed in md->vmas. */
struct mmiodemo_vma {
	struct mmiodemo *md;
	struct vm_area_struct *vma;
	struct list_head node;
};

/* One open file: its queue of interrupt events. */
struct mmiodemo_file {
	struct mmiodemo *md;
	struct list_head node;
	struct mutex read_lock; /* one reader at a time takes events */
	DECLARE_KFIFO(events, struct mmiodemo_event, MMIODEMO_EVENT_QUEUE);
};

u32 mmiodemo_readl(struct mmiodemo *md, unsigned int off);
void mmiodemo_writel(struct mmiodemo *md, unsigned int off, u32 val);

void mmiodemo_get(struct mmiodemo *md);
void mmiodemo_put(struct mmiodemo *md);
bool mmiodemo_enter(struct mmiodemo *md);
void mmiodemo_exit(struct mmiodemo *md);
struct mmiodemo *mmiodemo_vma_md(struct vm_area_struct *vma);
bool mmiodemo_vma_is_ours(struct vm_area_struct *vma);
void mmiodemo_vm_open(struct vm_area_struct *vma);
void mmiodemo_vm_close(struct vm_area_struct *vma);
int mmiodemo_vm_mapped(unsigned long start, unsigned long end, pgoff_t pgoff,
		       const struct file *file, void **vm_private_data);

int mmiodemo_gpio_init(struct mmiodemo *md);

int mmiodemo_irq_init(struct mmiodemo *md, int irq);
void mmiodemo_irq_listen(struct mmiodemo_file *mf);
void mmiodemo_irq_unlisten(struct mmiodemo_file *mf);
ssize_t mmiodemo_irq_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos);
__poll_t mmiodemo_irq_poll(struct file *file, struct poll_table_struct *wait);
long mmiodemo_irq_unmask(struct mmiodemo *md, u32 __user *argp);

void mmiodemo_audit_debugfs_init(struct mmiodemo *md);

int mmiodemo_dma_init(struct mmiodemo *md, unsigned long size);
void mmiodemo_dma_mapping_init(struct address_space *mapping);
void mmiodemo_dma_revoke(struct mmiodemo *md);
void mmiodemo_dma_mmap(struct vm_area_struct *vma);
bool mmiodemo_dma_contiguous(struct mmiodemo_dma *dma, unsigned long first,
			     unsigned long nr);
int mmiodemo_dma_fsync(struct mmiodemo *md, loff_t start, loff_t end);
void mmiodemo_dma_mmap_prepare(struct vm_area_desc *desc);
long mmiodemo_dma_ioctl(struct mmiodemo *md, unsigned int cmd,
			void __user *argp);
void mmiodemo_dma_debugfs_init(struct mmiodemo *md);

struct platform_device;
int mmiodemo_fwcfg_init(struct mmiodemo *md, struct platform_device *pdev);
long mmiodemo_fwcfg_load(struct mmiodemo *md,
			 struct mmiodemo_load __user *argp);
long mmiodemo_fb_show(struct mmiodemo *md, struct mmiodemo_fb __user *argp);
long mmiodemo_fb_off(struct mmiodemo *md);
void mmiodemo_fb_revoke(struct mmiodemo *md);

#endif /* MMIODEMO_PRIV_H */
