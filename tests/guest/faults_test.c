// SPDX-License-Identifier: GPL-2.0-only
/*
 * faults_test: every failure survived. The kernel's fault injection fails
 * the Nth chance of one system call (/proc/thread-self/fail-nth: slab and
 * page allocations through failslab and fail_page_alloc, and the driver's
 * DMA mapping step, mmiodemo_dma_map(), through fail_function), for N = 1,
 * 2, 3, ... until the call runs with no failure injected, for each entry
 * point: bind through sysfs, unbind, open, mmap of each region, the first
 * touch of a buffer page, each ioctl, msync, the mapping audit's read.
 * After each injected failure (confirmed: fail-nth reads 0 after the
 * call) it checks that the call failed with an errno the documentation
 * gives for it (Documentation/mmiodemo.rst, "When the kernel refuses
 * memory") or succeeded, that the kernel printed no complaint, and that
 * the device is in a documented state: bound and working, or (a failed
 * bind) cleanly unbound, with no DMA mapping left (DMA-API debugging's
 * dump) and a good bind after it working.
 *
 * Which driver call site each failure went through is read from the
 * injected failure's stack dump (/dev/kmsg); /tests/faults_sites lists
 * the allocation and DMA-map call sites of driver/'s modules
 * (tests/host/faults-sites.sh, from the built modules), and a site that
 * no failure reached fails every_allocation_and_dma_map_site_failed.
 * Sites a sweep cannot reach (an allocation that only runs after another
 * one failed) are failed directly: the first calls from that site,
 * through fail_function on the allocators' own hooks with the stack
 * filter set to the site's return address.
 *
 * A bind whose buffer can have no run of more than one page must work.
 * At the end kmemleak must find nothing, DMA-API debugging must count no
 * error and hold no mapping of the unbound device, and the free pages
 * must be back (free_pages() below), within a quarter of the buffer: over
 * binds refused after the buffer was allocated, over good bind-unbind
 * cycles, and (make faults) over a second pass of every sweep.
 *
 * The short form (the suite) injects every STRIDE-th point of the bind
 * and unbind sweeps, and every point elsewhere, and leaves the direct
 * failures and the site count to --full (make faults), which injects
 * every point everywhere. A kernel built without fault injection
 * (Debian's) plans no test.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmiodemo-regs.h"
#include "common.h"
#include "mmiodemo.h"

#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define DBG		"/sys/kernel/debug"
#define FAILSLAB	DBG "/failslab"
#define FAILPAGE	DBG "/fail_page_alloc"
#define FAILFUNC	DBG "/fail_function"
#define DMA_API		DBG "/dma-api"
#define KMEMLEAK	DBG "/kmemleak"
#define AUDIT_MAPS	DBG "/mmiodemo-audit/maps"
#define AUDIT_PID	DBG "/mmiodemo-audit/pid"
#define SITES		"/tests/faults_sites"
#define MAP_STEP	"mmiodemo_dma_map"
/* The short form's step through the bind and unbind sweeps. */
#define STRIDE		17
#define MAX_SITES	256
#define MAX_LINES	4096

static bool full;
static int tests, failures;

/* --- TAP --------------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static void result(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d %s", ok ? "ok" : "not ok", ++tests, name);
	if (fmt) {
		printf(" # ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

/* A diagnostic line, indented as TAP wants. */
__attribute__((format(printf, 1, 2)))
static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* --- files ------------------------------------------------------------- */

static int put(const char *path, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (sysfs_write(path, buf)) {
		diag("cannot write '%s' to %s: %s", buf, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The whole of @path into @buf (NUL-terminated); its length or -1. */
static long slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	long n, len = 0;

	if (fd < 0)
		return -1;
	while ((size_t)len + 1 < size &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	close(fd);
	buf[len] = 0;
	return len;
}

static long number(const char *path)
{
	char buf[64];

	return slurp(path, buf, sizeof(buf)) > 0 ? strtol(buf, NULL, 0) : -1;
}

#define AUDIT_KO	"/lib/modules/mmiodemo-audit.ko"

/*
 * The free pages, with what the kernel holds back for a while given back:
 * the caches dropped; every slab cache shrunk, which also empties KASAN's
 * quarantine of freed objects (kasan_cache_shrink()); and the lazily freed
 * vmalloc areas purged, with the KASAN shadow pages behind them (each
 * bind's ioremap()s leave an area that is purged only once 64 MiB have
 * piled up: 200 pages in 270 binds), which a module load does
 * (set_memory_ro() calls vm_unmap_aliases()): the audit module is
 * unloaded and loaded again. Counted from /proc/zoneinfo: each zone's
 * free pages and the pages its per-CPU lists hold, free too but not in
 * nr_free_pages.
 */
static long free_pages(void)
{
	static char buf[65536];
	char path[300], *line, *next;
	struct dirent *d;
	long free = 0, n;
	DIR *dir;
	int ko;

	ko = open(AUDIT_KO, O_RDONLY | O_CLOEXEC);
	if (ko < 0 || syscall(SYS_delete_module, "mmiodemo_audit", O_NONBLOCK) ||
	    syscall(SYS_finit_module, ko, "", 0))
		diag("cannot load %s again: %s", AUDIT_KO, strerror(errno));
	if (ko >= 0)
		close(ko);
	sync();
	sysfs_write("/proc/sys/vm/drop_caches", "3");
	dir = opendir("/sys/kernel/slab");
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 d->d_name);
		sysfs_write(path, "1");
	}
	if (dir)
		closedir(dir);
	if (slurp("/proc/zoneinfo", buf, sizeof(buf)) < 0)
		return -1;
	for (line = buf; *line; line = next) {
		next = strchrnul(line, '\n');
		if (*next)
			next++;
		if (sscanf(line, " pages free %ld", &n) == 1 ||
		    sscanf(line, " count: %ld", &n) == 1)
			free += n;
	}
	return free;
}

/* --- fail-nth ---------------------------------------------------------- */

static int nth_fd = -1;

/* Arms the Nth chance of this thread's next calls; nothing may run after. */
static void nth_arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (pwrite(nth_fd, buf, len, 0) != len) {
		perror("fail-nth");
		exit(2);
	}
}

/* Disarms it; true if the failure was injected (fail-nth read 0). */
static bool nth_disarm(void)
{
	char buf[16] = "";
	bool injected;

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0) {
		perror("fail-nth");
		exit(2);
	}
	injected = strtoul(buf, NULL, 10) == 0;
	nth_arm(0);
	return injected;
}

/* --- the kernel's log: injected failures' stacks, complaints ------------ */

static int kmsg_fd = -1;
static char *lines[MAX_LINES];
static int nr_lines;

static void kmsg_mark(void)
{
	lseek(kmsg_fd, 0, SEEK_END);
}

/* The records since kmsg_mark(), their text only, into lines[]. */
static void kmsg_read(void)
{
	char rec[2048], *text, *nl;
	ssize_t n;

	while (nr_lines)
		free(lines[--nr_lines]);
	for (;;) {
		n = read(kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records overwritten: go on */
		if (n <= 0)
			break;
		rec[n] = 0;
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		nl = strchr(text, '\n');
		if (nl)
			*nl = 0;
		if (nr_lines < MAX_LINES)
			lines[nr_lines++] = strdup(text);
	}
}

/* The first kernel complaint among lines[], or NULL. */
static const char *complaint(void)
{
	static const char *const words[] = {
		"Oops", "WARNING:", "BUG:", "Kernel panic", "Unable to handle",
		"general protection", "UBSAN:", "KASAN:", "unreferenced object",
		"DMA-API:",
	};
	bool dump = false;
	size_t w;
	int i;

	for (i = 0; i < nr_lines; i++) {
		if (strstr(lines[i], "FAULT_INJECTION: forcing a failure"))
			dump = true;
		if (strstr(lines[i], "Call trace:")) {
			if (!dump)
				return lines[i];
			dump = false;
		}
		for (w = 0; w < sizeof(words) / sizeof(words[0]); w++)
			if (strstr(lines[i], words[w]))
				return lines[i];
	}
	return NULL;
}

/* --- call sites --------------------------------------------------------- */

struct site {
	char name[128];		/* "MODULE FUNCTION+0xOFF" */
	char callee[64];	/* what it calls; "" if not in SITES */
	bool expected;		/* listed in SITES */
	int hits;		/* injected failures that went through it */
};

static struct site sites[MAX_SITES];
static int nr_sites;

static struct site *site_of(const char *name)
{
	int i;

	for (i = 0; i < nr_sites; i++)
		if (!strcmp(sites[i].name, name))
			return &sites[i];
	if (nr_sites == MAX_SITES)
		return NULL;
	snprintf(sites[nr_sites].name, sizeof(sites[0].name), "%s", name);
	return &sites[nr_sites++];
}

static int sites_load(void)
{
	char mod[64], at[96], callee[64], name[200];
	struct site *s;
	FILE *f = fopen(SITES, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %95s %63s", mod, at, callee) == 3) {
		snprintf(name, sizeof(name), "%s %s", mod, at);
		s = site_of(name);
		if (!s)
			break;
		s->expected = true;
		snprintf(s->callee, sizeof(s->callee), "%s", callee);
	}
	fclose(f);
	return 0;
}

/*
 * The driver call site of each injected failure in lines[]: the first
 * frame of one of driver/'s modules in the stack dump that follows
 * "FAULT_INJECTION: forcing a failure" (innermost first). A failure that
 * fail_function injected at a driver function's entry (its frame is
 * FUNCTION+0x0: the step returned its error before making any call)
 * fails each listed call of that function. Returns the failures seen;
 * @outside counts those with no driver frame.
 */
static int sites_seen(int *outside)
{
	char fn[128], mod[64], name[200];
	unsigned long off;
	int i, k, seen = 0;
	bool open = false, entry = false;
	struct site *s;

	for (i = 0; i < nr_lines; i++) {
		if (strstr(lines[i], "FAULT_INJECTION: forcing a failure")) {
			if (open)
				(*outside)++;
			open = true;
			/* /dev/kmsg gives the next line in the same record. */
			entry = strstr(lines[i], "name fail_function,") ||
				(i + 1 < nr_lines &&
				 strstr(lines[i + 1], "name fail_function,"));
			seen++;
			continue;
		}
		if (!open)
			continue;
		if (sscanf(lines[i], " %127[^+]+0x%lx/%*x [%63[^] ]", fn, &off,
			   mod) != 3 || strncmp(mod, "mmiodemo", 8))
			continue;
		open = false;
		snprintf(name, sizeof(name), "%s %s+0x", mod, fn);
		if (entry && !off) {
			for (k = 0; k < nr_sites; k++)
				if (sites[k].expected &&
				    !strncmp(sites[k].name, name, strlen(name)))
					sites[k].hits++;
			continue;
		}
		snprintf(name, sizeof(name), "%s %s+0x%lx", mod, fn, off);
		s = site_of(name);
		if (s)
			s->hits++;
	}
	if (open)
		(*outside)++;
	return seen;
}

/* --- the device --------------------------------------------------------- */

static struct mmiodemo_info info;
static size_t ps;

/*
 * Entries DMA-API debugging holds for the PL061's device: lines of its
 * dump that start with the device's name.
 */
static int dma_entries(void)
{
	static char buf[1 << 20];
	char *line = buf, *next;
	int n = 0;

	if (slurp(DMA_API "/dump", buf, sizeof(buf)) < 0)
		return -1;
	for (; *line; line = next) {
		next = strchrnul(line, '\n');
		if (*next)
			next++;
		if (!strncmp(line, DEVNAME " ", strlen(DEVNAME) + 1))
			n++;
	}
	return n;
}

/*
 * The device bound and working: opened, its peripheral ID read through
 * the ioctl and through the mapping, a buffer page written and read back
 * through a mapping. NULL, or what went wrong.
 */
static const char *working(void)
{
	struct mmiodemo_reg r = { .offset = PL061_PERIPHID(0), .width = 32 };
	static char why[128];
	volatile uint32_t *regs;
	volatile uint8_t *buf;
	int fd;

	if (!driver_is_bound())
		return "not bound";
	fd = open(DEVICE, O_RDWR);
	if (fd < 0)
		return "open failed";
	*why = 0;
	if (ioctl(fd, MMIODEMO_IOC_REG_READ, &r) || (r.value & 0xff) != 0x61)
		snprintf(why, sizeof(why), "REG_READ of PERIPHID0: %s, 0x%x",
			 strerror(errno), r.value);
	regs = mmap(NULL, ps, PROT_READ, MAP_SHARED, fd,
		    info.regions[MMIODEMO_REGION_REGS].offset);
	if (regs != MAP_FAILED) {
		if ((regs[PL061_PERIPHID(0) / 4] & 0xff) != 0x61)
			snprintf(why, sizeof(why), "PERIPHID0 mapped: 0x%x",
				 regs[PL061_PERIPHID(0) / 4]);
		munmap((void *)regs, ps);
	} else if (ps == 4096) {
		snprintf(why, sizeof(why), "mmap of the registers: %s",
			 strerror(errno));
	}
	buf = mmap(NULL, ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   info.regions[MMIODEMO_REGION_DMA].offset);
	if (buf == MAP_FAILED) {
		snprintf(why, sizeof(why), "mmap of the buffer: %s",
			 strerror(errno));
	} else {
		buf[7] = 0x5a;
		if (buf[7] != 0x5a)
			snprintf(why, sizeof(why), "buffer byte lost");
		buf[7] = 0;
		munmap((void *)buf, ps);
	}
	close(fd);
	return *why ? why : NULL;
}

/* Unbound cleanly: no device, no node, no DMA mapping left. */
static const char *unbound_cleanly(void)
{
	static char why[96];
	struct stat st;
	int n;

	if (driver_is_bound())
		return "still bound";
	if (!stat(DEVICE, &st))
		return DEVICE " still there";
	n = dma_entries();
	if (n) {
		snprintf(why, sizeof(why), "%d DMA mapping(s) left (dma-api/dump)",
			 n);
		return why;
	}
	return NULL;
}

/* --- entry points --------------------------------------------------------- */

/*
 * An entry point: prepare() sets up what call() needs (not injected),
 * call() makes the one system call (0, or -errno; a fault: the child's
 * signal as -1000 - signal), finish() undoes what prepare() and a
 * successful call did, and says what is wrong with the state after the
 * call, if anything. errnos: the ones the documentation gives.
 */
struct entry {
	const char *name;
	const int *errnos;
	void (*prepare)(const struct entry *e);
	int (*call)(const struct entry *e);
	const char *(*finish)(const struct entry *e, int ret);
	unsigned long arg;	/* a region, an ioctl, ... */
	bool sparse;		/* the short form takes every STRIDE-th N */
	bool no_memory;		/* documented to need none: no failure point */
};

static const int enomem[] = { ENOMEM, 0 };
/*
 * A probe that cannot get memory fails with ENOMEM; with EBUSY where the
 * kernel's devm_ioremap_resource() could not record the region it claims
 * (it reports that as a region someone else holds), and with EINVAL where
 * gpiolib could not create the gpiochip's IRQ domain (it reports that as
 * an invalid chip).
 */
static const int bind_errnos[] = { ENOMEM, EBUSY, EINVAL, 0 };
static int fd = -1, wfd = -1;
static void *map;

static void nothing(const struct entry *e) { (void)e; }

static const char *closed_and_working(const struct entry *e, int ret)
{
	(void)e;
	(void)ret;
	if (map && map != MAP_FAILED)
		munmap(map, info.regions[MMIODEMO_REGION_DMA].size);
	map = NULL;
	if (wfd >= 0)
		close(wfd);
	wfd = -1;
	if (fd >= 0)
		close(fd);
	fd = -1;
	return working();
}

static void bind_prepare(const struct entry *e)
{
	(void)e;
	if (driver_is_bound())
		driver_unbind();
	wfd = open(DRIVER "/bind", O_WRONLY);
}

static int write_devname(const struct entry *e)
{
	(void)e;
	return write(wfd, DEVNAME, strlen(DEVNAME)) < 0 ? -errno : 0;
}

/*
 * After a bind (arg 0) or an unbind (arg 1): one that failed left the
 * device as it was, one that succeeded as asked. An unbind's sweep binds
 * again for its next call.
 */
static const char *sysfs_finish(const struct entry *e, int ret)
{
	const char *why;

	close(wfd);
	wfd = -1;
	why = !e->arg == !ret ? working() : unbound_cleanly();
	if (e->arg)
		driver_bind();
	return why;
}

static void unbind_prepare(const struct entry *e)
{
	(void)e;
	driver_bind();
	wfd = open(DRIVER "/unbind", O_WRONLY);
}

static int open_call(const struct entry *e)
{
	fd = open(DEVICE, (int)e->arg);
	return fd < 0 ? -errno : 0;
}

static void open_rw(const struct entry *e)
{
	(void)e;
	fd = open(DEVICE, O_RDWR);
}

static int mmap_call(const struct entry *e)
{
	const struct mmiodemo_region *r = &info.regions[e->arg];

	map = mmap(NULL, r->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   r->offset);
	if (map == MAP_FAILED)
		return -errno;
	munmap(map, r->size);
	map = NULL;
	return 0;
}

static void map_buffer(const struct entry *e)
{
	(void)e;
	fd = open(DEVICE, O_RDWR);
	map = mmap(NULL, info.regions[MMIODEMO_REGION_DMA].size,
		   PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   info.regions[MMIODEMO_REGION_DMA].offset);
}

/*
 * The first touch of buffer page 1, in a child (a fault's answer may be a
 * signal): it arms its own fail-nth; its exit status says if the failure
 * was injected (1) or not (0); a signal is returned as -1000 - signal.
 */
static unsigned int touch_n;
static bool touch_injected;

static int touch_call(const struct entry *e)
{
	volatile uint8_t *p = (uint8_t *)map + ps;
	int status;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		nth_fd = open(FAIL_NTH, O_RDWR);
		nth_arm(touch_n);
		if (e->arg)
			p[3] = 0xa5;
		else
			(void)p[3];
		_exit(nth_disarm());
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	if (WIFSIGNALED(status))
		return -1000 - WTERMSIG(status);
	touch_injected = WEXITSTATUS(status) == 1;
	return 0;
}

static const char *touch_finish(const struct entry *e, int ret)
{
	volatile uint8_t *p = (uint8_t *)map + ps;
	static char why[64];

	(void)ret;
	if (e->arg && p[3] != 0xa5) {
		snprintf(why, sizeof(why), "the child's store is lost: 0x%x",
			 p[3]);
		return why;
	}
	p[3] = 0;
	return closed_and_working(e, ret);
}

/* The ioctls, each with arguments it succeeds with. */
static uint64_t dirty_bits[1024];

static int ioctl_call(const struct entry *e)
{
	union {
		struct mmiodemo_info info;
		struct mmiodemo_dirty dirty;
		struct mmiodemo_sync sync;
		struct mmiodemo_reg reg;
		struct mmiodemo_reg_update update;
		struct mmiodemo_load load;
		struct mmiodemo_fb fb;
		struct mmiodemo_dma_run run;
		uint32_t lines;
	} a;

	memset(&a, 0, sizeof(a));
	switch (e->arg) {
	case MMIODEMO_IOC_GET_DIRTY:
		a.dirty.bitmap = (uintptr_t)dirty_bits;
		a.dirty.nr_pages = sizeof(dirty_bits) * 8;
		break;
	case MMIODEMO_IOC_REG_READ:
	case MMIODEMO_IOC_REG_WRITE:
		a.reg.offset = PL061_DIR;
		a.reg.width = 32;
		break;
	case MMIODEMO_IOC_REG_UPDATE:
		a.update.offset = PL061_DIR;
		a.update.mask = 0x80;
		break;
	case MMIODEMO_IOC_LOAD:
		snprintf(a.load.name, sizeof(a.load.name), "opt/mmiodemo/pattern");
		a.load.len = 2 * ps;
		break;
	case MMIODEMO_IOC_FB_SHOW:
		a.fb.width = 16;
		a.fb.height = 16;
		a.fb.stride = 64;
		a.fb.format = MMIODEMO_FB_XRGB8888;
		break;
	}
	return ioctl(fd, (unsigned long)e->arg, &a) ? -errno : 0;
}

static int msync_call(const struct entry *e)
{
	(void)e;
	return msync(map, info.regions[MMIODEMO_REGION_DMA].size, MS_SYNC) ?
		-errno : 0;
}

static int fsync_call(const struct entry *e)
{
	(void)e;
	return fsync(fd) ? -errno : 0;
}

static void dirty_buffer(const struct entry *e)
{
	map_buffer(e);
	if (map != MAP_FAILED)
		((volatile uint8_t *)map)[0] = 1;
}

/*
 * After a refused call that takes a set, page 0, dirtied before, is still
 * in it: after GET_DIRTY, in the dirty log (a GET_DIRTY reports it);
 * after the others, in the sync set (a SYNC_FOR_DEVICE of it hands it).
 */
static const char *kept_finish(const struct entry *e, int ret)
{
	struct mmiodemo_dirty d = {
		.bitmap = (uintptr_t)dirty_bits,
		.nr_pages = sizeof(dirty_bits) * 8,
	};
	struct mmiodemo_sync sy = { .len = ps };
	static char why[96];
	const char *state;

	*why = 0;
	if (ret && e->arg == MMIODEMO_IOC_GET_DIRTY &&
	    (ioctl(fd, MMIODEMO_IOC_GET_DIRTY, &d) || !(dirty_bits[0] & 1)))
		snprintf(why, sizeof(why), "page 0 left the dirty log (%s)",
			 strerror(errno));
	if (ret && e->arg != MMIODEMO_IOC_GET_DIRTY &&
	    (ioctl(fd, MMIODEMO_IOC_SYNC_FOR_DEVICE, &sy) || sy.count != 1))
		snprintf(why, sizeof(why),
			 "page 0 left the sync set (count %u, %s)", sy.count,
			 strerror(errno));
	if (e->arg == MMIODEMO_IOC_FB_SHOW && !ret)
		ioctl(fd, MMIODEMO_IOC_FB_OFF);
	state = closed_and_working(e, ret);
	return *why ? why : state;
}

/* The audit's maps file, of this process, which maps the registers. */
static void audit_prepare(const struct entry *e)
{
	char pid[16];

	map_buffer(e);
	snprintf(pid, sizeof(pid), "%d", getpid());
	sysfs_write(AUDIT_PID, pid);
	wfd = open(AUDIT_MAPS, O_RDONLY);
}

static int audit_call(const struct entry *e)
{
	static char buf[65536];

	(void)e;
	return read(wfd, buf, sizeof(buf)) < 0 ? -errno : 0;
}

#define ENTRY(n, p, c, f, a, sp) { .name = (n), .errnos = enomem, \
	.prepare = (p), .call = (c), .finish = (f), .arg = (a), .sparse = (sp) }
#define SYSFS(n, er, p, a) { .name = (n), .errnos = (er), .prepare = (p), \
	.call = write_devname, .finish = sysfs_finish, .arg = (a), \
	.sparse = true }
/* An ioctl that takes a set: page 0 dirtied first, still there after. */
#define TAKES(cmd) ENTRY(#cmd, dirty_buffer, ioctl_call, kept_finish, cmd, \
	false)
/* An ioctl documented to need no memory. */
#define NO_MEMORY(cmd) { .name = #cmd, .errnos = enomem, .prepare = open_rw, \
	.call = ioctl_call, .finish = closed_and_working, .arg = cmd, \
	.no_memory = true }

static const struct entry entries[] = {
	SYSFS("bind", bind_errnos, bind_prepare, 0),
	SYSFS("unbind", enomem, unbind_prepare, 1),
	ENTRY("open_rdwr", nothing, open_call, closed_and_working, O_RDWR,
	      false),
	ENTRY("open_rdonly", nothing, open_call, closed_and_working, O_RDONLY,
	      false),
	ENTRY("mmap_regs", open_rw, mmap_call, closed_and_working,
	      MMIODEMO_REGION_REGS, false),
	ENTRY("mmap_dma", open_rw, mmap_call, closed_and_working,
	      MMIODEMO_REGION_DMA, false),
	ENTRY("first_read_of_a_buffer_page", map_buffer, touch_call,
	      touch_finish, 0, false),
	ENTRY("first_write_of_a_buffer_page", map_buffer, touch_call,
	      touch_finish, 1, false),
	ENTRY("msync", dirty_buffer, msync_call, kept_finish, 0, false),
	ENTRY("fsync", dirty_buffer, fsync_call, kept_finish, 0, false),
	NO_MEMORY(MMIODEMO_IOC_INFO),
	TAKES(MMIODEMO_IOC_GET_DIRTY),
	TAKES(MMIODEMO_IOC_SYNC_FOR_DEVICE),
	TAKES(MMIODEMO_IOC_SYNC_FOR_CPU),
	NO_MEMORY(MMIODEMO_IOC_REG_READ),
	NO_MEMORY(MMIODEMO_IOC_REG_WRITE),
	NO_MEMORY(MMIODEMO_IOC_REG_UPDATE),
	TAKES(MMIODEMO_IOC_LOAD),
	TAKES(MMIODEMO_IOC_FB_SHOW),
	NO_MEMORY(MMIODEMO_IOC_FB_OFF),
	NO_MEMORY(MMIODEMO_IOC_DMA_RUN),
	NO_MEMORY(MMIODEMO_IOC_IRQ_UNMASK),
	NO_MEMORY(MMIODEMO_IOC_IRQ_HELD),
	ENTRY("audit_maps_read", audit_prepare, audit_call,
	      closed_and_working, 0, false),
};

static bool documented(const struct entry *e, int ret)
{
	int i;

	for (i = 0; e->errnos[i]; i++)
		if (ret == -e->errnos[i])
			return true;
	return false;
}

static const char *errname(int ret)
{
	static char buf[48];

	if (ret <= -1000)
		snprintf(buf, sizeof(buf), "signal %s", strsignal(-ret - 1000));
	else
		snprintf(buf, sizeof(buf), "%s", strerrorname_np(-ret) ?: "?");
	return buf;
}

static int total_points;

/* Sweeps entry @e: N = 1, 2, ... (or every STRIDE-th) until no injection. */
static char again_bad[256];

/*
 * Sweeps entry @e; @report: its TAP result and counts (else a failure
 * goes to again_bad only: the second pass of make faults).
 */
static void sweep(const struct entry *e, bool report)
{
	int points = 0, failed = 0, unseen = 0, outside = 0, ret, seen;
	unsigned int n, step = full || !e->sparse ? 1 : STRIDE;
	char bad[256] = "";
	const char *why;
	bool injected;

	for (n = 1; n < 100000; n += step) {
		e->prepare(e);
		kmsg_mark();
		if (e->call == touch_call) {
			touch_n = n;
			ret = e->call(e);
			injected = ret <= -1000 || touch_injected;
		} else {
			nth_arm(n);
			ret = e->call(e);
			injected = nth_disarm();
		}
		kmsg_read();
		why = e->finish(e, ret);
		if (!injected) {
			if (ret || why)
				snprintf(bad, sizeof(bad),
					 "no failure injected, yet %s%s%s",
					 ret ? errname(ret) : "",
					 ret && why ? ", " : "", why ?: "");
			break;
		}
		points++;
		seen = sites_seen(&outside);
		if (!seen)
			unseen++;	/* a __GFP_NOWARN allocation */
		if (ret)
			failed++;
		if (ret && !documented(e, ret) && !*bad)
			snprintf(bad, sizeof(bad), "N=%u: %s, not documented",
				 n, errname(ret));
		if (why && !*bad)
			snprintf(bad, sizeof(bad), "N=%u (%s): %s", n,
				 ret ? errname(ret) : "succeeded", why);
		why = complaint();
		if (why && !*bad)
			snprintf(bad, sizeof(bad), "N=%u: the kernel said: %s",
				 n, why);
	}
	if (!report) {
		if (*bad && !*again_bad)
			snprintf(again_bad, sizeof(again_bad), "%s: %s",
				 e->name, bad);
		return;
	}
	total_points += points;
	if (e->no_memory && points && !*bad)
		snprintf(bad, sizeof(bad),
			 "documented to need no memory, yet %d failure points",
			 points);
	if (*bad)
		result(false, e->name, "%s", bad);
	else
		result(true, e->name,
		       "%d failure points injected%s (each confirmed), %d made the call fail, %d printed no stack (__GFP_NOWARN), %d outside the driver",
		       points, step > 1 ? " (every 17th)" : "", failed, unseen,
		       outside);
}

/*
 * Probability-driven injection through the fault attribute @dir, for this
 * task only: every chance whose stack has a return address in [@lo, @hi)
 * fails, @times times at most (@hi 0: any stack). arm(), the calls, then
 * disarm(), which returns the failures made.
 */
static int attr_put(const char *dir, const char *file, const char *value)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return put(path, "%s", value);
}

static int arm(const char *dir, int times, unsigned long lo, unsigned long hi)
{
	char t[16], l[24], h[24];

	snprintf(t, sizeof(t), "%d", times);
	snprintf(l, sizeof(l), "%lu", lo);
	snprintf(h, sizeof(h), "%lu", hi ? hi : ~0UL);
	return attr_put(dir, "task-filter", "Y") ||
	       attr_put(dir, "require-start", l) ||
	       attr_put(dir, "require-end", h) ||
	       attr_put(dir, "times", t) ||
	       attr_put(dir, "probability", "100") ||
	       put("/proc/thread-self/make-it-fail", "1") ? -1 : 0;
}

static int disarm(const char *dir, int times)
{
	char path[128], h[24];
	long left;

	put("/proc/thread-self/make-it-fail", "0");
	attr_put(dir, "probability", "0");
	snprintf(path, sizeof(path), "%s/times", dir);
	left = number(path);
	snprintf(h, sizeof(h), "%lu", ~0UL);
	attr_put(dir, "require-start", "0");
	attr_put(dir, "require-end", h);
	attr_put(dir, "task-filter", "N");
	attr_put(dir, "times", "-1");
	return times - (int)left;
}

/* --- failing the calls from one site --------------------------------------- */

/* The address of @fn in @mod, from /proc/kallsyms; 0 if not found. */
static unsigned long ksym(const char *mod, const char *fn)
{
	char line[256], name[128], m[64];
	unsigned long addr = 0, a;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		m[0] = 0;
		if (sscanf(line, "%lx %*s %127s [%63[^]]", &a, name, m) >= 2 &&
		    !strcmp(name, fn) && !strcmp(m, mod)) {
			addr = a;
			break;
		}
	}
	fclose(f);
	return addr;
}

static int fei(const char *fn, const char *retval)
{
	char path[128];

	if (put(FAILFUNC "/inject", "%s", fn))
		return -1;
	snprintf(path, sizeof(path), FAILFUNC "/%s/retval", fn);
	return put(path, "%s", retval);
}

/* A site's module, function and offset; -1 if it does not parse. */
static int site_parse(const struct site *s, char *mod, char *fn,
		      unsigned long *off)
{
	return sscanf(s->name, "%63s %127[^+]+0x%lx", mod, fn, off) == 3 ? 0 :
									     -1;
}

#define TRACING		DBG "/tracing"

/*
 * Counts the calls made at @s (a kprobe event on its bl instruction,
 * the one before the return address) during one bind; -1 if the kernel
 * has no kprobe events.
 */
static long site_calls(const struct site *s)
{
	char mod[64], fn[128], line[256], name[64];
	unsigned long off;
	long hits = -1, h;
	FILE *f;

	/* A small ring buffer: its pages are counted at the end. */
	if (site_parse(s, mod, fn, &off) ||
	    put(TRACING "/buffer_size_kb", "4") ||
	    put(TRACING "/kprobe_events", "p:faults_site %s:%s+0x%lx", mod, fn,
		off - 4) ||
	    put(TRACING "/events/kprobes/faults_site/enable", "1"))
		return -1;
	bind_prepare(NULL);
	write_devname(NULL);
	sysfs_finish(&entries[0], 0);
	f = fopen(TRACING "/kprobe_profile", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", name, &h) == 2 &&
		    !strcmp(name, "faults_site"))
			hits = h;
	if (f)
		fclose(f);
	put(TRACING "/events/kprobes/faults_site/enable", "0");
	put(TRACING "/kprobe_events", "-:faults_site");
	return hits;
}

static char direct_bad[256];

/*
 * Each failure prints a stack: a console flooded with them drops lines
 * (7.3 dropped the header of one, leaving a bare "Call trace:").
 */
#define DIRECT_TIMES	16

/*
 * Binds with the first DIRECT_TIMES allocations made from the calls at @lo
 * to @hi (sites of one function) failed: fail_function on the allocators' own hooks
 * (should_failslab(), should_fail_alloc_page()), the stack filter on the
 * return addresses, this task only. The bind must succeed, or fail with a
 * documented errno and leave the device cleanly unbound. Returns the
 * calls failed.
 */
static long fail_sites(const struct site *lo, const struct site *hi)
{
	char mod[64], fn[128], m2[64], f2[128];
	unsigned long off, off2, base;
	const char *why;
	int ret, failed;

	if (site_parse(lo, mod, fn, &off) || site_parse(hi, m2, f2, &off2))
		return 0;
	base = ksym(mod, fn);
	if (!base) {
		snprintf(direct_bad, sizeof(direct_bad), "%s: not in kallsyms",
			 lo->name);
		return 0;
	}
	put(FAILFUNC "/inject", "");
	if (fei("should_fail_alloc_page", "1") ||
	    fei("should_failslab", "0xfffffffffffffff4") ||
	    arm(FAILFUNC, DIRECT_TIMES, base + off, base + off2 + 1))
		return 0;
	bind_prepare(NULL);
	kmsg_mark();
	ret = write_devname(NULL);
	failed = disarm(FAILFUNC, DIRECT_TIMES);
	put(FAILFUNC "/inject", "");
	fei(MAP_STEP, "0xfffffffffffffff4");
	kmsg_read();
	why = sysfs_finish(&entries[0], ret);
	if (!why && ret && !documented(&entries[0], ret))
		why = "not documented";
	if (!why)
		why = complaint();
	sites_seen(&(int){ 0 });
	diag("calls from %s%s%s failed: %d calls failed, bind %s%s%s",
	     lo->name, lo == hi ? "" : " to ", lo == hi ? "" : hi->name + strlen(mod) + 1,
	     failed, ret ? errname(ret) : "succeeded",
	     why ? ": " : "",
	     why ?: "");
	if (why && !*direct_bad)
		snprintf(direct_bad, sizeof(direct_bad), "%s: bind %s: %s",
			 lo->name, ret ? errname(ret) : "succeeded", why);
	driver_bind();
	return failed;
}

static unsigned long site_off(const struct site *s)
{
	char mod[64], fn[128];
	unsigned long off;

	return site_parse(s, mod, fn, &off) ? 0 : off;
}

/* Sites @a and @b: calls of one function to one callee? */
static bool same_group(const struct site *a, const struct site *b)
{
	char m1[64], f1[128], m2[64], f2[128];
	unsigned long o1, o2;

	return !site_parse(a, m1, f1, &o1) && !site_parse(b, m2, f2, &o2) &&
	       !strcmp(m1, m2) && !strcmp(f1, f2) &&
	       !strcmp(a->callee, b->callee);
}

/*
 * The sites no sweep reached, failed directly through a bind: each
 * alone, then with the other calls of its function to the same
 * allocator (an order-0 page allocation runs only after the larger ones
 * failed). A site that still failed nothing is counted with a kprobe:
 * called, it allocated nothing there (an IDA's first ids live in the
 * tree's root, for one).
 */
static int nothing_to_fail;

static void fail_unreached(void)
{
	const struct site *lo, *hi;
	int n, k;
	long calls;

	for (n = 0; n < nr_sites; n++)
		if (sites[n].expected && !sites[n].hits)
			fail_sites(&sites[n], &sites[n]);
	for (n = 0; n < nr_sites; n++) {
		if (!sites[n].expected || sites[n].hits)
			continue;
		lo = hi = &sites[n];
		for (k = 0; k < nr_sites; k++) {
			if (!sites[k].expected || !same_group(&sites[k], lo))
				continue;
			if (site_off(&sites[k]) < site_off(lo))
				lo = &sites[k];
			if (site_off(&sites[k]) > site_off(hi))
				hi = &sites[k];
		}
		if (lo != hi)
			fail_sites(lo, hi);
	}
	for (n = 0; n < nr_sites; n++) {
		if (!sites[n].expected || sites[n].hits)
			continue;
		calls = site_calls(&sites[n]);
		diag("%s: called %ld times in a bind, with nothing allocated from it to fail",
		     sites[n].name, calls);
		if (calls > 0) {
			sites[n].hits = -1;
			nothing_to_fail++;
		}
	}
}

/* --- pages back ------------------------------------------------------------ */

/*
 * kmemleak does not see the page allocator: the buffer's pages are
 * counted in the free pages instead, over binds that fail after the
 * buffer was allocated (the map step failed through fail_function) and
 * over good bind-unbind cycles. A buffer kept by one of them would show
 * whole; the test allows a quarter of one.
 */
#define CYCLES	(full ? 8 : 4)

static void pages_back(void)
{
	long buffer = info.regions[MMIODEMO_REGION_DMA].size / ps, f0, f1, f2;
	int k, refused = 0;

	driver_unbind();
	f0 = free_pages();
	arm(FAILFUNC, CYCLES, 0, 0);
	for (k = 0; k < CYCLES; k++)
		if (sysfs_write(DRIVER "/bind", DEVNAME) && errno == ENOMEM)
			refused++;
	disarm(FAILFUNC, CYCLES);
	f1 = free_pages();
	for (k = 0; k < CYCLES; k++) {
		driver_bind();
		driver_unbind();
	}
	f2 = free_pages();
	driver_bind();
	result(refused == CYCLES && f0 - f1 <= buffer / 4 &&
	       f1 - f2 <= buffer / 4,
	       "failed_and_good_binds_give_their_pages_back",
	       "%d binds refused (ENOMEM) at the map step: free pages %+ld; %d good bind-unbind cycles: %+ld (a buffer is %ld pages)",
	       refused, f1 - f0, CYCLES, f2 - f1, buffer);
}

/*
 * A run of the buffer that the page allocator cannot give whole is taken
 * in smaller runs: every allocation of order 1 or more made from the
 * buffer's page allocations fails (fail_page_alloc with min-order 1, the
 * stack filter on those calls), and the bind must succeed, with a
 * working buffer of single pages.
 */
#define SMALLER_TIMES	100000

static void smaller_runs(void)
{
	unsigned long lo = ~0UL, hi = 0, base, off;
	char mod[64], fn[128];
	const char *why;
	int n, failed, ret;

	for (n = 0; n < nr_sites; n++) {
		if (!sites[n].expected || !strstr(sites[n].callee, "alloc_pages") ||
		    site_parse(&sites[n], mod, fn, &off))
			continue;
		base = ksym(mod, fn);
		if (base && base + off < lo)
			lo = base + off;
		if (base && base + off + 1 > hi)
			hi = base + off + 1;
	}
	if (!hi) {
		result(false, "a_run_refused_whole_is_taken_in_smaller_runs",
		       "no page allocation site in %s", SITES);
		return;
	}
	driver_unbind();
	attr_put(FAILPAGE, "min-order", "1");
	arm(FAILPAGE, SMALLER_TIMES, lo, hi);
	ret = sysfs_write(DRIVER "/bind", DEVNAME) ? -errno : 0;
	failed = disarm(FAILPAGE, SMALLER_TIMES);
	attr_put(FAILPAGE, "min-order", "0");
	why = ret ? "the bind failed" : working();
	result(!why && failed > 0, "a_run_refused_whole_is_taken_in_smaller_runs",
	       "%d allocations of order 1 or more refused, bind %s%s%s", failed,
	       ret ? errname(ret) : "succeeded", why ? ": " : "", why ?: "");
	driver_bind();
}

/* --- setup ---------------------------------------------------------------- */

/*
 * Sleeping allocations and order 0 fail too (failslab and fail_page_alloc
 * ignore them by default); only fail-nth injects (probability 0); every
 * failure prints its stack; DMA-API debugging reports every error.
 */
static const char *const settings[][2] = {
	{ FAILSLAB "/ignore-gfp-wait", "N" },
	{ FAILSLAB "/probability", "0" },
	{ FAILSLAB "/verbose", "2" },
	{ FAILSLAB "/times", "-1" },
	{ FAILPAGE "/ignore-gfp-wait", "N" },
	{ FAILPAGE "/ignore-gfp-highmem", "N" },
	{ FAILPAGE "/min-order", "0" },
	{ FAILPAGE "/probability", "0" },
	{ FAILPAGE "/verbose", "2" },
	{ FAILPAGE "/times", "-1" },
	{ FAILFUNC "/probability", "0" },
	{ FAILFUNC "/verbose", "2" },
	{ FAILFUNC "/times", "-1" },
	{ DMA_API "/all_errors", "1" },
};

static int setup(void)
{
	size_t i;

	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (put(settings[i][0], "%s", settings[i][1]))
			return -1;
	if (fei(MAP_STEP, "0xfffffffffffffff4"))
		return -1;
	nth_fd = open(FAIL_NTH, O_RDWR);
	kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	return nth_fd < 0 || kmsg_fd < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	long free0, free1, errors0, errors1, pass1, slack;
	char second[64] = "";
	static char leaks[65536];
	struct stat st;
	size_t i;
	int fd0, unreached = 0, expected = 0, left, n;
	bool leaks_read;

	full = argc > 1 && !strcmp(argv[1], "--full");
	printf("TAP version 13\n");
	if (stat(FAIL_NTH, &st) || stat(FAILSLAB, &st) || stat(FAILPAGE, &st) ||
	    stat(FAILFUNC, &st) || stat(DMA_API, &st)) {
		printf("1..0 # SKIP this kernel has no fault injection (fail-nth, failslab, fail_page_alloc, fail_function) or DMA-API debugging\n");
		return 0;
	}
	if (sites_load()) {
		printf("1..0 # SKIP no %s\n", SITES);
		return 1;
	}
	fd0 = open(DEVICE, O_RDONLY);
	if (fd0 < 0 || ioctl(fd0, MMIODEMO_IOC_INFO, &info)) {
		printf("1..0 # SKIP %s: %s\n", DEVICE, strerror(errno));
		return 1;
	}
	close(fd0);
	ps = info.page_size;
	if (setup()) {
		printf("Bail out! cannot set fault injection up\n");
		return 1;
	}
	printf("1..%zu\n", sizeof(entries) / sizeof(entries[0]) + 5);

	errors0 = number(DMA_API "/error_count");
	driver_unbind();
	free0 = free_pages();
	driver_bind();

	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		sweep(&entries[i], true);
	driver_bind();

	if (full) {
		fail_unreached();
		result(!*direct_bad, "sites_no_sweep_reached_failed_directly",
		       "%s", *direct_bad ? direct_bad : "each bind documented and clean");
	} else {
		result(true, "sites_no_sweep_reached_failed_directly",
		       "SKIP make faults fails them");
	}

	pages_back();
	smaller_runs();

	/* The sites of SITES first, then the helper calls reached. */
	for (n = 0; n < nr_sites; n++) {
		if (!sites[n].expected)
			continue;
		expected++;
		if (!sites[n].hits)
			unreached++;
		if (sites[n].hits < 0)
			diag("site %s (%s): called, allocated nothing to fail",
			     sites[n].name, sites[n].callee);
		else
			diag("site %s (%s): %d injected failures",
			     sites[n].name, sites[n].callee, sites[n].hits);
	}
	for (n = 0; n < nr_sites; n++)
		if (!sites[n].expected)
			diag("site %s (a helper that allocates): %d injected failures",
			     sites[n].name, sites[n].hits);
	diag("%d failure points injected in all", total_points);
	if (full)
		result(!unreached, "every_allocation_and_dma_map_site_failed",
		       "%d sites failed, %d called with nothing to fail, %d never failed, of %d",
		       expected - unreached - nothing_to_fail, nothing_to_fail,
		       unreached, expected);
	else
		result(true, "every_allocation_and_dma_map_site_failed",
		       "SKIP the short form leaves %d of the %d sites; make faults fails every one",
		       unreached, expected);

	/*
	 * The free pages: the first pass fills what the kernel keeps for
	 * good (KASAN's stack depot: a stack for each new path), 150 to 330
	 * pages, and is only reported. make faults counts them over a second
	 * pass of every sweep, run as the first: a path that keeps pages
	 * keeps them again.
	 */
	driver_unbind();
	free1 = free_pages();
	pass1 = free1 - free0;
	if (full) {
		free0 = free1;
		driver_bind();
		for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
			sweep(&entries[i], false);
		driver_unbind();
		free1 = free_pages();
	}
	left = dma_entries();
	driver_bind();
	errors1 = number(DMA_API "/error_count");
	/* kmemleak reports objects 5 s old; the short form leaves it to the
	 * suite's scan (guest/suite.sh), whose report the console shows. */
	if (full) {
		sleep(6);
		sysfs_write(KMEMLEAK, "scan");
		sysfs_write(KMEMLEAK, "scan");
	}
	leaks_read = slurp(KMEMLEAK, leaks, sizeof(leaks)) >= 0;
	/* One buffer kept shows as its pages: a quarter of them is allowed. */
	slack = (long)(info.regions[MMIODEMO_REGION_DMA].size / ps / 4);
	if (full)
		snprintf(second, sizeof(second), ", over a second pass %+ld",
			 free1 - free0);
	result((!full || free0 - free1 <= slack) && !*again_bad &&
	       errors1 == errors0 && !left && leaks_read && !*leaks &&
	       !working(),
	       "nothing_leaked_and_the_device_works",
	       "free pages %+ld over the sweeps (what the kernel keeps for good)%s%s%s, DMA-API errors %ld then %ld, %d DMA mappings left unbound, kmemleak %s",
	       pass1, second, *again_bad ? ", the second pass: " : "", again_bad,
	       errors0, errors1, left,
	       !leaks_read ? "unreadable (disabled?)" :
	       *leaks ? "reports leaks" : "empty");
	if (*leaks)
		diag("%.2000s", leaks);
	return failures ? 1 : 0;
}
