/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Register map of the ARM PrimeCell PL061 GPIO block (ARM DDI 0190B) that
 * mmiodemo drives, as QEMU's arm64 "virt" machine emulates it.
 *
 * Shared by the driver, the userspace tools and the tests: it holds plain
 * constants only, so it builds in the kernel and in userspace alike.
 */
#ifndef MMIODEMO_REGS_H
#define MMIODEMO_REGS_H

/* The tables below stay tab-aligned, as in the kernel's own headers. */
/* clang-format off */

#define PL061_NR_LINES		8
#define PL061_LINES_MASK	0xff
#define PL061_BLOCK_SIZE	0x1000

/*
 * DATA is address-masked: bits [9:2] of the offset select which lines a read
 * returns (the others read 0) and which lines a write may change.
 */
#define PL061_DATA(mask)	(((mask) & PL061_LINES_MASK) << 2)
#define PL061_DATA_ALL		PL061_DATA(PL061_LINES_MASK)
#define PL061_DIR		0x400	/* 1 = output */
#define PL061_IS		0x404	/* interrupt sense: 1 = level */
#define PL061_IBE		0x408	/* interrupt on both edges */
#define PL061_IEV		0x40c	/* 1 = rising edge / high level */
#define PL061_IE		0x410	/* interrupt mask: 1 = enabled */
#define PL061_RIS		0x414	/* raw interrupt status */
#define PL061_MIS		0x418	/* masked interrupt status */
#define PL061_IC		0x41c	/* interrupt clear, write 1 to clear */
#define PL061_AFSEL		0x420	/* mode control (hardware control) */

/* Identification: one byte per 32-bit register, least significant first. */
#define PL061_PERIPHID(n)	(0xfe0 + 4 * (n))
#define PL061_PCELLID(n)	(0xff0 + 4 * (n))
#define PL061_NR_ID_REGS	4
#define PL061_PERIPH_ID		0x00041061	/* part 0x061, designer 0x41 */
#define PL061_PERIPH_ID_MASK	0x000fffff	/* bits 23:20 are the revision */
#define PL061_CELL_ID		0xb105f00d
#define PL061_ID_BYTE(id, n)	(((id) >> (8 * (n))) & 0xffU)

/* Access allowed to a register. */
#define PL061_ACC_R		0x1
#define PL061_ACC_W		0x2
#define PL061_ACC_RW		(PL061_ACC_R | PL061_ACC_W)

/*
 * Every named register: X(name, offset, access). The tools look names up
 * here and the driver builds its debugfs register dump from it.
 */
#define PL061_REGISTERS(X)					\
	X(DATA, PL061_DATA_ALL, PL061_ACC_RW)			\
	X(DIR, PL061_DIR, PL061_ACC_RW)				\
	X(IS, PL061_IS, PL061_ACC_RW)				\
	X(IBE, PL061_IBE, PL061_ACC_RW)				\
	X(IEV, PL061_IEV, PL061_ACC_RW)				\
	X(IE, PL061_IE, PL061_ACC_RW)				\
	X(RIS, PL061_RIS, PL061_ACC_R)				\
	X(MIS, PL061_MIS, PL061_ACC_R)				\
	X(IC, PL061_IC, PL061_ACC_W)				\
	X(AFSEL, PL061_AFSEL, PL061_ACC_RW)			\
	X(PERIPHID0, PL061_PERIPHID(0), PL061_ACC_R)		\
	X(PERIPHID1, PL061_PERIPHID(1), PL061_ACC_R)		\
	X(PERIPHID2, PL061_PERIPHID(2), PL061_ACC_R)		\
	X(PERIPHID3, PL061_PERIPHID(3), PL061_ACC_R)		\
	X(PCELLID0, PL061_PCELLID(0), PL061_ACC_R)		\
	X(PCELLID1, PL061_PCELLID(1), PL061_ACC_R)		\
	X(PCELLID2, PL061_PCELLID(2), PL061_ACC_R)		\
	X(PCELLID3, PL061_PCELLID(3), PL061_ACC_R)

/* clang-format on */

#endif /* MMIODEMO_REGS_H */
