// SPDX-License-Identifier: GPL-2.0-only
/*
 * private-refused: a MAP_PRIVATE mapping would give the process its own
 * copy of a page on the first write (copy-on-write), which the device
 * would never see; for registers it is meaningless. The driver refuses
 * private mappings with EINVAL; the same mapping with MAP_SHARED works.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmiodemo.h"

int main(void)
{
	struct mmiodemo_info info;
	void *p;
	int fd;

	fd = open("/dev/mmiodemo", O_RDWR);
	if (fd < 0 || ioctl(fd, MMIODEMO_IOC_INFO, &info)) {
		printf("result: FAIL /dev/mmiodemo: %s\n", strerror(errno));
		return 1;
	}
	p = mmap(NULL, info.page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd,
		 info.regions[MMIODEMO_REGION_DMA].offset);
	if (p != MAP_FAILED) {
		printf("result: FAIL MAP_PRIVATE of the DMA buffer was mapped\n");
		return 1;
	}
	printf("mmap(MAP_PRIVATE) of the DMA buffer: %s\n", strerror(errno));
	if (errno != EINVAL) {
		printf("result: FAIL expected EINVAL\n");
		return 1;
	}
	p = mmap(NULL, info.page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 info.regions[MMIODEMO_REGION_DMA].offset);
	if (p == MAP_FAILED) {
		printf("result: FAIL MAP_SHARED: %s\n", strerror(errno));
		return 1;
	}
	printf("mmap(MAP_SHARED) of the same page: mapped at %p\n", p);
	printf("result: ok\n");
	return 0;
}
