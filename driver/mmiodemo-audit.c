// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mapping audit, mmiodemo-audit.ko: a module of its own, shipped and
 * installed beside the driver and loaded on demand (modprobe
 * mmiodemo-audit). Its debugfs file "mmiodemo-audit/maps" lists every user
 * mapping of an mmiodemo device and, for each of its pages, what the
 * process's page tables say: is a PTE there, which memory type its
 * AttrIndx selects, is it writable. Under QEMU a wrong memory type cannot
 * be seen by a program; here it is read. "mmiodemo-audit/pid" restricts
 * the walk to one process (0, the default: every process). Its reader is
 * "mmiodemo maps", built from the same source: the file's format, like
 * all of debugfs, is no ABI.
 *
 * It knows the driver only from outside: a mapping of the device is one
 * whose file's mapping belongs to the driver's pseudo filesystem
 * "mmiodemo" (every mapping of the device joins one of the device's two
 * address_spaces there, files opened for writing one, read-only files the
 * other, for revocation). Offsets are those of the device's mmap space;
 * userspace tells regions apart with MMIODEMO_IOC_INFO. Output, one line each:
 *
 *   kernel ioremap TYPE             the type ioremap() gives MMIO
 *   kernel linear-map TYPE          the type of the kernel's own RAM map
 *   vma START-END pid PID comm COMM dev NAME offset OFF prot PP
 *     page N ADDR absent
 *     page N ADDR present TYPE writable|read-only [armed|written]
 *
 * N is the page's number in the mmap space. A page of a page-backed (not
 * PFN) mapping that may become writable is "armed" while its entry is
 * clean (read-only: its next write faults to page_mkwrite; writable: the
 * CPU sets the dirty bit as it writes, which the driver's next take finds)
 * and "written" once dirty.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/pgtable.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

static u32 audit_pid;
static struct dentry *audit_dir;

static const char *audit_memtype_name(u64 desc)
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
static u64 audit_leaf(struct mm_struct *mm, unsigned long addr)
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

/* Is @vma a mapping of an mmiodemo device? */
static bool audit_vma_is_mmiodemo(struct vm_area_struct *vma)
{
	struct address_space *mapping;

	if (!vma->vm_file)
		return false;
	mapping = vma->vm_file->f_mapping;
	return mapping && mapping->host &&
	       !strcmp(mapping->host->i_sb->s_type->name, "mmiodemo");
}

static void audit_vma(struct seq_file *s, struct vm_area_struct *vma, pid_t pid,
		      const char *comm)
{
	bool pages = !(vma->vm_flags & (VM_PFNMAP | VM_IO));
	unsigned long addr, nr;
	const char *track;
	bool wr;
	u64 desc;

	seq_printf(s, "vma %#lx-%#lx pid %d comm %s dev %pD offset %#llx ",
		   vma->vm_start, vma->vm_end, pid, comm, vma->vm_file,
		   (u64)vma->vm_pgoff << PAGE_SHIFT);
	seq_printf(s, "prot %c%c\n", vma->vm_flags & VM_READ ? 'r' : '-',
		   vma->vm_flags & VM_WRITE ? 'w' : '-');

	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		nr = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
		desc = audit_leaf(vma->vm_mm, addr);
		if (!desc) {
			seq_printf(s, "  page %lu %#lx absent\n", nr, addr);
			continue;
		}
		wr = pte_write(__pte(desc));
		/* A mapping that can never be written has nothing to track. */
		track = "";
		if (pages && (vma->vm_flags & VM_MAYWRITE))
			track = pte_dirty(__pte(desc)) ? " written" : " armed";
		seq_printf(s, "  page %lu %#lx present %s %s%s\n", nr, addr,
			   audit_memtype_name(desc),
			   wr ? "writable" : "read-only", track);
	}
}

struct audit_mm {
	struct mm_struct *mm;
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

/* Up to @max address spaces of processes (one: @pid's if not 0), held. */
static size_t audit_collect(struct audit_mm *e, size_t max, pid_t pid)
{
	struct task_struct *p;
	struct mm_struct *mm;
	size_t n = 0, i;

	rcu_read_lock();
	for_each_process(p) {
		if (n == max)
			break;
		if (pid && task_tgid_nr(p) != pid)
			continue;
		mm = get_task_mm(p);
		if (!mm)
			continue;
		/* Processes that share one address space: listed once. */
		for (i = 0; i < n && e[i].mm != mm; i++)
			;
		if (i < n) {
			mmput_async(mm);
			continue;
		}
		e[n].mm = mm;
		e[n].pid = task_tgid_nr(p);
		get_task_comm(e[n].comm, p);
		n++;
	}
	rcu_read_unlock();
	return n;
}

static int audit_maps_show(struct seq_file *s, void *unused)
{
	struct vm_area_struct *vma;
	struct task_struct *p;
	struct audit_mm *e;
	size_t n, i, max;

	seq_printf(s, "kernel ioremap %s\n",
		   audit_memtype_name(pgprot_val(pgprot_device(PAGE_KERNEL))));
	seq_printf(s, "kernel linear-map %s\n",
		   audit_memtype_name(pgprot_val(PAGE_KERNEL)));

	max = 64;
	rcu_read_lock();
	for_each_process(p)
		max++;
	rcu_read_unlock();
	e = kvcalloc(max, sizeof(*e), GFP_KERNEL);
	if (!e)
		return -ENOMEM;
	n = audit_collect(e, max, READ_ONCE(audit_pid));

	for (i = 0; i < n; i++) {
		VMA_ITERATOR(vmi, e[i].mm, 0);

		mmap_read_lock(e[i].mm);
		while ((vma = vma_next(&vmi)))
			if (audit_vma_is_mmiodemo(vma))
				audit_vma(s, vma, e[i].pid, e[i].comm);
		mmap_read_unlock(e[i].mm);
		mmput(e[i].mm);
	}
	kvfree(e);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(audit_maps);

static int __init audit_init(void)
{
	audit_dir = debugfs_create_dir("mmiodemo-audit", NULL);
	debugfs_create_file("maps", 0400, audit_dir, NULL, &audit_maps_fops);
	debugfs_create_u32("pid", 0600, audit_dir, &audit_pid);
	return 0;
}
module_init(audit_init);

static void __exit audit_exit(void)
{
	debugfs_remove_recursive(audit_dir);
}
module_exit(audit_exit);

MODULE_DESCRIPTION("mmiodemo audit: the page tables of its user mappings");
MODULE_LICENSE("GPL");
