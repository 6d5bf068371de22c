// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpioirq_test: mmiodemo's irqchip as a kernel driver uses it, in the
 * guest. The test module mmiodemo-gpioirq (tests/modules) is the driver:
 * gpiod_get_index() of a line, gpiod_to_irq(), request_irq() with a
 * trigger type, irq_set_irq_type(), disable_irq() and enable_irq(); its
 * handler counts, and disables a level it cannot clear. This program
 * drives it through its debugfs file and watches the PL061's registers
 * and the count: the trigger types (edges and levels), masking, unmasking
 * and acknowledgement, and that a level costs one interrupt per unmask.
 *
 * Line 5 is an input nothing drives: it reads 0, or the level the mapping
 * last drove it to (QEMU keeps it when the line turns input), and turning
 * it input at another level than it had makes an edge.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmiodemo-regs.h"
#include "common.h"
#include "mmiodemo.h"
#include "regs.h"

#define CTL	"/sys/kernel/debug/mmiodemo-gpioirq/line"
#define LINE	5
#define BIT5	(1U << LINE)

/* A command to the test module: 0, or -errno. */
static int ctl(const char *cmd)
{
	int fd = open(CTL, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, cmd, strlen(cmd)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* The module's count of interrupts since its request, or -1. */
static int count(void)
{
	int line, irq, n = -1;
	FILE *f = fopen(CTL, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%d %d %d", &line, &irq, &n) != 3)
		n = -1;
	fclose(f);
	return n;
}

/* Waits up to 2 s for the count to reach @want; the count then. */
static int count_reaches(int want)
{
	int i, n = count();

	for (i = 0; i < 200 && n < want; i++) {
		usleep(10000);
		n = count();
	}
	return n;
}

FIXTURE(gpioirq) {
	int fd;
	struct regs r;
};

/* Line 5 driven to @high, then turned input again (an edge if it moved). */
static void drive5(FIXTURE_DATA(gpioirq) *self, int high)
{
	regs_wr32(&self->r, PL061_DIR, BIT5);
	regs_wr32(&self->r, PL061_DATA(BIT5), high ? BIT5 : 0);
	regs_wr32(&self->r, PL061_DIR, 0);
}

static uint32_t bit5(FIXTURE_DATA(gpioirq) *self, unsigned int reg)
{
	return regs_rd32(&self->r, reg) & BIT5;
}

FIXTURE_SETUP(gpioirq)
{
	self->r.fd = -1;
	if (access(CTL, W_OK))
		SETUP_SKIP(CTL " is absent: is mmiodemo-gpioirq.ko loaded?");
	self->fd = open(DEVICE, O_RDWR);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, regs_open(&self->r, self->fd));
	ctl("release");
	drive5(self, 0);
	regs_wr32(&self->r, PL061_IC, BIT5);
}

FIXTURE_TEARDOWN(gpioirq)
{
	if (self->r.fd < 0)
		return;
	ctl("release");
	drive5(self, 0);
	regs_close(&self->r);
	close(self->fd);
}

/* The lines a driver holds are the ones IRQ_HELD names. */
TEST_F(gpioirq, irq_held_names_the_line_a_driver_holds)
{
	uint32_t held = 0;

	ASSERT_EQ(0, ctl("5 rising"));
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_IRQ_HELD, &held));
	EXPECT_EQ(BIT5, held);
	ASSERT_EQ(0, ctl("release"));
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_IRQ_HELD, &held));
	EXPECT_EQ(0U, held);
	EXPECT_EQ(0U, bit5(self, PL061_IE)) TH_LOG("let go: masked");
}

/* Each trigger type is what IS, IBE and IEV say, set and set again. */
TEST_F(gpioirq, set_type_round_trips)
{
	static const struct {
		const char *type;
		uint32_t is, ibe, iev;
	} t[] = {
		{ "rising", 0, 0, BIT5 },  { "falling", 0, 0, 0 },
		{ "both", 0, BIT5, 0 },	   { "high", BIT5, 0, BIT5 },
		{ "rising", 0, 0, BIT5 },  { "both", 0, BIT5, BIT5 },
		{ "falling", 0, 0, 0 },
	};
	char cmd[32];
	unsigned int i;

	ASSERT_EQ(0, ctl("5 falling"));
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		snprintf(cmd, sizeof(cmd), "type %s", t[i].type);
		ASSERT_EQ(0, ctl(cmd));
		EXPECT_EQ(t[i].is, bit5(self, PL061_IS)) TH_LOG("%s", cmd);
		EXPECT_EQ(t[i].ibe, bit5(self, PL061_IBE)) TH_LOG("%s", cmd);
		/* with both edges (IBE), IEV does not matter */
		if (!t[i].ibe)
			EXPECT_EQ(t[i].iev, bit5(self, PL061_IEV))
				TH_LOG("%s", cmd);
	}
	EXPECT_EQ(0, count()) TH_LOG("no edge was made");
}

/*
 * Each edge of the type asked for is one interrupt: acknowledged, so the
 * next edge interrupts again. (Edges that come faster than the handler
 * acknowledges them are one latch, as on the PL061: each waits here.)
 */
static int edge_then_count(FIXTURE_DATA(gpioirq) *self, int high, int want)
{
	drive5(self, high);
	return count_reaches(want);
}

TEST_F(gpioirq, each_edge_is_one_interrupt)
{
	int i;

	ASSERT_EQ(0, ctl("5 rising"));
	for (i = 1; i <= 3; i++) {
		EXPECT_EQ(i, edge_then_count(self, 1, i));
		drive5(self, 0);
	}
	usleep(200000);
	EXPECT_EQ(3, count()) TH_LOG("falling edges are not rising ones");
	ASSERT_EQ(0, ctl("type both"));
	EXPECT_EQ(4, edge_then_count(self, 1, 4));
	EXPECT_EQ(5, edge_then_count(self, 0, 5));
	ASSERT_EQ(0, ctl("type falling"));
	drive5(self, 1);
	EXPECT_EQ(6, edge_then_count(self, 0, 6));
	usleep(200000);
	EXPECT_EQ(6, count()) TH_LOG("the rise before was no falling edge");
}

/*
 * disable_irq() is lazy: an edge that comes while disabled is masked in
 * IE by gpiolib's flow handler, not handed on; enable_irq() unmasks the
 * line and resends the edge it held back.
 */
TEST_F(gpioirq, disable_masks_and_enable_unmasks_and_resends)
{
	ASSERT_EQ(0, ctl("5 rising"));
	EXPECT_EQ(BIT5, bit5(self, PL061_IE));
	ASSERT_EQ(0, ctl("disable"));
	drive5(self, 1);
	usleep(200000);
	EXPECT_EQ(0, count());
	EXPECT_EQ(0U, bit5(self, PL061_IE)) TH_LOG("masked when it came");
	ASSERT_EQ(0, ctl("enable"));
	EXPECT_EQ(1, count_reaches(1));
	EXPECT_EQ(BIT5, bit5(self, PL061_IE));
	drive5(self, 0);
	drive5(self, 1);
	EXPECT_EQ(2, count_reaches(2));
}

/*
 * A level low on a line that reads 0 is asserted at once, and stays: one
 * interrupt per enable_irq(), none between (5 s), the line masked in IE.
 */
TEST_F(gpioirq, level_low_is_one_interrupt_per_enable)
{
	ASSERT_EQ(0, ctl("5 low"));
	EXPECT_EQ(1, count_reaches(1));
	sleep(5);
	EXPECT_EQ(1, count()) TH_LOG("no storm: one while disabled");
	EXPECT_EQ(0U, bit5(self, PL061_IE));
	EXPECT_EQ(BIT5, bit5(self, PL061_IS));
	ASSERT_EQ(0, ctl("enable"));
	EXPECT_EQ(2, count_reaches(2));
	usleep(500000);
	EXPECT_EQ(2, count());
}

/* A level high on a line driven high: asserted; on a low line: not. */
TEST_F(gpioirq, level_high_follows_the_line)
{
	ASSERT_EQ(0, ctl("5 high"));
	usleep(300000);
	EXPECT_EQ(0, count()) TH_LOG("the line is low");
	drive5(self, 1);
	EXPECT_EQ(1, count_reaches(1));
	drive5(self, 0);
	ASSERT_EQ(0, ctl("enable"));
	usleep(300000);
	EXPECT_EQ(1, count()) TH_LOG("low again: no interrupt");
	drive5(self, 1);
	EXPECT_EQ(2, count_reaches(2));
}

TEST_HARNESS_MAIN
