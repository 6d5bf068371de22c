/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * mmiodemo userspace API: the ioctls of /dev/mmiodemo and what they return.
 *
 * The mmap space of the device is a set of regions. MMIODEMO_IOC_INFO says
 * where each one starts (pass that offset to mmap()), how big it is, and
 * how the CPU caches it. A region is found by its index, which is fixed
 * (MMIODEMO_REGION_REGS, MMIODEMO_REGION_DMA); its name is a label for
 * people, never looked up by the driver. mmap() refuses, with:
 *   EINVAL      a private mapping (MAP_PRIVATE would copy register pages);
 *   EPERM       PROT_EXEC;
 *   ENXIO       an offset or length that is not inside one region;
 *   EOPNOTSUPP  a region that is not whole pages on this kernel (flag
 *               MMIODEMO_REGION_F_MMAP clear), e.g. the 4 KiB block on a
 *               16 KiB-page kernel;
 *   EACCES      PROT_WRITE, or a later mprotect(PROT_WRITE), on a
 *               read-only file descriptor;
 *   EOVERFLOW   an offset so high that offset + length wraps (the kernel
 *               refuses it before the driver is asked);
 *   ENOMEM      memory the kernel cannot give.
 * Every ioctl that changes the device or takes a set (all but INFO,
 * REG_READ, DMA_RUN and IRQ_HELD), and fsync(), get EBADF through a file
 * not open for writing.
 *
 * The DMA buffer region (MMIODEMO_REGION_DMA: every device of this driver
 * has one, and INFO reports nr_regions 2; its size is the node's
 * "mmiodemo,dma-buffer-size", 2 MiB when the node has none) is
 * mapped lazily: a page appears on first touch (a read maps its
 * neighbours too, read-only: fault-around). The driver records every
 * page userspace writes (MMIODEMO_REGION_F_DIRTY_LOG) in two page bitmaps:
 *   the dirty log   pages written since the last MMIODEMO_IOC_GET_DIRTY;
 *   the sync set    pages written since they were last handed to the device
 *                   (SYNC_FOR_DEVICE, fsync/msync, or SYNC_FOR_CPU, LOAD and
 *                   FB_SHOW of a range that holds them).
 * A page's first write after it is mapped faults, and is recorded. Each
 * ioctl takes its set in chunks of pages: it reads the page-table entries
 * of the pages written since they were mapped, records those marked dirty
 * and cleans them, leaving them writable, clears the set's bits and waits
 * for a write recording one of them; it unmaps the pages whose entries
 * were all clean (their next access faults again). The next write through
 * a cleaned entry takes no fault where the kernel uses arm64's hardware
 * dirty bit (DBM: Debian's kernels and the debug kernels, on QEMU's max
 * CPU): the CPU marks the entry dirty again. Elsewhere it takes a minor
 * fault in which the kernel marks it, with no page_mkwrite. So every
 * write that finished before the ioctl started is in this set or an
 * earlier one, and a write to a page the ioctl already passed is in the
 * next set. A write caught between its fault and its store can be
 * reported early, by one set or two, and then also in a later one. A page
 * pinned for DMA (the kernel writes it through the pin, with no fault:
 * process_vm_writev(), O_DIRECT since Linux 6.5), for reading or for
 * writing (the driver cannot tell), stays in the set while pinned: every
 * take checks for a pin each page that may have had a writable entry, and
 * reports a pinned page, as does every take until one finds it unpinned.
 * A pin holder that wrote a page marks it dirty as it lets go of it, as
 * the kernel's rule for pins requires (process_vm_writev() and O_DIRECT
 * do), which records it again. So a write through a pin is in the first
 * set taken after it lands. For O_DIRECT the release may come after the
 * read returned: such a page may be reported late by one more set, even
 * after a set that left it out (make fuzz checks that bound on GET_DIRTY,
 * whose sets name their pages; the sync set's ioctls return counts, which
 * cannot say which page was late, and there it allows a late report with
 * no bound). References taken without FOLL_PIN (O_DIRECT before 6.5) are
 * not seen until the kernel lets go of them. io_uring cannot register the
 * buffer as a fixed buffer (EOPNOTSUPP before 6.5, EFAULT since). fsync(),
 * fdatasync() and msync(MS_SYNC) of a range take the sync set of that
 * range, as SYNC_FOR_DEVICE does (ENOMEM: nothing taken). A bitmap is an array of __u64; page p is
 * bit (p % 64) of word p / 64.
 */
#ifndef _UAPI_MMIODEMO_H
#define _UAPI_MMIODEMO_H

/* The tables below stay tab-aligned, as in the kernel's own headers. */
/* clang-format off */

#include <linux/ioctl.h>
#include <linux/types.h>

#define MMIODEMO_MAX_REGIONS		4
#define MMIODEMO_REGION_NAME_LEN	16

/* Region indices in struct mmiodemo_info.regions. */
#define MMIODEMO_REGION_REGS		0
#define MMIODEMO_REGION_DMA		1

/* struct mmiodemo_region.flags */
#define MMIODEMO_REGION_F_READ		0x1 /* can be read */
#define MMIODEMO_REGION_F_WRITE		0x2 /* written through a writable file */
#define MMIODEMO_REGION_F_MMAP		0x4 /* whole pages: mappable */
#define MMIODEMO_REGION_F_DIRTY_LOG	0x8 /* writes are tracked per page */

/*
 * struct mmiodemo_region.caching: what a user mapping's caching means for
 * the program that uses it.
 *   DEVICE     uncached: each load and store of the program reaches the
 *              device once, at its width, in program order, and nothing
 *              is read ahead. For registers. (arm64: Device-nGnRE, as
 *              ioremap() maps MMIO.)
 *   WRITEBACK  cached, as ordinary memory: the device sees what the CPU
 *              wrote only after MMIODEMO_IOC_SYNC_FOR_DEVICE (or
 *              msync(MS_SYNC), fsync()),
 *              and the CPU sees what the device wrote only after
 *              MMIODEMO_IOC_SYNC_FOR_CPU. (arm64: Normal write-back.)
 */
#define MMIODEMO_CACHING_DEVICE		1
#define MMIODEMO_CACHING_WRITEBACK	2

struct mmiodemo_region {
	__u64 offset;	/* mmap() offset of the region's first byte */
	__u64 size;	/* bytes the region spans */
	__u32 flags;	/* MMIODEMO_REGION_F_* */
	__u32 caching;	/* MMIODEMO_CACHING_* */
	char name[MMIODEMO_REGION_NAME_LEN];	/* NUL-terminated */
};

/*
 * No version number: this API only grows, by new ioctls and by new flags
 * in fields that are 0 today, and userspace tests for what it uses.
 */
struct mmiodemo_info {
	__u32 page_size;	/* the kernel's page size */
	__u32 nr_regions;	/* valid entries in regions[] */
	struct mmiodemo_region regions[MMIODEMO_MAX_REGIONS];
};

/*
 * MMIODEMO_IOC_GET_DIRTY: copy the dirty log to bitmap and clear it.
 * EINVAL if nr_pages is smaller than the buffer or reserved is not 0,
 * EFAULT if bitmap cannot be written (the pages it took go back into the
 * log: a failed call loses nothing), ENODEV once the device is unbound,
 * ENOMEM.
 */
struct mmiodemo_dirty {
	__u64 bitmap;		/* user pointer to (nr_pages + 63) / 64 __u64 */
	__u32 nr_pages;		/* bits the bitmap holds: >= the buffer's pages */
	__u32 count;		/* out: pages set in the bitmap */
	__u64 reserved;		/* 0 */
};

/*
 * MMIODEMO_IOC_SYNC_FOR_DEVICE: hand the pages of the sync set that lie in
 * [offset, offset + len) to the device (a cache clean of exactly those
 * pages, or a copy into their bounce buffers) and take them out of the
 * set, as GET_DIRTY takes the dirty log (above); count: pages handed.
 * MMIODEMO_IOC_SYNC_FOR_CPU: make what the device wrote in that range
 * visible to the CPU (a cache invalidate, or a copy from the bounce
 * buffers). Pages of the range in the sync set, written by the CPU and not
 * yet synced for the device, are synced for the device first and leave the
 * set: the CPU's writes are never discarded, and what the device wrote to
 * such a page since it last got it is lost in each cache line the CPU
 * wrote (with bounce buffers: all of the page). A page pinned by the
 * kernel, for reading or for writing (the driver cannot tell which), is
 * not synced for the CPU and stays in the set. Before Linux 6.5 an
 * O_DIRECT read holds plain references, which are not seen: what it brings
 * after a take (of either set) took the page is in a set only once the
 * kernel lets go of the page, after the read's completion, and with bounce
 * buffers a SYNC_FOR_CPU before that copies the older bounce buffer over
 * it. Wait for such reads before taking a set or syncing for the CPU. The
 * range's pages are locked, and unmapped where they may be writable, 8192
 * at a time while they are synced: a fault or write on one of them waits.
 * count: the range's pages. len 0 means from offset to the end of the
 * buffer (offset 0, len 0: all of it). EINVAL if the range is not whole
 * pages inside the buffer or reserved is not 0; ENOMEM (nothing taken).
 */
struct mmiodemo_sync {
	__u64 offset;		/* bytes into the buffer, page aligned */
	__u64 len;		/* bytes, page aligned; 0: to the end */
	__u32 count;		/* out: pages synced */
	__u32 reserved;		/* 0 */
};

/*
 * MMIODEMO_IOC_LOAD: the device (QEMU's fw_cfg DMA engine) copies bytes
 * [blob_offset, blob_offset + len) of the host file named name into the
 * DMA buffer at offset (any byte offsets). len 0 means the rest of the
 * file; len returns the bytes loaded. The driver hands those pages to the
 * device first, as SYNC_FOR_DEVICE would (CPU writes not synced yet
 * included, and they leave the sync set); call MMIODEMO_IOC_SYNC_FOR_CPU
 * on the range before reading it. The device's writes are not in the dirty sets, which record
 * the CPU's. ENOENT: no file of that name; EINVAL: a range outside the file
 * or the buffer, an empty name or one without its NUL, reserved not 0;
 * EOPNOTSUPP: the device has no DMA engine (no "fw-cfg" reg in its node);
 * EIO: the device reported an error; ETIMEDOUT: a transfer was not done
 * after 1000 polls 100-200 us apart; ENODEV: the device was unbound;
 * EBADF: a file not open for writing; ENOMEM.
 */
#define MMIODEMO_BLOB_NAME_LEN	56

struct mmiodemo_load {
	char name[MMIODEMO_BLOB_NAME_LEN];	/* e.g. "opt/mmiodemo/random" */
	__u64 blob_offset;	/* bytes into the file */
	__u64 offset;		/* bytes into the buffer */
	__u64 len;		/* bytes; 0: the rest of the file. Out: loaded */
	__u64 reserved;		/* 0 */
};

/*
 * MMIODEMO_IOC_FB_SHOW: the device (QEMU's ramfb) scans out height lines of
 * width pixels, stride bytes apart, from the DMA buffer at offset, and
 * keeps reading them until MMIODEMO_IOC_FB_OFF or unbind: the scan-out is
 * the device's, not the file's, and outlives close() and exit; any file
 * open for writing may turn it off. A pixel is a 32-bit little-endian
 * word 0x00RRGGBB: in memory the bytes blue, green, red, unused. The
 * driver hands those pages to the device first, as LOAD does, so what
 * the CPU wrote before FB_SHOW is shown; later CPU writes reach the
 * device after MMIODEMO_IOC_SYNC_FOR_DEVICE (or msync(MS_SYNC)) of the
 * dirty pages.
 * EINVAL: a format other than MMIODEMO_FB_XRGB8888, width or height
 * outside MMIODEMO_FB_MIN..MMIODEMO_FB_MAX_*, a stride not a multiple of
 * 4 or under width * 4, an offset not page aligned, a framebuffer that
 * runs past the buffer's end or over pages that are not one run of
 * consecutive bus addresses (with bounce buffers, a run is at most one
 * mapping of 256 KiB),
 * reserved not 0; EFBIG: a framebuffer larger than the whole buffer;
 * EBUSY: a scan-out is already on (MMIODEMO_IOC_FB_OFF first, then show
 * the new one); EOPNOTSUPP: the device has no ramfb; EIO, ETIMEDOUT: as
 * for LOAD (ramfb is configured through the same DMA engine); ENODEV:
 * the device was unbound; EBADF: a file not open for writing; ENOMEM.
 * MMIODEMO_IOC_FB_OFF stops it (0 if it was off, or if QEMU has no ramfb;
 * EOPNOTSUPP: the device has no DMA engine; EIO, ETIMEDOUT: as for LOAD;
 * ENODEV, EBADF as for FB_SHOW): ramfb cannot be turned
 * off, so the driver points it at a 16x16 black picture in memory that is
 * never freed or written. MMIODEMO_FB_MIN and MMIODEMO_FB_MAX_* are
 * QEMU's ramfb's own limits (the bochs VBE limits its hw/display/ramfb.c
 * checks), which the driver checks before the device does.
 */
#define MMIODEMO_FB_XRGB8888	0x34325258	/* DRM fourcc 'XR24' */
#define MMIODEMO_FB_MIN		16
#define MMIODEMO_FB_MAX_WIDTH	16000
#define MMIODEMO_FB_MAX_HEIGHT	12000

struct mmiodemo_fb {
	__u64 offset;		/* bytes into the buffer, page aligned */
	__u32 width;		/* pixels */
	__u32 height;		/* lines */
	__u32 stride;		/* bytes from a line to the next */
	__u32 format;		/* MMIODEMO_FB_XRGB8888 */
	__u64 reserved;		/* 0 */
};

/*
 * /dev/mmiodemo is a stream: pread() and lseek() get ESPIPE.
 * read() returns whole events, oldest first, one per
 * interrupt the PL061 raised on lines no gpiolib consumer holds (free
 * lines, below): it blocks until there is one (EAGAIN with
 * O_NONBLOCK), and a buffer smaller than one event gets EINVAL. poll()
 * reports POLLIN while events wait. Each open file has its own queue, of a
 * size this API does not fix; when it is full, newer events are dropped,
 * and the next event read shows the gap in its seqno.
 *
 * Userspace configures the lines through the mapping (IS, IBE, IEV, then
 * IE). The interrupt handler acknowledges (IC) exactly the MIS bits it
 * read of free lines; lines configured level-sensitive (IS) it also masks
 * in IE, since
 * their source is still asserted: re-enable them with
 * MMIODEMO_IOC_IRQ_UNMASK once the source is dealt with, which changes IE
 * under the driver's lock. A write of IE through the mapping races with
 * the handler's masking, and the last writer wins.
 *
 * A line whose interrupt a gpiolib consumer holds (gpiomon, gpio-keys, a
 * driver's request_irq() on gpiod_to_irq()) is the consumer's: no event
 * reports it, MMIODEMO_IOC_IRQ_HELD lists it, and MMIODEMO_IOC_IRQ_UNMASK
 * of it is refused.
 */
struct mmiodemo_event {
	__u64 timestamp_ns;	/* CLOCK_MONOTONIC at the interrupt */
	__u32 seqno;		/* events since probe: 1, 2, ... */
	__u32 lines;		/* the MIS bits of free lines, acknowledged */
	__u32 masked;		/* of those, level lines masked in IE */
	__u32 reserved;		/* 0 */
};

/*
 * MMIODEMO_IOC_REG_READ / MMIODEMO_IOC_REG_WRITE: one access of a whole
 * 32-bit register, made by the kernel, at offset (4-byte aligned, inside
 * the register region). For kernels whose pages are larger than the block
 * (MMIODEMO_REGION_F_MMAP clear), where the registers cannot be mapped.
 * EINVAL for a bad offset, a width other than 32 (the block's registers
 * are 32 bits wide; narrower accesses are for the mapping) or a reserved
 * field not 0; EBADF for a write through a file not open for writing.
 * Both take the driver's lock, as its own read-modify-writes of DIR, IS,
 * IBE, IEV and IE do.
 */
struct mmiodemo_reg {
	__u32 offset;		/* bytes into the register region */
	__u32 width;		/* bits: 32 */
	__u32 value;		/* in for a write, out for a read */
	__u32 reserved;		/* 0 */
};

/*
 * 0xB9, numbers 0x00-0x0F: unassigned in the kernel's
 * Documentation/userspace-api/ioctl/ioctl-number.rst of 6.1 and of current
 * mainline (0xB2 went to powerpc's papr-* drivers in 6.8; 0xB8 and 0xBA
 * are taken too).
 */
/*
 * MMIODEMO_IOC_REG_UPDATE: a read-modify-write of one 32-bit register
 * under the driver's lock, the one its own read-modify-writes of DIR, IS,
 * IBE, IEV and IE (gpiolib, its irqchip, the interrupt handler) take: the
 * register becomes (old & ~mask) | (value & mask), and no other change of
 * it by the driver falls in between. old returns the value before, new the value written.
 * EINVAL for an offset as for REG_WRITE, value bits outside mask, or a
 * reserved field not 0; EBADF through a file not open for writing; ENODEV
 * once the device is unbound. Through the mapping, a
 * read-modify-write races with the driver's, and the last writer wins.
 */
struct mmiodemo_reg_update {
	__u32 offset;		/* bytes into the register region, 4-aligned */
	__u32 mask;		/* the bits to change */
	__u32 value;		/* their new values (bits outside mask: 0) */
	__u32 old;		/* out: the register before */
	__u32 new;		/* out: the register written */
	__u32 reserved;		/* 0 */
};

/*
 * MMIODEMO_IOC_DMA_RUN: the run of the DMA buffer that holds byte offset:
 * the pages around it whose bus addresses follow each other, in which a
 * framebuffer (FB_SHOW) must lie. The buffer is allocated in runs of up to
 * 4 MiB, smaller when the kernel has no larger free ones, and mapped for
 * the device a run at a time (with bounce buffers, 256 KiB at most);
 * allocations that lie next to each other in memory make one run.
 * In: offset; out: offset, the run's first byte, and len, its bytes.
 * offset 0, then the last offset + len each time, walks every run.
 * EINVAL: offset not inside the buffer, or reserved not 0; ENODEV: the
 * device was unbound. A read-only file may ask.
 */
struct mmiodemo_dma_run {
	__u64 offset;		/* in: a byte of the buffer; out: the run's first */
	__u64 len;		/* out: the run's bytes */
	__u64 reserved;		/* 0 */
};

#define MMIODEMO_IOC_MAGIC	0xb9
#define MMIODEMO_IOC_INFO	_IOR(MMIODEMO_IOC_MAGIC, 0x00, struct mmiodemo_info)
#define MMIODEMO_IOC_GET_DIRTY	_IOWR(MMIODEMO_IOC_MAGIC, 0x01, struct mmiodemo_dirty)
#define MMIODEMO_IOC_SYNC_FOR_DEVICE \
	_IOWR(MMIODEMO_IOC_MAGIC, 0x02, struct mmiodemo_sync)
#define MMIODEMO_IOC_SYNC_FOR_CPU \
	_IOWR(MMIODEMO_IOC_MAGIC, 0x03, struct mmiodemo_sync)
/*
 * Sets the given lines (bits 0-7) in IE, the latch of the level ones
 * cleared first; EINVAL for other bits; EBUSY, and none set, if gpiolib
 * holds one of them.
 */
#define MMIODEMO_IOC_IRQ_UNMASK	_IOW(MMIODEMO_IOC_MAGIC, 0x04, __u32)
#define MMIODEMO_IOC_REG_READ	_IOWR(MMIODEMO_IOC_MAGIC, 0x05, struct mmiodemo_reg)
#define MMIODEMO_IOC_REG_WRITE	_IOW(MMIODEMO_IOC_MAGIC, 0x06, struct mmiodemo_reg)
#define MMIODEMO_IOC_LOAD	_IOWR(MMIODEMO_IOC_MAGIC, 0x07, struct mmiodemo_load)
#define MMIODEMO_IOC_FB_SHOW	_IOW(MMIODEMO_IOC_MAGIC, 0x08, struct mmiodemo_fb)
#define MMIODEMO_IOC_FB_OFF	_IO(MMIODEMO_IOC_MAGIC, 0x09)
#define MMIODEMO_IOC_REG_UPDATE	_IOWR(MMIODEMO_IOC_MAGIC, 0x0a, struct mmiodemo_reg_update)
#define MMIODEMO_IOC_DMA_RUN	_IOWR(MMIODEMO_IOC_MAGIC, 0x0b, struct mmiodemo_dma_run)
/*
 * The lines (bits 0-7) whose interrupt a gpiolib consumer holds now; any
 * open file; ENODEV once the device is gone.
 */
#define MMIODEMO_IOC_IRQ_HELD	_IOR(MMIODEMO_IOC_MAGIC, 0x0c, __u32)

/* clang-format on */

#endif /* _UAPI_MMIODEMO_H */
