/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the guest test programs share: where the device, its debugfs
 * directory and its sysfs driver are, and three small helpers.
 */
#ifndef MMIODEMO_TESTS_COMMON_H
#define MMIODEMO_TESTS_COMMON_H

#include <fcntl.h>
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

#endif /* MMIODEMO_TESTS_COMMON_H */
