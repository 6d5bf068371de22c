// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpiod_test: mmiodemo's gpiochip through libgpiod, checked against the
 * registers of the same PL061 (mapped, or through the register ioctls
 * where the block cannot be mapped: tests/guest/regs.h), in the guest. Built against the
 * libgpiod of each kernel's Debian suite: the v1 API (1.6, bookworm) or
 * the v2 API (2.1, bookworm-backports), chosen by MMIODEMO_GPIOD_API.
 */
#include <errno.h>
#include <fcntl.h>
#include <gpiod.h>
#include <pthread.h>
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

#define CONSUMER	"gpiod_test"
#define LINE		4	/* a line nothing else uses */

/*
 * The little the tests need from libgpiod, for both APIs: request one
 * line as-is or as an output, and read its value and direction (1: out).
 */
#if MMIODEMO_GPIOD_API == 1

struct gpio {
	struct gpiod_chip *chip;
	struct gpiod_line *line;
};

static int gpio_open(struct gpio *g)
{
	g->chip = gpiod_chip_open_by_label("mmiodemo");
	if (!g->chip)
		return -1;
	g->line = gpiod_chip_get_line(g->chip, LINE);
	return g->line ? 0 : -1;
}

static int gpio_request(struct gpio *g, int output, int value)
{
	struct gpiod_line_request_config config = {
		.consumer = CONSUMER,
		.request_type = output ? GPIOD_LINE_REQUEST_DIRECTION_OUTPUT :
					 GPIOD_LINE_REQUEST_DIRECTION_AS_IS,
	};

	return gpiod_line_request(g->line, &config, value);
}

static int gpio_value(struct gpio *g)
{
	return gpiod_line_get_value(g->line);
}

static int gpio_is_output(struct gpio *g)
{
	if (gpiod_line_update(g->line))
		return -1;
	return gpiod_line_direction(g->line) == GPIOD_LINE_DIRECTION_OUTPUT;
}

static void gpio_release(struct gpio *g)
{
	if (g->line && gpiod_line_is_requested(g->line))
		gpiod_line_release(g->line);
}

static void gpio_close(struct gpio *g)
{
	gpio_release(g);
	if (g->chip)
		gpiod_chip_close(g->chip);
}

#else /* MMIODEMO_GPIOD_API == 2 */

struct gpio {
	struct gpiod_chip *chip;
	struct gpiod_line_request *req;
};

static int gpio_open(struct gpio *g)
{
	struct gpiod_chip_info *info;
	char path[32];
	int i, found;

	for (i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), "/dev/gpiochip%d", i);
		g->chip = gpiod_chip_open(path);
		if (!g->chip)
			continue;
		info = gpiod_chip_get_info(g->chip);
		found = info && !strcmp(gpiod_chip_info_get_label(info),
					"mmiodemo");
		gpiod_chip_info_free(info);
		if (found)
			return 0;
		gpiod_chip_close(g->chip);
	}
	g->chip = NULL;
	return -1;
}

static int gpio_request(struct gpio *g, int output, int value)
{
	struct gpiod_line_settings *ls = gpiod_line_settings_new();
	struct gpiod_line_config *lc = gpiod_line_config_new();
	struct gpiod_request_config *rc = gpiod_request_config_new();
	unsigned int offset = LINE;

	if (ls && lc && rc) {
		gpiod_line_settings_set_direction(ls, output ?
			GPIOD_LINE_DIRECTION_OUTPUT : GPIOD_LINE_DIRECTION_AS_IS);
		gpiod_line_settings_set_output_value(ls, value ?
			GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
		gpiod_request_config_set_consumer(rc, CONSUMER);
		if (!gpiod_line_config_add_line_settings(lc, &offset, 1, ls))
			g->req = gpiod_chip_request_lines(g->chip, rc, lc);
	}
	gpiod_line_settings_free(ls);
	gpiod_line_config_free(lc);
	gpiod_request_config_free(rc);
	return g->req ? 0 : -1;
}

static int gpio_value(struct gpio *g)
{
	int v = gpiod_line_request_get_value(g->req, LINE);

	return v == GPIOD_LINE_VALUE_ERROR ? -1 : v == GPIOD_LINE_VALUE_ACTIVE;
}

static int gpio_is_output(struct gpio *g)
{
	struct gpiod_line_info *info = gpiod_chip_get_line_info(g->chip, LINE);
	int out;

	if (!info)
		return -1;
	out = gpiod_line_info_get_direction(info) ==
	      GPIOD_LINE_DIRECTION_OUTPUT;
	gpiod_line_info_free(info);
	return out;
}

static void gpio_release(struct gpio *g)
{
	if (g->req)
		gpiod_line_request_release(g->req);
	g->req = NULL;
}

static void gpio_close(struct gpio *g)
{
	gpio_release(g);
	if (g->chip)
		gpiod_chip_close(g->chip);
}

#endif

FIXTURE(gpio) {
	int fd;
	struct regs r;
	struct gpio g;
};

FIXTURE_SETUP(gpio)
{
	memset(&self->g, 0, sizeof(self->g));
	self->r.fd = -1;
	self->fd = open(DEVICE, O_RDWR);
	if (self->fd < 0 && errno == ENOENT)
		SETUP_SKIP(DEVICE " is absent: is the driver bound?");
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, regs_open(&self->r, self->fd));
	ASSERT_EQ(0, gpio_open(&self->g)) TH_LOG("no gpiochip labelled mmiodemo");
}

FIXTURE_TEARDOWN(gpio)
{
	gpio_close(&self->g);
	if (self->r.fd >= 0) {
		regs_wr32(&self->r, PL061_DIR,
			  regs_rd32(&self->r, PL061_DIR) & ~(1U << LINE));
		regs_close(&self->r);
	}
	if (self->fd >= 0)
		close(self->fd);
}

/* An output set through the registers is what libgpiod reads, both ways. */
TEST_F(gpio, register_output_is_what_libgpiod_reads)
{
	regs_wr32(&self->r, PL061_DIR, regs_rd32(&self->r, PL061_DIR) | 1U << LINE);
	regs_wr32(&self->r, PL061_DATA(1U << LINE), 1U << LINE);
	ASSERT_EQ(0, gpio_request(&self->g, 0, 0)) TH_LOG("as-is request");
	EXPECT_EQ(1, gpio_is_output(&self->g));
	EXPECT_EQ(1, gpio_value(&self->g));

	regs_wr32(&self->r, PL061_DATA(1U << LINE), 0);
	EXPECT_EQ(0, gpio_value(&self->g));
}

/* A line libgpiod drives is what the registers read, both ways. */
TEST_F(gpio, libgpiod_output_is_what_the_registers_read)
{
	regs_wr32(&self->r, PL061_DIR, regs_rd32(&self->r, PL061_DIR) & ~(1U << LINE));
	ASSERT_EQ(0, gpio_request(&self->g, 1, 1)) TH_LOG("output request");
	EXPECT_EQ(1U << LINE, regs_rd32(&self->r, PL061_DIR) & 1U << LINE);
	EXPECT_EQ(1U << LINE, regs_rd32(&self->r, PL061_DATA(1U << LINE)));
	EXPECT_EQ(1, gpio_value(&self->g));
}

/*
 * MMIODEMO_IOC_REG_UPDATE and gpiolib change DIR under one lock: a thread
 * toggles DIR bit OTHER with the update ioctl while gpiolib sets LINE's
 * direction, over and over. Neither change is ever lost: after each
 * request LINE is an output, and each update finds OTHER as the thread
 * last left it. (Through the mapping, read-modify-writes lose both.)
 */
#define OTHER		5
#define ROUNDS		300

struct toggler {
	struct mmiodemo *md;
	volatile int stop;
	unsigned long updates, lost;
};

static void *toggle(void *arg)
{
	struct toggler *t = arg;
	uint32_t want = 0, old;

	while (!t->stop) {
		want ^= 1U << OTHER;
		if (mmiodemo_reg_update(t->md, PL061_DIR, 1U << OTHER, want,
					&old))
			break;
		if ((old & 1U << OTHER) != (want ^ 1U << OTHER))
			t->lost++;
		t->updates++;
	}
	mmiodemo_reg_update(t->md, PL061_DIR, 1U << OTHER, 0, NULL);
	return NULL;
}

TEST_F(gpio, locked_updates_and_gpiolib_lose_no_direction_change)
{
	struct toggler t = { .md = self->r.md };
	unsigned int round, lost_line = 0;
	pthread_t thread;

	ASSERT_EQ(0, mmiodemo_reg_update(self->r.md, PL061_DIR,
					 1U << LINE | 1U << OTHER, 0, NULL));
	ASSERT_EQ(0, pthread_create(&thread, NULL, toggle, &t));
	for (round = 0; round < ROUNDS; round++) {
		ASSERT_EQ(0, gpio_request(&self->g, 1, 0));
		if (!(regs_rd32(&self->r, PL061_DIR) & 1U << LINE))
			lost_line++;
		gpio_release(&self->g);
		ASSERT_EQ(0, mmiodemo_reg_update(self->r.md, PL061_DIR,
						 1U << LINE, 0, NULL));
	}
	t.stop = 1;
	pthread_join(thread, NULL);
	TH_LOG("%u requests, %lu updates", ROUNDS, t.updates);
	EXPECT_LT(0UL, t.updates);
	EXPECT_EQ(0U, lost_line) TH_LOG("gpiolib's direction lost");
	EXPECT_EQ(0UL, t.lost) TH_LOG("the update's bit lost");
}

TEST_HARNESS_MAIN
