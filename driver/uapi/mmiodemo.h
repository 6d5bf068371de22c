/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * mmiodemo userspace API: the ioctls of /dev/mmiodemo and what they return.
 *
 * The mmap space of the device is a set of regions. MMIODEMO_IOC_INFO says
 * where each one starts (pass that offset to mmap()), how big it is, and
 * with which memory type it is mapped. mmap() refuses, with:
 *   EINVAL      a private mapping (MAP_PRIVATE would copy register pages);
 *   EPERM       PROT_EXEC;
 *   ENXIO       an offset or length that is not inside one region;
 *   EOPNOTSUPP  a region that is not whole pages on this kernel (flag
 *               MMIODEMO_REGION_F_MMAP clear), e.g. the 4 KiB block on a
 *               16 KiB-page kernel;
 *   EACCES      PROT_WRITE, or a later mprotect(PROT_WRITE), on a
 *               read-only file descriptor.
 */
#ifndef _UAPI_MMIODEMO_H
#define _UAPI_MMIODEMO_H

/* The tables below stay tab-aligned, as in the kernel's own headers. */
/* clang-format off */

#include <linux/ioctl.h>
#include <linux/types.h>

#define MMIODEMO_UAPI_VERSION		1
#define MMIODEMO_MAX_REGIONS		4
#define MMIODEMO_REGION_NAME_LEN	16

/* Region indices in struct mmiodemo_info.regions. */
#define MMIODEMO_REGION_REGS		0

/* struct mmiodemo_region.flags */
#define MMIODEMO_REGION_F_READ		0x1
#define MMIODEMO_REGION_F_WRITE		0x2
#define MMIODEMO_REGION_F_MMAP		0x4 /* whole pages: mappable */

/* struct mmiodemo_region.memtype: the arm64 memory type of user mappings */
#define MMIODEMO_MEMTYPE_DEVICE_NGNRNE	1
#define MMIODEMO_MEMTYPE_DEVICE_NGNRE	2
#define MMIODEMO_MEMTYPE_NORMAL_NC	3
#define MMIODEMO_MEMTYPE_NORMAL		4

struct mmiodemo_region {
	__u64 offset;	/* mmap() offset of the region's first byte */
	__u64 size;	/* bytes the region spans */
	__u32 flags;	/* MMIODEMO_REGION_F_* */
	__u32 memtype;	/* MMIODEMO_MEMTYPE_* */
	char name[MMIODEMO_REGION_NAME_LEN];	/* NUL-terminated */
};

struct mmiodemo_info {
	__u32 version;		/* MMIODEMO_UAPI_VERSION */
	__u32 page_size;	/* the kernel's page size */
	__u32 nr_regions;	/* valid entries in regions[] */
	__u32 reserved;		/* 0 */
	struct mmiodemo_region regions[MMIODEMO_MAX_REGIONS];
};

#define MMIODEMO_IOC_MAGIC	0xb2
#define MMIODEMO_IOC_INFO	_IOR(MMIODEMO_IOC_MAGIC, 0x00, struct mmiodemo_info)

/* clang-format on */

#endif /* _UAPI_MMIODEMO_H */
