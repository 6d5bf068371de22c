// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz: a model-checking fuzzer for /dev/mmiodemo. Slot threads (and the
 * processes they fork) run random sequences of open, mmap of either region
 * at random page offsets, munmap (whole or part), mprotect, mremap, fork,
 * MAP_POPULATE, MADV_DONTNEED, msync, fsync, writes (stores,
 * process_vm_writev() through pins, some held across a take, and
 * O_DIRECT reads from the disk QEMU gives the guest, some in flight
 * across a take), reads (loads, and process_vm_readv() through pins, some
 * held across a take), GET_DIRTY, SYNC_FOR_DEVICE/FOR_CPU on random
 * ranges, event reads and polls, close; with --unbind, the device is also unbound and
 * bound again while the slots map both regions and touch their mappings.
 * io_uring fixed buffers are not made: the buffer cannot be registered
 * (dma_test checks that).
 *
 *   fuzz [--seconds N] [--seed N] [--slots N] [--unbind]
 *
 * A shadow model, in memory shared by every thread and process, holds the
 * buffer's bytes and, per page, how many writes started and how many
 * completed. Page p is written only by slot p % slots (or by the child it
 * waits for), so the model of its data is exact. Each set (the dirty log,
 * the sync set) keeps, per page:
 *   cov  writes 1..cov were reported by some take of the set;
 *   amb  writes after amb were not (amb >= cov).
 * A take snapshots done[] before the call (B) and started[] after it (A);
 * writes up to B completed before it, writes after A started after it.
 * After each take it checks, page by page:
 *   lost:     a page not reported with B > amb: a write completed before
 *             the take and no take could have reported it;
 *   spurious: a page reported with A <= cov: no write since its last sure
 *             report, so nothing could set its bit.
 * A page can be reported a take early: its write fault recorded it, and
 * the take came before the store itself, which is then in a later set too
 * (its entry is dirty once the fault is done). The model allows that and
 * counts it ("early").
 * SYNC_FOR_DEVICE, msync and fsync return a count, not a bitmap: the count
 * must lie between the pages that must be in the set and those that may.
 * SYNC_FOR_CPU takes the range's pages out of the sync set and says
 * nothing of them: each may have been taken; the slot's pages of the range
 * must still read as the model says (no CPU write is discarded).
 * A write through a pin (process_vm_writev()) lands through the kernel's
 * mapping of the page, with no fault: a pinned page stays in the set, so
 * such a write must be in the first take after it lands. PIN_HELD holds
 * the copy (its source is a userfaultfd page) until the slot has taken.
 * A read through a pin (process_vm_readv(), PIN_READ) writes nothing,
 * but a take cannot tell its pin from one for writing: its page may be
 * reported while pinned and until a take that began after the pin ended
 * leaves it out, and no later.
 * ODIRECT reads whole pages from the disk through pins the block layer
 * takes (since Linux 6.5; plain references before, which no take can
 * see: there it is an ordinary racing write, and the sync set's takes and
 * SYNC_FOR_CPU wait for it). A take the slot runs while its read is in flight, and that ends
 * with it still in flight, held the pages pinned throughout: the read must
 * be in a take after it completes.
 * Every read of a page the slot owns must equal the model; with --unbind,
 * every access through a mapping made before the unbind completed (the
 * slots keep mapping while it runs) must die of SIGBUS, no page of a
 * buffer mapping may be mapped (mincore()), and INFO on every old file
 * must fail with ENODEV.
 *
 * The seed (printed first; SEED=N or --seed N replays it) fixes each
 * slot's sequence of operations; the interleaving is the kernel's. On a
 * failure it prints the failing check and the slot's last operations.
 * Output is TAP, one test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <linux/aio_abi.h>
#include <linux/userfaultfd.h>

#include "common.h"
#include "mmiodemo.h"
#include "mmiodemo-regs.h"

#define MAX_SLOTS	8
#define MAX_MAPS	8
#define MAX_FDS		3
#define LOG_LEN		48
#define LOG_LINE	112
#define MAX_PIN		64	/* pages a PIN_WRITE writes in one call */
#define MAX_OD		8	/* pages an ODIRECT reads in one call */
#define DISK_SERIAL	"mmiodemo-disk"	/* machine.conf's QEMU_DISK */

#define OPS(X)							\
	X(OPEN) X(CLOSE) X(MMAP) X(MMAP_POPULATE) X(MMAP_REGS)	\
	X(MMAP_REFUSED) X(MUNMAP) X(MUNMAP_PART) X(MPROTECT)	\
	X(MREMAP) X(FORK) X(DONTNEED) X(MSYNC) X(FSYNC) X(WRITE)	\
	X(WRITE_RO) X(PIN_WRITE) X(PIN_HELD) X(PIN_RO) X(PIN_READ)	\
	X(ODIRECT) X(READ) \
	X(READ_PAGE) X(GET_DIRTY) X(SYNC_DEV) X(SYNC_CPU) X(EVENTS)	\
	X(UNBIND) X(MMAP_RACING) X(TOUCH_RACING)
#define OP_ENUM(n) OP_##n,
#define OP_NAME(n) #n,
enum op { OPS(OP_ENUM) NR_OPS };
static const char *const op_names[] = { OPS(OP_NAME) };

/* Weights of the operations a slot picks from. */
static const unsigned int op_weight[NR_OPS] = {
	[OP_OPEN] = 2, [OP_CLOSE] = 1, [OP_MMAP] = 4,
	[OP_MMAP_POPULATE] = 1, [OP_MMAP_REGS] = 1, [OP_MMAP_REFUSED] = 1,
	[OP_MUNMAP] = 2, [OP_MUNMAP_PART] = 2, [OP_MPROTECT] = 2,
	[OP_MREMAP] = 2, [OP_FORK] = 1, [OP_DONTNEED] = 2, [OP_MSYNC] = 2,
	[OP_FSYNC] = 1, [OP_WRITE] = 40, [OP_WRITE_RO] = 1,
	[OP_PIN_WRITE] = 8, [OP_PIN_HELD] = 4, [OP_PIN_RO] = 1,
	[OP_PIN_READ] = 4,
	[OP_ODIRECT] = 6, [OP_READ] = 12,
	[OP_READ_PAGE] = 2, [OP_GET_DIRTY] = 8, [OP_SYNC_DEV] = 8,
	[OP_SYNC_CPU] = 6, [OP_EVENTS] = 1,
};

enum set { SET_DIRTY, SET_SYNC, NR_SETS };
static const char *const set_names[] = { "dirty log", "sync set" };

/* Everything shared by the threads and the processes they fork. */
struct model {
	pthread_mutex_t set_lock[NR_SETS];	/* one take of a set at a time */
	volatile int stop, failed, pause, parked, racing;
	uint64_t seed;
	size_t ps, npages, nslots;
	uint64_t dma_offset, regs_offset;
	bool regs_mappable, have_uffd;
	bool od_pins;		/* O_DIRECT pins its pages (Linux 6.5+) */
	size_t disk_pages;	/* of the O_DIRECT disk; 0: none */
	pthread_rwlock_t od_lock;	/* !od_pins: syncs vs ODIRECT */
	long ops[NR_OPS];
	long takes_checked, pages_checked, early, bytes_checked, sigbus;
	long racing_maps_dead, mincore_checked;
	long od_held;		/* takes that ended with an ODIRECT in flight */
	long od_late;		/* reports of an ODIRECT page after its end */
	long od_late_written;	/* of them, after the slot wrote it again */
	long rp_seq;		/* read pins ended (rp_end[]'s clock) */
	long rp_held;		/* takes run with a read pin held */
	long rp_late;		/* reports of a page only read-pinned */
};

static struct model *m;
static uint8_t *shadow;			/* the buffer's bytes */
static uint32_t *started, *done;	/* per page: writes begun, finished */
static uint32_t *cov[NR_SETS], *amb[NR_SETS];
static uint32_t *held;			/* per page: a pinned write not copied */
static uint32_t *od_grace[NR_SETS];	/* per page: an ODIRECT's late pins */
static uint32_t *od_release[NR_SETS];	/* per page: its late release */
static uint32_t *rp_active;		/* per page: read pins held */
static uint32_t *rp_end[NR_SETS];	/* per page: its last read pin's end */
static uint8_t *disk;			/* the O_DIRECT disk's bytes */
static int disk_fd = -1;		/* it, opened O_DIRECT */

struct map {
	bool used;
	uint8_t *addr;
	size_t first, n;	/* buffer pages; for the registers: 0, 1 */
	bool regs, writable, rw_fd;
	bool racing;		/* made while the device was being unbound */
};

struct slot {
	unsigned int id;
	uint64_t rng;
	int fds[MAX_FDS];
	bool fd_rw[MAX_FDS];
	struct map maps[MAX_MAPS];
	uint64_t *bitmap;
	uint32_t *before, *after;
	long rp_t0;			/* rp_seq when its take began */
	char log[LOG_LEN][LOG_LINE];
	unsigned int nlog;
	pthread_t thread;
	bool child;
	/* PIN_WRITE: what process_vm_writev() writes, from where, to where. */
	uint8_t *pin_src;		/* a page: the data, MAX_PIN x 8 bytes */
	uint8_t *uffd_page;		/* a page userfaultfd serves, or NULL */
	int uffd;
	struct iovec pin_local[MAX_PIN], pin_remote[MAX_PIN];
	size_t pin_page[MAX_PIN], pin_off[MAX_PIN];
	unsigned int npin;
	ssize_t pin_ret;
	int pin_errno;
	bool pin_reading;		/* process_vm_readv(), not _writev() */
	/* ODIRECT: the read in flight, in this process's AIO context. */
	aio_context_t aio;
	pid_t aio_pid;
	struct iovec od_iov[MAX_OD];
	size_t od_page[MAX_OD];
	uint32_t od_write[MAX_OD];	/* the write it is, per page */
	unsigned int nod;
	bool od_pending;		/* submitted, completion not read */
	struct io_event od_ev;
};

static struct slot slots[MAX_SLOTS];
static __thread struct slot *me;
static __thread sigjmp_buf jump;
static __thread volatile int expect_signal;

static void out(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && write(1, buf, (size_t)n < sizeof(buf) ? (size_t)n :
			   sizeof(buf) - 1) < 0)
		_exit(3);
}

static void note(struct slot *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->log[s->nlog++ % LOG_LEN], LOG_LINE, fmt, ap);
	va_end(ap);
}

static void dump_log(struct slot *s, const char *whose)
{
	unsigned int i, first = s->nlog > LOG_LEN ? s->nlog - LOG_LEN : 0;

	out("# fuzz: %s (slot %u) last %u operations:\n", whose, s->id,
	    s->nlog - first);
	for (i = first; i < s->nlog; i++)
		out("#   %u: %s\n", i, s->log[i % LOG_LEN]);
}

/*
 * A failed check: says what, with the slot's last operations, and stops
 * everything. True for the first failure, which alone is printed.
 */
static bool fail(struct slot *s, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	m->stop = 1;
	if (__atomic_exchange_n(&m->failed, 1, __ATOMIC_SEQ_CST))
		return false;
	out("# fuzz: FAIL (seed %" PRIu64 ", slot %u%s): %s\n", m->seed,
	    s ? s->id : 0, s && s->child ? ", forked child" : "", buf);
	if (s)
		dump_log(s, "the failing");
	return true;
}

static uint64_t rnd(struct slot *s)
{
	uint64_t x = s->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	s->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static size_t below(struct slot *s, size_t n)
{
	return n ? (size_t)(rnd(s) % n) : 0;
}

static void count(enum op op)
{
	__atomic_add_fetch(&m->ops[op], 1, __ATOMIC_RELAXED);
}

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (expect_signal == sig)
		siglongjmp(jump, 1);
	out("# fuzz: FAIL (seed %" PRIu64 "): unexpected signal %d at %p\n",
	    m->seed, sig, si->si_addr);
	if (me)
		dump_log(me, "the signalled");
	_exit(2);
}

/* One store of @width bytes; false if it died of signal @sig instead. */
static bool store(volatile uint8_t *p, unsigned int width, uint64_t v,
		  int sig)
{
	expect_signal = sig;
	if (sig && sigsetjmp(jump, 1)) {
		expect_signal = 0;
		return false;
	}
	switch (width) {
	case 1: *p = (uint8_t)v; break;
	case 2: *(volatile uint16_t *)p = (uint16_t)v; break;
	case 4: *(volatile uint32_t *)p = (uint32_t)v; break;
	default: *(volatile uint64_t *)p = v; break;
	}
	expect_signal = 0;
	return true;
}

static bool load(volatile uint8_t *p, unsigned int width, uint64_t *v,
		 int sig)
{
	expect_signal = sig;
	if (sig && sigsetjmp(jump, 1)) {
		expect_signal = 0;
		return false;
	}
	switch (width) {
	case 1: *v = *p; break;
	case 2: *v = *(volatile uint16_t *)p; break;
	case 4: *v = *(volatile uint32_t *)p; break;
	default: *v = *(volatile uint64_t *)p; break;
	}
	expect_signal = 0;
	return true;
}

static uint64_t shadow_get(size_t off, unsigned int width)
{
	uint64_t v = 0;

	memcpy(&v, shadow + off, width);
	return v;
}

/* --- the dirty-set model ------------------------------------------- */

/*
 * True if the slot's O_DIRECT read is still in flight; if it completed,
 * its event is kept in s->od_ev. The read is one bio (MAX_OD pages, far
 * below BIO_MAX_VECS), and block/fops.c's asynchronous completion posts
 * the event first and releases the pages after it: a read whose event has
 * not come still holds all its pins.
 */
static bool od_in_flight(struct slot *s)
{
	struct timespec zero = { 0 };
	long r = syscall(__NR_io_getevents, s->aio, 1, 1, &s->od_ev, &zero);

	if (r == 1)
		s->od_pending = false;
	return r == 0;
}

/* @top, lowered below the slot's O_DIRECT write of page @p if it has one. */
static uint32_t od_cap(struct slot *s, size_t p, uint32_t top)
{
	unsigned int j;

	for (j = 0; j < s->nod; j++)
		if (s->od_page[j] == p && s->od_write[j] <= top)
			return s->od_write[j] - 1;
	return top;
}

static void take_begin(struct slot *s, enum set set, size_t first, size_t n)
{
	size_t p;

	pthread_mutex_lock(&m->set_lock[set]);
	s->rp_t0 = __atomic_load_n(&m->rp_seq, __ATOMIC_SEQ_CST);
	for (p = first; p < first + n; p++)
		s->before[p] = __atomic_load_n(&done[p], __ATOMIC_SEQ_CST);
}

/*
 * A page read-pinned (PIN_READ) during a take, or before it and not yet
 * left out by a take that began after the pin ended: the driver cannot
 * tell a pin for reading from one for writing, so it may report the page
 * with no write (Documentation/mmiodemo.rst, "Pinned pages").
 */
static bool read_pinned(enum set set, size_t p)
{
	return __atomic_load_n(&rp_active[p], __ATOMIC_SEQ_CST) ||
	       __atomic_load_n(&rp_end[set][p], __ATOMIC_SEQ_CST);
}

/* A take that began after page @p's read pins ended left it out. */
static void read_pin_over(struct slot *s, enum set set, size_t p)
{
	uint32_t e = __atomic_load_n(&rp_end[set][p], __ATOMIC_SEQ_CST);

	if (e && e <= s->rp_t0 &&
	    !__atomic_load_n(&rp_active[p], __ATOMIC_SEQ_CST))
		__atomic_compare_exchange_n(&rp_end[set][p], &e, 0, false,
					    __ATOMIC_SEQ_CST,
					    __ATOMIC_SEQ_CST);
}

/*
 * Checks a take of @set over pages [first, first + n) that returned the
 * bitmap s->bitmap (@exact) or only @reported pages, and updates the model.
 * @reported < 0: a take that says nothing of what it took (SYNC_FOR_CPU
 * hands the range's pages of the sync set to the device first): every
 * page of the range may have been taken, none surely was.
 *
 * A page reported while one of its writes was in flight (B < write <= A)
 * may be reported again by the next take without being spurious: that
 * take's A is past the last sure report, cov, which only moves up to B.
 * So a pinned page that every take reports while the pin lasts (and the
 * first one after) passes the spurious check. The lost check is not
 * weakened for it: amb moves to A only for a page reported, and not past
 * a write whose copy through a pin is known not to have happened when the
 * take ended (held[], set by PIN_HELD while its copy waits): that write
 * cannot be in this take, so it must be in a later one. Nor past the
 * slot's own O_DIRECT read if it is still in flight when the take has
 * returned, where the block layer pins (od_in_flight()): its pages were
 * pinned before the take began and all through it, so the read is in a
 * later take whenever it lands; amb even comes back below it if another
 * slot's take reported the page meanwhile (it was pinned then too).
 *
 * The block layer releases an O_DIRECT read's pins only after it posted
 * the completion (block/fops.c; from a workqueue when a page was not
 * dirty, bio_check_pages_dirty()), and the CPU that does it can stall
 * there as long as the host deschedules its vCPU. So takes after the
 * read ended may still find a page pinned and keep it, whatever the slot
 * wrote meanwhile: until a take of the set that began after the read
 * ended leaves the page out (od_grace[]), a report with no unreported write is late, not spurious
 * (counted for GET_DIRTY; a count take allows it among the pages that may
 * be there). A count take that reports only the pages that must be there
 * left the others out. And as it releases each page, the block layer marks
 * it dirty (bio_check_pages_dirty(): from that workqueue too, for a page
 * that is not dirty, which a buffer page never is), which the driver
 * records: one more report, after any number of takes that left the page
 * out and of reports of the slot's later writes, is late too
 * (od_release[], used up by it in GET_DIRTY's exact takes; a count take
 * cannot say which page it reported, so there it is allowed unbounded).
 */
static void take_end(struct slot *s, enum set set, size_t first, size_t n,
		     bool exact, long reported, const char *what)
{
	size_t p, must = 0, may = 0;
	uint32_t b, a, h, w, top;
	bool in, od = s->od_pending && m->od_pins && od_in_flight(s);

	for (p = first; p < first + n; p++)
		s->after[p] = __atomic_load_n(&started[p], __ATOMIC_SEQ_CST);
	if (od)
		__atomic_add_fetch(&m->od_held, 1, __ATOMIC_RELAXED);

	if (!exact && reported >= 0) {
		for (p = first; p < first + n; p++) {
			if (s->before[p] > amb[set][p])
				must++;
			else if (s->after[p] > cov[set][p] ||
				 od_grace[set][p] || od_release[set][p] ||
				 read_pinned(set, p))
				may++;
		}
		if (reported < (long)must || reported > (long)(must + may))
			fail(s, "%s of pages %zu-%zu reported %ld pages of the %s: %zu must be there, %zu more may",
			     what, first, first + n - 1, reported,
			     set_names[set], must, may);
		/* Only the sure ones: every other page was left out. */
		if (reported == (long)must)
			for (p = first; p < first + n; p++)
				if (s->before[p] <= amb[set][p]) {
					if (s->before[p] >= od_grace[set][p])
						od_grace[set][p] = 0;
					read_pin_over(s, set, p);
				}
	}

	for (p = first; p < first + n; p++) {
		b = s->before[p];
		a = s->after[p];
		if (exact) {
			in = (s->bitmap[p / 64] >> (p % 64)) & 1;
			if (!in && b > amb[set][p] &&
			    fail(s, "%s lost page %zu: write %u finished before the take, the %s never reported it (writes up to %u reported); slot %zu writes that page",
				 what, p, b, set_names[set], cov[set][p],
				 p % m->nslots) &&
			    !s->child && &slots[p % m->nslots] != s)
				dump_log(&slots[p % m->nslots], "the writing");
			if (in && a <= cov[set][p] &&
			    (od_grace[set][p] || od_release[set][p])) {
				__atomic_add_fetch(&m->od_late, 1,
						   __ATOMIC_RELAXED);
				w = od_grace[set][p] ? od_grace[set][p] :
						       od_release[set][p];
				if (w != a)
					__atomic_add_fetch(&m->od_late_written,
							   1, __ATOMIC_RELAXED);
				if (!od_grace[set][p])
					od_release[set][p] = 0;
			}
			else if (in && a <= cov[set][p] &&
				 read_pinned(set, p))
				__atomic_add_fetch(&m->rp_late, 1,
						   __ATOMIC_RELAXED);
			else if (in && a <= cov[set][p] &&
				 fail(s, "%s reported page %zu of the %s, but no write began since its last report (%u writes, all reported); slot %zu writes that page",
				      what, p, set_names[set], a,
				      p % m->nslots) &&
				 !s->child && &slots[p % m->nslots] != s)
				dump_log(&slots[p % m->nslots], "the writing");
			if (!in && b >= od_grace[set][p])
				od_grace[set][p] = 0;
			if (!in)
				read_pin_over(s, set, p);
			if (in && b <= cov[set][p])
				__atomic_add_fetch(&m->early, 1, __ATOMIC_RELAXED);
		} else if (reported < 0) {
			in = true;	/* possibly taken, unknown */
		} else {
			/* Possibly reported unless the count says none was. */
			in = b > amb[set][p] ||
			     (a > cov[set][p] && reported > (long)must);
		}
		if (b > cov[set][p] && reported >= 0)
			cov[set][p] = b;
		h = __atomic_load_n(&held[p], __ATOMIC_SEQ_CST);
		top = h && h <= a ? h - 1 : a;
		if (in && top > amb[set][p])
			amb[set][p] = top;
		if (od)
			amb[set][p] = od_cap(s, p, amb[set][p]);
	}
	__atomic_add_fetch(&m->takes_checked, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&m->pages_checked, (long)n, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&m->set_lock[set]);
}

/* --- helpers on the slot's files and mappings --------------------- */

static int any_fd(struct slot *s, bool rw)
{
	unsigned int i, start = (unsigned int)below(s, MAX_FDS);

	for (i = 0; i < MAX_FDS; i++) {
		unsigned int k = (start + i) % MAX_FDS;

		if (s->fds[k] >= 0 && (!rw || s->fd_rw[k]))
			return (int)k;
	}
	return -1;
}

static struct map *any_map(struct slot *s, bool dma_only, bool writable)
{
	unsigned int i, start = (unsigned int)below(s, MAX_MAPS);

	for (i = 0; i < MAX_MAPS; i++) {
		struct map *mp = &s->maps[(start + i) % MAX_MAPS];

		if (mp->used && (!dma_only || !mp->regs) &&
		    (!writable || mp->writable))
			return mp;
	}
	return NULL;
}

static struct map *free_map(struct slot *s)
{
	unsigned int i;

	for (i = 0; i < MAX_MAPS; i++)
		if (!s->maps[i].used)
			return &s->maps[i];
	return NULL;
}

/* A page of @mp that the slot owns, as an index into the mapping. */
static bool owned_page(struct slot *s, struct map *mp, size_t *k)
{
	size_t k0 = (s->id + m->nslots - mp->first % m->nslots) % m->nslots;
	size_t nk;

	if (k0 >= mp->n)
		return false;
	nk = (mp->n - k0 + m->nslots - 1) / m->nslots;
	*k = k0 + below(s, nk) * m->nslots;
	return true;
}

/* Splits @mp at page @k (0 < k < n) into two entries: the tail is new. */
static struct map *split(struct slot *s, struct map *mp, size_t k)
{
	struct map *tail = free_map(s);

	if (!tail || k == 0 || k >= mp->n)
		return NULL;
	*tail = *mp;
	tail->addr = mp->addr + k * m->ps;
	tail->first = mp->first + k;
	tail->n = mp->n - k;
	mp->n = k;
	return tail;
}

/*
 * What a new mapping covers: the register block (@regs), or a random range
 * of buffer pages; its first page, page count and mmap offset.
 */
static void pick_mapping(struct slot *s, bool regs, size_t *first,
			 size_t *n, uint64_t *off)
{
	if (regs) {
		*first = 0;
		*n = PL061_BLOCK_SIZE / m->ps;
		*off = m->regs_offset;
	} else {
		*first = below(s, m->npages);
		*n = 1 + below(s, m->npages - *first);
		*off = m->dma_offset + *first * m->ps;
	}
}

/* --- the operations ------------------------------------------------ */

static void op_open(struct slot *s)
{
	bool rw = below(s, 4) != 0;
	int k = -1, fd, i;

	for (i = 0; i < MAX_FDS; i++)
		if (s->fds[i] < 0)
			k = i;
	if (k < 0)
		return;
	fd = open(DEVICE, (rw ? O_RDWR : O_RDONLY) | O_NONBLOCK | O_CLOEXEC);
	note(s, "open(%s) = %d", rw ? "O_RDWR" : "O_RDONLY", fd);
	if (fd < 0) {
		fail(s, "open " DEVICE ": %s", strerror(errno));
		return;
	}
	s->fds[k] = fd;
	s->fd_rw[k] = rw;
	count(OP_OPEN);
}

static void op_close(struct slot *s)
{
	int k = any_fd(s, false);

	if (k < 0)
		return;
	note(s, "close(%d)", s->fds[k]);
	close(s->fds[k]);
	s->fds[k] = -1;
	count(OP_CLOSE);
}

static void op_mmap(struct slot *s, enum op op)
{
	struct map *mp = free_map(s);
	int k = any_fd(s, false), prot, flags = MAP_SHARED;
	size_t first, n;
	uint64_t off;
	void *p;

	if (!mp || k < 0)
		return;
	if (op == OP_MMAP_REGS && !m->regs_mappable)
		return;
	prot = PROT_READ | (s->fd_rw[k] && below(s, 3) ? PROT_WRITE : 0);
	pick_mapping(s, op == OP_MMAP_REGS, &first, &n, &off);
	if (op == OP_MMAP_POPULATE)
		flags |= MAP_POPULATE;
	if (op == OP_MMAP_REFUSED) {
		/* Past the end of the buffer, or writable on a read-only fd. */
		if (!s->fd_rw[k] && below(s, 2)) {
			prot = PROT_READ | PROT_WRITE;
		} else {
			n = m->npages - first + 1;
		}
	}
	p = mmap(NULL, n * m->ps, prot, flags, s->fds[k], (off_t)off);
	note(s, "mmap(%zu pages, %s%s, fd %d, offset %#" PRIx64 ") = %p",
	     n, prot & PROT_WRITE ? "rw" : "r",
	     flags & MAP_POPULATE ? ", populate" : "", s->fds[k], off,
	     p == MAP_FAILED ? NULL : p);
	if (op == OP_MMAP_REFUSED) {
		int want = n > m->npages - first ? ENXIO : EACCES;

		if (p != MAP_FAILED || errno != want)
			fail(s, "mmap expected to fail with %s got %s",
			     strerror(want),
			     p == MAP_FAILED ? strerror(errno) : "a mapping");
		if (p != MAP_FAILED)
			munmap(p, n * m->ps);
		count(op);
		return;
	}
	if (p == MAP_FAILED) {
		fail(s, "mmap: %s", strerror(errno));
		return;
	}
	mp->used = true;
	mp->addr = p;
	mp->first = first;
	mp->n = n;
	mp->regs = op == OP_MMAP_REGS;
	mp->racing = false;
	mp->writable = prot & PROT_WRITE;
	mp->rw_fd = s->fd_rw[k];
	count(op);
}

static void op_munmap(struct slot *s, bool part)
{
	struct map *mp = any_map(s, false, false), *t;
	size_t k;

	if (!mp)
		return;
	if (part && mp->n > 1 && !mp->regs) {
		k = 1 + below(s, mp->n - 1);
		t = split(s, mp, k);
		if (!t)
			return;
		if (below(s, 2))	/* drop the tail, else the head */
			mp = t;
	}
	note(s, "munmap(%p, %zu pages)%s", mp->addr, mp->n,
	     part ? " (part of a mapping)" : "");
	if (munmap(mp->addr, mp->n * m->ps))
		fail(s, "munmap: %s", strerror(errno));
	mp->used = false;
	count(part ? OP_MUNMAP_PART : OP_MUNMAP);
}

static void op_mprotect(struct slot *s)
{
	struct map *mp = any_map(s, false, false), *t;
	bool w;
	int ret;

	if (!mp)
		return;
	if (mp->n > 1 && below(s, 2)) {	/* a part of it: splits the VMA */
		t = split(s, mp, 1 + below(s, mp->n - 1));
		if (t && below(s, 2))
			mp = t;
	}
	w = !mp->writable;
	ret = mprotect(mp->addr, mp->n * m->ps,
		       PROT_READ | (w ? PROT_WRITE : 0));
	note(s, "mprotect(%p, %zu pages, %s) = %d", mp->addr, mp->n,
	     w ? "rw" : "r", ret);
	if (w && !mp->rw_fd) {
		if (!ret || errno != EACCES)
			fail(s, "mprotect(PROT_WRITE) of a read-only fd's mapping: expected EACCES, got %s",
			     ret ? strerror(errno) : "success");
		count(OP_MPROTECT);
		return;
	}
	if (ret) {
		fail(s, "mprotect: %s", strerror(errno));
		return;
	}
	mp->writable = w;
	count(OP_MPROTECT);
}

static void op_mremap(struct slot *s)
{
	struct map *mp = any_map(s, false, false);
	size_t len;
	void *hole, *p;

	if (!mp)
		return;
	len = mp->n * m->ps;
	hole = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole == MAP_FAILED)
		return;
	p = mremap(mp->addr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, hole);
	note(s, "mremap(%p -> %p, %zu pages)", mp->addr, hole, mp->n);
	if (p == MAP_FAILED) {
		fail(s, "mremap: %s", strerror(errno));
		munmap(hole, len);
		return;
	}
	mp->addr = p;
	count(OP_MREMAP);
}

static void op_dontneed(struct slot *s)
{
	struct map *mp = any_map(s, true, false);
	size_t k, n;

	if (!mp)
		return;
	k = below(s, mp->n);
	n = 1 + below(s, mp->n - k);
	note(s, "madvise(%p, %zu pages, MADV_DONTNEED)", mp->addr + k * m->ps,
	     n);
	if (madvise(mp->addr + k * m->ps, n * m->ps, MADV_DONTNEED))
		fail(s, "madvise(MADV_DONTNEED): %s", strerror(errno));
	count(OP_DONTNEED);
}

static void op_write(struct slot *s)
{
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	struct map *mp = any_map(s, true, true);
	unsigned int width = widths[below(s, 4)];
	size_t k, p, off;
	uint64_t v = rnd(s);

	if (!mp || !owned_page(s, mp, &k))
		return;
	p = mp->first + k;
	off = below(s, m->ps / width) * width;
	note(s, "write page %zu +%#zx, %u bytes, %#" PRIx64 " (via %p)", p,
	     off, width, v, mp->addr);
	__atomic_add_fetch(&started[p], 1, __ATOMIC_SEQ_CST);
	store(mp->addr + k * m->ps + off, width, v, 0);
	__atomic_add_fetch(&done[p], 1, __ATOMIC_SEQ_CST);
	memcpy(shadow + p * m->ps + off, &v, width);
	count(OP_WRITE);
}

/* A store through a read-only mapping dies of SIGSEGV, changing nothing. */
static void op_write_ro(struct slot *s)
{
	struct map *mp;
	unsigned int i;
	size_t k;

	for (i = 0; i < MAX_MAPS; i++) {
		mp = &s->maps[i];
		if (mp->used && !mp->regs && !mp->writable &&
		    owned_page(s, mp, &k))
			break;
	}
	if (i == MAX_MAPS)
		return;
	note(s, "write page %zu through a read-only mapping %p",
	     mp->first + k, mp->addr);
	if (store(mp->addr + k * m->ps, 1, 0xee, SIGSEGV))
		fail(s, "a store through a read-only mapping did not fault");
	count(OP_WRITE_RO);
}

static void op_get_dirty(struct slot *s);
static void op_sync(struct slot *s, enum op op);

/* The slot's userfaultfd and the page it serves: PIN_HELD's source. */
static bool uffd_setup(struct slot *s)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	void *p;

	if (s->uffd_page)
		return true;
	/* Kernel faults too (the copy of process_vm_writev): root only. */
	s->uffd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (s->uffd < 0)
		return false;
	p = mmap(NULL, m->ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	reg.range.start = (uintptr_t)p;
	reg.range.len = m->ps;
	if (p == MAP_FAILED || ioctl(s->uffd, UFFDIO_API, &api) ||
	    ioctl(s->uffd, UFFDIO_REGISTER, &reg)) {
		if (p != MAP_FAILED)
			munmap(p, m->ps);
		close(s->uffd);
		return false;
	}
	s->uffd_page = p;
	return true;
}

/* Serves the slot's userfaultfd page: a copy waiting on it goes on. */
static void uffd_serve(struct slot *s)
{
	struct uffdio_copy cp = {
		.dst = (uintptr_t)s->uffd_page,
		.src = (uintptr_t)s->pin_src,
		.len = m->ps,
	};

	if (ioctl(s->uffd, UFFDIO_COPY, &cp) && errno != EEXIST)
		fail(s, "UFFDIO_COPY: %s", strerror(errno));
}

/* Lets PIN_HELD's copy into page @p go on: it may land from now on. */
static void pin_release(struct slot *s, size_t p)
{
	__atomic_store_n(&held[p], 0, __ATOMIC_SEQ_CST);
	uffd_serve(s);
}

/* Waits for the copy into the slot's userfaultfd page to fault on it. */
static bool uffd_waiting(struct slot *s)
{
	struct pollfd pfd = { .fd = s->uffd, .events = POLLIN };
	struct uffd_msg msg;

	return poll(&pfd, 1, 10000) == 1 &&
	       read(s->uffd, &msg, sizeof(msg)) == sizeof(msg) &&
	       msg.event == UFFD_EVENT_PAGEFAULT;
}

/*
 * The iovecs of a copy through pins: 1 to MAX_PIN of the slot's pages of
 * @mp from page @k on (the slot's own: @nslots apart), 1 to 8 bytes each
 * at a random offset; the local side of the first at @first, of the j-th
 * at @rest + j * 8. With @fill, random bytes to write in pin_src.
 * Returns their bytes.
 */
static size_t pin_iovs(struct slot *s, struct map *mp, size_t k,
		       uint8_t *first, uint8_t *rest, bool fill)
{
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	unsigned int width, n, j;
	size_t off, want = 0;
	uint64_t v;

	n = 1 + (unsigned int)below(s, MAX_PIN);
	for (j = 0; j < n && k < mp->n; j++, k += m->nslots) {
		width = widths[below(s, 4)];
		off = below(s, m->ps / width) * width;
		if (fill) {
			v = rnd(s);
			memcpy(s->pin_src + j * 8, &v, width);
		}
		s->pin_local[j].iov_base = (j ? rest : first) + j * 8;
		s->pin_local[j].iov_len = width;
		s->pin_remote[j].iov_base = mp->addr + k * m->ps + off;
		s->pin_remote[j].iov_len = width;
		s->pin_page[j] = mp->first + k;
		s->pin_off[j] = off;
		want += width;
	}
	s->npin = j;
	return want;
}

/* The slot's process_vm_readv() or _writev() (s->pin_reading). */
static void *pin_copy(void *arg)
{
	struct slot *s = arg;

	if (s->pin_reading)
		s->pin_ret = process_vm_readv(getpid(), s->pin_local, s->npin,
					      s->pin_remote, s->npin, 0);
	else
		s->pin_ret = process_vm_writev(getpid(), s->pin_local,
					       s->npin, s->pin_remote,
					       s->npin, 0);
	s->pin_errno = errno;
	return NULL;
}

/* Lets a held copy go on: a write's (held[] of page @p too), a read's. */
static void pin_let_go(struct slot *s, size_t p)
{
	if (s->pin_reading)
		uffd_serve(s);
	else
		pin_release(s, p);
}

/*
 * Runs the slot's copy through pins (pin_copy()): right here, or, if
 * @hold, in a thread whose copy of the first page waits on the slot's
 * userfaultfd page, its remote page pinned, while the slot takes a set
 * (GET_DIRTY or SYNC_FOR_DEVICE); then lets it go on. True if the slot
 * took while the copy waited.
 */
static bool pin_run(struct slot *s, bool hold, size_t p)
{
	bool took = false;
	pthread_t t;

	if (hold && pthread_create(&t, NULL, pin_copy, s)) {
		fail(s, "pthread_create: %s", strerror(errno));
		pin_let_go(s, p);
		hold = false;
	}
	if (!hold) {
		pin_copy(s);
		return false;
	}
	if (uffd_waiting(s)) {
		/* The first page is pinned, its copy waits: take. */
		took = true;
		if (below(s, 2))
			op_get_dirty(s);
		else
			op_sync(s, OP_SYNC_DEV);
	} else {
		fail(s, "%s did not reach its held page",
		     s->pin_reading ? "process_vm_readv" :
				      "process_vm_writev");
	}
	pin_let_go(s, p);
	pthread_join(t, NULL);
	return took;
}

/*
 * PIN_WRITE: process_vm_writev() into the slot's own mapping writes 1 to
 * MAX_PIN of its pages, 1 to 8 bytes each as WRITE does, through pins
 * (pin_user_pages_remote(FOLL_WRITE): a write fault, then a copy through
 * the kernel's mapping of the page, which takes no fault). Counted as
 * WRITE counts: started before the call, done after it, so a take racing
 * it may or may not have the page.
 *
 * PIN_HELD: the same, but the data comes from a page userfaultfd serves,
 * so the copy into the first page waits, its page pinned, until the slot
 * has run a take (a GET_DIRTY or SYNC_FOR_DEVICE; other slots' takes run
 * too). Until the slot answers the fault, held[] tells take_end() that
 * this write's copy has not happened: no take that ended before can have
 * it, so the first take after it must (a pinned page stays in its set).
 *
 * PIN_RO: into a read-only mapping: EFAULT, nothing written.
 */
static void op_pin_write(struct slot *s, enum op op)
{
	struct map *mp = NULL;
	size_t k, p, want, i;
	unsigned int j;
	uint64_t v;
	bool hold = op == OP_PIN_HELD;
	uint8_t *src = s->pin_src;

	if (op == OP_PIN_RO) {
		for (j = 0; j < MAX_MAPS; j++) {
			mp = &s->maps[(j + s->id) % MAX_MAPS];
			if (mp->used && !mp->regs && !mp->writable)
				break;
		}
		if (j == MAX_MAPS)
			return;
	} else {
		mp = any_map(s, true, true);
	}
	if (!mp || !owned_page(s, mp, &k))
		return;
	if (hold && (!m->have_uffd || s->child || !uffd_setup(s)))
		hold = false;
	if (hold) {
		src = s->uffd_page;
		/* Missing again: the next read of it waits for the slot. */
		madvise(src, m->ps, MADV_DONTNEED);
	}
	want = pin_iovs(s, mp, k, src, src, true);
	p = s->pin_page[0];
	note(s, "%s %u pages from page %zu (via %p)",
	     hold ? "process_vm_writev, first copy held," :
		    "process_vm_writev", s->npin, p, mp->addr);
	s->pin_reading = false;
	if (op == OP_PIN_RO) {
		pin_copy(s);
		if (s->pin_ret != -1 || s->pin_errno != EFAULT)
			fail(s, "process_vm_writev into a read-only mapping: expected EFAULT, got %zd (%s)",
			     s->pin_ret, strerror(s->pin_errno));
		count(op);
		return;
	}
	for (j = 0; j < s->npin; j++) {
		v = __atomic_add_fetch(&started[s->pin_page[j]], 1,
				       __ATOMIC_SEQ_CST);
		if (hold && !j)
			__atomic_store_n(&held[p], (uint32_t)v,
					 __ATOMIC_SEQ_CST);
	}
	pin_run(s, hold, p);
	for (j = 0; j < s->npin; j++) {
		i = s->pin_page[j];
		__atomic_add_fetch(&done[i], 1, __ATOMIC_SEQ_CST);
		memcpy(shadow + i * m->ps + s->pin_off[j], s->pin_src + j * 8,
		       s->pin_remote[j].iov_len);
	}
	if (s->pin_ret != (ssize_t)want)
		fail(s, "process_vm_writev of %zu bytes into the slot's writable mapping: %zd (%s)",
		     want, s->pin_ret, strerror(s->pin_errno));
	count(hold ? OP_PIN_HELD : OP_PIN_WRITE);
}

/*
 * PIN_READ: process_vm_readv() from 1 to MAX_PIN of the slot's own pages
 * of a buffer mapping, 1 to 8 bytes each, through pins for reading
 * (pin_user_pages_remote() with no FOLL_WRITE); each read must equal the
 * model. Half the time the first page's copy goes into the slot's
 * userfaultfd page and waits there, its source page pinned, while the slot
 * takes a set. Nothing is written: the driver, which cannot tell a pin for
 * reading from one for writing, may report the pages while they are
 * pinned and until a take that began after the pin ended leaves them
 * out, and no later (read_pinned(), read_pin_over()).
 */
static void op_pin_read(struct slot *s)
{
	struct map *mp = any_map(s, true, false);
	size_t k, want, i;
	unsigned int j;
	bool hold = below(s, 2);
	uint64_t v;
	long e;

	if (!mp || !owned_page(s, mp, &k))
		return;
	if (hold && (!m->have_uffd || s->child || !uffd_setup(s)))
		hold = false;
	if (hold)	/* missing again: the copy into it waits for the slot */
		madvise(s->uffd_page, m->ps, MADV_DONTNEED);
	want = pin_iovs(s, mp, k, hold ? s->uffd_page : s->pin_src, s->pin_src,
			false);
	note(s, "process_vm_readv%s of %u pages from page %zu (via %p)",
	     hold ? ", first copy held" : "", s->npin, s->pin_page[0],
	     mp->addr);
	for (j = 0; j < s->npin; j++)
		__atomic_add_fetch(&rp_active[s->pin_page[j]], 1,
				   __ATOMIC_SEQ_CST);
	s->pin_reading = true;
	if (pin_run(s, hold, s->pin_page[0]))
		__atomic_add_fetch(&m->rp_held, 1, __ATOMIC_RELAXED);
	/* The pins are gone: each page's end, then the pin no longer held. */
	for (j = 0; j < s->npin; j++) {
		e = __atomic_add_fetch(&m->rp_seq, 1, __ATOMIC_SEQ_CST);
		for (i = 0; i < NR_SETS; i++)
			__atomic_store_n(&rp_end[i][s->pin_page[j]],
					 (uint32_t)e, __ATOMIC_SEQ_CST);
		__atomic_sub_fetch(&rp_active[s->pin_page[j]], 1,
				   __ATOMIC_SEQ_CST);
	}
	if (s->pin_ret != (ssize_t)want) {
		fail(s, "process_vm_readv of %zu bytes from the slot's mapping: %zd (%s)",
		     want, s->pin_ret, strerror(s->pin_errno));
		return;
	}
	for (j = 0; j < s->npin; j++) {
		v = 0;
		memcpy(&v, s->pin_local[j].iov_base, s->pin_local[j].iov_len);
		i = s->pin_page[j] * m->ps + s->pin_off[j];
		if (v != shadow_get(i, (unsigned int)s->pin_local[j].iov_len))
			fail(s, "process_vm_readv of page %zu +%#zx read %#" PRIx64 ", the model says %#" PRIx64,
			     s->pin_page[j], s->pin_off[j], v,
			     shadow_get(i, (unsigned int)s->pin_local[j].iov_len));
	}
	__atomic_add_fetch(&m->bytes_checked, (long)want, __ATOMIC_RELAXED);
	count(OP_PIN_READ);
}

/* The slot's AIO context, made in the process that runs it. */
static bool aio_ready(struct slot *s)
{
	if (s->aio && s->aio_pid == getpid())
		return true;
	s->aio = 0;
	if (syscall(__NR_io_setup, 1, &s->aio)) {
		s->aio = 0;
		return false;
	}
	s->aio_pid = getpid();
	return true;
}

/*
 * ODIRECT: an O_DIRECT read of 1 to MAX_OD pages of the disk into the
 * slot's own pages of a writable mapping, one page per iovec, submitted
 * with io_submit() so that it is in flight while, half the time, the slot
 * takes a set. The block layer pins each page (6.5+; plain references
 * before), after a write fault that records it, and the disk writes it
 * with no fault. Modelled like a PIN_WRITE: started
 * before the submit, done after the completion; the pages then hold the
 * disk's bytes. Where O_DIRECT pins (6.5+), a take that ended with the read
 * still in flight must be followed by one that has it (take_end()).
 * Before 6.5 its plain references are invisible to the driver: the read
 * is an ordinary racing write for the dirty log, and the sync set's takes
 * and SYNC_FOR_CPU wait for it (op_sync()).
 */
static void op_odirect(struct slot *s)
{
	struct timespec ts = { .tv_sec = 30 };
	struct iocb cb = { 0 }, *cbp = &cb;
	struct map *mp = any_map(s, true, true);
	size_t k, p, doff, want;
	unsigned int n, j;
	long ret;

	if (!m->disk_pages || !mp || !owned_page(s, mp, &k) || !aio_ready(s))
		return;
	n = 1 + (unsigned int)below(s, MAX_OD);
	if (n > m->disk_pages)
		n = (unsigned int)m->disk_pages;
	for (j = 0; j < n && k < mp->n; j++, k += m->nslots) {
		s->od_iov[j].iov_base = mp->addr + k * m->ps;
		s->od_iov[j].iov_len = m->ps;
		s->od_page[j] = mp->first + k;
	}
	s->nod = j;
	want = s->nod * m->ps;
	doff = below(s, m->disk_pages - s->nod + 1);
	cb.aio_lio_opcode = IOCB_CMD_PREADV;
	cb.aio_fildes = (uint32_t)disk_fd;
	cb.aio_buf = (uintptr_t)s->od_iov;
	cb.aio_nbytes = s->nod;
	cb.aio_offset = (int64_t)(doff * m->ps);
	note(s, "O_DIRECT read of %u disk pages from %zu into page %zu (via %p)",
	     s->nod, doff, s->od_page[0], mp->addr);
	if (!m->od_pins)
		pthread_rwlock_rdlock(&m->od_lock);
	for (j = 0; j < s->nod; j++)
		s->od_write[j] = __atomic_add_fetch(&started[s->od_page[j]], 1,
						    __ATOMIC_SEQ_CST);
	ret = syscall(__NR_io_submit, s->aio, 1, &cbp);
	if (ret != 1) {
		fail(s, "io_submit of an O_DIRECT read into the slot's writable mapping: %s",
		     strerror(errno));
	} else {
		s->od_pending = true;
		if (below(s, 2)) {
			/* Maybe still in flight: take (the sync set: 6.5+). */
			if (below(s, 2) || !m->od_pins)
				op_get_dirty(s);
			else
				op_sync(s, OP_SYNC_DEV);
		}
		if (s->od_pending &&
		    syscall(__NR_io_getevents, s->aio, 1, 1, &s->od_ev, &ts) != 1)
			fail(s, "the O_DIRECT read did not complete in %ld s: %s",
			     (long)ts.tv_sec, strerror(errno));
		s->od_pending = false;
		if (s->od_ev.res != (int64_t)want)
			fail(s, "O_DIRECT read of %zu bytes into the slot's writable mapping: %lld",
			     want, (long long)s->od_ev.res);
	}
	for (j = 0; j < s->nod; j++) {
		p = s->od_page[j];
		for (k = 0; k < NR_SETS; k++) {
			__atomic_store_n(&od_grace[k][p], s->od_write[j],
					 __ATOMIC_SEQ_CST);
			__atomic_store_n(&od_release[k][p], s->od_write[j],
					 __ATOMIC_SEQ_CST);
		}
		__atomic_add_fetch(&done[p], 1, __ATOMIC_SEQ_CST);
		memcpy(shadow + p * m->ps, disk + (doff + j) * m->ps, m->ps);
	}
	s->nod = 0;
	if (!m->od_pins)
		pthread_rwlock_unlock(&m->od_lock);
	count(OP_ODIRECT);
}

static void op_read(struct slot *s, bool whole)
{
	static const unsigned int widths[] = { 1, 2, 4, 8 };
	struct map *mp = any_map(s, false, false);
	unsigned int width = widths[below(s, 4)];
	size_t k, p, off, i;
	uint64_t v;

	if (!mp)
		return;
	if (mp->regs) {
		load(mp->addr + PL061_PERIPHID(0), 4, &v, 0);
		note(s, "read PERIPHID0 through %p = %#" PRIx64, mp->addr, v);
		if (v != PL061_ID_BYTE(PL061_PERIPH_ID, 0))
			fail(s, "PERIPHID0 read %#" PRIx64 " through the mapping",
			     v);
		count(OP_READ);
		return;
	}
	if (!owned_page(s, mp, &k)) {	/* someone else's: just touch it */
		k = below(s, mp->n);
		load(mp->addr + k * m->ps, 1, &v, 0);
		count(OP_READ);
		return;
	}
	p = mp->first + k;
	if (whole) {
		note(s, "read all of page %zu (via %p)", p, mp->addr);
		for (i = 0; i < m->ps; i += 8) {
			load(mp->addr + k * m->ps + i, 8, &v, 0);
			if (v != shadow_get(p * m->ps + i, 8)) {
				fail(s, "page %zu +%#zx reads %#" PRIx64 ", the model says %#" PRIx64,
				     p, i, v, shadow_get(p * m->ps + i, 8));
				return;
			}
		}
		__atomic_add_fetch(&m->bytes_checked, (long)m->ps,
				   __ATOMIC_RELAXED);
		count(OP_READ_PAGE);
		return;
	}
	off = below(s, m->ps / width) * width;
	load(mp->addr + k * m->ps + off, width, &v, 0);
	note(s, "read page %zu +%#zx, %u bytes = %#" PRIx64, p, off, width, v);
	if (v != shadow_get(p * m->ps + off, width))
		fail(s, "page %zu +%#zx reads %#" PRIx64 ", the model says %#" PRIx64,
		     p, off, v, shadow_get(p * m->ps + off, width));
	__atomic_add_fetch(&m->bytes_checked, width, __ATOMIC_RELAXED);
	count(OP_READ);
}

static void op_get_dirty(struct slot *s)
{
	int k = any_fd(s, true);
	struct mmiodemo_dirty d = {
		.bitmap = (uintptr_t)s->bitmap,
		.nr_pages = (uint32_t)m->npages,
	};
	int ret;

	if (k < 0)
		return;
	take_begin(s, SET_DIRTY, 0, m->npages);
	ret = ioctl(s->fds[k], MMIODEMO_IOC_GET_DIRTY, &d);
	note(s, "GET_DIRTY = %d, count %u", ret, d.count);
	if (ret) {
		fail(s, "GET_DIRTY: %s", strerror(errno));
		pthread_mutex_unlock(&m->set_lock[SET_DIRTY]);
		return;
	}
	take_end(s, SET_DIRTY, 0, m->npages, true, d.count, "GET_DIRTY");
	count(OP_GET_DIRTY);
}

/*
 * Every page of [first, first + n) the slot owns and has mapped must hold
 * what the model says (no CPU write is discarded).
 */
static void check_owned(struct slot *s, size_t first, size_t n,
			const char *what)
{
	struct map *mp;
	size_t p, i;
	uint64_t v;
	unsigned int j;

	for (p = first; p < first + n; p++) {
		if (p % m->nslots != s->id)
			continue;
		for (j = 0; j < MAX_MAPS; j++) {
			mp = &s->maps[j];
			if (mp->used && !mp->regs && p >= mp->first &&
			    p < mp->first + mp->n)
				break;
		}
		if (j == MAX_MAPS)
			continue;
		for (i = 0; i < m->ps; i += 8) {
			load(mp->addr + (p - mp->first) * m->ps + i, 8, &v, 0);
			if (v != shadow_get(p * m->ps + i, 8)) {
				fail(s, "after %s, page %zu +%#zx reads %#" PRIx64 ", the model says %#" PRIx64,
				     what, p, i, v, shadow_get(p * m->ps + i, 8));
				return;
			}
		}
		__atomic_add_fetch(&m->bytes_checked, (long)m->ps,
				   __ATOMIC_RELAXED);
	}
}

/* Pages [first, first + n) of a random range, whole pages. */
static void pick_range(struct slot *s, size_t *first, size_t *n)
{
	if (below(s, 3) == 0) {	/* the whole buffer, as len 0 */
		*first = 0;
		*n = m->npages;
		return;
	}
	*first = below(s, m->npages);
	*n = 1 + below(s, m->npages - *first);
}

static void op_sync_range(struct slot *s, bool for_device)
{
	int k = any_fd(s, true), ret;
	struct mmiodemo_sync sy = { 0 };
	size_t first, n;

	if (k < 0)
		return;
	pick_range(s, &first, &n);
	sy.offset = first * m->ps;
	sy.len = n == m->npages ? 0 : n * m->ps;
	if (!for_device) {
		/*
		 * Hands the range's pages of the sync set to the device and
		 * takes them out of it: a take whose result is not told.
		 */
		take_begin(s, SET_SYNC, first, n);
		ret = ioctl(s->fds[k], MMIODEMO_IOC_SYNC_FOR_CPU, &sy);
		note(s, "SYNC_FOR_CPU pages %zu-%zu = %d, count %u", first,
		     first + n - 1, ret, sy.count);
		take_end(s, SET_SYNC, first, n, false, -1, "SYNC_FOR_CPU");
		if (ret || sy.count != n)
			fail(s, "SYNC_FOR_CPU of %zu pages: %s, count %u", n,
			     ret ? strerror(errno) : "ok", sy.count);
		else
			check_owned(s, first, n, "SYNC_FOR_CPU");
		count(OP_SYNC_CPU);
		return;
	}
	take_begin(s, SET_SYNC, first, n);
	ret = ioctl(s->fds[k], MMIODEMO_IOC_SYNC_FOR_DEVICE, &sy);
	note(s, "SYNC_FOR_DEVICE pages %zu-%zu = %d, count %u", first,
	     first + n - 1, ret, sy.count);
	if (ret) {
		fail(s, "SYNC_FOR_DEVICE: %s", strerror(errno));
		pthread_mutex_unlock(&m->set_lock[SET_SYNC]);
		return;
	}
	take_end(s, SET_SYNC, first, n, false, sy.count, "SYNC_FOR_DEVICE");
	count(OP_SYNC_DEV);
}

/*
 * msync(MS_SYNC) of a part of a mapping, or fsync() of a file: a take of
 * the sync set for those pages. Its count is read from debugfs
 * stats/pages_synced, which only takes of that set (serialised here) move.
 */
static void op_msync_range(struct slot *s, bool whole)
{
	struct map *mp = any_map(s, true, false);
	int k = any_fd(s, true), ret;
	size_t first, n, j = 0;
	long before, after;

	if (whole) {
		if (k < 0)
			return;
		first = 0;
		n = m->npages;
	} else {
		if (!mp || !mp->rw_fd)
			return;
		j = below(s, mp->n);
		first = mp->first + j;
		n = 1 + below(s, mp->n - j);
	}
	take_begin(s, SET_SYNC, first, n);
	before = counter("pages_synced");
	if (whole)
		ret = fsync(s->fds[k]);
	else
		ret = msync(mp->addr + j * m->ps, n * m->ps, MS_SYNC);
	after = counter("pages_synced");
	note(s, "%s pages %zu-%zu = %d, %ld synced", whole ? "fsync" : "msync",
	     first, first + n - 1, ret, after - before);
	if (ret) {
		fail(s, "%s: %s", whole ? "fsync" : "msync(MS_SYNC)",
		     strerror(errno));
		pthread_mutex_unlock(&m->set_lock[SET_SYNC]);
		return;
	}
	take_end(s, SET_SYNC, first, n, false, after - before,
		 whole ? "fsync" : "msync");
	count(whole ? OP_FSYNC : OP_MSYNC);
}

/* No interrupt is configured: a read finds no event, poll says so. */
static void op_events(struct slot *s)
{
	struct mmiodemo_event ev[2];
	struct pollfd pfd;
	int k = any_fd(s, false);
	ssize_t n;

	if (k < 0)
		return;
	n = read(s->fds[k], ev, sizeof(ev));
	pfd.fd = s->fds[k];
	pfd.events = POLLIN;
	note(s, "read events = %zd, poll = %d", n, poll(&pfd, 1, 0));
	if (n >= 0 && n % sizeof(ev[0]))
		fail(s, "read returned %zd bytes: not whole events", n);
	else if (n < 0 && errno != EAGAIN)
		fail(s, "read of events: %s", strerror(errno));
	count(OP_EVENTS);
}

static void child_ops(struct slot *s);

/* The child writes and reads the slot's pages through the inherited
 * mappings, takes, and exits; the slot waits for it.
 */
static void op_fork(struct slot *s)
{
	int status;
	pid_t pid;

	note(s, "fork");
	pid = fork();
	if (pid < 0) {
		fail(s, "fork: %s", strerror(errno));
		return;
	}
	if (!pid) {
		s->child = true;
		child_ops(s);
		_exit(m->failed ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		fail(s, "the forked child ended with status %#x", status);
	count(OP_FORK);
}

/*
 * SYNC_DEV, SYNC_CPU, MSYNC, FSYNC: a take of the sync set or a sync for
 * the CPU. Before Linux 6.5 each waits for the O_DIRECT reads in flight
 * (od_lock), as the uAPI header tells programs to: the block layer's plain
 * references are not seen, so a take of the sync set that a read's data
 * lands after would leave it out of the set, and a later SYNC_FOR_CPU
 * would copy the older bounce buffer over it.
 */
static void op_sync(struct slot *s, enum op op)
{
	if (!m->od_pins)
		pthread_rwlock_wrlock(&m->od_lock);
	if (op == OP_MSYNC || op == OP_FSYNC)
		op_msync_range(s, op == OP_FSYNC);
	else
		op_sync_range(s, op == OP_SYNC_DEV);
	if (!m->od_pins)
		pthread_rwlock_unlock(&m->od_lock);
}

static void run_op(struct slot *s, enum op op)
{
	switch (op) {
	case OP_OPEN: op_open(s); break;
	case OP_CLOSE: op_close(s); break;
	case OP_MMAP:
	case OP_MMAP_POPULATE:
	case OP_MMAP_REGS:
	case OP_MMAP_REFUSED: op_mmap(s, op); break;
	case OP_MUNMAP: op_munmap(s, false); break;
	case OP_MUNMAP_PART: op_munmap(s, true); break;
	case OP_MPROTECT: op_mprotect(s); break;
	case OP_MREMAP: op_mremap(s); break;
	case OP_FORK: op_fork(s); break;
	case OP_DONTNEED: op_dontneed(s); break;
	case OP_MSYNC: op_sync(s, op); break;
	case OP_FSYNC: op_sync(s, op); break;
	case OP_WRITE: op_write(s); break;
	case OP_WRITE_RO: op_write_ro(s); break;
	case OP_PIN_WRITE:
	case OP_PIN_HELD:
	case OP_PIN_RO: op_pin_write(s, op); break;
	case OP_PIN_READ: op_pin_read(s); break;
	case OP_ODIRECT: op_odirect(s); break;
	case OP_READ: op_read(s, false); break;
	case OP_READ_PAGE: op_read(s, true); break;
	case OP_GET_DIRTY: op_get_dirty(s); break;
	case OP_SYNC_DEV: op_sync(s, op); break;
	case OP_SYNC_CPU: op_sync(s, op); break;
	case OP_EVENTS: op_events(s); break;
	default: break;
	}
}

static enum op pick(struct slot *s)
{
	unsigned int total = 0, i, r;

	for (i = 0; i < NR_OPS; i++)
		total += op_weight[i];
	r = (unsigned int)below(s, total);
	for (i = 0; i < NR_OPS; i++) {
		if (r < op_weight[i])
			return (enum op)i;
		r -= op_weight[i];
	}
	return OP_READ;
}

static void child_ops(struct slot *s)
{
	static const enum op ops[] = {
		OP_WRITE, OP_WRITE, OP_WRITE, OP_PIN_WRITE, OP_READ,
		OP_READ_PAGE, OP_GET_DIRTY, OP_SYNC_DEV, OP_MSYNC, OP_DONTNEED,
	};
	unsigned int i, n = 1 + (unsigned int)below(s, 32);

	for (i = 0; i < n && !m->stop; i++)
		run_op(s, ops[below(s, sizeof(ops) / sizeof(ops[0]))]);
}

static void slot_reset(struct slot *s)
{
	unsigned int i;

	for (i = 0; i < MAX_FDS; i++) {
		if (s->fds[i] >= 0)
			close(s->fds[i]);
		s->fds[i] = -1;
	}
	for (i = 0; i < MAX_MAPS; i++) {
		if (s->maps[i].used)
			munmap(s->maps[i].addr, s->maps[i].n * m->ps);
		s->maps[i].used = false;
	}
}

/*
 * While the device is being unbound: map either region through a file
 * opened before, and touch mappings (an access may die of SIGBUS). What
 * is mapped is checked once the unbind has completed (unbind_cycle()).
 */
static void op_racing(struct slot *s)
{
	struct map *mp = free_map(s);
	int k = any_fd(s, false);
	size_t first, n;
	uint64_t off, v;
	bool regs;
	void *p;

	if (below(s, 3) == 0) {
		mp = any_map(s, false, false);
		if (!mp)
			return;
		load(mp->addr + below(s, mp->n) * m->ps, 4, &v, SIGBUS);
		count(OP_TOUCH_RACING);
		return;
	}
	if (k < 0) {	/* gone once the unbind has removed the node */
		s->fds[0] = open(DEVICE, O_RDWR | O_CLOEXEC);
		s->fd_rw[0] = true;
		if (s->fds[0] < 0 && errno != ENOENT && errno != ENODEV)
			fail(s, "open during unbind: %s", strerror(errno));
		return;
	}
	if (!mp) {
		op_munmap(s, false);
		return;
	}
	regs = m->regs_mappable && below(s, 2);
	pick_mapping(s, regs, &first, &n, &off);
	p = mmap(NULL, n * m->ps, PROT_READ, MAP_SHARED, s->fds[k], (off_t)off);
	note(s, "mmap during unbind (%zu pages, fd %d, offset %#" PRIx64 ") = %p",
	     n, s->fds[k], off, p == MAP_FAILED ? NULL : p);
	if (p == MAP_FAILED) {
		if (errno != ENODEV)
			fail(s, "mmap during unbind: %s, not ENODEV",
			     strerror(errno));
		return;
	}
	memset(mp, 0, sizeof(*mp));
	mp->used = true;
	mp->addr = p;
	mp->first = first;
	mp->n = n;
	mp->regs = regs;
	mp->rw_fd = s->fd_rw[k];
	mp->racing = true;
	if (below(s, 2))	/* a first fault racing the unbind */
		load(mp->addr + below(s, n) * m->ps, 4, &v, SIGBUS);
	count(OP_MMAP_RACING);
}

static void *slot_main(void *arg)
{
	struct slot *s = arg;

	me = s;
	while (!m->stop) {
		if (m->pause) {
			__atomic_add_fetch(&m->parked, 1, __ATOMIC_SEQ_CST);
			while (m->pause && !m->stop)
				usleep(1000);
			__atomic_sub_fetch(&m->parked, 1, __ATOMIC_SEQ_CST);
			continue;
		}
		if (m->racing)
			op_racing(s);
		else
			run_op(s, pick(s));
	}
	return NULL;
}

/* --- set-up, unbind, and the end ------------------------------------ */

static void *shared(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		out("Bail out! cannot allocate the model: %s\n",
		    strerror(errno));
		exit(1);
	}
	return p;
}

/*
 * Reads the device's geometry, empties both sets and loads the buffer's
 * bytes into the model. Quiet: no slot runs.
 */
static int model_load(void)
{
	struct mmiodemo_info info;
	struct mmiodemo_sync sy = { 0 };
	struct mmiodemo_dirty d;
	size_t words;
	uint64_t *bm;
	uint8_t *p;
	int fd, i;

	fd = open(DEVICE, O_RDWR);
	if (fd < 0)
		return -1;
	if (ioctl(fd, MMIODEMO_IOC_INFO, &info) ||
	    info.nr_regions <= MMIODEMO_REGION_DMA) {
		close(fd);
		return -1;
	}
	m->ps = info.page_size;
	m->dma_offset = info.regions[MMIODEMO_REGION_DMA].offset;
	m->regs_offset = info.regions[MMIODEMO_REGION_REGS].offset;
	m->regs_mappable = info.regions[MMIODEMO_REGION_REGS].flags &
			   MMIODEMO_REGION_F_MMAP;
	if (m->npages &&
	    m->npages != info.regions[MMIODEMO_REGION_DMA].size / m->ps) {
		close(fd);
		return -1;
	}
	m->npages = info.regions[MMIODEMO_REGION_DMA].size / m->ps;
	words = (m->npages + 63) / 64;
	bm = calloc(words, 8);
	d = (struct mmiodemo_dirty){ .bitmap = (uintptr_t)bm,
				     .nr_pages = (uint32_t)m->npages };
	p = mmap(NULL, m->npages * m->ps, PROT_READ, MAP_SHARED, fd,
		 (off_t)m->dma_offset);
	if (!bm || p == MAP_FAILED ||
	    ioctl(fd, MMIODEMO_IOC_GET_DIRTY, &d) ||
	    ioctl(fd, MMIODEMO_IOC_SYNC_FOR_DEVICE, &sy)) {
		close(fd);
		return -1;
	}
	if (!shadow) {
		shadow = shared(m->npages * m->ps);
		started = shared(m->npages * 4);
		done = shared(m->npages * 4);
		for (i = 0; i < NR_SETS; i++) {
			cov[i] = shared(m->npages * 4);
			amb[i] = shared(m->npages * 4);
		}
		held = shared(m->npages * 4);
		rp_active = shared(m->npages * 4);
		for (i = 0; i < NR_SETS; i++) {
			od_grace[i] = shared(m->npages * 4);
			od_release[i] = shared(m->npages * 4);
			rp_end[i] = shared(m->npages * 4);
		}
	}
	memcpy(shadow, p, m->npages * m->ps);
	memset(started, 0, m->npages * 4);
	memset(done, 0, m->npages * 4);
	for (i = 0; i < NR_SETS; i++) {
		memset(cov[i], 0, m->npages * 4);
		memset(amb[i], 0, m->npages * 4);
	}
	memset(held, 0, m->npages * 4);
	memset(rp_active, 0, m->npages * 4);
	for (i = 0; i < NR_SETS; i++) {
		memset(od_grace[i], 0, m->npages * 4);
		memset(od_release[i], 0, m->npages * 4);
		memset(rp_end[i], 0, m->npages * 4);
	}
	munmap(p, m->npages * m->ps);
	free(bm);
	close(fd);
	return 0;
}

/*
 * The disk QEMU gives the guest for ODIRECT (serial DISK_SERIAL), opened
 * O_DIRECT; its bytes, read once, are the model of what a read brings.
 * the workbench gives it to every busybox boot and says so on the kernel
 * command line (mmiodemo_disk=1): there it must be found. Elsewhere (a
 * LAVA job, the Debian guest of make test-debian) no ODIRECT runs. Returns -1 on a failure.
 */
static int disk_open(void)
{
	char path[300], serial[64], dev[300] = "", cmdline[1024] = "";
	const size_t sl = strlen(DISK_SERIAL);
	struct utsname u;
	unsigned int maj = 0, min = 0;
	struct dirent *e;
	ssize_t len;
	off_t size;
	DIR *d;
	int fd;

	if (!uname(&u) && sscanf(u.release, "%u.%u", &maj, &min) == 2)
		m->od_pins = maj > 6 || (maj == 6 && min >= 5);
	d = opendir("/sys/block");
	while (d && (e = readdir(d))) {
		snprintf(path, sizeof(path), "/sys/block/%s/serial", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		len = read(fd, serial, sizeof(serial) - 1);
		close(fd);
		if (len >= (ssize_t)sl && !memcmp(serial, DISK_SERIAL, sl) &&
		    (len == (ssize_t)sl || serial[sl] == '\n'))
			snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
	}
	if (d)
		closedir(d);
	if (!*dev) {
		fd = open("/proc/cmdline", O_RDONLY);
		len = fd < 0 ? -1 : read(fd, cmdline, sizeof(cmdline) - 1);
		if (fd >= 0)
			close(fd);
		if (len > 0 && strstr(cmdline, "mmiodemo_disk=1")) {
			out("# fuzz: QEMU gave the guest a disk with serial " DISK_SERIAL " (mmiodemo_disk=1), but /sys/block has none\n");
			return -1;
		}
		out("# fuzz: no disk with serial " DISK_SERIAL ": no ODIRECT\n");
		return 0;
	}
	fd = open(dev, O_RDONLY);
	size = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
	disk = size >= (off_t)m->ps ? malloc((size_t)size) : NULL;
	if (!disk || pread(fd, disk, (size_t)size, 0) != size) {
		out("# fuzz: cannot read %s: %s\n", dev, strerror(errno));
		return -1;
	}
	close(fd);
	disk_fd = open(dev, O_RDONLY | O_DIRECT);
	if (disk_fd < 0) {
		out("# fuzz: cannot open %s O_DIRECT: %s\n", dev, strerror(errno));
		return -1;
	}
	m->disk_pages = (size_t)size / m->ps;
	out("# fuzz: O_DIRECT reads from %s, %zu pages%s\n", dev, m->disk_pages,
	    m->od_pins ? ", pinned" :
			 "; before Linux 6.5 they take no pins a take can see");
	return 0;
}

static void park_slots(void)
{
	m->pause = 1;
	while (m->parked < (int)m->nslots && !m->stop)
		usleep(1000);
}

/*
 * The slots stop their operations and map both regions (and touch their
 * mappings) while the device is unbound. Once the unbind has completed
 * and they are parked: each mapping, made before the unbind or while it
 * ran, dies of SIGBUS and has no page mapped (mincore()), each old file
 * answers ENODEV; they are dropped and the device bound again.
 */
static void unbind_cycle(void)
{
	unsigned char *vec = calloc(m->npages, 1);
	struct mmiodemo_info info;
	unsigned int i, j;
	struct slot *s;
	unsigned int delay;
	size_t q;
	uint64_t v;
	int tries;

	park_slots();
	if (m->stop || !vec)
		goto out;
	delay = 500 + rnd(&slots[0]) % 3000;
	m->racing = 1;
	m->pause = 0;
	usleep(delay);
	if (sysfs_write(DRIVER "/unbind", DEVNAME)) {
		fail(NULL, "unbind: %s", strerror(errno));
		goto out;
	}
	/* Completed: nothing may be mapped any more. */
	park_slots();
	m->racing = 0;
	if (m->stop)
		goto out;
	for (i = 0; i < m->nslots; i++) {
		s = &slots[i];
		for (j = 0; j < MAX_MAPS; j++) {
			struct map *mp = &s->maps[j];

			if (!mp->used)
				continue;
			if (!mp->regs && mincore(mp->addr, mp->n * m->ps, vec))
				fail(s, "mincore: %s", strerror(errno));
			for (q = 0; !mp->regs && q < mp->n; q++)
				if (vec[q] & 1) {
					fail(s, "page %zu of the mapping at %p is still mapped after unbind%s",
					     mp->first + q, mp->addr,
					     mp->racing ? " (mapped during the unbind)" : "");
					break;
				}
			m->mincore_checked += !mp->regs;
			if (load(mp->addr, 4, &v, SIGBUS)) {
				fail(s, "a read through %p (%s%s) after unbind did not die of SIGBUS",
				     mp->addr, mp->regs ? "registers" : "buffer",
				     mp->racing ? ", mapped during the unbind" : "");
			} else {
				m->sigbus++;
				m->racing_maps_dead += mp->racing;
			}
			if (mp->writable && !mp->regs) {
				if (store(mp->addr + (mp->n - 1) * m->ps, 1, 1,
					  SIGBUS))
					fail(s, "a write through %p after unbind did not die of SIGBUS",
					     mp->addr);
				else
					m->sigbus++;
			}
		}
		for (j = 0; j < MAX_FDS; j++)
			if (s->fds[j] >= 0 &&
			    (!ioctl(s->fds[j], MMIODEMO_IOC_INFO, &info) ||
			     errno != ENODEV))
				fail(s, "INFO on a file opened before unbind: expected ENODEV");
		slot_reset(s);
	}
	count(OP_UNBIND);
	if (sysfs_write(DRIVER "/bind", DEVNAME)) {
		fail(NULL, "bind: %s", strerror(errno));
		goto out;
	}
	for (tries = 0; access(DEVICE, F_OK) && tries < 1000; tries++)
		usleep(1000);
	if (model_load())
		fail(NULL, "the device did not come back after bind");
out:
	free(vec);
	m->racing = 0;
	m->pause = 0;
}

/* With nothing running, no write is ambiguous: each take is exact. */
static void final_takes(struct slot *s)
{
	slot_reset(s);
	s->fds[0] = open(DEVICE, O_RDWR);
	s->fd_rw[0] = true;
	if (s->fds[0] < 0) {
		fail(s, "open " DEVICE ": %s", strerror(errno));
		return;
	}
	m->stop = 0;
	op_get_dirty(s);
	op_msync_range(s, true);
	m->stop = 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "seed", required_argument, NULL, 'r' },
		{ "slots", required_argument, NULL, 'n' },
		{ "unbind", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct sigaction sa = { .sa_sigaction = on_signal,
				.sa_flags = SA_SIGINFO | SA_NODEFER };
	long seconds = 20, elapsed = 0, ops = 0;
	pthread_mutexattr_t attr;
	pthread_rwlockattr_t rwattr;
	bool unbind = false;
	const char *env;
	unsigned int i;
	time_t t0;
	int c;

	m = shared(sizeof(*m));
	m->nslots = 4;
	env = getenv("SEED");
	m->seed = env && *env ? strtoull(env, NULL, 0) : 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': seconds = strtol(optarg, NULL, 0); break;
		case 'r': m->seed = strtoull(optarg, NULL, 0); break;
		case 'n': m->nslots = strtoul(optarg, NULL, 0); break;
		case 'u': unbind = true; break;
		case 'h':
			printf("usage: fuzz [--seconds N] [--seed N] [--slots N] [--unbind]\n");
			return 0;
		default:
			return 2;
		}
	}
	if (seconds < 1 || m->nslots < 1 || m->nslots > MAX_SLOTS) {
		fprintf(stderr, "fuzz: --seconds must be >= 1 and --slots 1-%d\n",
			MAX_SLOTS);
		return 2;
	}
	if (!m->seed)
		m->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);

	out("TAP version 13\n1..1\n");
	out("# fuzz: seed %" PRIu64 " (SEED=%" PRIu64 " replays it), %ld s, %zu slots%s\n",
	    m->seed, m->seed, seconds, m->nslots, unbind ? ", unbind/rebind" : "");
	if (access(DEVICE, F_OK)) {
		out("ok 1 fuzz_%s # SKIP " DEVICE " is absent\n",
		    unbind ? "unbind" : "model");
		return 0;
	}
	if (model_load() || counter("pages_synced") < 0) {
		out("not ok 1 fuzz_%s\n# fuzz: cannot read the device, its buffer or debugfs stats\n",
		    unbind ? "unbind" : "model");
		return 1;
	}
	out("# fuzz: %zu pages of %zu bytes\n", m->npages, m->ps);
	if (disk_open()) {
		out("not ok 1 fuzz_%s\n", unbind ? "unbind" : "model");
		return 1;
	}
	c = (int)syscall(__NR_userfaultfd, O_CLOEXEC);
	m->have_uffd = c >= 0;
	if (c < 0)
		out("# fuzz: no userfaultfd (%s): PIN_HELD runs as PIN_WRITE\n",
		    strerror(errno));
	else
		close(c);

	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	for (i = 0; i < NR_SETS; i++)
		pthread_mutex_init(&m->set_lock[i], &attr);
	pthread_rwlockattr_init(&rwattr);
	pthread_rwlockattr_setpshared(&rwattr, PTHREAD_PROCESS_SHARED);
	pthread_rwlock_init(&m->od_lock, &rwattr);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	for (i = 0; i < m->nslots; i++) {
		struct slot *s = &slots[i];

		s->id = i;
		s->rng = m->seed * 0x9e3779b97f4a7c15ULL + i + 1;
		memset(s->fds, -1, sizeof(s->fds));
		s->bitmap = calloc((m->npages + 63) / 64, 8);
		s->before = calloc(m->npages, 4);
		s->after = calloc(m->npages, 4);
		s->pin_src = calloc(1, m->ps);
		if (!s->bitmap || !s->before || !s->after || !s->pin_src)
			return 1;
		pthread_create(&s->thread, NULL, slot_main, s);
	}

	t0 = time(NULL);
	while (!m->stop && (elapsed = time(NULL) - t0) < seconds) {
		sleep(1);
		if (unbind && elapsed % 2 == 1)
			unbind_cycle();
	}
	m->stop = 1;
	for (i = 0; i < m->nslots; i++)
		pthread_join(slots[i].thread, NULL);

	/* Quiet: a final take of each set must report exactly what is due. */
	if (!m->failed)
		final_takes(&slots[0]);
	for (i = 0; i < m->nslots; i++)
		slot_reset(&slots[i]);

	for (i = 0; i < NR_OPS; i++)
		ops += m->ops[i];
	out("# fuzz: %ld operations in %ld s:", ops, elapsed);
	for (i = 0; i < NR_OPS; i++)
		if (m->ops[i])
			out(" %s %ld", op_names[i], m->ops[i]);
	out("\n# fuzz: %ld takes checked, %ld page checks, %ld early reports, %ld bytes read back, %ld SIGBUS after unbind\n",
	    m->takes_checked, m->pages_checked, m->early, m->bytes_checked,
	    m->sigbus);
	out("# fuzz: ODIRECT (pins: %s): %ld takes ended with the slot's read in flight and its pages pinned, %ld late reports after a read ended (%ld after the page was written again)\n",
	    m->od_pins ? "yes, 6.5+" : "no, plain references before 6.5",
	    m->od_held, m->od_late, m->od_late_written);
	out("# fuzz: PIN_READ: %ld takes run with the slot's read pin held, %ld reports of a page only read-pinned\n",
	    m->rp_held, m->rp_late);
	if (unbind)
		out("# fuzz: %ld mappings made during an unbind dead after it, %ld buffer mappings with nothing mapped (mincore)\n",
		    m->racing_maps_dead, m->mincore_checked);
	out("%s 1 fuzz_%s\n", m->failed ? "not ok" : "ok",
	    unbind ? "unbind_rebind_holds_the_model" :
		     "model_holds_for_every_take");
	return m->failed ? 1 : 0;
}
