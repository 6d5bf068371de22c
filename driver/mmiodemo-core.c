// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo: the registers of a PL061 GPIO block, and a DMA buffer, mapped
 * into userspace.
 *
 * A platform driver for a "mmiodemo,pl061" device-tree node. It checks that
 * the block really is a PL061, then offers /dev/mmiodemo, whose mmap space
 * is a set of regions described by MMIODEMO_IOC_INFO: the registers,
 * mapped uncached as ioremap() maps them (mmiodemo-mmio.c), and a DMA
 * buffer, mapped cached on first touch and dirty-tracked
 * (mmiodemo-dma.c). This file is the top: probe and unbind, the file
 * operations, and the dispatch of ioctls and mmap to the files below
 * (mmiodemo-priv.h lists them and their locks).
 *
 * Userspace reads a register with (w/o error handling):
 *
 *     fd = open("/dev/mmiodemo", O_RDWR);
 *     ioctl(fd, MMIODEMO_IOC_INFO, &info);
 *     r = &info.regions[MMIODEMO_REGION_REGS];
 *     regs = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
 *                 r->offset);
 *     dir = *(volatile uint32_t *)(regs + PL061_DIR);
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mmiodemo-compat.h"
#include "mmiodemo-priv.h"

#define MMIODEMO_NAME "mmiodemo"

static DEFINE_IDA(mmiodemo_ida);

static long mmiodemo_ioctl_info(struct mmiodemo *md, void __user *argp)
{
	struct mmiodemo_info info = {
		.page_size = PAGE_SIZE,
		.nr_regions = md->nr_regions,
	};
	unsigned int i;

	for (i = 0; i < md->nr_regions; i++) {
		const struct mmiodemo_region_desc *r = &md->regions[i];
		struct mmiodemo_region *u = &info.regions[i];

		u->offset = r->offset;
		u->size = r->size;
		u->flags = r->flags;
		u->caching = r->caching;
		strscpy(u->name, r->name, sizeof(u->name));
	}
	if (READ_ONCE(md->gone))
		return -ENODEV;

	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

/* Whatever changes the device, or takes a set, needs a writable file. */
static bool mmiodemo_ioctl_changes(unsigned int cmd)
{
	switch (cmd) {
	case MMIODEMO_IOC_REG_WRITE:
	case MMIODEMO_IOC_REG_UPDATE:
	case MMIODEMO_IOC_IRQ_UNMASK:
	case MMIODEMO_IOC_GET_DIRTY:
	case MMIODEMO_IOC_SYNC_FOR_DEVICE:
	case MMIODEMO_IOC_SYNC_FOR_CPU:
	case MMIODEMO_IOC_LOAD:
	case MMIODEMO_IOC_FB_SHOW:
	case MMIODEMO_IOC_FB_OFF:
		return true;
	default:
		return false;
	}
}

static long mmiodemo_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct mmiodemo *md = mmiodemo_file_md(file);
	void __user *argp = (void __user *)arg;

	if (mmiodemo_ioctl_changes(cmd) && !(file->f_mode & FMODE_WRITE))
		return -EBADF;

	switch (cmd) {
	case MMIODEMO_IOC_INFO:
		return mmiodemo_ioctl_info(md, argp);
	case MMIODEMO_IOC_REG_READ:
	case MMIODEMO_IOC_REG_WRITE:
		return mmiodemo_mmio_ioctl(md, argp,
					   cmd == MMIODEMO_IOC_REG_WRITE);
	case MMIODEMO_IOC_REG_UPDATE:
		return mmiodemo_mmio_update(md, argp);
	case MMIODEMO_IOC_IRQ_UNMASK:
		return mmiodemo_irq_unmask(md, argp);
	case MMIODEMO_IOC_IRQ_HELD:
		return mmiodemo_irq_held(md, argp);
	case MMIODEMO_IOC_GET_DIRTY:
	case MMIODEMO_IOC_SYNC_FOR_DEVICE:
	case MMIODEMO_IOC_SYNC_FOR_CPU:
	case MMIODEMO_IOC_DMA_RUN:
		return mmiodemo_dma_ioctl(md, cmd, argp);
	case MMIODEMO_IOC_LOAD:
		return mmiodemo_fwcfg_load(md, argp);
	case MMIODEMO_IOC_FB_SHOW:
		return mmiodemo_fb_show(md, argp);
	case MMIODEMO_IOC_FB_OFF:
		return mmiodemo_fb_off(md);
	default:
		return -ENOTTY;
	}
}

#ifdef MMIODEMO_HAVE_MMAP_PREPARE
/*
 * f_op->mmap_prepare: the VMA does not exist yet and the mapping may still
 * fail after this, so nothing is allocated or counted here. It checks,
 * then describes the VMA: flags, vm_ops, and for the registers the PFN
 * remap the kernel does once the VMA is in place. vm_ops->mapped
 * (mmiodemo_vm_mapped()) then makes the VMA hold the device.
 */
static int mmiodemo_mmap_prepare(struct vm_area_desc *desc)
{
	struct mmiodemo *md = mmiodemo_file_md(desc->file);
	u64 off = (u64)desc->pgoff << PAGE_SHIFT;
	const struct mmiodemo_region_desc *r;
	int ret;

	ret = mmiodemo_check_mmap(md->regions, md->nr_regions, off,
				  vma_desc_size(desc),
				  vma_flags_to_legacy(desc->vma_flags),
				  desc->file->f_mode, &r);
	if (ret)
		return ret;
	if (READ_ONCE(md->gone))
		return -ENODEV;

	vma_desc_clear_flags(desc, VMA_MAYEXEC_BIT);
	if (!(desc->file->f_mode & FMODE_WRITE))
		vma_desc_clear_flags(desc, VMA_MAYWRITE_BIT);
	if (r == &md->regions[MMIODEMO_REGION_DMA])
		mmiodemo_dma_mmap_prepare(desc);
	else
		mmiodemo_mmio_mmap_prepare(desc, r, off);
	return 0;
}
#else /* f_op->mmap: the VMA exists; checked, set up and held at once. */
static int mmiodemo_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mmiodemo *md = mmiodemo_file_md(file);
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	const struct mmiodemo_region_desc *r;
	int ret;

	ret = mmiodemo_check_mmap(md->regions, md->nr_regions, off,
				  vma->vm_end - vma->vm_start, vma->vm_flags,
				  file->f_mode, &r);
	if (ret)
		return ret;
	if (!mmiodemo_enter(md))
		return -ENODEV;

	mmiodemo_vm_flags_clear(vma, VM_MAYEXEC);
	if (!(file->f_mode & FMODE_WRITE))
		mmiodemo_vm_flags_clear(vma, VM_MAYWRITE);
	if (r == &md->regions[MMIODEMO_REGION_DMA])
		mmiodemo_dma_mmap(vma);
	else
		mmiodemo_mmio_mmap(vma);
	mmiodemo_vma_hold(md, vma);
	mmiodemo_hook_ran(md, r, "f_op->mmap");
	mmiodemo_exit(md);
	return 0;
}
#endif /* MMIODEMO_HAVE_MMAP_PREPARE */

/* fsync(), fdatasync(), msync(MS_SYNC): the buffer's dirty pages go out. */
static int mmiodemo_fsync(struct file *file, loff_t start, loff_t end,
			  int datasync)
{
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	return mmiodemo_dma_fsync(mmiodemo_file_md(file), start, end);
}

static int mmiodemo_open(struct inode *inode, struct file *file)
{
	struct mmiodemo_file *mf;

	mf = kzalloc(sizeof(*mf), GFP_KERNEL);
	if (!mf)
		return -ENOMEM;
	/*
	 * misc_open() left the miscdevice here, registered: the device is
	 * bound. Each file gets its own state and holds the device.
	 */
	mf->md = container_of(file->private_data, struct mmiodemo, misc);
	mmiodemo_get(mf->md);
	file->private_data = mf;
	/*
	 * Every mapping joins one of the device's address_spaces, to be
	 * revoked; those that can never be written their own.
	 */
	file->f_mapping = file->f_mode & FMODE_WRITE ?
				  mf->md->inode->i_mapping :
				  mf->md->ro_inode->i_mapping;
	mmiodemo_irq_listen(mf);
	/* An event stream: no file position, no pread(), no lseek(). */
	return stream_open(inode, file);
}

static int mmiodemo_release(struct inode *inode, struct file *file)
{
	struct mmiodemo_file *mf = file->private_data;

	mmiodemo_irq_unlisten(mf);
	mmiodemo_put(mf->md);
	kfree(mf);
	return 0;
}

static const struct file_operations mmiodemo_fops = {
	.owner = THIS_MODULE,
	.open = mmiodemo_open,
	.release = mmiodemo_release,
	.read = mmiodemo_irq_read,
	.poll = mmiodemo_irq_poll,
	.unlocked_ioctl = mmiodemo_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
#ifdef MMIODEMO_HAVE_MMAP_PREPARE
	.mmap_prepare = mmiodemo_mmap_prepare,
#else
	.mmap = mmiodemo_mmap,
#endif
	.fsync = mmiodemo_fsync,
};

/*
 * At unbind, after /dev/mmiodemo is gone: revoke every mapping, then stop
 * the device reading the buffer before it is freed, wake readers, and
 * stop the irqchip before the gpiochip goes.
 */
static void mmiodemo_unbind(void *data)
{
	struct mmiodemo *md = data;

	mmiodemo_revoke_mappings(md);
	mmiodemo_dma_revoke(md);
	mmiodemo_fb_revoke(md);
	mmiodemo_irq_revoke(md);
	mmiodemo_gpio_irq_stop(md);
}

static void mmiodemo_put_action(void *data)
{
	mmiodemo_put(data);
}

static void mmiodemo_ida_free(void *data)
{
	struct mmiodemo *md = data;

	ida_free(&mmiodemo_ida, md->id);
}

static void mmiodemo_misc_deregister(void *data)
{
	struct mmiodemo *md = data;

	misc_deregister(&md->misc);
}

static void mmiodemo_debugfs_remove(void *data)
{
	struct mmiodemo *md = data;

	debugfs_remove_recursive(md->debugfs);
}

static int mmiodemo_name_init(struct mmiodemo *md)
{
	md->id = ida_alloc(&mmiodemo_ida, GFP_KERNEL);
	if (md->id < 0)
		return md->id;
	if (md->id)
		snprintf(md->name, sizeof(md->name), MMIODEMO_NAME "%d",
			 md->id);
	else
		strscpy(md->name, MMIODEMO_NAME, sizeof(md->name));
	return devm_add_action_or_reset(md->dev, mmiodemo_ida_free, md);
}

/*
 * Everything is undone by devm, in reverse: the device node goes first,
 * then mmiodemo_unbind() revokes, then the parts are freed; struct
 * mmiodemo itself lives on until its last reference is dropped.
 */
static int mmiodemo_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct mmiodemo *md;
	int irq, ret;

	md = kzalloc(sizeof(*md), GFP_KERNEL);
	if (!md)
		return -ENOMEM;
	kref_init(&md->ref);
	ret = devm_add_action_or_reset(dev, mmiodemo_put_action, md);
	if (ret)
		return ret;
	init_rwsem(&md->gone_lock);
	md->dev = dev;
	raw_spin_lock_init(&md->lock);
	INIT_LIST_HEAD(&md->listeners);
	init_waitqueue_head(&md->events_wait);

	ret = mmiodemo_inode_init(md);
	if (ret)
		return dev_err_probe(dev, ret,
				     "cannot make an address_space\n");
	/* The buffer first: its size is checked before the block is touched. */
	ret = mmiodemo_dma_init(md);
	if (ret)
		return ret;
	ret = mmiodemo_mmio_init(md, pdev);
	if (ret)
		return ret;
	md->nr_regions = 2;
	ret = mmiodemo_fwcfg_init(md, pdev);
	if (ret)
		return ret;
	ret = mmiodemo_name_init(md);
	if (ret)
		return ret;

	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	ret = mmiodemo_irq_init(md, irq);
	if (ret)
		return dev_err_probe(dev, ret, "cannot take IRQ %d\n", irq);

	ret = mmiodemo_gpio_init(md);
	if (ret)
		return dev_err_probe(dev, ret, "cannot add the gpiochip\n");

	/* Runs at unbind after misc_deregister(), before everything else. */
	ret = devm_add_action_or_reset(dev, mmiodemo_unbind, md);
	if (ret)
		return ret;

	md->misc.minor = MISC_DYNAMIC_MINOR;
	md->misc.name = md->name;
	md->misc.fops = &mmiodemo_fops;
	md->misc.parent = dev;
	md->misc.mode = 0600;
	mmiodemo_stats_init();
	md->misc.groups = mmiodemo_groups;
	ret = misc_register(&md->misc);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register /dev/%s\n",
				     md->name);
	ret = devm_add_action_or_reset(dev, mmiodemo_misc_deregister, md);
	if (ret)
		return ret;

	md->debugfs = debugfs_create_dir(md->name, NULL);
	mmiodemo_mmio_debugfs_init(md);
	mmiodemo_dma_debugfs_init(md);
	ret = devm_add_action_or_reset(dev, mmiodemo_debugfs_remove, md);
	if (ret)
		return ret;

	dev_info(dev, "PL061 %pa offered as /dev/%s\n",
		 &md->regions[MMIODEMO_REGION_REGS].phys, md->name);
	return 0;
}

static const struct of_device_id mmiodemo_of_match[] = {
	{ .compatible = "mmiodemo,pl061" },
	{}
};
MODULE_DEVICE_TABLE(of, mmiodemo_of_match);

static struct platform_driver mmiodemo_driver = {
	.probe = mmiodemo_probe,
	.driver = {
		.name = MMIODEMO_NAME,
		.of_match_table = mmiodemo_of_match,
	},
};
module_platform_driver(mmiodemo_driver);

MODULE_DESCRIPTION("PL061 register block and DMA buffer mapped into userspace");
MODULE_LICENSE("GPL");
