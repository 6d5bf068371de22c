/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the guest test programs share: where the device, its debugfs
 * directory and its sysfs driver are, the driver's sysfs counters, 32-bit
 * register accesses and sysfs writes.
 */
#ifndef MMIODEMO_TESTS_COMMON_H
#define MMIODEMO_TESTS_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libmmiodemo.h"
#include "mmiodemo-stats.h"

#define DEVICE		"/dev/mmiodemo"
#define DEBUGFS		"/sys/kernel/debug/mmiodemo"
#define DRIVER		"/sys/bus/platform/drivers/mmiodemo"
#define DEVNAME		"9030000.pl061"	/* QEMU virt's PL061 */

/*
 * SKIP from a FIXTURE_SETUP. The 6.1 kselftest harness runs the test body
 * even after a SKIP in setup; marking setup failed as well stops it, and
 * the test is still reported as skipped.
 */
#define SETUP_SKIP(fmt, ...) \
	SKIP({ _metadata->passed = 0; return; }, fmt, ##__VA_ARGS__)

/* A 32-bit register of the mapping @map, through libmmiodemo. */
#define rd32(map, off)		mmiodemo_ioread((map), (off), 32)
#define wr32(map, off, val)	mmiodemo_iowrite((map), (off), 32, (val))

/* The driver's sysfs counters (mmiodemo-stats.h): they only grow. */
#define COUNTER_ONE(name) +1
static long counter_base[0 MMIODEMO_COUNTERS(COUNTER_ONE)];

/* Counter stats/@name as it reads now, or -1 if unreadable. */
static inline long counter_now(const char *name)
{
	uint64_t val;

	return mmiodemo_counter(DEVICE, name, &val) ? -1 : (long)val;
}

/* From now on, counter() counts from the values the counters have now. */
static inline int counters_start(void)
{
	const char *const *names;
	size_t i, nr;

	names = mmiodemo_counter_names(&nr);
	for (i = 0; i < nr; i++) {
		counter_base[i] = counter_now(names[i]);
		if (counter_base[i] < 0)
			return -1;
	}
	return 0;
}

/* Counter stats/@name since counters_start() (since boot without it). */
static inline long counter(const char *name)
{
	const char *const *names;
	long now = counter_now(name);
	size_t i, nr;

	names = mmiodemo_counter_names(&nr);
	for (i = 0; i < nr; i++)
		if (!strcmp(names[i], name))
			return now < 0 ? now : now - counter_base[i];
	return -1;
}

/* Writes @value to the sysfs file @file: 0, or -1 with errno set. */
static inline int sysfs_write(const char *file, const char *value)
{
	int fd = open(file, O_WRONLY), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, value, strlen(value)) < 0)
		ret = -1;
	close(fd);
	return ret;
}

/* Is the PL061 bound to mmiodemo? */
static inline int driver_is_bound(void)
{
	struct stat st;

	return !stat(DRIVER "/" DEVNAME, &st);
}

static inline int driver_unbind(void)
{
	return sysfs_write(DRIVER "/unbind", DEVNAME);
}

static inline int driver_bind(void)
{
	return driver_is_bound() ? 0 : sysfs_write(DRIVER "/bind", DEVNAME);
}

/*
 * An ioctl @cmd (SYNC_FOR_DEVICE or SYNC_FOR_CPU) of buffer pages
 * [first, first + n) of @ps bytes (n 0: to the end): its count, or -errno.
 */
static inline int sync_range(int fd, unsigned long cmd, size_t ps,
			     size_t first, size_t n)
{
	struct mmiodemo_sync s = {
		.offset = first * ps,
		.len = n * ps,
	};

	if (ioctl(fd, cmd, &s))
		return -errno;
	return (int)s.count;
}

#endif /* MMIODEMO_TESTS_COMMON_H */
