// SPDX-License-Identifier: GPL-2.0-only
/*
 * irq_test: the PL061's interrupts, delivered by /dev/mmiodemo as events
 * that read() and poll() return, tested in the guest.
 *
 * Registers are reached through the mapping, or through the register
 * ioctls where the block cannot be mapped (tests/guest/regs.h).
 *
 * Two real sources: QEMU's power button, which the host presses when this
 * program prints "mmiodemo-qmp: system_powerdown" (a rising edge on input
 * line 3), and a level-low interrupt on an input line nothing drives,
 * asserted for as long as it is enabled. And edges made through the
 * mapping: a line driven to a level, then turned input again.
 *
 * One owner per line: a line whose interrupt gpiolib holds (here through
 * the GPIO character device's line events, as gpiomon asks for them)
 * is no event's, and MMIODEMO_IOC_IRQ_UNMASK of it is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/gpio.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmiodemo-regs.h"
#include "common.h"
#include "mmiodemo.h"
#include "regs.h"

#define BUTTON		(1U << 3)	/* QEMU virt: the power button */
#define QUIET		(1U << 5)	/* an input nothing drives: reads 0 */
#define QUIET2		(1U << 6)	/* another */

/* The interrupt count of the device's line in /proc/interrupts. */
static long nr_interrupts(void)
{
	char line[512];
	long n = -1, cpu;
	char *p, *end;
	FILE *f;

	f = fopen("/proc/interrupts", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, " mmiodemo\n"))
			continue;
		n = 0;
		p = strchr(line, ':') + 1;
		for (;;) {
			cpu = strtol(p, &end, 10);
			if (end == p)
				break;
			n += cpu;
			p = end;
		}
	}
	fclose(f);
	return n;
}

FIXTURE(irq) {
	int fd;
	struct regs r;
	uint32_t saved[5];
};

static const unsigned int config_regs[] = {
	PL061_IE, PL061_IS, PL061_IBE, PL061_IEV, PL061_DIR,
};

/* Reads one event, waiting at most @ms; 1 if there was one, else 0. */
static int get_event(int fd, int ms, struct mmiodemo_event *ev)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return 0;
	return read(fd, ev, sizeof(*ev)) == sizeof(*ev);
}

static void drain(int fd)
{
	struct mmiodemo_event ev;

	while (get_event(fd, 0, &ev))
		;
}

FIXTURE_SETUP(irq)
{
	unsigned int i;

	self->r.fd = -1;
	self->fd = open(DEVICE, O_RDWR);
	if (self->fd < 0 && errno == ENOENT)
		SETUP_SKIP(DEVICE " is absent: is the driver bound?");
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, regs_open(&self->r, self->fd));
	for (i = 0; i < 5; i++)
		self->saved[i] = regs_rd32(&self->r, config_regs[i]);
	/*
	 * QEMU keeps a line's last output value as its input level until
	 * something drives it: drive every line low once, then make them
	 * inputs, so the button starts released and the quiet line low.
	 */
	regs_wr32(&self->r, PL061_IE, 0);
	regs_wr32(&self->r, PL061_DIR, PL061_LINES_MASK);
	regs_wr32(&self->r, PL061_DATA_ALL, 0);
	regs_wr32(&self->r, PL061_DIR, 0);
	regs_wr32(&self->r, PL061_IC, PL061_LINES_MASK);
	drain(self->fd);
}

FIXTURE_TEARDOWN(irq)
{
	unsigned int i;

	if (self->r.fd < 0)
		return;
	regs_wr32(&self->r, PL061_IE, 0);
	regs_wr32(&self->r, PL061_IC, PL061_LINES_MASK);
	for (i = 1; i < 5; i++)
		regs_wr32(&self->r, config_regs[i], self->saved[i]);
	regs_wr32(&self->r, PL061_IE, self->saved[0]);
	regs_close(&self->r);
	close(self->fd);
}

/* Enables a level-low interrupt on the quiet line: asserted at once. */
static void assert_quiet_level(FIXTURE_DATA(irq) *self)
{
	regs_wr32(&self->r, PL061_IS, QUIET);
	regs_wr32(&self->r, PL061_IEV, 0);
	regs_wr32(&self->r, PL061_IE, QUIET);
}

/* A buffer too small for one event: EINVAL. */
TEST_F(irq, read_into_a_short_buffer_is_refused_with_einval)
{
	char buf[sizeof(struct mmiodemo_event) - 1];

	EXPECT_EQ(-1, read(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(EINVAL, errno);
}

/* No event and O_NONBLOCK: EAGAIN; poll() reports nothing. */
TEST_F(irq, read_without_events_is_eagain_when_nonblocking)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN };
	struct mmiodemo_event ev;
	int nb;

	nb = open(DEVICE, O_RDWR | O_NONBLOCK);
	ASSERT_LE(0, nb);
	EXPECT_EQ(-1, read(nb, &ev, sizeof(ev)));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, poll(&p, 1, 100));
	close(nb);
}

/* Unmasking lines the PL061 does not have: EINVAL. */
TEST_F(irq, unmask_of_lines_past_the_eighth_is_refused_with_einval)
{
	uint32_t lines = 0x100;

	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_IRQ_UNMASK, &lines));
	EXPECT_EQ(EINVAL, errno);
}

/* A level interrupt is delivered once, masked, and unmasked on request. */
TEST_F(irq, level_interrupt_is_masked_then_unmasked_on_request)
{
	struct mmiodemo_event ev, ev2;
	uint32_t lines = QUIET;

	assert_quiet_level(self);
	ASSERT_EQ(1, get_event(self->fd, 2000, &ev));
	EXPECT_EQ(QUIET, ev.lines);
	EXPECT_EQ(QUIET, ev.masked);
	EXPECT_EQ(0U, ev.reserved);
	EXPECT_EQ(0U, regs_rd32(&self->r, PL061_IE) & QUIET);
	EXPECT_EQ(0, get_event(self->fd, 300, &ev2)) TH_LOG("masked: quiet");

	EXPECT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_IRQ_UNMASK, &lines));
	ASSERT_EQ(1, get_event(self->fd, 2000, &ev2));
	EXPECT_EQ(ev.seqno + 1, ev2.seqno);
	EXPECT_LT(ev.timestamp_ns, ev2.timestamp_ns);
}

/*
 * A level whose source went away while it was masked raises nothing when
 * unmasked (QEMU's PL061 keeps it latched until IC: the unmask clears
 * it), and raises again when its source comes back.
 */
TEST_F(irq, unmask_after_the_level_went_away_raises_no_event)
{
	struct mmiodemo_event ev;
	uint32_t lines = QUIET;

	assert_quiet_level(self);
	ASSERT_EQ(1, get_event(self->fd, 2000, &ev));
	EXPECT_EQ(QUIET, ev.masked);
	/* the line driven high, then input again: level low is gone */
	regs_wr32(&self->r, PL061_DIR, QUIET);
	regs_wr32(&self->r, PL061_DATA(QUIET), QUIET);
	regs_wr32(&self->r, PL061_DIR, 0);
	EXPECT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_IRQ_UNMASK, &lines));
	EXPECT_EQ(0, get_event(self->fd, 300, &ev)) TH_LOG("the level is gone");
	regs_wr32(&self->r, PL061_DIR, QUIET);
	regs_wr32(&self->r, PL061_DATA(QUIET), 0);
	regs_wr32(&self->r, PL061_DIR, 0);
	ASSERT_EQ(1, get_event(self->fd, 2000, &ev)) TH_LOG("low again");
	EXPECT_EQ(QUIET, ev.lines);
}

/* A level nobody clears, left for 5 s: one interrupt, no storm. */
TEST_F(irq, unacknowledged_level_interrupt_does_not_storm)
{
	struct timespec t0, t1;
	struct mmiodemo_event ev;
	long before, after;
	int events = 0;

	before = nr_interrupts();
	ASSERT_LE(0, before) TH_LOG("no mmiodemo line in /proc/interrupts");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_quiet_level(self);
	sleep(5);
	while (get_event(self->fd, 0, &ev))
		events++;
	after = nr_interrupts();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT_EQ(1, events);
	EXPECT_EQ(1, after - before);
	EXPECT_GE(t1.tv_sec - t0.tv_sec, 5);
	TH_LOG("%ld interrupt(s) in %ld s with the level asserted",
	       after - before, (long)(t1.tv_sec - t0.tv_sec));
}

/* Every open file gets its own copy of each event. */
TEST_F(irq, each_open_file_gets_every_event)
{
	struct mmiodemo_event ev, ev2;
	int fd2;

	fd2 = open(DEVICE, O_RDONLY);
	ASSERT_LE(0, fd2);
	assert_quiet_level(self);
	ASSERT_EQ(1, get_event(self->fd, 2000, &ev));
	ASSERT_EQ(1, get_event(fd2, 2000, &ev2));
	EXPECT_EQ(ev.seqno, ev2.seqno);
	EXPECT_EQ(ev.timestamp_ns, ev2.timestamp_ns);
	close(fd2);
}

/*
 * A full queue keeps its oldest events, and the next event's seqno shows
 * what was lost. The API does not fix the queue's size: far more events
 * than any queue the driver should have are raised.
 */
#define RAISED 256

TEST_F(irq, full_queue_keeps_its_oldest_events)
{
	struct mmiodemo_event evs[RAISED], ev;
	uint32_t lines = QUIET;
	int i, n, waited;

	assert_quiet_level(self);
	for (i = 1; i <= RAISED; i++) {
		/* each unmask raises one more interrupt */
		for (waited = 0; regs_rd32(&self->r, PL061_IE) & QUIET; waited++)
			ASSERT_GT(100000, waited);
		if (i < RAISED)
			ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_IRQ_UNMASK,
					   &lines));
	}

	n = read(self->fd, evs, sizeof(evs));
	ASSERT_LT(0, n);
	ASSERT_EQ(0, n % (int)sizeof(evs[0]));
	n /= sizeof(evs[0]);
	ASSERT_GT(RAISED, n) TH_LOG("a queue of %d events or more", n);
	for (i = 1; i < n; i++)
		EXPECT_EQ(evs[0].seqno + i, evs[i].seqno);

	/* The queue has room again; the next event tells the gap. */
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_IRQ_UNMASK, &lines));
	ASSERT_EQ(1, get_event(self->fd, 2000, &ev));
	EXPECT_EQ(evs[0].seqno + RAISED, ev.seqno)
		TH_LOG("%d events queued, %d dropped", n, RAISED - n);
}

/*
 * The host presses QEMU's power button: a rising edge on line 3. Masked,
 * it shows in RIS only; enabled, it raises one event through poll() and
 * read(), and the driver's acknowledgement clears RIS and MIS.
 */
TEST_F(irq, qemu_power_button_raises_an_edge_interrupt)
{
	struct mmiodemo_event ev;
	int waited;

	regs_wr32(&self->r, PL061_IS, 0);
	regs_wr32(&self->r, PL061_IBE, 0);
	regs_wr32(&self->r, PL061_IEV, BUTTON);
	regs_wr32(&self->r, PL061_IC, BUTTON);

	printf("mmiodemo-qmp: system_powerdown\n");
	fflush(stdout);
	for (waited = 0; !(regs_rd32(&self->r, PL061_RIS) & BUTTON); waited++) {
		ASSERT_GT(1000, waited) TH_LOG("no edge from the host in 10 s");
		usleep(10000);
	}
	EXPECT_EQ(BUTTON, regs_rd32(&self->r, PL061_RIS) & BUTTON);
	EXPECT_EQ(0U, regs_rd32(&self->r, PL061_MIS)) TH_LOG("masked: MIS 0");
	EXPECT_EQ(0, get_event(self->fd, 100, &ev));

	regs_wr32(&self->r, PL061_IE, BUTTON);
	ASSERT_EQ(1, get_event(self->fd, 2000, &ev));
	EXPECT_EQ(BUTTON, ev.lines);
	EXPECT_EQ(0U, ev.masked) TH_LOG("an edge is acknowledged, not masked");
	EXPECT_EQ(0U, regs_rd32(&self->r, PL061_RIS) & BUTTON);
	EXPECT_EQ(0U, regs_rd32(&self->r, PL061_MIS));
	EXPECT_EQ(BUTTON, regs_rd32(&self->r, PL061_IE));
}

/*
 * gpiolib's line request for edge events on line @offset of mmiodemo's
 * gpiochip (GPIO_V2_GET_LINE_IOCTL, as libgpiod v2's gpiomon asks; v1's
 * uAPI is not built into every kernel), with edge @flags: its file, or -1.
 */
static int line_event(unsigned int offset, uint64_t flags)
{
	struct gpio_v2_line_request req = {
		.offsets = { offset },
		.num_lines = 1,
		.consumer = "irq_test",
		.config.flags = GPIO_V2_LINE_FLAG_INPUT | flags,
	};
	struct gpiochip_info info;
	char path[32];
	int i, chip, ret;

	for (i = 0; i < 32; i++) {
		snprintf(path, sizeof(path), "/dev/gpiochip%d", i);
		chip = open(path, O_RDWR);
		if (chip < 0)
			continue;
		if (!ioctl(chip, GPIO_GET_CHIPINFO_IOCTL, &info) &&
		    !strcmp(info.label, "mmiodemo")) {
			ret = ioctl(chip, GPIO_V2_GET_LINE_IOCTL, &req);
			close(chip);
			return ret ? -1 : req.fd;
		}
		close(chip);
	}
	errno = ENODEV;
	return -1;
}

/* An edge of input @line: driven to @high, then turned input again. */
static void edge(FIXTURE_DATA(irq) *self, uint32_t line, int high)
{
	regs_wr32(&self->r, PL061_DIR, line);
	regs_wr32(&self->r, PL061_DATA(line), high ? line : 0);
	regs_wr32(&self->r, PL061_DIR, 0);
}

static uint32_t held(int fd)
{
	uint32_t lines = 0xdeadbeef;

	if (ioctl(fd, MMIODEMO_IOC_IRQ_HELD, &lines))
		return 0xdeadbeef;
	return lines;
}

/*
 * While gpiolib holds a line, IRQ_HELD names it and IRQ_UNMASK of it, or
 * of a mask with it, is EBUSY with nothing unmasked; once it lets go, the
 * line is the events' again.
 */
TEST_F(irq, unmask_of_a_line_gpiolib_holds_is_ebusy)
{
	uint32_t lines;
	int ev;

	EXPECT_EQ(0U, held(self->fd));
	ev = line_event(5, GPIO_V2_LINE_FLAG_EDGE_RISING);
	ASSERT_LE(0, ev) TH_LOG("line event: %s", strerror(errno));
	EXPECT_EQ(QUIET, held(self->fd));
	regs_wr32(&self->r, PL061_IE, 0);

	lines = QUIET;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_IRQ_UNMASK, &lines));
	EXPECT_EQ(EBUSY, errno);
	lines = QUIET | QUIET2;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_IRQ_UNMASK, &lines));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0U, regs_rd32(&self->r, PL061_IE) & QUIET2)
		TH_LOG("a refused mask unmasks none of its lines");
	lines = QUIET2;
	EXPECT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_IRQ_UNMASK, &lines));
	regs_wr32(&self->r, PL061_IE, 0);

	close(ev);
	EXPECT_EQ(0U, held(self->fd));
	lines = QUIET;
	EXPECT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_IRQ_UNMASK, &lines));
}

/*
 * A held line's edge goes to gpiolib's consumer, not to /dev/mmiodemo;
 * a free line's level still raises events meanwhile.
 */
TEST_F(irq, held_line_goes_to_gpiolib_and_free_lines_to_events)
{
	struct gpio_v2_line_event gev;
	struct mmiodemo_event mev;
	struct pollfd p;
	int ev;

	ev = line_event(5, GPIO_V2_LINE_FLAG_EDGE_RISING);
	ASSERT_LE(0, ev) TH_LOG("line event: %s", strerror(errno));
	edge(self, QUIET, 1);
	p = (struct pollfd){ .fd = ev, .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 2000)) TH_LOG("no line event in 2 s");
	ASSERT_EQ((ssize_t)sizeof(gev), read(ev, &gev, sizeof(gev)));
	EXPECT_EQ((uint32_t)GPIO_V2_LINE_EVENT_RISING_EDGE, gev.id);
	EXPECT_EQ(5U, gev.offset);
	EXPECT_EQ(0, get_event(self->fd, 300, &mev)) TH_LOG("no event: held");

	regs_wr32(&self->r, PL061_IS, QUIET2);
	regs_wr32(&self->r, PL061_IEV, 0);
	regs_wr32(&self->r, PL061_IE,
		  regs_rd32(&self->r, PL061_IE) | QUIET2);
	ASSERT_EQ(1, get_event(self->fd, 2000, &mev));
	EXPECT_EQ(QUIET2, mev.lines);
	close(ev);
	edge(self, QUIET, 0);
}

/*
 * The mapping reaches a held line's type: made a level that stays
 * asserted, it must not storm. The driver gives the line its type back
 * and drops the latch: a few interrupts at most, and gpiolib's type is
 * there again.
 */
TEST_F(irq, held_line_retyped_through_the_mapping_does_not_storm)
{
	long before, after;
	int ev;

	ev = line_event(5, GPIO_V2_LINE_FLAG_EDGE_RISING);
	ASSERT_LE(0, ev) TH_LOG("line event: %s", strerror(errno));
	EXPECT_EQ(QUIET, regs_rd32(&self->r, PL061_IE) & QUIET);
	before = nr_interrupts();
	/* level low on a line that reads 0: asserted at once */
	regs_wr32(&self->r, PL061_IEV, regs_rd32(&self->r, PL061_IEV) & ~QUIET);
	regs_wr32(&self->r, PL061_IS, regs_rd32(&self->r, PL061_IS) | QUIET);
	sleep(2);
	after = nr_interrupts();
	EXPECT_GE(3, after - before) TH_LOG("%ld interrupts", after - before);
	EXPECT_EQ(0U, regs_rd32(&self->r, PL061_IS) & QUIET);
	EXPECT_EQ(QUIET, regs_rd32(&self->r, PL061_IEV) & QUIET);
	close(ev);
}

TEST_HARNESS_MAIN
