// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo-widen, a test module: widens the race windows of the driver
 * that tests/guest/race_test.c aims at, which are microseconds wide
 * otherwise. A kretprobe on a driver function busy-waits in its return
 * handler, after the function has returned and before the kernel takes
 * its next step:
 *
 *   mmap   mmiodemo_mmap (f_op->mmap) or, on kernels without it,
 *          mmiodemo_mmap_prepare (f_op->mmap_prepare): the kernel links
 *          the new VMA into the file's address_space only after the hook
 *          returns, so an unbind's zap meanwhile does not see the VMA.
 *   fault  mmiodemo_dma_fault (the DMA buffer's .fault): the kernel
 *          installs its PTE only after .fault returns.
 *
 * Idle when loaded (the harness loads every test module at boot): a probe
 * is registered only while its debugfs file "mmiodemo-widen/NAME" holds a
 * delay. Writing a number of microseconds (1 to 100000) arms it, 0 disarms
 * it; reading it gives one line:
 *
 *   SYMBOL DELAY_US HITS MISSED
 *
 * SYMBOL is the function probed ("-" while disarmed), HITS the returns
 * that were delayed (successful ones only: an mmap hook that returned 0,
 * a .fault that returned no VM_FAULT_ERROR bit), MISSED the
 * kretprobe's nmissed. Without kretprobes in the kernel (CONFIG_KRETPROBES),
 * arming fails with EOPNOTSUPP. The handlers run atomic, and so
 * busy-wait (mdelay(), udelay()).
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/limits.h>
#include <linux/mm_types.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/ptrace.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#define WIDEN_MAX_US 100000

/*
 * @name: the debugfs file; @symbols: tried in this order; @fail: the bits
 * of a return value (32 bits: an int or a vm_fault_t) that say the call
 * failed; @delay_us: 0 while disarmed (not registered); @symbol: the one
 * registered, or NULL.
 */
struct widen_probe {
	const char *name;
	const char *const *symbols;
	u32 fail;
	unsigned int delay_us;
	atomic_long_t hits;
	const char *symbol;
#if IS_ENABLED(CONFIG_KRETPROBES)
	struct kretprobe krp;
#endif
};

/* f_op->mmap, or f_op->mmap_prepare where the driver has no ->mmap (7.x). */
static const char *const widen_mmap_symbols[] = { "mmiodemo_mmap",
						  "mmiodemo_mmap_prepare",
						  NULL };

static const char *const widen_fault_symbols[] = { "mmiodemo_dma_fault", NULL };

static struct widen_probe widen_probes[] = {
	{ .name = "mmap", .symbols = widen_mmap_symbols, .fail = U32_MAX },
	{ .name = "fault",
	  .symbols = widen_fault_symbols,
	  .fail = (__force u32)VM_FAULT_ERROR },
};

static DEFINE_MUTEX(widen_lock);
static struct dentry *widen_dir;

#if IS_ENABLED(CONFIG_KRETPROBES)
static int widen_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct widen_probe *p =
		container_of(get_kretprobe(ri), struct widen_probe, krp);
	unsigned int us = READ_ONCE(p->delay_us);

	/* A failed call has no window behind it. */
	if ((u32)regs_return_value(regs) & p->fail)
		return 0;
	atomic_long_inc(&p->hits);
	mdelay(us / 1000);
	udelay(us % 1000);
	return 0;
}

/* Registers @p on the first of its symbols the kernel knows. */
static int widen_arm(struct widen_probe *p)
{
	const char *const *sym;
	int ret = -ENOENT;

	for (sym = p->symbols; *sym; sym++) {
		memset(&p->krp, 0, sizeof(p->krp));
		p->krp.kp.symbol_name = *sym;
		p->krp.handler = widen_ret;
		/* Every thread of a test may be in the window at once. */
		p->krp.maxactive = 32;
		ret = register_kretprobe(&p->krp);
		if (!ret) {
			p->symbol = *sym;
			return 0;
		}
		if (ret != -ENOENT && ret != -EINVAL)
			break;
	}
	return ret;
}

static void widen_disarm(struct widen_probe *p)
{
	unregister_kretprobe(&p->krp);
	p->symbol = NULL;
}

static int widen_missed(struct widen_probe *p)
{
	return p->symbol ? p->krp.nmissed : 0;
}
#else
static int widen_arm(struct widen_probe *p)
{
	return -EOPNOTSUPP;
}

static void widen_disarm(struct widen_probe *p)
{
}

static int widen_missed(struct widen_probe *p)
{
	return 0;
}
#endif

static int widen_show(struct seq_file *s, void *unused)
{
	struct widen_probe *p = s->private;

	mutex_lock(&widen_lock);
	seq_printf(s, "%s %u %ld %d\n", p->symbol ?: "-", p->delay_us,
		   atomic_long_read(&p->hits), widen_missed(p));
	mutex_unlock(&widen_lock);
	return 0;
}

static int widen_open(struct inode *inode, struct file *file)
{
	return single_open(file, widen_show, inode->i_private);
}

static ssize_t widen_write(struct file *file, const char __user *buf,
			   size_t len, loff_t *ppos)
{
	struct widen_probe *p = file_inode(file)->i_private;
	unsigned int us;
	int ret;

	ret = kstrtouint_from_user(buf, len, 0, &us);
	if (ret)
		return ret;
	if (us > WIDEN_MAX_US)
		return -ERANGE;

	mutex_lock(&widen_lock);
	if (us && !p->delay_us) {
		WRITE_ONCE(p->delay_us, us);
		atomic_long_set(&p->hits, 0);
		ret = widen_arm(p);
		if (ret)
			p->delay_us = 0;
	} else if (!us && p->delay_us) {
		widen_disarm(p);
		p->delay_us = 0;
	} else {
		WRITE_ONCE(p->delay_us, us);
	}
	mutex_unlock(&widen_lock);
	return ret ?: len;
}

static const struct file_operations widen_fops = {
	.owner = THIS_MODULE,
	.open = widen_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = widen_write,
};

static int __init widen_init(void)
{
	unsigned int i;

	widen_dir = debugfs_create_dir("mmiodemo-widen", NULL);
	for (i = 0; i < ARRAY_SIZE(widen_probes); i++)
		debugfs_create_file(widen_probes[i].name, 0600, widen_dir,
				    &widen_probes[i], &widen_fops);
	return 0;
}

static void __exit widen_exit(void)
{
	unsigned int i;

	debugfs_remove_recursive(widen_dir);
	for (i = 0; i < ARRAY_SIZE(widen_probes); i++)
		if (widen_probes[i].delay_us)
			widen_disarm(&widen_probes[i]);
}

module_init(widen_init);
module_exit(widen_exit);
MODULE_DESCRIPTION("Widens mmiodemo's race windows for tests (kretprobes)");
MODULE_LICENSE("GPL");
