/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmmiodemo: the userspace side of /dev/mmiodemo, as a small C library.
 *
 * Open a device, read what it offers (MMIODEMO_IOC_INFO), map its regions,
 * read and write its registers at exact widths through the mapping (or,
 * where the kernel cannot map them, through the driver's 32-bit register
 * ioctls), look registers up by name, and drive the DMA buffer and the
 * interrupt events. Every function returns 0 (or a count) on success and
 * a negative errno on failure; none prints or exits.
 *
 *     struct mmiodemo *md;
 *     uint32_t dir;
 *
 *     if (mmiodemo_open("/dev/mmiodemo", O_RDWR, &md) == 0 &&
 *         mmiodemo_reg_read(md, PL061_DIR, 32, &dir) == 0)
 *             printf("DIR = 0x%02x\n", dir);
 *     mmiodemo_close(md);
 *
 * pkg-config --cflags --libs libmmiodemo
 */
#ifndef LIBMMIODEMO_H
#define LIBMMIODEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmiodemo.h"		/* the uAPI: ioctls, structs, flags */
#include "mmiodemo-regs.h"	/* the PL061's register map */

#ifdef __cplusplus
extern "C" {
#endif

/** struct mmiodemo - an open device (opaque). */
struct mmiodemo;

/**
 * struct mmiodemo_reg_desc - a named register of the block.
 * @name:   as in mmiodemo-regs.h, e.g. "DIR"
 * @offset: bytes into the register region
 * @access: PL061_ACC_R and/or PL061_ACC_W
 */
struct mmiodemo_reg_desc {
	const char *name;
	unsigned int offset;
	unsigned int access;
};

/**
 * mmiodemo_open() - open a device and read what it offers.
 * @path:  its node, e.g. "/dev/mmiodemo"
 * @flags: O_RDONLY or O_RDWR (O_CLOEXEC is added)
 * @md:    out: the device, for mmiodemo_close()
 *
 * Return: 0, or -errno of open() or of MMIODEMO_IOC_INFO.
 */
int mmiodemo_open(const char *path, int flags, struct mmiodemo **md);

/** mmiodemo_close() - unmap every region, close, free. NULL is a no-op. */
void mmiodemo_close(struct mmiodemo *md);

/** mmiodemo_fd() - the device's file descriptor, for poll() and ioctls. */
int mmiodemo_fd(const struct mmiodemo *md);

/** mmiodemo_info() - what MMIODEMO_IOC_INFO said at mmiodemo_open(). */
const struct mmiodemo_info *mmiodemo_info(const struct mmiodemo *md);

/**
 * mmiodemo_region() - a region by its index (MMIODEMO_REGION_*).
 * Return: the region, or NULL if the device has none of that index.
 */
const struct mmiodemo_region *mmiodemo_region(const struct mmiodemo *md,
					      unsigned int index);

/**
 * mmiodemo_region_index() - the index of the region labelled @name.
 * Return: the index, or -ENOENT.
 */
int mmiodemo_region_index(const struct mmiodemo *md, const char *name);

/**
 * mmiodemo_map() - map a whole region, shared; once per region and device.
 * @md:    the device
 * @index: MMIODEMO_REGION_*
 * @prot:  PROT_READ, or PROT_READ | PROT_WRITE
 * @addr:  out: where it is mapped
 *
 * A region already mapped is returned again (with its first @prot).
 * Return: 0; -ENOENT: no such region; -EOPNOTSUPP: the region is not whole
 * pages on this kernel (MMIODEMO_REGION_F_MMAP clear); or -errno of mmap().
 */
int mmiodemo_map(struct mmiodemo *md, unsigned int index, int prot,
		 void **addr);

/**
 * mmiodemo_ioread() - one volatile load of @width (8, 16, 32) bits at
 * @base + @offset: never split, merged or elided by the compiler. For a
 * mapping made with mmiodemo_map() or mmap() of the register region.
 */
static inline uint32_t mmiodemo_ioread(const volatile void *base,
				       unsigned int offset, unsigned int width)
{
	const volatile uint8_t *p = (const volatile uint8_t *)base + offset;

	switch (width) {
	case 8:
		return *p;
	case 16:
		return *(const volatile uint16_t *)p;
	default:
		return *(const volatile uint32_t *)p;
	}
}

/** mmiodemo_iowrite() - one volatile store, as mmiodemo_ioread(). */
static inline void mmiodemo_iowrite(volatile void *base, unsigned int offset,
				    unsigned int width, uint32_t value)
{
	volatile uint8_t *p = (volatile uint8_t *)base + offset;

	switch (width) {
	case 8:
		*p = value;
		break;
	case 16:
		*(volatile uint16_t *)p = value;
		break;
	default:
		*(volatile uint32_t *)p = value;
		break;
	}
}

/**
 * mmiodemo_reg_read() - read a register at exact width.
 * @md:     the device
 * @offset: bytes into the register region, aligned to @width
 * @width:  8, 16 or 32 bits
 * @value:  out: what the register read
 *
 * One volatile load of @width bits through the mapping of the register
 * region (mapped on first use). Where the region cannot be mapped, one
 * MMIODEMO_IOC_REG_READ of the whole 32-bit register, whose bytes a
 * narrower read takes (little-endian, as the bus).
 * Return: 0; -EINVAL: a bad width, an unaligned or outside offset; -errno.
 */
int mmiodemo_reg_read(struct mmiodemo *md, unsigned int offset,
		      unsigned int width, uint32_t *value);

/**
 * mmiodemo_reg_write() - write a register at exact width.
 *
 * As mmiodemo_reg_read(), one volatile store. Where the region cannot be
 * mapped, a 32-bit write is MMIODEMO_IOC_REG_WRITE, and a narrower one is
 * -EOPNOTSUPP (the driver writes whole registers only). -EINVAL also for
 * a @value wider than @width; -EBADF for a device opened read-only.
 */
int mmiodemo_reg_write(struct mmiodemo *md, unsigned int offset,
		       unsigned int width, uint32_t value);

/**
 * mmiodemo_reg_update() - read-modify-write of a 32-bit register that no
 * read-modify-write of the driver's (gpiolib's DIR, its irqchip's and its
 * interrupt handler's IS, IBE, IEV and IE) can interleave with:
 * MMIODEMO_IOC_REG_UPDATE.
 * @offset: 4-aligned, in the register region
 * @mask:   the bits to change
 * @value:  their new values; a bit outside @mask is -EINVAL
 * @old:    out, may be NULL: the register before
 *
 * Return: 0; -EINVAL; -EBADF for a device opened read-only; -errno.
 */
int mmiodemo_reg_update(struct mmiodemo *md, unsigned int offset,
			uint32_t mask, uint32_t value, uint32_t *old);

/**
 * mmiodemo_reg_by_name() - look a register up by name (case-insensitive).
 * Return: its description, or NULL.
 */
const struct mmiodemo_reg_desc *mmiodemo_reg_by_name(const char *name);

/** mmiodemo_reg_by_offset() - the register at @offset, or NULL. */
const struct mmiodemo_reg_desc *mmiodemo_reg_by_offset(unsigned int offset);

/**
 * mmiodemo_regs() - every named register, in mmiodemo-regs.h's order.
 * @nr: out: how many
 */
const struct mmiodemo_reg_desc *mmiodemo_regs(size_t *nr);

/**
 * mmiodemo_get_dirty() - take the dirty log (MMIODEMO_IOC_GET_DIRTY).
 * @bitmap:   out: (nr_pages + 63) / 64 words, page p is bit p % 64 of
 *            word p / 64
 * @nr_pages: bits @bitmap holds: at least the buffer's pages
 * @count:    out, may be NULL: pages set
 */
int mmiodemo_get_dirty(struct mmiodemo *md, uint64_t *bitmap,
		       uint32_t nr_pages, uint32_t *count);

/**
 * mmiodemo_sync() - MMIODEMO_IOC_SYNC_FOR_DEVICE (@for_cpu false) or
 * MMIODEMO_IOC_SYNC_FOR_CPU of [@offset, @offset + @len) of the buffer
 * (@len 0: to its end). @count, may be NULL: out, pages synced.
 */
int mmiodemo_sync(struct mmiodemo *md, bool for_cpu, uint64_t offset,
		  uint64_t len, uint32_t *count);

/**
 * mmiodemo_load() - MMIODEMO_IOC_LOAD: the device copies bytes of the host
 * file @name from @blob_offset into the buffer at @offset; *@len bytes
 * (0: the rest of the file), and out: the bytes loaded.
 */
int mmiodemo_load(struct mmiodemo *md, const char *name, uint64_t blob_offset,
		  uint64_t offset, uint64_t *len);

/**
 * mmiodemo_dma_run() - MMIODEMO_IOC_DMA_RUN: the run of the buffer (pages
 * of consecutive bus addresses, where a framebuffer must lie) that holds
 * byte @offset: out, its first byte *@start and its bytes *@len.
 */
int mmiodemo_dma_run(struct mmiodemo *md, uint64_t offset, uint64_t *start,
		     uint64_t *len);

/** mmiodemo_fb_show() - MMIODEMO_IOC_FB_SHOW of @fb. */
int mmiodemo_fb_show(struct mmiodemo *md, const struct mmiodemo_fb *fb);

/** mmiodemo_fb_off() - MMIODEMO_IOC_FB_OFF. */
int mmiodemo_fb_off(struct mmiodemo *md);

/**
 * mmiodemo_event_wait() - wait for an interrupt event.
 * @timeout_ms: as poll(): -1 forever
 * Return: 1 if an event waits, 0 on timeout, -errno (-ENODEV: unbound).
 */
int mmiodemo_event_wait(struct mmiodemo *md, int timeout_ms);

/**
 * mmiodemo_event_read() - read the oldest event (blocks unless the device
 * was opened O_NONBLOCK: then -EAGAIN).
 */
int mmiodemo_event_read(struct mmiodemo *md, struct mmiodemo_event *ev);

/**
 * mmiodemo_irq_unmask() - MMIODEMO_IOC_IRQ_UNMASK of @lines (bits 0-7):
 * -EBUSY, and nothing unmasked, if gpiolib holds one of them.
 */
int mmiodemo_irq_unmask(struct mmiodemo *md, uint32_t lines);
/**
 * mmiodemo_irq_held() - MMIODEMO_IOC_IRQ_HELD: *@lines becomes the lines
 * whose interrupt a gpiolib consumer holds (bits 0-7).
 */
int mmiodemo_irq_held(struct mmiodemo *md, uint32_t *lines);

/**
 * mmiodemo_counter() - one of the driver's counters.
 * @device: the device's node, e.g. "/dev/mmiodemo" (its basename names
 *          its misc device); it need not be open
 * @name:   as in mmiodemo-stats.h, e.g. "faults"
 * @val:    out
 *
 * Reads the sysfs attribute /sys/class/misc/NODE/stats/@name (an ABI:
 * Documentation/ABI/testing/sysfs-class-misc-mmiodemo), which any user
 * may read. The counters only grow: compare two readings. Return: 0;
 * -ENOENT (no such counter, or no such device); -EIO (not a number);
 * -errno.
 */
int mmiodemo_counter(const char *device, const char *name, uint64_t *val);

/** mmiodemo_counter_names() - the names of the counters; @nr: out. */
const char *const *mmiodemo_counter_names(size_t *nr);

/**
 * mmiodemo_debugfs_dir() - where debugfs is: $MMIODEMO_DEBUGFS if set,
 * else /sys/kernel/debug (the maps of the audit module are there).
 */
const char *mmiodemo_debugfs_dir(void);

/** mmiodemo_name() - the basename of the device's node, e.g. "mmiodemo". */
const char *mmiodemo_name(const struct mmiodemo *md);

#ifdef __cplusplus
}
#endif

#endif /* LIBMMIODEMO_H */
