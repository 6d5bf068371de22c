// SPDX-License-Identifier: GPL-2.0-only
/*
 * The register benchmark's kernel side, a test module (tests/bench/
 * reg_bench.c reads it). It finds the block of the device the mmiodemo
 * driver is bound to, as the device tree describes it, and offers:
 *
 *   a UIO device "mmiodemo-bench", one UIO_MEM_PHYS region: that block,
 *   mapped by the UIO core's own uio_mmap_physical() (Debian's kernels
 *   have CONFIG_UIO=m but no uio_pdrv_genirq to do it from the tree);
 *
 *   debugfs "mmiodemo-bench/": "block" reads "ADDR SIZE" of the block;
 *   "loops" sets how many accesses one timing makes; reading "readl",
 *   "writel", "readl_relaxed" or "writel_relaxed" ioremaps the block,
 *   makes that many 32-bit accesses of DIR and reads "LOOPS NS". A write
 *   writes back the value DIR had.
 *
 *     # echo 100000 >/sys/kernel/debug/mmiodemo-bench/loops
 *     # cat /sys/kernel/debug/mmiodemo-bench/readl
 *     100000 21034552
 *
 * Nothing touches a register before such a read. The block is neither
 * requested nor claimed: mmiodemo owns it. UIO is looked up when the
 * module loads, not linked: where uio.ko is not loaded (UIO absent, or its
 * module not at hand) the module loads all the same, without the UIO
 * device.
 */

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <linux/uio_driver.h>

#include "mmiodemo-regs.h"

/* The platform driver whose device's block is benchmarked. */
#define BENCH_DRIVER "mmiodemo"
/* Accesses per timing at most: a timing stays well under a second. */
#define BENCH_MAX_LOOPS 10000000

enum bench_op {
	BENCH_READL,
	BENCH_WRITEL,
	BENCH_READL_RELAXED,
	BENCH_WRITEL_RELAXED,
};

static const char *const bench_op_names[] = {
	[BENCH_READL] = "readl",
	[BENCH_WRITEL] = "writel",
	[BENCH_READL_RELAXED] = "readl_relaxed",
	[BENCH_WRITEL_RELAXED] = "writel_relaxed",
};

static struct resource bench_block;
static u32 bench_loops = 1000;
static struct dentry *bench_dir;

/* The UIO device, and the UIO core's entry points while it exists. */
static struct device *bench_parent;
static struct uio_info bench_uio = {
	.name = "mmiodemo-bench",
	.version = "1",
	.irq = UIO_IRQ_NONE,
};

static int (*bench_uio_register)(struct module *owner, struct device *parent,
				 struct uio_info *info);
static void (*bench_uio_unregister)(struct uio_info *info);

/* The register block of the device BENCH_DRIVER is bound to, from its tree. */
static int bench_find_block(struct resource *block)
{
	struct device_driver *drv;
	struct device *dev = NULL;
	struct resource *res;
	int ret = 0;

	drv = driver_find(BENCH_DRIVER, &platform_bus_type);
	if (drv)
		dev = driver_find_device(drv, NULL, NULL, device_match_any);
	if (!dev)
		return -ENODEV;
	res = platform_get_resource(to_platform_device(dev), IORESOURCE_MEM, 0);
	if (res)
		*block = *res;
	else
		ret = -ENODEV;
	put_device(dev);
	return ret;
}

static u64 bench_time(void __iomem *reg, enum bench_op op, u32 loops)
{
	u32 val = readl(reg);
	u64 t;
	u32 i;

	t = ktime_get_ns();
	switch (op) {
	case BENCH_READL:
		for (i = 0; i < loops; i++)
			readl(reg);
		break;
	case BENCH_WRITEL:
		for (i = 0; i < loops; i++)
			writel(val, reg);
		break;
	case BENCH_READL_RELAXED:
		for (i = 0; i < loops; i++)
			readl_relaxed(reg);
		break;
	case BENCH_WRITEL_RELAXED:
		for (i = 0; i < loops; i++)
			writel_relaxed(val, reg);
		break;
	}
	t = ktime_get_ns() - t;
	writel(val, reg);
	return t;
}

static int bench_show(struct seq_file *s, void *unused)
{
	enum bench_op op = (uintptr_t)s->private;
	u32 loops = clamp_t(u32, READ_ONCE(bench_loops), 1, BENCH_MAX_LOOPS);
	void __iomem *base;
	u64 ns;

	if (!bench_block.start)
		return -ENODEV;
	base = ioremap(bench_block.start, resource_size(&bench_block));
	if (!base)
		return -ENOMEM;
	ns = bench_time(base + PL061_DIR, op, loops);
	iounmap(base);
	seq_printf(s, "%u %llu\n", loops, ns);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bench);

static int bench_block_show(struct seq_file *s, void *unused)
{
	if (!bench_block.start)
		return -ENODEV;
	seq_printf(s, "%pa %#llx\n", &bench_block.start,
		   (u64)resource_size(&bench_block));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bench_block);

/* The UIO device of the block, if the kernel has UIO and uio.ko is loaded. */
static void bench_uio_add(void)
{
	struct uio_mem *mem = &bench_uio.mem[0];
	int ret;

	if (!IS_ENABLED(CONFIG_UIO) || !bench_block.start)
		return;
	bench_uio_register = symbol_get(__uio_register_device);
	bench_uio_unregister = symbol_get(uio_unregister_device);
	if (!bench_uio_register || !bench_uio_unregister) {
		pr_info("mmiodemo-bench: no UIO core loaded: no UIO device\n");
		goto put;
	}
	bench_parent = root_device_register("mmiodemo-bench");
	if (IS_ERR(bench_parent)) {
		bench_parent = NULL;
		goto put;
	}
	mem->name = "regs";
	mem->memtype = UIO_MEM_PHYS;
	mem->addr = bench_block.start;
	mem->size = resource_size(&bench_block);
	ret = bench_uio_register(THIS_MODULE, bench_parent, &bench_uio);
	if (!ret)
		return;
	pr_warn("mmiodemo-bench: UIO device not registered: %d\n", ret);
	root_device_unregister(bench_parent);
	bench_parent = NULL;
put:
	if (bench_uio_register)
		symbol_put(__uio_register_device);
	if (bench_uio_unregister)
		symbol_put(uio_unregister_device);
	bench_uio_register = NULL;
	bench_uio_unregister = NULL;
}

static void bench_uio_remove(void)
{
	if (!bench_parent)
		return;
	bench_uio_unregister(&bench_uio);
	root_device_unregister(bench_parent);
	symbol_put(__uio_register_device);
	symbol_put(uio_unregister_device);
}

static int __init bench_init(void)
{
	int op;

	if (bench_find_block(&bench_block))
		pr_info("mmiodemo-bench: no %s device\n", BENCH_DRIVER);
	bench_uio_add();

	bench_dir = debugfs_create_dir("mmiodemo-bench", NULL);
	debugfs_create_file("block", 0400, bench_dir, NULL, &bench_block_fops);
	debugfs_create_u32("loops", 0600, bench_dir, &bench_loops);
	for (op = 0; op < ARRAY_SIZE(bench_op_names); op++)
		debugfs_create_file(bench_op_names[op], 0400, bench_dir,
				    (void *)(uintptr_t)op, &bench_fops);
	return 0;
}
module_init(bench_init);

static void __exit bench_exit(void)
{
	debugfs_remove_recursive(bench_dir);
	bench_uio_remove();
}
module_exit(bench_exit);

MODULE_DESCRIPTION("mmiodemo test module: register timings, a UIO device");
MODULE_LICENSE("GPL");
