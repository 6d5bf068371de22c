// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PL061 register block: found and checked at probe, mapped into
 * userspace uncached, read and written for userspace that cannot map it,
 * and dumped by the kernel in debugfs "regs".
 *
 * The user mapping has the memory type the kernel's own ioremap() gives
 * the block (pgprot_device(): Device-nGnRE on arm64): every load and store
 * reaches the block once, in program order, and nothing is read
 * speculatively. A page of the block that is mapped with a cacheable type
 * instead would show stale values and merge writes.
 */

#include <linux/clk.h>
#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/platform_device.h>
#include <linux/uaccess.h>

#include "mmiodemo-compat.h"
#include "mmiodemo-priv.h"
#include "mmiodemo-regs.h"

#define MMIODEMO_REG(_name, _off, _acc) \
	{ .reg = { .name = #_name, .offset = _off }, .access = _acc },

/* Every named register, with its name and offset as debugfs wants them. */
static const struct {
	struct debugfs_reg32 reg;
	unsigned int access; /* PL061_ACC_* */
} mmiodemo_registers[] = { PL061_REGISTERS(MMIODEMO_REG) };

/* The ID registers, as gpio-pl061's AMBA bus match reads them. */
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

/*
 * Maps the block, with its bus clock on, checks its ID and describes the
 * register region of the mmap space. The clock is "apb_pclk", as the AMBA
 * bus takes it for gpio-pl061; optional, as in the binding: QEMU's is a
 * fixed clock, a board's may gate the block.
 */
int mmiodemo_mmio_init(struct mmiodemo *md, struct platform_device *pdev)
{
	struct mmiodemo_region_desc *r = &md->regions[MMIODEMO_REGION_REGS];
	struct device *dev = &pdev->dev;
	struct resource *res;
	struct clk *clk;
	int ret;

	clk = devm_clk_get_optional_enabled(dev, "apb_pclk");
	if (IS_ERR(clk))
		return dev_err_probe(dev, PTR_ERR(clk),
				     "cannot enable apb_pclk\n");

	md->base = devm_platform_get_and_ioremap_resource(pdev, 0, &res);
	if (IS_ERR(md->base))
		return dev_err_probe(dev, PTR_ERR(md->base),
				     "cannot map the register block\n");

	ret = mmiodemo_check_id(md);
	if (ret)
		return ret;

	r->offset = 0;
	r->size = resource_size(res);
	r->phys = res->start;
	r->flags = MMIODEMO_REGION_F_READ | MMIODEMO_REGION_F_WRITE;
	/* A block smaller than a page shares it with its neighbours. */
	if (mmiodemo_whole_pages(r->phys, r->size, PAGE_SIZE))
		r->flags |= MMIODEMO_REGION_F_MMAP;
	r->caching = MMIODEMO_CACHING_DEVICE;
	r->name = "regs";
	return 0;
}

/*
 * MMIODEMO_IOC_REG_READ and _WRITE: a 32-bit register access for userspace
 * that cannot map the block, through the driver's own accessors and under
 * the lock of its read-modify-writes (DIR, IS, IBE, IEV, IE).
 */
long mmiodemo_mmio_ioctl(struct mmiodemo *md, struct mmiodemo_reg __user *argp,
			 bool write)
{
	const struct mmiodemo_region_desc *r =
		&md->regions[MMIODEMO_REGION_REGS];
	struct mmiodemo_reg reg;
	unsigned long flags;

	if (copy_from_user(&reg, argp, sizeof(reg)))
		return -EFAULT;
	if (reg.reserved ||
	    !mmiodemo_reg_access_ok(r->size, reg.offset, reg.width))
		return -EINVAL;
	if (!mmiodemo_enter(md))
		return -ENODEV;

	raw_spin_lock_irqsave(&md->lock, flags);
	if (write)
		mmiodemo_writel(md, reg.offset, reg.value);
	else
		reg.value = mmiodemo_readl(md, reg.offset);
	raw_spin_unlock_irqrestore(&md->lock, flags);
	mmiodemo_exit(md);
	if (!write && copy_to_user(argp, &reg, sizeof(reg)))
		return -EFAULT;
	return 0;
}

/*
 * MMIODEMO_IOC_REG_UPDATE: a read-modify-write under the same lock as the
 * driver's own (gpiolib's DIR, the irqchip's and the handler's IS, IBE,
 * IEV and IE), so none is lost.
 */
long mmiodemo_mmio_update(struct mmiodemo *md,
			  struct mmiodemo_reg_update __user *argp)
{
	const struct mmiodemo_region_desc *r =
		&md->regions[MMIODEMO_REGION_REGS];
	struct mmiodemo_reg_update u;
	unsigned long flags;

	if (copy_from_user(&u, argp, sizeof(u)))
		return -EFAULT;
	if (u.reserved || (u.value & ~u.mask) ||
	    !mmiodemo_reg_access_ok(r->size, u.offset, 32))
		return -EINVAL;
	if (!mmiodemo_enter(md))
		return -ENODEV;

	raw_spin_lock_irqsave(&md->lock, flags);
	u.old = mmiodemo_readl(md, u.offset);
	u.new = (u.old & ~u.mask) | u.value;
	mmiodemo_writel(md, u.offset, u.new);
	raw_spin_unlock_irqrestore(&md->lock, flags);
	mmiodemo_exit(md);
	return copy_to_user(argp, &u, sizeof(u)) ? -EFAULT : 0;
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

/* Where mmap offset @off of the register region maps to. */
static unsigned long mmiodemo_regs_pfn(const struct mmiodemo_region_desc *r,
				       u64 off)
{
	return PHYS_PFN(r->phys + (off - r->offset));
}

#ifndef MMIODEMO_HAVE_MMAP_PREPARE
/*
 * A register page is mapped at its first touch, under gone_lock, as
 * vfio-pci maps a BAR since Linux 5.8. Not at mmap time: f_op->mmap runs
 * before mmap_region() links the VMA into the file's i_mmap (6.1
 * mm/mmap.c), so an unbind in between would zap nothing and leave the
 * new VMA with live PTEs to a block whose driver is gone. Here a fault
 * that sees the device bound inserts its PTE before unbind can set @gone
 * and zap, and one that sees it gone answers SIGBUS. With
 * f_op->mmap_prepare the kernel remaps the block once the VMA is linked,
 * and vm_ops->mapped fails the mapping of an unbound device.
 */
static vm_fault_t mmiodemo_regs_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mmiodemo *md = mmiodemo_vma_md(vma);
	const struct mmiodemo_region_desc *r =
		&md->regions[MMIODEMO_REGION_REGS];
	u64 off = (u64)vmf->pgoff << PAGE_SHIFT;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	/* A trylock, as the buffer's faults: see mmiodemo_dma_fault_enter(). */
	if (!down_read_trylock(&md->gone_lock))
		return VM_FAULT_SIGBUS;
	if (!md->gone)
		ret = vmf_insert_pfn(vma, vmf->address,
				     mmiodemo_regs_pfn(r, off));
	up_read(&md->gone_lock);
	return ret;
}
#endif

static const struct vm_operations_struct mmiodemo_regs_vm_ops = {
#ifdef MMIODEMO_HAVE_MMAP_PREPARE
	.mapped = mmiodemo_vm_mapped,
#else
	.fault = mmiodemo_regs_fault,
#endif
	.open = mmiodemo_vm_open,
	.close = mmiodemo_vm_close,
	.access = mmiodemo_regs_access,
};

#ifdef MMIODEMO_HAVE_MMAP_PREPARE
/* Describes the mapping; the kernel remaps the PFNs once the VMA exists. */
void mmiodemo_mmio_mmap_prepare(struct vm_area_desc *desc,
				const struct mmiodemo_region_desc *r, u64 off)
{
	desc->vm_ops = &mmiodemo_regs_vm_ops;
	desc->page_prot = pgprot_device(desc->page_prot);
	/* io_remap_pfn_range() of the whole VMA, with desc->page_prot. */
	mmap_action_ioremap_full(desc, mmiodemo_regs_pfn(r, off));
}
#else
/*
 * Nothing is mapped yet (mmiodemo_regs_fault() says why): the VMA gets
 * the flags io_remap_pfn_range() would give it, and the device's memory
 * type, which its faults map with.
 */
void mmiodemo_mmio_mmap(struct vm_area_struct *vma)
{
	vma->vm_ops = &mmiodemo_regs_vm_ops;
	vma->vm_page_prot = pgprot_device(vma->vm_page_prot);
	mmiodemo_vm_flags_set(vma,
			      VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
}
#endif

/* debugfs "regs": the kernel's own view of every readable register. */
void mmiodemo_mmio_debugfs_init(struct mmiodemo *md)
{
	struct debugfs_reg32 *regs;
	unsigned int i, n = 0;

	regs = devm_kcalloc(md->dev, ARRAY_SIZE(mmiodemo_registers),
			    sizeof(*regs), GFP_KERNEL);
	if (!regs)
		return;

	for (i = 0; i < ARRAY_SIZE(mmiodemo_registers); i++) {
		/* Reading a write-only register is an error to the block. */
		if (mmiodemo_registers[i].access & PL061_ACC_R)
			regs[n++] = mmiodemo_registers[i].reg;
	}

	md->regset.regs = regs;
	md->regset.nregs = n;
	md->regset.base = md->base;
	debugfs_create_regset32("regs", 0400, md->debugfs, &md->regset);
}
