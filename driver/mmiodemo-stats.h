/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The counters of mmiodemo's DMA buffer, by name: the driver shows each,
 * read-only, as the sysfs attribute /sys/class/misc/NODE/stats/NAME
 * (struct mmiodemo_dma has an atomic_long_t of each name), an ABI
 * documented in Documentation/ABI/testing/sysfs-class-misc-mmiodemo:
 * names are only added. libmmiodemo reads them (mmiodemo_counter()), the
 * tool prints them in this order, and the tests read them.
 */
#ifndef MMIODEMO_STATS_H
#define MMIODEMO_STATS_H

/* The table below stays tab-aligned, as in the kernel's own headers. */
/* clang-format off */

/* X(NAME) for each counter. */
#define MMIODEMO_COUNTERS(X)	\
	X(faults)		\
	X(faultaround)		\
	X(mkwrites)		\
	X(syncs)		\
	X(pages_synced)		\
	X(bytes_loaded)

/* clang-format on */

#endif /* MMIODEMO_STATS_H */
