// SPDX-License-Identifier: GPL-2.0-only
/*
 * fork-dirty: the driver tracks writes to the DMA buffer per page, for
 * every process that maps it. The parent maps the buffer and empties the
 * dirty log (MMIODEMO_IOC_GET_DIRTY takes and clears it), then forks; the
 * child writes one byte of page 3 through the inherited mapping and exits.
 * The parent's next GET_DIRTY reports exactly that page.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmiodemo.h"

static int fail(const char *why, int err)
{
	printf("result: FAIL %s%s%s\n", why, err ? ": " : "",
	       err ? strerror(err) : "");
	return 1;
}

int main(void)
{
	const struct mmiodemo_region *dma;
	struct mmiodemo_dirty dirty = { 0 };
	struct mmiodemo_info info;
	volatile uint8_t *buf;
	uint64_t *bitmap;
	size_t pages;
	int fd, status;

	fd = open("/dev/mmiodemo", O_RDWR);
	if (fd < 0 || ioctl(fd, MMIODEMO_IOC_INFO, &info))
		return fail("/dev/mmiodemo", errno);
	dma = &info.regions[MMIODEMO_REGION_DMA];
	pages = dma->size / info.page_size;
	bitmap = calloc((pages + 63) / 64, sizeof(*bitmap));
	buf = mmap(NULL, dma->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   dma->offset);
	if (!bitmap || buf == MAP_FAILED)
		return fail("calloc or mmap", errno);
	dirty.bitmap = (uintptr_t)bitmap;
	dirty.nr_pages = (uint32_t)pages;
	if (ioctl(fd, MMIODEMO_IOC_GET_DIRTY, &dirty))
		return fail("GET_DIRTY", errno);
	printf("the dirty log is empty now (it held %u pages)\n", dirty.count);

	fflush(stdout);
	if (fork() == 0) {
		buf[3 * info.page_size + 42] = 0x5a;
		_exit(0);
	}
	if (wait(&status) < 0 || !WIFEXITED(status))
		return fail("the child did not exit", 0);
	printf("the child wrote a byte of page 3\n");
	if (ioctl(fd, MMIODEMO_IOC_GET_DIRTY, &dirty))
		return fail("GET_DIRTY", errno);
	printf("the parent's GET_DIRTY: %u page(s), page 3 %s\n", dirty.count,
	       bitmap[0] & (1 << 3) ? "among them" : "not among them");
	if (dirty.count != 1 || bitmap[0] != 1 << 3)
		return fail("expected exactly page 3", 0);
	printf("result: ok\n");
	return 0;
}
