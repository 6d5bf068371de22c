// SPDX-License-Identifier: GPL-2.0-only
/*
 * populate-vs-lazy: the DMA buffer is mapped lazily. mmap() only sets up
 * the area; pages come in by page faults on first touch, each fault
 * mapping its page and, on a read, the pages around it (fault-around).
 * The driver counts both in sysfs (stats/faults, stats/faultaround).
 * With MAP_POPULATE the kernel takes those faults inside mmap(), and
 * touching costs none.
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

#define STATS "/sys/class/misc/mmiodemo/stats/"
#define PAGES 16

/* A counter of the driver, or -1 if it cannot be read. */
static long counter(const char *name)
{
	char path[128], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), STATS "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		buf[0] = '\0';
	if (fd >= 0)
		close(fd);
	return buf[0] ? strtol(buf, NULL, 10) : -1;
}

/* The pages the driver mapped so far: by a fault, or around one. */
static long mapped(void)
{
	long f = counter("faults"), a = counter("faultaround");

	return f < 0 || a < 0 ? -1 : f + a;
}

/* Maps PAGES pages with @flags and touches them: pages mapped by each step. */
static int map_and_touch(int fd, const struct mmiodemo_info *info, int flags,
			 long *at_mmap, long *at_touch)
{
	size_t len = (size_t)PAGES * info->page_size, i;
	volatile uint8_t *p;
	long f0 = mapped();

	p = mmap(NULL, len, PROT_READ, MAP_SHARED | flags, fd,
		 info->regions[MMIODEMO_REGION_DMA].offset);
	if (p == MAP_FAILED)
		return -1;
	*at_mmap = mapped() - f0;
	for (i = 0; i < PAGES; i++)
		(void)p[i * info->page_size];
	*at_touch = mapped() - f0 - *at_mmap;
	return munmap((void *)p, len);
}

int main(void)
{
	long lazy_mmap, lazy_touch, pop_mmap, pop_touch;
	struct mmiodemo_info info;
	int fd;

	fd = open("/dev/mmiodemo", O_RDWR);
	if (fd < 0 || ioctl(fd, MMIODEMO_IOC_INFO, &info)) {
		printf("result: FAIL /dev/mmiodemo: %s\n", strerror(errno));
		return 1;
	}
	if (mapped() < 0) {
		printf("result: skip cannot read " STATS "\n");
		return 0;
	}
	if (map_and_touch(fd, &info, 0, &lazy_mmap, &lazy_touch) ||
	    map_and_touch(fd, &info, MAP_POPULATE, &pop_mmap, &pop_touch)) {
		printf("result: FAIL mmap: %s\n", strerror(errno));
		return 1;
	}
	printf("%d pages, lazily:       %ld pages mapped in mmap(), %ld on first touch\n",
	       PAGES, lazy_mmap, lazy_touch);
	printf("%d pages, MAP_POPULATE: %ld pages mapped in mmap(), %ld on first touch\n",
	       PAGES, pop_mmap, pop_touch);
	if (lazy_mmap != 0 || lazy_touch != PAGES || pop_mmap != PAGES ||
	    pop_touch != 0) {
		printf("result: FAIL expected 0/%d lazily and %d/0 populated\n",
		       PAGES, PAGES);
		return 1;
	}
	printf("result: ok\n");
	return 0;
}
