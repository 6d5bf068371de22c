/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the guest test programs share: where the device, its debugfs
 * directory and its sysfs driver are, the driver's counters, 32-bit
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
#include <unistd.h>

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

/* A 32-bit register of the mapping @map: exact-width volatile accesses. */
static inline uint32_t rd32(volatile void *map, unsigned int off)
{
	return *(volatile uint32_t *)((volatile uint8_t *)map + off);
}

static inline void wr32(volatile void *map, unsigned int off, uint32_t val)
{
	*(volatile uint32_t *)((volatile uint8_t *)map + off) = val;
}

/* The driver's debugfs counters, DEBUGFS/stats/NAME. */
#define COUNTER_NAMES \
	"faults", "mkwrites", "syncs", "pages_synced", "bytes_loaded"

/* The driver's debugfs counter stats/@name, or -1 if unreadable. */
static inline long counter(const char *name)
{
	char path[128], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), DEBUGFS "/stats/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return buf[0] ? strtol(buf, NULL, 10) : -1;
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

/* Sets every counter of COUNTER_NAMES that can be written to 0. */
static inline void counters_reset(void)
{
	static const char *const names[] = { COUNTER_NAMES };
	char path[128];
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), DEBUGFS "/stats/%s", names[i]);
		if (sysfs_write(path, "0\n") && errno != ENOENT &&
		    errno != EACCES)
			perror(path);
	}
}

#endif /* MMIODEMO_TESTS_COMMON_H */
