/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Register access for the guest tests that are about something else
 * (interrupts, libgpiod): 32-bit volatile accesses through the mapping
 * when the kernel can map the block, else MMIODEMO_IOC_REG_READ/WRITE,
 * so that those tests run on 16 KiB-page kernels too.
 */
#ifndef MMIODEMO_TESTS_REGS_H
#define MMIODEMO_TESTS_REGS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "common.h"
#include "mmiodemo.h"

struct regs {
	int fd;
	volatile uint8_t *map;	/* NULL: through the ioctls */
	size_t len;
};

/* Sets @r up on the open device @fd; 0, or -1 with errno set. */
static inline int regs_open(struct regs *r, int fd)
{
	struct mmiodemo_info info;
	const struct mmiodemo_region *reg;
	void *p;

	r->fd = fd;
	r->map = NULL;
	if (ioctl(fd, MMIODEMO_IOC_INFO, &info))
		return -1;
	reg = &info.regions[MMIODEMO_REGION_REGS];
	r->len = reg->size;
	if (!(reg->flags & MMIODEMO_REGION_F_MMAP))
		return 0;
	p = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)reg->offset);
	if (p == MAP_FAILED)
		return -1;
	r->map = p;
	return 0;
}

static inline uint32_t regs_rd32(struct regs *r, unsigned int off)
{
	struct mmiodemo_reg reg = { .offset = off, .width = 32 };

	if (r->map)
		return rd32(r->map, off);
	if (ioctl(r->fd, MMIODEMO_IOC_REG_READ, &reg))
		return 0xdeadbeef;
	return reg.value;
}

static inline void regs_wr32(struct regs *r, unsigned int off, uint32_t val)
{
	struct mmiodemo_reg reg = { .offset = off, .width = 32, .value = val };

	if (r->map)
		wr32(r->map, off, val);
	else
		ioctl(r->fd, MMIODEMO_IOC_REG_WRITE, &reg);
}

static inline void regs_close(struct regs *r)
{
	if (r->map)
		munmap((void *)r->map, r->len);
	r->map = NULL;
}

#endif /* MMIODEMO_TESTS_REGS_H */
