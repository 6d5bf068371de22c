// SPDX-License-Identifier: GPL-2.0-only
/*
 * msync: the DMA buffer is cached memory, and the device sees what the CPU
 * wrote only once the written pages are synced for it. msync(MS_SYNC) of
 * a range does that for the pages written in the range, as
 * MMIODEMO_IOC_SYNC_FOR_DEVICE does: the driver's stats/pages_synced grows
 * by the two pages written, and a SYNC_FOR_DEVICE after it finds none.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmiodemo.h"

#define SYNCED "/sys/class/misc/mmiodemo/stats/pages_synced"

/* The driver's synced-pages counter, or -1 if it cannot be read. */
static long pages_synced(void)
{
	char buf[32] = "";
	int fd = open(SYNCED, O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		buf[0] = '\0';
	if (fd >= 0)
		close(fd);
	return buf[0] ? strtol(buf, NULL, 10) : -1;
}

static int fail(const char *why, int err)
{
	printf("result: FAIL %s%s%s\n", why, err ? ": " : "",
	       err ? strerror(err) : "");
	return 1;
}

int main(void)
{
	struct mmiodemo_sync sync = { 0 }; /* len 0: the whole buffer */
	struct mmiodemo_info info;
	volatile uint8_t *buf;
	long before, after;
	size_t ps;
	int fd;

	fd = open("/dev/mmiodemo", O_RDWR);
	if (fd < 0 || ioctl(fd, MMIODEMO_IOC_INFO, &info))
		return fail("/dev/mmiodemo", errno);
	ps = info.page_size;
	buf = mmap(NULL, 4 * ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   info.regions[MMIODEMO_REGION_DMA].offset);
	if (buf == MAP_FAILED)
		return fail("mmap of the DMA buffer", errno);
	/* Start from an empty sync set: what others wrote goes out now. */
	if (ioctl(fd, MMIODEMO_IOC_SYNC_FOR_DEVICE, &sync))
		return fail("SYNC_FOR_DEVICE", errno);
	before = pages_synced();
	if (before < 0) {
		printf("result: skip cannot read " SYNCED "\n");
		return 0;
	}

	buf[0] = 1;
	buf[2 * ps] = 2;
	printf("wrote pages 0 and 2 of a 4-page mapping\n");
	if (msync((void *)buf, 4 * ps, MS_SYNC))
		return fail("msync", errno);
	after = pages_synced();
	printf("msync(MS_SYNC): stats/pages_synced grew by %ld\n",
	       after - before);
	if (ioctl(fd, MMIODEMO_IOC_SYNC_FOR_DEVICE, &sync))
		return fail("SYNC_FOR_DEVICE", errno);
	printf("SYNC_FOR_DEVICE after it: %u pages left to sync\n", sync.count);
	if (after - before != 2 || sync.count != 0)
		return fail("expected 2 pages synced by msync, 0 left", 0);
	printf("result: ok\n");
	return 0;
}
