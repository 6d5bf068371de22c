// SPDX-License-Identifier: GPL-2.0-only
/*
 * shared-mappings: two processes share the device's mappings. The parent
 * maps the registers and a page of the DMA buffer, then forks; the child
 * writes DIR through its copy of the register mapping and a byte through
 * its copy of the buffer, and the parent reads both back through its own.
 * MAP_SHARED mappings are inherited by fork() as the same memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmiodemo.h"
#include "mmiodemo-regs.h"

static int fail(const char *why, int err)
{
	printf("result: FAIL %s%s%s\n", why, err ? ": " : "",
	       err ? strerror(err) : "");
	return 1;
}

int main(void)
{
	const struct mmiodemo_region *regs, *dma;
	volatile uint32_t *dir = NULL;
	struct mmiodemo_info info;
	volatile uint8_t *buf;
	uint32_t old_dir = 0;
	int fd, status, ok;
	void *p;

	fd = open("/dev/mmiodemo", O_RDWR);
	if (fd < 0 || ioctl(fd, MMIODEMO_IOC_INFO, &info))
		return fail("/dev/mmiodemo", errno);
	regs = &info.regions[MMIODEMO_REGION_REGS];
	dma = &info.regions[MMIODEMO_REGION_DMA];

	if (regs->flags & MMIODEMO_REGION_F_MMAP) {
		p = mmap(NULL, regs->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, regs->offset);
		if (p == MAP_FAILED)
			return fail("mmap of the registers", errno);
		dir = (volatile uint32_t *)((uint8_t *)p + PL061_DIR);
		old_dir = *dir;
		*dir = 0;
	} else {
		printf("the registers are not mappable with %u-byte pages: "
		       "sharing the DMA buffer only\n",
		       info.page_size);
	}
	p = mmap(NULL, info.page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 dma->offset);
	if (p == MAP_FAILED)
		return fail("mmap of the DMA buffer", errno);
	buf = p;
	buf[100] = 0;

	fflush(stdout);
	if (fork() == 0) {
		if (dir)
			*dir = 0x30;
		buf[100] = 0xa5;
		_exit(0);
	}
	if (wait(&status) < 0 || !WIFEXITED(status))
		return fail("the child did not exit", 0);
	printf("the child wrote %sbuffer byte 100 = 0xa5\n",
	       dir ? "DIR = 0x30 and " : "");
	if (dir)
		printf("the parent reads DIR = 0x%02x through its mapping\n",
		       *dir);
	printf("the parent reads buffer byte 100 = 0x%02x through its mapping\n",
	       buf[100]);
	ok = (!dir || *dir == 0x30) && buf[100] == 0xa5;
	if (dir)
		*dir = old_dir;
	if (!ok)
		return fail("the parent does not see the child's writes", 0);
	printf("result: ok\n");
	return 0;
}
