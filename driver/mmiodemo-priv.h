/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the parts of the mmiodemo module share: the per-device state and
 * the entry points of the DMA buffer (mmiodemo-dma.c).
 */
#ifndef MMIODEMO_PRIV_H
#define MMIODEMO_PRIV_H

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "mmiodemo-logic.h"

/* The DMA buffer: separate pages, each with its own DMA address. */
struct mmiodemo_dma {
	unsigned long nr_pages;
	struct page **pages;
	dma_addr_t *addrs;
	unsigned long *dirty; /* written since the last GET_DIRTY */
	unsigned long *unsynced; /* written since the last SYNC_FOR_DEVICE */
	struct mutex lock; /* serialises GET_DIRTY and the syncs */
	atomic_long_t faults;
	atomic_long_t mkwrites;
	atomic_long_t syncs;
	atomic_long_t pages_synced;
};

struct mmiodemo {
	struct device *dev;
	void __iomem *base;
	int id;
	char name[16];
	struct miscdevice misc;
	unsigned int nr_regions;
	struct mmiodemo_region_desc regions[2];
	struct mmiodemo_dma dma;
	struct dentry *debugfs;
	struct debugfs_regset32 regset;
};

int mmiodemo_dma_init(struct mmiodemo *md, unsigned long size);
void mmiodemo_dma_open(struct file *file);
int mmiodemo_dma_mmap(struct mmiodemo *md, struct vm_area_struct *vma);
long mmiodemo_dma_ioctl(struct mmiodemo *md, unsigned int cmd,
			void __user *argp);
void mmiodemo_dma_debugfs_init(struct mmiodemo *md);

#endif /* MMIODEMO_PRIV_H */
