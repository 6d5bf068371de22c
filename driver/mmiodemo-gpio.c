// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PL061's eight lines as a gpiochip, backed by the same registers the
 * user mapping exposes, so that libgpiod and the mapping can check each
 * other.
 *
 * Who owns what: DATA is address-masked, so a value written for one line
 * (by gpiolib here, or by userspace through PL061_DATA(mask)) changes that
 * line only and cannot race with another. DIR has no such mask: gpiolib's
 * changes are read-modify-writes under md->lock, but a write of DIR through
 * the mapping is not seen by that lock, and the last writer wins. gpiolib
 * reads DIR again whenever a line is requested, so a direction set through
 * the mapping shows in gpioinfo after the next request of that line.
 */

#include <linux/bits.h>
#include <linux/gpio/driver.h>

#include "mmiodemo-compat.h"
#include "mmiodemo-priv.h"
#include "mmiodemo-regs.h"

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

	spin_lock_irqsave(&md->lock, flags);
	dir = mmiodemo_readl(md, PL061_DIR);
	if (out)
		dir |= BIT(off);
	else
		dir &= ~BIT(off);
	mmiodemo_writel(md, PL061_DIR, dir);
	spin_unlock_irqrestore(&md->lock, flags);
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

/* Registers the chip; its line names come from DT gpio-line-names. */
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
	return devm_gpiochip_add_data(md->dev, gc, md);
}
