// SPDX-License-Identifier: GPL-2.0-only
/*
 * What keeps a struct mmiodemo alive, and how unbinding revokes it.
 *
 * struct mmiodemo is referenced by the bound device, by each open file and
 * by each VMA (its vm_private_data), and freed with the last of them.
 * Every user mapping, whichever device node or offset it was made through,
 * is in the address_space of md->inode (files open for writing) or of
 * md->ro_inode (files open read-only), inodes of a small pseudo
 * filesystem: unbinding sets @gone and zaps both, and from then on faults
 * answer SIGBUS and file operations ENODEV. The DMA buffer's takes walk
 * and unmap ranges of the first (mmiodemo-dma.c), whose mappings are all
 * shared and may be written. Whatever uses
 * the hardware or the DMA buffer does so between mmiodemo_enter() and
 * mmiodemo_exit() (mmiodemo-priv.h).
 */

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pseudo_fs.h>
#include <linux/slab.h>

#include "mmiodemo-priv.h"

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
		if (md->ro_inode)
			iput(md->ro_inode);
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

/* The inodes whose address_spaces the user mappings of the device join. */
int mmiodemo_inode_init(struct mmiodemo *md)
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
	/* Freed with md->inode (mmiodemo_free()) if this fails. */
	md->ro_inode = alloc_anon_inode(mmiodemo_mnt->mnt_sb);
	if (IS_ERR(md->ro_inode)) {
		ret = PTR_ERR(md->ro_inode);
		md->ro_inode = NULL;
		return ret;
	}
	return 0;
}

/*
 * At unbind: waits for every user of the device to leave, marks it gone,
 * and zaps every user mapping. Faults from now on answer SIGBUS.
 */
void mmiodemo_revoke_mappings(struct mmiodemo *md)
{
	down_write(&md->gone_lock);
	md->gone = true;
	up_write(&md->gone_lock);

	unmap_mapping_range(md->inode->i_mapping, 0, 0, 1);
	unmap_mapping_range(md->ro_inode->i_mapping, 0, 0, 1);
}

/* A VMA that now maps the device holds it. */
void mmiodemo_vma_hold(struct mmiodemo *md, struct vm_area_struct *vma)
{
	mmiodemo_get(md);
	vma->vm_private_data = md;
}

/* A new VMA copied from one of ours, on fork, split and mremap. */
void mmiodemo_vm_open(struct vm_area_struct *vma)
{
	mmiodemo_get(mmiodemo_vma_md(vma));
}

void mmiodemo_vm_close(struct vm_area_struct *vma)
{
	/* A VMA whose vm_ops->mapped() failed: it never held the device. */
	if (vma->vm_private_data)
		mmiodemo_put(mmiodemo_vma_md(vma));
}

/*
 * Says once per region of each device, on the console, which hook made
 * its first mapping (Documentation/mmiodemo.rst, "Which mmap hook").
 */
void mmiodemo_hook_ran(struct mmiodemo *md,
		       const struct mmiodemo_region_desc *r, const char *hook)
{
	if (r && !test_and_set_bit(r - md->regions, &md->hook_said))
		dev_info(md->dev, "%s mapped through %s\n", r->name, hook);
}

/*
 * vm_ops->mapped, on kernels with f_op->mmap_prepare: the VMA now exists,
 * mapped as described (mmap_lock held for writing), and holds the device,
 * as f_op->mmap makes it do on older kernels. Unbound meanwhile, the
 * device fails the mapping, and the kernel unmaps it again.
 */
int mmiodemo_vm_mapped(unsigned long start, unsigned long end, pgoff_t pgoff,
		       const struct file *file, void **vm_private_data)
{
	struct mmiodemo *md = mmiodemo_file_md(file);

	if (!mmiodemo_enter(md))
		return -ENODEV;
	mmiodemo_get(md);
	mmiodemo_hook_ran(md,
			  mmiodemo_find_region(md->regions, md->nr_regions,
					       (u64)pgoff << PAGE_SHIFT),
			  "f_op->mmap_prepare and vm_ops->mapped");
	mmiodemo_exit(md);
	*vm_private_data = md;
	return 0;
}
