// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mapping audit: debugfs "maps" lists every live user mapping of the
 * device and, for each of its pages, what the user page tables say: is a
 * PTE there, which memory type its AttrIndx selects, is it writable. Under
 * QEMU a wrong memory type cannot be seen by a program; here it is read.
 *
 * The device keeps a list of its VMAs (md->vmas; vm_ops open and close
 * maintain it, under mmap_lock). The audit copies the list's address
 * spaces under its lock, then for each takes mmap_lock for reading, as
 * /proc/PID/maps does, finds the VMA again, and walks the page tables.
 */

#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "mmiodemo-priv.h"

static const char *mmiodemo_memtype_name(u64 desc)
{
	switch ((desc & PTE_ATTRINDX_MASK) >> 2) {
	case MT_NORMAL:
		return "Normal";
	case MT_NORMAL_TAGGED:
		return "Normal-Tagged";
	case MT_NORMAL_NC:
		return "Normal-NC";
	case MT_DEVICE_nGnRnE:
		return "Device-nGnRnE";
	case MT_DEVICE_nGnRE:
		return "Device-nGnRE";
	default:
		return "unknown";
	}
}

/* The valid leaf descriptor mapping @addr in @mm (mmap_lock held), or 0. */
static u64 mmiodemo_leaf(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = pgd_offset(mm, addr);
	pud_t *pud, pudv;
	pmd_t *pmd, pmdv;
	p4d_t *p4d;
	pte_t pte;

	if (pgd_none(READ_ONCE(*pgd)) || pgd_bad(READ_ONCE(*pgd)))
		return 0;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(READ_ONCE(*p4d)) || p4d_bad(READ_ONCE(*p4d)))
		return 0;
	pud = pud_offset(p4d, addr);
	pudv = READ_ONCE(*pud);
	if (pud_none(pudv))
		return 0;
	if (pud_leaf(pudv))
		return pud_val(pudv);
	pmd = pmd_offset(pud, addr);
	pmdv = READ_ONCE(*pmd);
	if (pmd_none(pmdv))
		return 0;
	if (pmd_leaf(pmdv))
		return pmd_val(pmdv);
	if (pmd_bad(pmdv))
		return 0;
	pte = READ_ONCE(*pte_offset_kernel(pmd, addr));
	return pte_present(pte) ? pte_val(pte) : 0;
}

/* The process whose address space is @mm, as of now; 0 if none. */
static pid_t mmiodemo_mm_pid(struct mm_struct *mm, char *comm)
{
	struct task_struct *p;
	pid_t pid = 0;

	rcu_read_lock();
	for_each_process(p) {
		if (READ_ONCE(p->mm) == mm) {
			pid = task_tgid_nr(p);
			strscpy_pad(comm, p->comm, TASK_COMM_LEN);
			break;
		}
	}
	rcu_read_unlock();
	return pid;
}

static void mmiodemo_audit_vma(struct seq_file *s, struct mmiodemo *md,
			       struct vm_area_struct *vma)
{
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT, desc;
	const struct mmiodemo_region_desc *r;
	char comm[TASK_COMM_LEN] = "?";
	unsigned long addr, page;
	const char *track;
	bool dma, wr;
	pid_t pid;

	r = mmiodemo_find_region(md->regions, md->nr_regions, off);
	if (!r)
		return;
	dma = r == &md->regions[MMIODEMO_REGION_DMA];
	pid = mmiodemo_mm_pid(vma->vm_mm, comm);
	seq_printf(s, "vma %#lx-%#lx pid %d comm %s region %s ", vma->vm_start,
		   vma->vm_end, pid, comm, r->name);
	seq_printf(s, "offset %#llx prot %c%c\n", off - r->offset,
		   vma->vm_flags & VM_READ ? 'r' : '-',
		   vma->vm_flags & VM_WRITE ? 'w' : '-');

	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		page = (off - r->offset + (addr - vma->vm_start)) >> PAGE_SHIFT;
		desc = mmiodemo_leaf(vma->vm_mm, addr);
		if (!desc) {
			seq_printf(s, "  page %lu %#lx absent\n", page, addr);
			continue;
		}
		wr = pte_write(__pte(desc));
		/* A mapping that can never be written has nothing to track. */
		track = "";
		if (dma && (vma->vm_flags & VM_MAYWRITE))
			track = wr ? " written" : " armed";
		seq_printf(s, "  page %lu %#lx present %s %s%s\n", page, addr,
			   mmiodemo_memtype_name(desc),
			   wr ? "writable" : "read-only", track);
	}
}

struct mmiodemo_audit_entry {
	struct mm_struct *mm;
	unsigned long start;
};

static int mmiodemo_audit_show(struct seq_file *s, void *unused)
{
	struct mmiodemo *md = s->private;
	struct mmiodemo_audit_entry *e;
	struct vm_area_struct *vma;
	struct mmiodemo_vma *mv;
	size_t n = 0, i;
	u64 ioremap_type;

	/* The kernel's own mappings: ioremap() and the linear map. */
	ioremap_type = pgprot_val(pgprot_device(PAGE_KERNEL));
	seq_printf(s, "kernel region regs %s\n",
		   mmiodemo_memtype_name(ioremap_type));
	seq_printf(s, "kernel region dma %s\n",
		   mmiodemo_memtype_name(pgprot_val(PAGE_KERNEL)));

	mutex_lock(&md->vmas_lock);
	list_for_each_entry(mv, &md->vmas, node)
		n++;
	e = kcalloc(n, sizeof(*e), GFP_KERNEL);
	n = 0;
	if (e) {
		list_for_each_entry(mv, &md->vmas, node) {
			if (!mmget_not_zero(mv->vma->vm_mm))
				continue;
			e[n].mm = mv->vma->vm_mm;
			e[n++].start = mv->vma->vm_start;
		}
	}
	mutex_unlock(&md->vmas_lock);
	if (!e)
		return -ENOMEM;

	for (i = 0; i < n; i++) {
		mmap_read_lock(e[i].mm);
		vma = find_vma(e[i].mm, e[i].start);
		if (vma && vma->vm_start == e[i].start &&
		    mmiodemo_vma_is_ours(vma) && mmiodemo_vma_md(vma) == md)
			mmiodemo_audit_vma(s, md, vma);
		mmap_read_unlock(e[i].mm);
		mmput(e[i].mm);
	}
	kfree(e);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mmiodemo_audit);

void mmiodemo_audit_debugfs_init(struct mmiodemo *md)
{
	debugfs_create_file("maps", 0400, md->debugfs, md,
			    &mmiodemo_audit_fops);
}
