// SPDX-License-Identifier: GPL-2.0-only
/*
 * gpiod_test: mmiodemo's gpiochip through libgpiod, checked against the
 * register mapping of the same PL061, in the guest. Built against the
 * libgpiod of each kernel's Debian suite: the v1 API (1.6, bookworm) or
 * the v2 API (2.1, bookworm-backports), chosen by MMIODEMO_GPIOD_API.
 */
#include <errno.h>
#include <fcntl.h>
#include <gpiod.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmiodemo-regs.h"
#include "mmiodemo.h"

#define DEVICE		"/dev/mmiodemo"
#define CONSUMER	"gpiod_test"
#define LINE		4	/* a line nothing else uses */

static uint32_t rd32(volatile void *map, unsigned int off)
{
	return *(volatile uint32_t *)((volatile uint8_t *)map + off);
}

static void wr32(volatile void *map, unsigned int off, uint32_t val)
{
	*(volatile uint32_t *)((volatile uint8_t *)map + off) = val;
}

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

static void gpio_close(struct gpio *g)
{
	if (g->line && gpiod_line_is_requested(g->line))
		gpiod_line_release(g->line);
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

static void gpio_close(struct gpio *g)
{
	if (g->req)
		gpiod_line_request_release(g->req);
	if (g->chip)
		gpiod_chip_close(g->chip);
}

#endif

FIXTURE(gpio) {
	int fd;
	volatile uint8_t *map;
	size_t len;
	struct gpio g;
};

FIXTURE_SETUP(gpio)
{
	struct mmiodemo_info info;
	void *p;

	memset(&self->g, 0, sizeof(self->g));
	self->map = NULL;
	self->fd = open(DEVICE, O_RDWR);
	if (self->fd < 0 && errno == ENOENT)
		SKIP({ _metadata->passed = 0; return; },
		     DEVICE " is absent: is the driver bound?");
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_INFO, &info));
	if (!(info.regions[MMIODEMO_REGION_REGS].flags & MMIODEMO_REGION_F_MMAP))
		SKIP({ _metadata->passed = 0; return; },
		     "register region is not whole pages here");
	self->len = info.regions[MMIODEMO_REGION_REGS].size;
	p = mmap(NULL, self->len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, info.regions[MMIODEMO_REGION_REGS].offset);
	ASSERT_NE(MAP_FAILED, p);
	self->map = p;
	ASSERT_EQ(0, gpio_open(&self->g)) TH_LOG("no gpiochip labelled mmiodemo");
}

FIXTURE_TEARDOWN(gpio)
{
	gpio_close(&self->g);
	if (self->map) {
		wr32(self->map, PL061_DIR,
		     rd32(self->map, PL061_DIR) & ~(1U << LINE));
		munmap((void *)self->map, self->len);
	}
	if (self->fd >= 0)
		close(self->fd);
}

/* An output set through the mapping is what libgpiod reads, both ways. */
TEST_F(gpio, mapping_output_is_what_libgpiod_reads)
{
	wr32(self->map, PL061_DIR, rd32(self->map, PL061_DIR) | 1U << LINE);
	wr32(self->map, PL061_DATA(1U << LINE), 1U << LINE);
	ASSERT_EQ(0, gpio_request(&self->g, 0, 0)) TH_LOG("as-is request");
	EXPECT_EQ(1, gpio_is_output(&self->g));
	EXPECT_EQ(1, gpio_value(&self->g));

	wr32(self->map, PL061_DATA(1U << LINE), 0);
	EXPECT_EQ(0, gpio_value(&self->g));
}

/* A line libgpiod drives is what the mapping reads, both ways. */
TEST_F(gpio, libgpiod_output_is_what_the_mapping_reads)
{
	wr32(self->map, PL061_DIR, rd32(self->map, PL061_DIR) & ~(1U << LINE));
	ASSERT_EQ(0, gpio_request(&self->g, 1, 1)) TH_LOG("output request");
	EXPECT_EQ(1U << LINE, rd32(self->map, PL061_DIR) & 1U << LINE);
	EXPECT_EQ(1U << LINE, rd32(self->map, PL061_DATA(1U << LINE)));
	EXPECT_EQ(1, gpio_value(&self->g));
}

TEST_HARNESS_MAIN
