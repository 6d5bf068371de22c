// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo's interrupt path: the PL061's interrupt, acknowledged in the
 * kernel and delivered to userspace as events that read() and poll() on
 * /dev/mmiodemo return. Every open file has its own queue.
 *
 * The line is level-high at the GIC and stays asserted while any MIS bit
 * is set. Edge-latched bits are cleared by acknowledging them in IC; a
 * level-sensitive line is still asserted after that, so the handler masks
 * it in IE as well (as UIO drivers disable theirs) and userspace unmasks it
 * with MMIODEMO_IOC_IRQ_UNMASK: a level nobody clears cannot storm.
 *
 * The lines whose interrupt a gpiolib consumer holds are not the events':
 * the handler hands them to the gpiochip's irqchip (mmiodemo-gpio.c),
 * after it has dropped md->lock.
 */

#include <linux/interrupt.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "mmiodemo-priv.h"
#include "mmiodemo-regs.h"

static irqreturn_t mmiodemo_irq(int irq, void *data)
{
	struct mmiodemo *md = data;
	struct mmiodemo_event ev = { .timestamp_ns = ktime_get_ns() };
	struct mmiodemo_file *mf;
	u32 mis, held;

	raw_spin_lock(&md->lock);
	mis = mmiodemo_readl(md, PL061_MIS) & PL061_LINES_MASK;
	held = mis & md->irq_held;
	mis &= ~held;
	if (!mis) {
		raw_spin_unlock(&md->lock);
		if (held)
			mmiodemo_gpio_irq(md, held);
		return held ? IRQ_HANDLED : IRQ_NONE;
	}
	mmiodemo_writel(md, PL061_IC, mis);
	ev.masked = mis & mmiodemo_readl(md, PL061_IS);
	if (ev.masked)
		mmiodemo_writel(md, PL061_IE,
				mmiodemo_readl(md, PL061_IE) & ~ev.masked);
	ev.lines = mis;
	ev.seqno = ++md->nr_irqs;
	/* A full queue keeps its older events; seqno shows the gap. */
	list_for_each_entry(mf, &md->listeners, node)
		kfifo_put(&mf->events, ev);
	raw_spin_unlock(&md->lock);

	wake_up_interruptible(&md->events_wait);
	if (held)
		mmiodemo_gpio_irq(md, held);
	return IRQ_HANDLED;
}

/* Quiets the block, then takes its interrupt for the device's lifetime. */
int mmiodemo_irq_init(struct mmiodemo *md, int irq)
{
	mmiodemo_writel(md, PL061_IE, 0);
	mmiodemo_writel(md, PL061_IC, PL061_LINES_MASK);
	return devm_request_irq(md->dev, irq, mmiodemo_irq, 0, md->name, md);
}

void mmiodemo_irq_listen(struct mmiodemo_file *mf)
{
	struct mmiodemo *md = mf->md;

	INIT_KFIFO(mf->events);
	mutex_init(&mf->read_lock);
	raw_spin_lock_irq(&md->lock);
	list_add_tail(&mf->node, &md->listeners);
	raw_spin_unlock_irq(&md->lock);
}

void mmiodemo_irq_unlisten(struct mmiodemo_file *mf)
{
	struct mmiodemo *md = mf->md;

	raw_spin_lock_irq(&md->lock);
	list_del(&mf->node);
	raw_spin_unlock_irq(&md->lock);
}

/* At unbind: every waiting reader wakes, to find the device gone. */
void mmiodemo_irq_revoke(struct mmiodemo *md)
{
	wake_up_interruptible_all(&md->events_wait);
}

/*
 * Readers of one file take turns (read_lock); the handler adds events
 * under md->lock. One consumer and one producer at a time is what kfifo
 * allows without more locking. An event leaves the queue only once it has
 * been copied out.
 */
ssize_t mmiodemo_irq_read(struct file *file, char __user *buf, size_t count,
			  loff_t *ppos)
{
	struct mmiodemo_file *mf = file->private_data;
	struct mmiodemo_event ev;
	ssize_t ret = 0;
	size_t done = 0;

	if (count < sizeof(ev))
		return -EINVAL;
	if (mutex_lock_interruptible(&mf->read_lock))
		return -ERESTARTSYS;

	while (kfifo_is_empty(&mf->events) && !READ_ONCE(mf->md->gone)) {
		if (file->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto out;
		}
		ret = wait_event_interruptible(mf->md->events_wait,
					       !kfifo_is_empty(&mf->events) ||
						       READ_ONCE(mf->md->gone));
		if (ret)
			goto out;
	}
	/* The device is gone: so are its events. */
	if (READ_ONCE(mf->md->gone)) {
		ret = -ENODEV;
		goto out;
	}

	while (count - done >= sizeof(ev) && kfifo_peek(&mf->events, &ev)) {
		if (copy_to_user(buf + done, &ev, sizeof(ev))) {
			ret = -EFAULT;
			break;
		}
		kfifo_skip(&mf->events);
		done += sizeof(ev);
	}
	if (done)
		ret = done;
out:
	mutex_unlock(&mf->read_lock);
	return ret;
}

__poll_t mmiodemo_irq_poll(struct file *file, struct poll_table_struct *wait)
{
	struct mmiodemo_file *mf = file->private_data;

	poll_wait(file, &mf->md->events_wait, wait);
	if (READ_ONCE(mf->md->gone))
		return EPOLLERR | EPOLLHUP;
	return kfifo_is_empty(&mf->events) ? 0 : EPOLLIN | EPOLLRDNORM;
}

long mmiodemo_irq_unmask(struct mmiodemo *md, u32 __user *argp)
{
	unsigned long flags;
	u32 lines, busy, level;

	if (get_user(lines, argp))
		return -EFAULT;
	if (lines & ~PL061_LINES_MASK)
		return -EINVAL;

	if (!mmiodemo_enter(md))
		return -ENODEV;
	raw_spin_lock_irqsave(&md->lock, flags);
	/* A line gpiolib holds is its consumer's to unmask: none changes. */
	busy = lines & md->irq_held;
	if (!busy) {
		/*
		 * A level line's latch first: QEMU's PL061 keeps a level
		 * latched until IC, though its source has gone (the PL061
		 * itself shows the level as it is; IC is harmless there).
		 */
		level = lines & mmiodemo_readl(md, PL061_IS);
		if (level)
			mmiodemo_writel(md, PL061_IC, level);
		mmiodemo_writel(md, PL061_IE,
				mmiodemo_readl(md, PL061_IE) | lines);
	}
	raw_spin_unlock_irqrestore(&md->lock, flags);
	mmiodemo_exit(md);
	return busy ? -EBUSY : 0;
}

/* MMIODEMO_IOC_IRQ_HELD: the lines whose interrupt gpiolib holds now. */
long mmiodemo_irq_held(struct mmiodemo *md, u32 __user *argp)
{
	unsigned long flags;
	u32 held;

	if (!mmiodemo_enter(md))
		return -ENODEV;
	raw_spin_lock_irqsave(&md->lock, flags);
	held = md->irq_held;
	raw_spin_unlock_irqrestore(&md->lock, flags);
	mmiodemo_exit(md);
	return put_user(held, argp);
}
