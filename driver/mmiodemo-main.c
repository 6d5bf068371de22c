// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo: the registers of a PL061 GPIO block, mapped into userspace.
 *
 * A platform driver for a "mmiodemo,pl061" device-tree node. It checks that
 * the block really is a PL061, then offers /dev/mmiodemo, whose mmap space
 * is a set of regions described by MMIODEMO_IOC_INFO. The register region
 * is mapped uncached with Device-nGnRE attributes, as ioremap() maps it.
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
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/pseudo_fs.h>
#include <linux/property.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mmiodemo-compat.h"
#include "mmiodemo-priv.h"
#include "mmiodemo-regs.h"
#include "uapi/mmiodemo.h"

#define MMIODEMO_NAME "mmiodemo"
#define MMIODEMO_DMA_SIZE_DEFAULT SZ_1M
#define MMIODEMO_DMA_SIZE_MAX SZ_256M
/* Far from the registers whatever the page size: in INFO, never hard-coded. */
#define MMIODEMO_DMA_OFFSET SZ_1G

#define MMIODEMO_DT_DMA_SIZE "mmiodemo,dma-buffer-size"

static unsigned long dma_size;
module_param(dma_size, ulong, 0444);
MODULE_PARM_DESC(dma_size, "DMA buffer bytes (default: from the DT, or 1 MiB)");

static DEFINE_IDA(mmiodemo_ida);

#define MMIODEMO_REG(_name, _off, _acc) { #_name, _off, _acc },

static const struct {
	char *name;
	unsigned int offset;
	unsigned int access;
} mmiodemo_registers[] = { PL061_REGISTERS(MMIODEMO_REG) };

static struct mmiodemo *to_mmiodemo(const struct file *file)
{
	struct mmiodemo_file *mf = file->private_data;

	return mf->md;
}

/*
 * The device's lifetime. struct mmiodemo is referenced by the bound
 * device, by each open file and by each VMA, and freed with the last of
 * them. Unbinding revokes: it sets @gone, zaps every user mapping (all of
 * them are in the one address_space of md->inode, whichever node or
 * offset they were made through), and from then on faults answer SIGBUS
 * and file operations ENODEV. Whatever uses the hardware or the DMA
 * buffer does so between mmiodemo_enter() and mmiodemo_exit().
 */
#define MMIODEMO_FS_MAGIC 0x6d6d696f /* "mmio" */

static struct vfsmount *mmiodemo_mnt;
static int mmiodemo_mnt_count;

static int mmiodemo_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, MMIODEMO_FS_MAGIC) ? 0 : -ENOMEM;
}

/* Never outlives the module: released with the last device. */
static struct file_system_type mmiodemo_fs_type = {
	.name = "mmiodemo",
	.init_fs_context = mmiodemo_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

static void mmiodemo_free(struct kref *ref)
{
	struct mmiodemo *md = container_of(ref, struct mmiodemo, ref);

	if (md->inode) {
		iput(md->inode);
		simple_release_fs(&mmiodemo_mnt, &mmiodemo_mnt_count);
	}
	kfree(md);
}

void mmiodemo_get(struct mmiodemo *md)
{
	kref_get(&md->ref);
}

void mmiodemo_put(struct mmiodemo *md)
{
	kref_put(&md->ref, mmiodemo_free);
}

/* True, with the device held, if it is still bound. Never sleep on user
 * memory in between: unbind waits for mmiodemo_exit().
 */
bool mmiodemo_enter(struct mmiodemo *md)
{
	down_read(&md->gone_lock);
	if (!md->gone)
		return true;
	up_read(&md->gone_lock);
	return false;
}

void mmiodemo_exit(struct mmiodemo *md)
{
	up_read(&md->gone_lock);
}

struct mmiodemo *mmiodemo_vma_md(struct vm_area_struct *vma)
{
	struct mmiodemo_vma *mv = vma->vm_private_data;

	return mv->md;
}

/* Both kinds of VMA of the device share these open and close. */
bool mmiodemo_vma_is_ours(struct vm_area_struct *vma)
{
	return vma->vm_ops && vma->vm_ops->open == mmiodemo_vm_open;
}

static void mmiodemo_vma_add(struct mmiodemo_vma *mv, struct mmiodemo *md,
			     struct vm_area_struct *vma)
{
	mv->md = md;
	mv->vma = vma;
	vma->vm_private_data = mv;
	mutex_lock(&md->vmas_lock);
	list_add_tail(&mv->node, &md->vmas);
	mutex_unlock(&md->vmas_lock);
	mmiodemo_get(md);
}

/* A new VMA copied from one of ours: on fork, split and mremap. */
void mmiodemo_vm_open(struct vm_area_struct *vma)
{
	struct mmiodemo_vma *from = vma->vm_private_data;
	struct mmiodemo_vma *mv =
		kzalloc(sizeof(*mv), GFP_KERNEL | __GFP_NOFAIL);

	mmiodemo_vma_add(mv, from->md, vma);
}

void mmiodemo_vm_close(struct vm_area_struct *vma)
{
	struct mmiodemo_vma *mv = vma->vm_private_data;
	struct mmiodemo *md;

	/* A VMA whose vm_ops->mapped() failed: it was never counted. */
	if (!mv)
		return;
	md = mv->md;
	mutex_lock(&md->vmas_lock);
	list_del(&mv->node);
	mutex_unlock(&md->vmas_lock);
	kfree(mv);
	mmiodemo_put(md);
}

static void mmiodemo_put_action(void *data)
{
	mmiodemo_put(data);
}

static int mmiodemo_inode_init(struct mmiodemo *md)
{
	int ret;

	ret = simple_pin_fs(&mmiodemo_fs_type, &mmiodemo_mnt,
			    &mmiodemo_mnt_count);
	if (ret)
		return ret;
	md->inode = alloc_anon_inode(mmiodemo_mnt->mnt_sb);
	if (IS_ERR(md->inode)) {
		ret = PTR_ERR(md->inode);
		md->inode = NULL;
		simple_release_fs(&mmiodemo_mnt, &mmiodemo_mnt_count);
		return ret;
	}
	mmiodemo_dma_mapping_init(md->inode->i_mapping);
	return 0;
}

/* At unbind, after /dev/mmiodemo is gone: revoke every mapping. */
static void mmiodemo_revoke(void *data)
{
	struct mmiodemo *md = data;

	down_write(&md->gone_lock);
	md->gone = true;
	up_write(&md->gone_lock);

	unmap_mapping_range(md->inode->i_mapping, 0, 0, 1);
	mmiodemo_dma_revoke(md);
	/* The device too stops reading the buffer before it is freed. */
	mmiodemo_fb_revoke(md);
	wake_up_interruptible_all(&md->events_wait);
}

u32 mmiodemo_readl(struct mmiodemo *md, unsigned int off)
{
	return readl(md->base + off);
}

void mmiodemo_writel(struct mmiodemo *md, unsigned int off, u32 val)
{
	writel(val, md->base + off);
}

static long mmiodemo_ioctl_info(struct mmiodemo *md, void __user *argp)
{
	struct mmiodemo_info info = {
		.version = MMIODEMO_UAPI_VERSION,
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
		u->memtype = r->memtype;
		strscpy(u->name, r->name, sizeof(u->name));
	}
	if (READ_ONCE(md->gone))
		return -ENODEV;

	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

/* A register access for userspace that cannot map the block. */
static long mmiodemo_ioctl_reg(struct mmiodemo *md,
			       struct mmiodemo_reg __user *argp, bool write)
{
	const struct mmiodemo_region_desc *r =
		&md->regions[MMIODEMO_REGION_REGS];
	void __iomem *addr;
	struct mmiodemo_reg reg;
	unsigned long flags;

	if (copy_from_user(&reg, argp, sizeof(reg)))
		return -EFAULT;
	if (reg.reserved ||
	    !mmiodemo_reg_access_ok(r->size, reg.offset, reg.width))
		return -EINVAL;
	if (!mmiodemo_enter(md))
		return -ENODEV;

	/* Under the lock of the driver's read-modify-writes (DIR, IE). */
	addr = md->base + reg.offset;
	spin_lock_irqsave(&md->lock, flags);
	switch (reg.width) {
	case 8:
		if (write)
			writeb(reg.value, addr);
		else
			reg.value = readb(addr);
		break;
	case 16:
		if (write)
			writew(reg.value, addr);
		else
			reg.value = readw(addr);
		break;
	default:
		if (write)
			writel(reg.value, addr);
		else
			reg.value = readl(addr);
		break;
	}
	spin_unlock_irqrestore(&md->lock, flags);
	mmiodemo_exit(md);
	if (!write && copy_to_user(argp, &reg, sizeof(reg)))
		return -EFAULT;
	return 0;
}

/* Whatever changes the device, or takes a set, needs a writable file. */
static bool mmiodemo_ioctl_changes(unsigned int cmd)
{
	switch (cmd) {
	case MMIODEMO_IOC_REG_WRITE:
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
	struct mmiodemo *md = to_mmiodemo(file);

	if (mmiodemo_ioctl_changes(cmd) && !(file->f_mode & FMODE_WRITE))
		return -EBADF;

	switch (cmd) {
	case MMIODEMO_IOC_INFO:
		return mmiodemo_ioctl_info(md, (void __user *)arg);
	case MMIODEMO_IOC_REG_READ:
	case MMIODEMO_IOC_REG_WRITE:
		return mmiodemo_ioctl_reg(md, (void __user *)arg,
					  cmd == MMIODEMO_IOC_REG_WRITE);
	case MMIODEMO_IOC_IRQ_UNMASK:
		return mmiodemo_irq_unmask(md, (u32 __user *)arg);
	case MMIODEMO_IOC_GET_DIRTY:
	case MMIODEMO_IOC_SYNC_FOR_DEVICE:
	case MMIODEMO_IOC_SYNC_FOR_CPU:
		return mmiodemo_dma_ioctl(md, cmd, (void __user *)arg);
	case MMIODEMO_IOC_LOAD:
		return mmiodemo_fwcfg_load(md, (void __user *)arg);
	case MMIODEMO_IOC_FB_SHOW:
		return mmiodemo_fb_show(md, (void __user *)arg);
	case MMIODEMO_IOC_FB_OFF:
		return mmiodemo_fb_off(md);
	default:
		return -ENOTTY;
	}
}

/*
 * ptrace, gdb and /proc/PID/mem reach a register mapping through here.
 * Not generic_access_phys(): on arm64 (measured on Debian's 6.1) it
 * ioremaps the page with the user PTE's attributes, user bit included, and
 * with PAN on, the kernel's own access then faults: an oops. The driver's
 * ioremap() of the block is used instead, a whole 32-bit register at a time.
 */
static int mmiodemo_regs_access(struct vm_area_struct *vma, unsigned long addr,
				void *buf, int len, int write)
{
	struct mmiodemo *md = mmiodemo_vma_md(vma);
	const struct mmiodemo_region_desc *r =
		&md->regions[MMIODEMO_REGION_REGS];
	u64 off = ((u64)vma->vm_pgoff << PAGE_SHIFT) + (addr - vma->vm_start);
	unsigned int i, n, skip;
	__le32 val; /* the register's bytes in bus order */

	if (len <= 0 || off < r->offset || off - r->offset >= r->size)
		return -EINVAL;
	off -= r->offset;
	len = min_t(u64, len, r->size - off);

	/* A partial write of a register could change its other bits. */
	if (write && (!(vma->vm_flags & VM_WRITE) || !IS_ALIGNED(off, 4) ||
		      !IS_ALIGNED(len, 4)))
		return -EINVAL;
	if (!mmiodemo_enter(md))
		return -ENODEV;

	for (i = 0; i < len; i += n) {
		skip = (off + i) % 4;
		n = min_t(unsigned int, 4 - skip, len - i);
		if (write) {
			memcpy(&val, buf + i, 4);
			mmiodemo_writel(md, off + i, le32_to_cpu(val));
		} else {
			val = cpu_to_le32(mmiodemo_readl(md, off + i - skip));
			memcpy(buf + i, (u8 *)&val + skip, n);
		}
	}
	mmiodemo_exit(md);
	return len;
}

static const struct vm_operations_struct mmiodemo_regs_vm_ops = {
#ifdef MMIODEMO_HAVE_MMAP_PREPARE
	.mapped = mmiodemo_vm_mapped,
#endif
	.open = mmiodemo_vm_open,
	.close = mmiodemo_vm_close,
	.access = mmiodemo_regs_access,
};

/*
 * Says once per region, on the console, which hook made its first mapping:
 * the tests check it against the kernel.
 */
static void mmiodemo_hook_ran(struct mmiodemo *md,
			      const struct mmiodemo_region_desc *r,
			      const char *hook)
{
	static unsigned long reported;

	if (!test_and_set_bit(r - md->regions, &reported))
		dev_info(md->dev, "%s mapped through %s\n", r->name, hook);
}

/* Where the register region of the mmap space maps to. */
static unsigned long mmiodemo_regs_pfn(const struct mmiodemo_region_desc *r,
				       u64 off)
{
	return PHYS_PFN(r->phys + (off - r->offset));
}

#ifdef MMIODEMO_HAVE_MMAP_PREPARE
/*
 * f_op->mmap_prepare: the VMA does not exist yet and the mapping may still
 * fail after this, so nothing is allocated or counted here. It checks,
 * then describes the VMA: flags, vm_ops, and for the registers the PFN
 * remap the kernel does once the VMA is in place. mmiodemo_vm_mapped()
 * then counts and lists the VMA.
 */
static int mmiodemo_mmap_prepare(struct vm_area_desc *desc)
{
	struct mmiodemo *md = to_mmiodemo(desc->file);
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
	if (r == &md->regions[MMIODEMO_REGION_DMA]) {
		mmiodemo_dma_mmap_prepare(desc);
		return 0;
	}
	desc->vm_ops = &mmiodemo_regs_vm_ops;
	/* The negative control (never a normal build) leaves it Normal. */
#ifndef MMIODEMO_NEGATIVE_CONTROL
	desc->page_prot = pgprot_device(desc->page_prot);
#endif
	/* io_remap_pfn_range() of the whole VMA, with desc->page_prot. */
	mmap_action_ioremap_full(desc, mmiodemo_regs_pfn(r, off));
	return 0;
}

/*
 * vm_ops->mapped: the VMA now exists, mapped as described (mmap_lock held
 * for writing). Lists it and holds the device for it, as f_op->mmap does
 * on older kernels. Unbound meanwhile, the device fails the mapping, and
 * the kernel unmaps it again (vm_ops->close finds no private data).
 */
int mmiodemo_vm_mapped(unsigned long start, unsigned long end, pgoff_t pgoff,
		       const struct file *file, void **vm_private_data)
{
	struct mmiodemo *md = to_mmiodemo(file);
	struct vm_area_struct *vma = vma_lookup(current->mm, start);
	struct mmiodemo_vma *mv;

	/* The hook names no VMA: it is the one at @start in this mm. */
	if (!vma || vma->vm_end != end || vma->vm_private_data ||
	    !mmiodemo_vma_is_ours(vma))
		return -EINVAL;
	mv = kzalloc(sizeof(*mv), GFP_KERNEL);
	if (!mv)
		return -ENOMEM;
	if (!mmiodemo_enter(md)) {
		kfree(mv);
		return -ENODEV;
	}
	mmiodemo_vma_add(mv, md, vma);
	mmiodemo_hook_ran(md,
			  mmiodemo_find_region(md->regions, md->nr_regions,
					       (u64)pgoff << PAGE_SHIFT),
			  "f_op->mmap_prepare and vm_ops->mapped");
	mmiodemo_exit(md);
	*vm_private_data = mv;
	return 0;
}
#else /* f_op->mmap: the VMA exists; checked, set up and listed at once. */
static int mmiodemo_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mmiodemo *md = to_mmiodemo(file);
	unsigned long len = vma->vm_end - vma->vm_start;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	const struct mmiodemo_region_desc *r;
	struct mmiodemo_vma *mv;
	int ret;

	ret = mmiodemo_check_mmap(md->regions, md->nr_regions, off, len,
				  vma->vm_flags, file->f_mode, &r);
	if (ret)
		return ret;
	mv = kzalloc(sizeof(*mv), GFP_KERNEL);
	if (!mv)
		return -ENOMEM;
	if (!mmiodemo_enter(md)) {
		kfree(mv);
		return -ENODEV;
	}

	mmiodemo_vm_flags_clear(vma, VM_MAYEXEC);
	if (!(file->f_mode & FMODE_WRITE))
		mmiodemo_vm_flags_clear(vma, VM_MAYWRITE);
	if (r == &md->regions[MMIODEMO_REGION_DMA]) {
		mmiodemo_dma_mmap(vma);
	} else {
		vma->vm_ops = &mmiodemo_regs_vm_ops;
#ifdef MMIODEMO_NEGATIVE_CONTROL
		/*
		 * Deliberately wrong, for proving the audit (never in a normal
		 * build): the registers as Normal cacheable memory.
		 */
#else
		vma->vm_page_prot = pgprot_device(vma->vm_page_prot);
#endif
		ret = io_remap_pfn_range(vma, vma->vm_start,
					 mmiodemo_regs_pfn(r, off), len,
					 vma->vm_page_prot);
	}
	if (!ret) {
		mmiodemo_vma_add(mv, md, vma);
		mmiodemo_hook_ran(md, r, "f_op->mmap");
	} else {
		kfree(mv);
	}
	mmiodemo_exit(md);
	return ret;
}
#endif /* MMIODEMO_HAVE_MMAP_PREPARE */

/* fsync(), fdatasync(), msync(MS_SYNC): the buffer's dirty pages go out. */
static int mmiodemo_fsync(struct file *file, loff_t start, loff_t end,
			  int datasync)
{
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;
	return mmiodemo_dma_fsync(to_mmiodemo(file), start, end);
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
	/* Every mapping joins the device's address_space, to be revoked. */
	file->f_mapping = mf->md->inode->i_mapping;
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

static int mmiodemo_check_id(struct mmiodemo *md)
{
	u32 periph = 0, cell = 0;
	unsigned int i, shift;

	for (i = 0; i < PL061_NR_ID_REGS; i++) {
		shift = 8 * i;
		periph |= (mmiodemo_readl(md, PL061_PERIPHID(i)) & 0xff)
			  << shift;
		cell |= (mmiodemo_readl(md, PL061_PCELLID(i)) & 0xff) << shift;
	}

	if ((periph & PL061_PERIPH_ID_MASK) == PL061_PERIPH_ID &&
	    cell == PL061_CELL_ID)
		return 0;

	dev_err(md->dev,
		"not a PL061: peripheral ID %#010x, cell ID %#010x (expected %#010x, %#010x)\n",
		periph, cell, PL061_PERIPH_ID, PL061_CELL_ID);
	return -ENODEV;
}

/* The kernel's own view of the block: a debugfs dump of every readable register. */
static int mmiodemo_regset_init(struct mmiodemo *md)
{
	struct debugfs_reg32 *regs;
	unsigned int i, n = 0;

	regs = devm_kcalloc(md->dev, ARRAY_SIZE(mmiodemo_registers),
			    sizeof(*regs), GFP_KERNEL);
	if (!regs)
		return -ENOMEM;

	for (i = 0; i < ARRAY_SIZE(mmiodemo_registers); i++) {
		if (!(mmiodemo_registers[i].access & PL061_ACC_R))
			continue;
		regs[n].name = mmiodemo_registers[i].name;
		regs[n].offset = mmiodemo_registers[i].offset;
		n++;
	}

	md->regset.regs = regs;
	md->regset.nregs = n;
	md->regset.base = md->base;
	return 0;
}

/* The DMA buffer: its size from the module, else the device tree. */
static int mmiodemo_dma_region_init(struct mmiodemo *md)
{
	struct mmiodemo_region_desc *r = &md->regions[MMIODEMO_REGION_DMA];
	unsigned long size = dma_size;
	struct device *dev = md->dev;
	u32 dt;
	int ret;

	if (!size && !device_property_read_u32(dev, MMIODEMO_DT_DMA_SIZE, &dt))
		size = dt;
	if (!size)
		size = MMIODEMO_DMA_SIZE_DEFAULT;
	if (size > MMIODEMO_DMA_SIZE_MAX) {
		dev_err(dev, "DMA buffer of %lu bytes: the most is %u\n", size,
			MMIODEMO_DMA_SIZE_MAX);
		return -EINVAL;
	}

	/* The bus master, fw_cfg, takes 64-bit addresses: no bounce buffers. */
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret)
		return dev_err_probe(dev, ret,
				     "cannot set a 64-bit DMA mask\n");

	ret = mmiodemo_dma_init(md, size);
	if (ret) {
		dev_err(dev, "cannot allocate a DMA buffer of %lu bytes\n",
			size);
		return ret;
	}

	r->offset = MMIODEMO_DMA_OFFSET;
	r->size = (u64)md->dma.nr_pages << PAGE_SHIFT;
	r->flags = MMIODEMO_REGION_F_READ | MMIODEMO_REGION_F_WRITE |
		   MMIODEMO_REGION_F_MMAP | MMIODEMO_REGION_F_DIRTY_LOG;
	r->memtype = MMIODEMO_MEMTYPE_NORMAL;
	r->name = "dma";
	md->nr_regions = 2;
	return 0;
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

static int mmiodemo_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct mmiodemo_region_desc *regs;
	struct mmiodemo *md;
	struct resource *res;
	int irq, ret;

	md = kzalloc(sizeof(*md), GFP_KERNEL);
	if (!md)
		return -ENOMEM;
	kref_init(&md->ref);
	ret = devm_add_action_or_reset(dev, mmiodemo_put_action, md);
	if (ret)
		return ret;
	init_rwsem(&md->gone_lock);
	mutex_init(&md->vmas_lock);
	INIT_LIST_HEAD(&md->vmas);
	md->dev = dev;
	spin_lock_init(&md->lock);
	INIT_LIST_HEAD(&md->listeners);
	init_waitqueue_head(&md->events_wait);

	md->base = devm_platform_get_and_ioremap_resource(pdev, 0, &res);
	if (IS_ERR(md->base))
		return dev_err_probe(dev, PTR_ERR(md->base),
				     "cannot map the register block\n");

	ret = mmiodemo_check_id(md);
	if (ret)
		return ret;

	regs = &md->regions[MMIODEMO_REGION_REGS];
	regs->offset = 0;
	regs->size = resource_size(res);
	regs->phys = res->start;
	regs->flags = MMIODEMO_REGION_F_READ | MMIODEMO_REGION_F_WRITE;
	/* A block smaller than a page shares it with its neighbours. */
	if (mmiodemo_whole_pages(regs->phys, regs->size, PAGE_SIZE))
		regs->flags |= MMIODEMO_REGION_F_MMAP;
	regs->memtype = MMIODEMO_MEMTYPE_DEVICE_NGNRE;
	regs->name = "regs";
	md->nr_regions = 1;

	ret = mmiodemo_dma_region_init(md);
	if (ret)
		return ret;
	ret = mmiodemo_fwcfg_init(md, pdev);
	if (ret)
		return ret;

	md->id = ida_alloc(&mmiodemo_ida, GFP_KERNEL);
	if (md->id < 0)
		return md->id;
	ret = devm_add_action_or_reset(dev, mmiodemo_ida_free, md);
	if (ret)
		return ret;

	if (md->id)
		snprintf(md->name, sizeof(md->name), MMIODEMO_NAME "%d",
			 md->id);
	else
		strscpy(md->name, MMIODEMO_NAME, sizeof(md->name));

	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	ret = mmiodemo_irq_init(md, irq);
	if (ret)
		return dev_err_probe(dev, ret, "cannot take IRQ %d\n", irq);

	ret = mmiodemo_gpio_init(md);
	if (ret)
		return dev_err_probe(dev, ret, "cannot add the gpiochip\n");

	ret = mmiodemo_inode_init(md);
	if (ret)
		return dev_err_probe(dev, ret,
				     "cannot make an address_space\n");
	/* Runs at unbind after misc_deregister(), before everything else. */
	ret = devm_add_action_or_reset(dev, mmiodemo_revoke, md);
	if (ret)
		return ret;

	md->misc.minor = MISC_DYNAMIC_MINOR;
	md->misc.name = md->name;
	md->misc.fops = &mmiodemo_fops;
	md->misc.parent = dev;
	md->misc.mode = 0600;
	ret = misc_register(&md->misc);
	if (ret)
		return dev_err_probe(dev, ret, "cannot register /dev/%s\n",
				     md->name);
	ret = devm_add_action_or_reset(dev, mmiodemo_misc_deregister, md);
	if (ret)
		return ret;

	ret = mmiodemo_regset_init(md);
	if (ret)
		return ret;
	md->debugfs = debugfs_create_dir(md->name, NULL);
	debugfs_create_regset32("regs", 0400, md->debugfs, &md->regset);
	mmiodemo_dma_debugfs_init(md);
	mmiodemo_audit_debugfs_init(md);
	ret = devm_add_action_or_reset(dev, mmiodemo_debugfs_remove, md);
	if (ret)
		return ret;

	dev_info(dev, "PL061 %pR offered as /dev/%s\n", res, md->name);
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

MODULE_DESCRIPTION("PL061 register block mapped into userspace");
MODULE_LICENSE("GPL");
