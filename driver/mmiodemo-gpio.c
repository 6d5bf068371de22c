// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PL061's eight lines as a gpiochip, backed by the same registers the
 * user mapping exposes, so that libgpiod and the mapping can check each
 * other; and their interrupts as its irqchip, for gpiolib's consumers
 * (gpiomon, gpio-keys, a driver's request_irq() on gpiod_to_irq()).
 *
 * Who owns what: DATA is address-masked, so a value written for one line
 * (by gpiolib here, or by userspace through PL061_DATA(mask)) changes that
 * line only and cannot race with another. DIR has no such mask: gpiolib's
 * changes are read-modify-writes under md->lock, but a write of DIR through
 * the mapping is not seen by that lock, and the last writer wins. gpiolib
 * reads DIR again whenever a line is requested, so a direction set through
 * the mapping shows in gpioinfo after the next request of that line.
 */

#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/gpio/driver.h>
#include <linux/irq.h>

#include "mmiodemo-compat.h"
#include "mmiodemo-priv.h"
#include "mmiodemo-regs.h"

#if !IS_ENABLED(CONFIG_GPIOLIB_IRQCHIP)
#error "mmiodemo needs CONFIG_GPIOLIB_IRQCHIP=y (GPIO_PL061 selects it)"
#endif

static int mmiodemo_gpio_get_direction(struct gpio_chip *gc, unsigned int off)
{
	struct mmiodemo *md = gpiochip_get_data(gc);

	if (mmiodemo_readl(md, PL061_DIR) & BIT(off))
		return GPIO_LINE_DIRECTION_OUT;
	return GPIO_LINE_DIRECTION_IN;
}

static void mmiodemo_gpio_set_dir(struct mmiodemo *md, unsigned int off,
				  bool out)
{
	unsigned long flags;
	u32 dir;

	raw_spin_lock_irqsave(&md->lock, flags);
	dir = mmiodemo_readl(md, PL061_DIR);
	if (out)
		dir |= BIT(off);
	else
		dir &= ~BIT(off);
	mmiodemo_writel(md, PL061_DIR, dir);
	raw_spin_unlock_irqrestore(&md->lock, flags);
}

static int mmiodemo_gpio_direction_input(struct gpio_chip *gc, unsigned int off)
{
	mmiodemo_gpio_set_dir(gpiochip_get_data(gc), off, false);
	return 0;
}

static int mmiodemo_gpio_set(struct gpio_chip *gc, unsigned int off, int value)
{
	struct mmiodemo *md = gpiochip_get_data(gc);

	mmiodemo_writel(md, PL061_DATA(BIT(off)), value ? BIT(off) : 0);
	return 0;
}

#ifndef MMIODEMO_HAVE_GPIO_SET_INT
static void mmiodemo_gpio_set_void(struct gpio_chip *gc, unsigned int off,
				   int value)
{
	mmiodemo_gpio_set(gc, off, value);
}
#endif

static int mmiodemo_gpio_direction_output(struct gpio_chip *gc,
					  unsigned int off, int value)
{
	struct mmiodemo *md = gpiochip_get_data(gc);

	/* The value first, so the line never drives the old one. */
	mmiodemo_gpio_set(gc, off, value);
	mmiodemo_gpio_set_dir(md, off, true);
	/* DATA only latches bits of output lines: write it again. */
	mmiodemo_gpio_set(gc, off, value);
	return 0;
}

static int mmiodemo_gpio_get(struct gpio_chip *gc, unsigned int off)
{
	struct mmiodemo *md = gpiochip_get_data(gc);

	return !!mmiodemo_readl(md, PL061_DATA(BIT(off)));
}

/*
 * The irqchip: gpiolib's "generic chained" kind. The block's one interrupt
 * is the driver's own (mmiodemo-irq.c); its handler hands the lines whose
 * interrupt a gpiolib consumer holds to mmiodemo_gpio_irq(), and keeps the
 * others for /dev/mmiodemo's events. One owner per line: a line is held
 * from the consumer's request_irq() (irq_request_resources) to its
 * free_irq() (irq_release_resources), and while it is held
 * MMIODEMO_IOC_IRQ_UNMASK refuses it (EBUSY) and no event reports it.
 */
static struct mmiodemo *mmiodemo_irqd_md(struct irq_data *d)
{
	return gpiochip_get_data(irq_data_get_irq_chip_data(d));
}

/* Register @reg's bits of @mask become those of @val, under md->lock. */
static void mmiodemo_gpio_put(struct mmiodemo *md, unsigned int reg, u32 mask,
			      u32 val)
{
	u32 old = mmiodemo_readl(md, reg);

	mmiodemo_writel(md, reg, (old & ~mask) | (val & mask));
}

static void mmiodemo_gpio_bit(struct mmiodemo *md, unsigned int reg, u32 bit,
			      bool on)
{
	mmiodemo_gpio_put(md, reg, bit, on ? bit : 0);
}

/*
 * IE of one line. Unmasking a level line clears its latch first: QEMU's
 * PL061 keeps a level's RIS bit set, once asserted, until IC is written
 * (the ack at the interrupt came while the level was still there), where
 * the PL061 itself shows the level as it is now; IC is harmless there.
 * Either way the line then interrupts only if its level is asserted now.
 */
static void mmiodemo_gpio_irq_enable_bit(struct irq_data *d, bool on)
{
	struct mmiodemo *md = mmiodemo_irqd_md(d);
	u32 bit = BIT(irqd_to_hwirq(d));
	unsigned long flags;

	raw_spin_lock_irqsave(&md->lock, flags);
	if (!md->irq_stopped) {
		if (on && (md->irq_is & bit))
			mmiodemo_writel(md, PL061_IC, bit);
		mmiodemo_gpio_bit(md, PL061_IE, bit, on);
	}
	raw_spin_unlock_irqrestore(&md->lock, flags);
}

static void mmiodemo_gpio_irq_mask(struct irq_data *d)
{
	mmiodemo_gpio_irq_enable_bit(d, false);
	gpiochip_disable_irq(irq_data_get_irq_chip_data(d), irqd_to_hwirq(d));
}

static void mmiodemo_gpio_irq_unmask(struct irq_data *d)
{
	gpiochip_enable_irq(irq_data_get_irq_chip_data(d), irqd_to_hwirq(d));
	mmiodemo_gpio_irq_enable_bit(d, true);
}

/* An edge's latch: cleared in IC (a level stays while its source does). */
static void mmiodemo_gpio_irq_ack(struct irq_data *d)
{
	struct mmiodemo *md = mmiodemo_irqd_md(d);

	if (!READ_ONCE(md->irq_stopped))
		mmiodemo_writel(md, PL061_IC, BIT(irqd_to_hwirq(d)));
}

static int mmiodemo_gpio_irq_set_type(struct irq_data *d, unsigned int type)
{
	struct mmiodemo *md = mmiodemo_irqd_md(d);
	u32 bit = BIT(irqd_to_hwirq(d));
	bool is = false, ibe = false, iev = false;
	unsigned long flags;

	switch (type & IRQ_TYPE_SENSE_MASK) {
	case IRQ_TYPE_EDGE_RISING:
		iev = true;
		break;
	case IRQ_TYPE_EDGE_FALLING:
		break;
	case IRQ_TYPE_EDGE_BOTH:
		ibe = true;
		break;
	case IRQ_TYPE_LEVEL_HIGH:
		is = true;
		iev = true;
		break;
	case IRQ_TYPE_LEVEL_LOW:
		is = true;
		break;
	default:
		return -EINVAL;
	}

	raw_spin_lock_irqsave(&md->lock, flags);
	if (md->irq_stopped) {
		raw_spin_unlock_irqrestore(&md->lock, flags);
		return -ENODEV;
	}
	mmiodemo_gpio_bit(md, PL061_IS, bit, is);
	mmiodemo_gpio_bit(md, PL061_IBE, bit, ibe);
	mmiodemo_gpio_bit(md, PL061_IEV, bit, iev);
	md->irq_is = is ? md->irq_is | bit : md->irq_is & ~bit;
	md->irq_ibe = ibe ? md->irq_ibe | bit : md->irq_ibe & ~bit;
	md->irq_iev = iev ? md->irq_iev | bit : md->irq_iev & ~bit;
	md->irq_typed |= bit;
	/* An edge latched under the old type is not one of the new. */
	mmiodemo_writel(md, PL061_IC, bit);
	raw_spin_unlock_irqrestore(&md->lock, flags);

	irq_set_handler_locked(d, is ? handle_level_irq : handle_edge_irq);
	return 0;
}

/*
 * A line changes hands: to gpiolib (@held) or back to /dev/mmiodemo's
 * events. Either way it is masked (IE), with no type and its latch
 * cleared, until its new owner unmasks it. False, and nothing changed, if
 * gpiolib would take it after unbind stopped the irqchip.
 */
static bool mmiodemo_gpio_irq_hand(struct irq_data *d, bool held)
{
	struct mmiodemo *md = mmiodemo_irqd_md(d);
	u32 bit = BIT(irqd_to_hwirq(d));
	unsigned long flags;
	bool ok;

	raw_spin_lock_irqsave(&md->lock, flags);
	ok = !held || !md->irq_stopped;
	if (ok) {
		md->irq_held = held ? md->irq_held | bit : md->irq_held & ~bit;
		md->irq_typed &= ~bit;
	}
	if (ok && !md->irq_stopped) {
		mmiodemo_gpio_bit(md, PL061_IE, bit, false);
		mmiodemo_writel(md, PL061_IC, bit);
	}
	raw_spin_unlock_irqrestore(&md->lock, flags);
	return ok;
}

/* A consumer's request_irq(): the line leaves /dev/mmiodemo's events. */
static int mmiodemo_gpio_irq_reqres(struct irq_data *d)
{
	struct gpio_chip *gc = irq_data_get_irq_chip_data(d);
	int ret;

	ret = gpiochip_reqres_irq(gc, irqd_to_hwirq(d));
	if (ret)
		return ret;
	if (!mmiodemo_gpio_irq_hand(d, true)) {
		gpiochip_relres_irq(gc, irqd_to_hwirq(d));
		return -ENODEV;
	}
	return 0;
}

/* Its free_irq(): the line is /dev/mmiodemo's again. */
static void mmiodemo_gpio_irq_relres(struct irq_data *d)
{
	mmiodemo_gpio_irq_hand(d, false);
	gpiochip_relres_irq(irq_data_get_irq_chip_data(d), irqd_to_hwirq(d));
}

static void mmiodemo_gpio_irq_print_chip(struct irq_data *d, struct seq_file *p)
{
	seq_puts(p, mmiodemo_irqd_md(d)->name);
}

static const struct irq_chip mmiodemo_gpio_irqchip = {
	.irq_ack = mmiodemo_gpio_irq_ack,
	.irq_mask = mmiodemo_gpio_irq_mask,
	.irq_unmask = mmiodemo_gpio_irq_unmask,
	.irq_set_type = mmiodemo_gpio_irq_set_type,
	.irq_request_resources = mmiodemo_gpio_irq_reqres,
	.irq_release_resources = mmiodemo_gpio_irq_relres,
	.irq_print_chip = mmiodemo_gpio_irq_print_chip,
	.flags = IRQCHIP_IMMUTABLE,
};

/*
 * From the block's interrupt handler, without md->lock: the pending LINES
 * that gpiolib holds go to their consumers' flow handlers. The mapping
 * reaches IS, IBE and IEV of every line: a held line whose type was
 * written over there is given its own back, and its pending latch is
 * dropped, so a level nobody asked for cannot storm. A held line with no
 * type (a request with no trigger type, or IE set through the mapping
 * first) is masked and cleared.
 */
void mmiodemo_gpio_irq(struct mmiodemo *md, unsigned long lines)
{
	u32 wrong, untyped;
	unsigned int off;

	raw_spin_lock(&md->lock);
	lines &= md->irq_held;
	if (md->irq_stopped)
		lines = 0;
	untyped = lines & ~md->irq_typed;
	wrong = lines & md->irq_typed &
		((mmiodemo_readl(md, PL061_IS) ^ md->irq_is) |
		 (mmiodemo_readl(md, PL061_IBE) ^ md->irq_ibe) |
		 (mmiodemo_readl(md, PL061_IEV) ^ md->irq_iev));
	if (wrong) {
		mmiodemo_gpio_put(md, PL061_IS, wrong, md->irq_is);
		mmiodemo_gpio_put(md, PL061_IBE, wrong, md->irq_ibe);
		mmiodemo_gpio_put(md, PL061_IEV, wrong, md->irq_iev);
	}
	if (untyped)
		mmiodemo_gpio_put(md, PL061_IE, untyped, 0);
	if (wrong | untyped)
		mmiodemo_writel(md, PL061_IC, wrong | untyped);
	raw_spin_unlock(&md->lock);

	if (wrong)
		dev_warn_ratelimited(md->dev, "lines 0x%02x: type restored\n",
				     wrong);
	if (untyped)
		dev_warn_ratelimited(md->dev, "lines 0x%02x: untyped, masked\n",
				     untyped);
	lines &= ~(unsigned long)(wrong | untyped);
	for_each_set_bit(off, &lines, PL061_NR_LINES)
		generic_handle_domain_irq(md->gpio.irq.domain, off);
}

/*
 * At unbind, before the chip and its irq domain go: no line is handed to
 * gpiolib any more, and the held lines are masked. From then on the
 * irqchip's callbacks leave the registers alone (their mapping goes with
 * the device), and a new request or type is refused (ENODEV).
 */
void mmiodemo_gpio_irq_stop(struct mmiodemo *md)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&md->lock, flags);
	WRITE_ONCE(md->irq_stopped, true);
	mmiodemo_gpio_put(md, PL061_IE, md->irq_held, 0);
	raw_spin_unlock_irqrestore(&md->lock, flags);
}

/*
 * Registers the chip, with its irqchip; its line names come from DT
 * gpio-line-names.
 */
int mmiodemo_gpio_init(struct mmiodemo *md)
{
	struct gpio_chip *gc = &md->gpio;

	gc->label = md->name;
	gc->parent = md->dev;
	gc->owner = THIS_MODULE;
	gc->base = -1;
	gc->ngpio = PL061_NR_LINES;
	gc->get_direction = mmiodemo_gpio_get_direction;
	gc->direction_input = mmiodemo_gpio_direction_input;
	gc->direction_output = mmiodemo_gpio_direction_output;
	gc->get = mmiodemo_gpio_get;
#ifdef MMIODEMO_HAVE_GPIO_SET_INT
	gc->set = mmiodemo_gpio_set;
#else
	gc->set = mmiodemo_gpio_set_void;
#endif
	gpio_irq_chip_set_chip(&gc->irq, &mmiodemo_gpio_irqchip);
	/* No parent_handler: the block's interrupt is the driver's own. */
	gc->irq.handler = handle_bad_irq;
	gc->irq.default_type = IRQ_TYPE_NONE;
	return devm_gpiochip_add_data(md->dev, gc, md);
}
