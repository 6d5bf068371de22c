// SPDX-License-Identifier: GPL-2.0-only
/*
 * race_test: unbind racing the making of mappings (issue 23, items 1 and
 * 4). Threads map the device and touch the mapping in a loop while the
 * main thread unbinds it through sysfs; once the unbind has returned,
 * every mapping made so far must be dead: nothing resident (mincore()),
 * and an access dies of SIGBUS. Both windows are microseconds wide, so
 * the test module mmiodemo-widen (tests/modules/mmiodemo-widen.c) makes
 * them milliseconds wide for the test: a kretprobe busy-waits after the
 * driver's function returns, before the kernel's next step.
 *
 *   regs_mmap_vs_unbind    the time between the mmap hook's return
 *                          (f_op->mmap, or f_op->mmap_prepare on 7.x) and
 *                          the kernel linking the VMA into the file's
 *                          address_space, where unbind's zap finds it: a
 *                          register PTE filled by the hook (as 6.1 and
 *                          6.12 did until the driver mapped them by
 *                          fault) would survive an unbind in it.
 *   dma_fault_vs_unbind    the time between a buffer page's .fault
 *                          returning and the kernel installing the PTE:
 *                          a revoke in it must still zap that PTE (the
 *                          driver returns the page locked so that it
 *                          does). Fault-around is switched off for the
 *                          test (debugfs fault_around_bytes), or .map_pages
 *                          would map most pages and .fault never run.
 *
 * Each test runs CYCLES unbind/bind cycles (at most BUDGET_S seconds) and
 * ends with the device bound.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmiodemo-regs.h"
#include "common.h"
#include "mmiodemo.h"

#define WIDEN		"/sys/kernel/debug/mmiodemo-widen"
#define FAULT_AROUND	"/sys/kernel/debug/fault_around_bytes"
#define CYCLES		20
#define BUDGET_S	20
#define THREADS		2
/* The window, widened: a mapping thread spends most of its time in it. */
#define WIDEN_US	"2000"
#define MAX_MAPS	4096

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A read that dies of SIGBUS jumps back to read32() in its own thread. */
static __thread sigjmp_buf *fault_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	if (fault_jmp)
		siglongjmp(*fault_jmp, 1);
	abort();
}

/* The 32 bits at @p in *val and 0, or -1 if the read died of SIGBUS. */
static int read32(const void *p, uint32_t *val)
{
	sigjmp_buf jb;

	fault_jmp = &jb;
	if (sigsetjmp(jb, 1)) {
		fault_jmp = NULL;
		return -1;
	}
	*val = *(const volatile uint32_t *)p;
	fault_jmp = NULL;
	return 0;
}

/* What the mapping threads share with the main thread. */
static struct {
	off_t offset;		/* of the first page mapped */
	size_t len;		/* of each mapping */
	size_t touch;		/* offset in a mapping of the word read */
	unsigned int spread;	/* pages mapped in turn from offset */
	size_t ps;
	volatile int stop;
	pthread_mutex_t lock;
	unsigned int nr_maps;
	void *maps[MAX_MAPS];
	int cycle[MAX_MAPS];	/* the cycle each mapping was made in */
	char found[MAX_MAPS];	/* found alive after an unbind */
	int now;		/* the current cycle */
} rc = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Maps and touches until told to stop or the device is gone. */
static void *mapper(void *arg)
{
	unsigned int k = (unsigned int)(uintptr_t)arg;
	uint32_t val;
	void *p;
	int fd;

	fd = open(DEVICE, O_RDWR);
	if (fd < 0)
		return NULL;
	while (!rc.stop) {
		p = mmap(NULL, rc.len, PROT_READ, MAP_SHARED, fd,
			 rc.offset + (off_t)(k++ % rc.spread * rc.ps));
		if (p == MAP_FAILED)
			break;	/* ENODEV: unbound */
		pthread_mutex_lock(&rc.lock);
		if (rc.nr_maps < MAX_MAPS) {
			rc.cycle[rc.nr_maps] = rc.now;
			rc.maps[rc.nr_maps++] = p;
		} else {
			munmap(p, rc.len);
			rc.stop = 1;
		}
		pthread_mutex_unlock(&rc.lock);
		/* A first touch: the fault, or a read of a live mapping. */
		read32((char *)p + rc.touch, &val);
	}
	close(fd);
	return NULL;
}

/*
 * @checks: of a mapping after an unbind (each one is checked after its
 * own and every later unbind); @maps: mappings made; @live, @resident:
 * mappings a read, mincore(), found alive after an unbind.
 */
struct verdict {
	int cycles;
	unsigned int checks, maps, live, resident;
	long hits;
	double seconds;
};

/* Hits of the widening probe @name so far, -1 if unreadable. */
static long widen_hits(const char *name)
{
	char path[128], sym[64];
	unsigned int delay;
	long hits = -1;
	FILE *f;

	snprintf(path, sizeof(path), WIDEN "/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%63s %u %ld", sym, &delay, &hits) != 3)
		hits = -1;
	fclose(f);
	return hits;
}

/*
 * Arms the widening probe @name: 0, or 1 with *why saying why the test
 * is to be skipped, or -1 with errno set (the module cannot place its
 * probe: a function renamed fails the test, never skips it).
 */
static int widen(const char *name, const char **why)
{
	char path[128];

	snprintf(path, sizeof(path), WIDEN "/%s", name);
	*why = "the test module mmiodemo-widen is not loaded (no " WIDEN ")";
	if (access(path, F_OK))
		return 1;
	if (!sysfs_write(path, WIDEN_US))
		return 0;
	*why = "this kernel has no kretprobes (CONFIG_KRETPROBES)";
	return errno == EOPNOTSUPP || errno == ENOSYS ? 1 : -1;
}

/*
 * Sets the delay of the armed probe @name to twice the unbind that took
 * @unbind_s seconds, 2 to 100 ms: the window must hold a whole revoke,
 * which KASAN and a busy host make slow.
 */
static void widen_fit(const char *name, double unbind_s)
{
	char path[128], us[16];
	double want = 2e6 * unbind_s;

	want = want < 2000 ? 2000 : want > 100000 ? 100000 : want;
	snprintf(path, sizeof(path), WIDEN "/%s", name);
	snprintf(us, sizeof(us), "%.0f", want);
	sysfs_write(path, us);
}

static void widen_off(void)
{
	sysfs_write(WIDEN "/mmap", "0");
	sysfs_write(WIDEN "/fault", "0");
}

/*
 * CYCLES times: bind, let THREADS threads map, unbind while they do, stop
 * them, then check every mapping made so far; @dma also asks mincore().
 */
static void race(struct __test_metadata *_metadata, struct verdict *v,
		 int dma)
{
	unsigned char vec;
	pthread_t t[THREADS];
	double t0 = now_s(), t1;
	unsigned int i, first, found = 0;
	uint32_t val = 0;
	int n, spin;

	memset(v, 0, sizeof(*v));
	for (rc.now = 0; rc.now < CYCLES && now_s() - t0 < BUDGET_S; rc.now++) {
		ASSERT_EQ(0, driver_bind()) TH_LOG("cannot bind " DEVNAME);
		rc.stop = 0;
		first = rc.nr_maps;
		for (n = 0; n < THREADS; n++)
			ASSERT_EQ(0, pthread_create(&t[n], NULL, mapper,
						    (void *)(uintptr_t)(n * 7)));
		/* Every thread at work, then a varying moment more. */
		for (spin = 0; spin < 2000 && rc.nr_maps < first + THREADS;
		     spin++)
			usleep(500);
		usleep(500 + rc.now * 300 % 2500);
		t1 = now_s();
		ASSERT_EQ(0, driver_unbind()) TH_LOG("unbind: %s", strerror(errno));
		widen_fit(dma ? "fault" : "mmap", now_s() - t1);
		rc.stop = 1;
		for (n = 0; n < THREADS; n++)
			pthread_join(t[n], NULL);

		for (i = 0; i < rc.nr_maps; i++) {
			char *p = rc.maps[i];
			int res = 0, alive;

			if (dma) {
				ASSERT_EQ(0, mincore(p, rc.len, &vec));
				res = vec & 1;
			}
			alive = !read32(p + rc.touch, &val);
			v->checks++;
			if (!(res || alive) || rc.found[i])
				continue;
			rc.found[i] = 1;
			v->resident += res;
			v->live += alive;
			if (++found > 5)
				continue;
			TH_LOG("cycle %d: mapping %u (made in cycle %d) after unbind: %s, %s %#x",
			       rc.now, i, rc.cycle[i],
			       res ? "resident" : "not resident",
			       alive ? "a read returned" : "a read died of SIGBUS",
			       alive ? val : 0);
		}
		v->cycles++;
	}
	v->seconds = now_s() - t0;
	v->maps = rc.nr_maps;
	v->hits = widen_hits(dma ? "fault" : "mmap");
}

FIXTURE(race) {
	struct mmiodemo_info info;
	char fault_around[32];
};

FIXTURE_SETUP(race)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	int fd;

	ASSERT_EQ(0, driver_bind()) TH_LOG("cannot bind " DEVNAME);
	fd = open(DEVICE, O_RDWR);
	ASSERT_LE(0, fd) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(fd, MMIODEMO_IOC_INFO, &self->info));
	close(fd);
	rc.ps = self->info.page_size;
	self->fault_around[0] = 0;
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGBUS, &sa, NULL));
}

FIXTURE_TEARDOWN(race)
{
	unsigned int i;

	widen_off();
	if (self->fault_around[0])
		sysfs_write(FAULT_AROUND, self->fault_around);
	driver_bind();
	for (i = 0; i < rc.nr_maps; i++)
		munmap(rc.maps[i], rc.len);
}

/*
 * Item 1: a register mapping made while the device unbinds. On kernels
 * with f_op->mmap, a driver that fills the PTEs inside ->mmap leaves them
 * live when unbind's zap runs before the kernel links the VMA.
 */
TEST_F_TIMEOUT(race, regs_mmap_vs_unbind, 120)
{
	const struct mmiodemo_region *r =
		&self->info.regions[MMIODEMO_REGION_REGS];
	struct verdict v;
	const char *why;
	int ret;

	if (!(r->flags & MMIODEMO_REGION_F_MMAP))
		SKIP(return, "register region is not whole pages here");
	ret = widen("mmap", &why);
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("cannot arm " WIDEN "/mmap: %s", strerror(errno));
	rc.offset = (off_t)r->offset;
	rc.len = r->size;
	rc.touch = PL061_PERIPHID(0);
	rc.spread = 1;

	race(_metadata, &v, 0);
	TH_LOG("%d unbind cycles in %.1f s: %u register mappings made and checked (%u checks), %u live after unbind; %ld mmaps widened",
	       v.cycles, v.seconds, v.maps, v.checks, v.live, v.hits);
	EXPECT_LT(0, v.hits) TH_LOG("the widening never ran");
	EXPECT_EQ(0, v.live);
}

/*
 * Item 4: a buffer page's read fault racing unbind. A .fault that lets go
 * of the device before the kernel locks the page and maps it leaves the
 * page mapped when unbind's revocation runs in between.
 */
TEST_F_TIMEOUT(race, dma_fault_vs_unbind, 120)
{
	const struct mmiodemo_region *r =
		&self->info.regions[MMIODEMO_REGION_DMA];
	char one_page[32];
	struct verdict v;
	const char *why;
	int ret;
	FILE *f;

	ret = widen("fault", &why);
	if (ret > 0)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("cannot arm " WIDEN "/fault: %s", strerror(errno));
	f = fopen(FAULT_AROUND, "r");
	if (!f)
		SKIP(return, "no " FAULT_AROUND " to switch fault-around off");
	if (!fgets(self->fault_around, sizeof(self->fault_around), f))
		self->fault_around[0] = 0;
	fclose(f);
	snprintf(one_page, sizeof(one_page), "%zu", rc.ps);
	ASSERT_EQ(0, sysfs_write(FAULT_AROUND, one_page))
		TH_LOG("fault_around_bytes: %s", strerror(errno));
	rc.offset = (off_t)r->offset;
	rc.len = rc.ps;
	rc.touch = 0;
	rc.spread = (unsigned int)(r->size / rc.ps);

	race(_metadata, &v, 1);
	TH_LOG("%d unbind cycles in %.1f s: %u buffer mappings made and checked (%u checks), %u resident and %u readable after unbind; %ld faults widened",
	       v.cycles, v.seconds, v.maps, v.checks, v.resident, v.live, v.hits);
	EXPECT_LT(0, v.hits) TH_LOG("the widening never ran");
	EXPECT_EQ(0, v.resident);
	EXPECT_EQ(0, v.live);
}

TEST_HARNESS_MAIN
