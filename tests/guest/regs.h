/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Register access for the guest tests that are about something else
 * (interrupts, libgpiod), through libmmiodemo: 32-bit accesses through
 * the mapping when the kernel can map the block, else the register
 * ioctls, so that those tests run on 16 KiB-page kernels too.
 */
#ifndef MMIODEMO_TESTS_REGS_H
#define MMIODEMO_TESTS_REGS_H

#include <fcntl.h>
#include <stdint.h>

#include "common.h"

struct regs {
	int fd;			/* the test's own file; -1: not set up */
	struct mmiodemo *md;	/* the library's, for the registers */
};

/* Sets @r up beside the test's open device @fd; 0, or -1 with errno set. */
static inline int regs_open(struct regs *r, int fd)
{
	int err = mmiodemo_open(DEVICE, O_RDWR, &r->md);

	r->fd = fd;
	if (err)
		errno = -err;
	return err ? -1 : 0;
}

static inline uint32_t regs_rd32(struct regs *r, unsigned int off)
{
	uint32_t val;

	return mmiodemo_reg_read(r->md, off, 32, &val) ? 0xdeadbeef : val;
}

static inline void regs_wr32(struct regs *r, unsigned int off, uint32_t val)
{
	mmiodemo_reg_write(r->md, off, 32, val);
}

static inline void regs_close(struct regs *r)
{
	mmiodemo_close(r->md);
	r->md = NULL;
}

#endif /* MMIODEMO_TESTS_REGS_H */
