// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo-gpioirq, a test module: a kernel consumer of mmiodemo's GPIO
 * interrupts, as a driver is one: gpiod_get_index() of a line of the
 * gpiochip labelled "mmiodemo" (through a lookup table: line N is index
 * N of its own platform device "mmiodemo-gpioirq"), gpiod_to_irq(), then
 * request_irq() with a trigger type. tests/guest/gpioirq_test.c drives it.
 *
 * Idle when loaded (the harness loads every test module at boot): it holds
 * a line only between two writes to its debugfs file
 * "mmiodemo-gpioirq/line":
 *
 *   N TYPE     request line N (0-7) with TYPE: rising, falling, both, high
 *              or low (EBUSY while one is held)
 *   type TYPE  irq_set_irq_type() of the held line's interrupt
 *   disable    disable_irq() of it
 *   enable     enable_irq() of it
 *   release    free_irq(), then the line is let go
 *
 * Reading it gives one line, "LINE IRQ COUNT" ("-1 0 0" when none is
 * held): COUNT counts the handler's calls since the request. The handler
 * of a level disables its interrupt (disable_irq_nosync()), as a
 * consumer of a level it cannot clear must: "enable" asks for the next.
 */

#include <linux/debugfs.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/machine.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define GPIOIRQ_NAME "mmiodemo-gpioirq"
#define GPIOIRQ_LINES 8

/* clang-format off */
static struct gpiod_lookup_table gpioirq_lookup = {
	.dev_id = GPIOIRQ_NAME,
	.table = {
		GPIO_LOOKUP_IDX("mmiodemo", 0, NULL, 0, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX("mmiodemo", 1, NULL, 1, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX("mmiodemo", 2, NULL, 2, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX("mmiodemo", 3, NULL, 3, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX("mmiodemo", 4, NULL, 4, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX("mmiodemo", 5, NULL, 5, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX("mmiodemo", 6, NULL, 6, GPIO_ACTIVE_HIGH),
		GPIO_LOOKUP_IDX("mmiodemo", 7, NULL, 7, GPIO_ACTIVE_HIGH),
		{}
	},
};

/* clang-format on */

static const struct {
	const char *name;
	unsigned int type;
} gpioirq_types[] = {
	{ "rising", IRQ_TYPE_EDGE_RISING },
	{ "falling", IRQ_TYPE_EDGE_FALLING },
	{ "both", IRQ_TYPE_EDGE_BOTH },
	{ "high", IRQ_TYPE_LEVEL_HIGH },
	{ "low", IRQ_TYPE_LEVEL_LOW },
};

static struct platform_device *gpioirq_pdev;
static struct dentry *gpioirq_dir;
static DEFINE_MUTEX(gpioirq_lock); /* the held line */
static struct gpio_desc *gpioirq_desc;
static int gpioirq_line = -1;
static int gpioirq_irq;
static atomic_t gpioirq_count;

static irqreturn_t gpioirq_handler(int irq, void *data)
{
	atomic_inc(&gpioirq_count);
	if (irqd_is_level_type(irq_get_irq_data(irq)))
		disable_irq_nosync(irq);
	return IRQ_HANDLED;
}

static int gpioirq_type(const char *name, unsigned int *type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gpioirq_types); i++) {
		if (!strcmp(name, gpioirq_types[i].name)) {
			*type = gpioirq_types[i].type;
			return 0;
		}
	}
	return -EINVAL;
}

static int gpioirq_request(unsigned int line, unsigned int type)
{
	struct gpio_desc *desc;
	int irq, ret;

	if (gpioirq_desc)
		return -EBUSY;
	desc = gpiod_get_index(&gpioirq_pdev->dev, NULL, line, GPIOD_IN);
	if (IS_ERR(desc))
		return PTR_ERR(desc);
	irq = gpiod_to_irq(desc);
	if (irq < 0) {
		gpiod_put(desc);
		return irq;
	}
	atomic_set(&gpioirq_count, 0);
	ret = request_irq(irq, gpioirq_handler, type, GPIOIRQ_NAME, NULL);
	if (ret) {
		gpiod_put(desc);
		return ret;
	}
	gpioirq_desc = desc;
	gpioirq_line = line;
	gpioirq_irq = irq;
	return 0;
}

static void gpioirq_release(void)
{
	if (!gpioirq_desc)
		return;
	free_irq(gpioirq_irq, NULL);
	gpiod_put(gpioirq_desc);
	gpioirq_desc = NULL;
	gpioirq_line = -1;
	gpioirq_irq = 0;
}

static int gpioirq_command(char *cmd)
{
	unsigned int line, type;
	char *arg;

	arg = strchr(cmd, ' ');
	if (arg)
		*arg++ = '\0';
	if (!strcmp(cmd, "release") && !arg) {
		gpioirq_release();
		return 0;
	}
	if (!strcmp(cmd, "type") && arg) {
		if (!gpioirq_desc)
			return -ENOENT;
		if (gpioirq_type(arg, &type))
			return -EINVAL;
		return irq_set_irq_type(gpioirq_irq, type);
	}
	if (!strcmp(cmd, "disable") && !arg && gpioirq_desc) {
		disable_irq(gpioirq_irq);
		return 0;
	}
	if (!strcmp(cmd, "enable") && !arg && gpioirq_desc) {
		enable_irq(gpioirq_irq);
		return 0;
	}
	if (kstrtouint(cmd, 10, &line) || line >= GPIOIRQ_LINES || !arg ||
	    gpioirq_type(arg, &type))
		return -EINVAL;
	return gpioirq_request(line, type);
}

static ssize_t gpioirq_write(struct file *file, const char __user *ubuf,
			     size_t len, loff_t *ppos)
{
	char buf[32];
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	strim(buf);

	mutex_lock(&gpioirq_lock);
	ret = gpioirq_command(buf);
	mutex_unlock(&gpioirq_lock);
	return ret ? ret : len;
}

static int gpioirq_show(struct seq_file *m, void *v)
{
	mutex_lock(&gpioirq_lock);
	seq_printf(m, "%d %d %d\n", gpioirq_line, gpioirq_irq,
		   atomic_read(&gpioirq_count));
	mutex_unlock(&gpioirq_lock);
	return 0;
}

static int gpioirq_open(struct inode *inode, struct file *file)
{
	return single_open(file, gpioirq_show, NULL);
}

static const struct file_operations gpioirq_fops = {
	.owner = THIS_MODULE,
	.open = gpioirq_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = gpioirq_write,
};

static int __init gpioirq_init(void)
{
	gpioirq_pdev =
		platform_device_register_simple(GPIOIRQ_NAME, -1, NULL, 0);
	if (IS_ERR(gpioirq_pdev))
		return PTR_ERR(gpioirq_pdev);
	gpiod_add_lookup_table(&gpioirq_lookup);
	gpioirq_dir = debugfs_create_dir(GPIOIRQ_NAME, NULL);
	debugfs_create_file("line", 0600, gpioirq_dir, NULL, &gpioirq_fops);
	return 0;
}

static void __exit gpioirq_exit(void)
{
	debugfs_remove_recursive(gpioirq_dir);
	mutex_lock(&gpioirq_lock);
	gpioirq_release();
	mutex_unlock(&gpioirq_lock);
	gpiod_remove_lookup_table(&gpioirq_lookup);
	platform_device_unregister(gpioirq_pdev);
}

module_init(gpioirq_init);
module_exit(gpioirq_exit);
MODULE_DESCRIPTION("A kernel consumer of mmiodemo's GPIO interrupts, for tests");
MODULE_LICENSE("GPL");
