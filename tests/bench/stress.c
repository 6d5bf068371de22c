// SPDX-License-Identifier: GPL-2.0-only
/*
 * stress: worker threads open, map, touch, dirty, sync, fork, mremap,
 * munmap and read events on /dev/mmiodemo while the main thread unbinds
 * and rebinds the device. Bounded in cycles and seconds; stops by itself.
 *
 *   stress [--cycles N] [--threads N] [--seconds N]
 *
 * Checks, printed as TAP: every access through a mapping made before an
 * unbind, and made after that unbind returned, dies with SIGBUS (caught
 * and counted); MemAvailable (with the free pages on the per-CPU lists)
 * comes back within 1 % of its start, measured
 * after a tenth of the cycles (at least 5) have warmed the kernel's caches.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "mmiodemo.h"

#define PAGES	4

static atomic_int stop;
static atomic_long unbinds;	/* completed unbinds */
static atomic_long ops, sigbus, expected, violations, forks, moves, enodev;
static __thread sigjmp_buf jump;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(jump, 1);
}

/* sysfs_write() that says what failed. */
static void sysfs_set(const char *file, const char *value)
{
	if (sysfs_write(file, value))
		fprintf(stderr, "# stress: %s: %s\n", file, strerror(errno));
}

/*
 * Free pages waiting on the per-CPU lists (/proc/zoneinfo "count:"), in kB.
 * The buffer is allocated in runs straight from the buddy allocator and
 * freed page by page onto these lists, where MemAvailable does not count
 * them; with 16 KiB pages they hold megabytes.
 */
static long pcp_free_kb(void)
{
	char line[128];
	long pages = 0, n;
	FILE *f = fopen("/proc/zoneinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &n) == 1)
			pages += n;
	if (f)
		fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

/* MemAvailable, plus the free pages on the per-CPU lists, in kB. */
static long mem_available(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb < 0 ? kb : kb + pcp_free_kb();
}

/*
 * One write through the mapping. If an unbind completed after the mapping
 * was made (@made < unbinds when the write starts), it must die: SIGBUS.
 */
static int touch(volatile char *p, long made)
{
	long now = atomic_load(&unbinds);

	if (now > made)
		atomic_fetch_add(&expected, 1);
	if (sigsetjmp(jump, 1)) {
		atomic_fetch_add(&sigbus, 1);
		return -1;
	}
	*p = 1;
	if (now > made)
		atomic_fetch_add(&violations, 1);
	atomic_fetch_add(&ops, 1);
	return 0;
}

/* One round: open, map, hammer, unmap, close. */
static void round_trip(long ps, unsigned int *seed)
{
	struct mmiodemo_info info;
	struct mmiodemo_sync s;
	struct mmiodemo_event ev;
	char *p, *q, *hole;
	long made, n = PAGES;
	int fd, i, status;
	pid_t pid;

	fd = open(DEVICE, O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		usleep(1000);	/* unbound: the node is gone */
		return;
	}
	made = atomic_load(&unbinds);
	if (ioctl(fd, MMIODEMO_IOC_INFO, &info) ||
	    info.nr_regions <= MMIODEMO_REGION_DMA) {
		atomic_fetch_add(&enodev, errno == ENODEV);
		close(fd);
		return;
	}
	p = mmap(NULL, PAGES * ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)info.regions[MMIODEMO_REGION_DMA].offset);
	if (p == MAP_FAILED) {
		atomic_fetch_add(&enodev, errno == ENODEV);
		close(fd);
		return;
	}

	for (i = 0; i < 32 && !atomic_load(&stop); i++) {
		if (touch(p + (rand_r(seed) % n) * ps, made))
			break;
		memset(&s, 0, sizeof(s));
		if (ioctl(fd, MMIODEMO_IOC_SYNC_FOR_DEVICE, &s) && errno == ENODEV)
			atomic_fetch_add(&enodev, 1);
		if (read(fd, &ev, sizeof(ev)) < 0 && errno == ENODEV)
			atomic_fetch_add(&enodev, 1);
		if (i % 8 == 3) {
			pid = fork();
			if (!pid) {
				signal(SIGBUS, SIG_DFL);
				p[0] = 2;	/* dies of SIGBUS after unbind */
				_exit(0);
			}
			waitpid(pid, &status, 0);
			atomic_fetch_add(&forks, 1);
		}
		if (i % 8 == 5) {	/* move it */
			hole = mmap(NULL, n * ps, PROT_NONE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (hole == MAP_FAILED)
				continue;
			q = mremap(p, n * ps, n * ps,
				   MREMAP_MAYMOVE | MREMAP_FIXED, hole);
			if (q != MAP_FAILED) {
				p = q;
				atomic_fetch_add(&moves, 1);
			} else {
				munmap(hole, n * ps);
			}
		}
		if (i % 8 == 7 && n > 1)	/* split it: drop a page */
			munmap(p + --n * ps, ps);
	}
	munmap(p, n * ps);
	close(fd);
}

static void *worker(void *arg)
{
	unsigned int seed = (unsigned int)(long)arg;
	long ps = sysconf(_SC_PAGESIZE);

	while (!atomic_load(&stop))
		round_trip(ps, &seed);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cycles", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 's' },
		{ 0 }
	};
	long cycles = 200, nthreads = 4, seconds = 120, c, warmup;
	long before = -1, after;
	struct sigaction sa = { .sa_handler = on_sigbus };
	pthread_t threads[64];
	time_t deadline;
	double change;
	int opt, i;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'c')
			cycles = atol(optarg);
		else if (opt == 't')
			nthreads = atol(optarg);
		else if (opt == 's')
			seconds = atol(optarg);
		else
			return 2;
	}
	if (cycles < 1 || nthreads < 1 || nthreads > 64 || seconds < 1) {
		fprintf(stderr, "stress: bad --cycles, --threads or --seconds\n");
		return 2;
	}

	sigaction(SIGBUS, &sa, NULL);
	deadline = time(NULL) + seconds;
	warmup = cycles / 10 < 5 ? 5 : cycles / 10;

	for (i = 0; i < nthreads; i++)
		pthread_create(&threads[i], NULL, worker, (void *)(long)(i + 1));
	/*
	 * The first cycles fill what the kernel caches under this load (slab
	 * caches, page tables, KASAN's quarantine of freed memory): the
	 * measured cycles start from that steady state.
	 */
	for (c = 0; c < warmup + cycles && time(NULL) < deadline; c++) {
		if (c == warmup) {
			sysfs_set("/proc/sys/vm/drop_caches", "3");
			before = mem_available();
		}
		usleep(20000);
		sysfs_set(DRIVER "/unbind", DEVNAME);
		atomic_fetch_add(&unbinds, 1);
		usleep(5000);
		sysfs_set(DRIVER "/bind", DEVNAME);
	}
	c = c > warmup ? c - warmup : 0;
	atomic_store(&stop, 1);
	for (i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);

	sysfs_set("/proc/sys/vm/drop_caches", "3");
	after = mem_available();
	change = before > 0 ? 100.0 * (before - after) / before : 100.0;

	printf("TAP version 13\n1..3\n");
	printf("# %ld unbind/rebind cycles (after %ld to warm up), %ld threads: %ld writes, %ld forks, %ld mremaps, %ld ENODEV answers\n",
	       c, warmup, nthreads, atomic_load(&ops), atomic_load(&forks),
	       atomic_load(&moves), atomic_load(&enodev));
	printf("# %ld writes after an unbind: %ld SIGBUS, %ld went through\n",
	       atomic_load(&expected), atomic_load(&sigbus),
	       atomic_load(&violations));
	printf("%sok 1 stress.every_write_after_unbind_gets_sigbus\n",
	       atomic_load(&violations) ? "not " : "");
	printf("# MemAvailable + per-CPU free pages: %ld kB before, %ld kB after (%.2f %% less)\n",
	       before, after, change);
	printf("%sok 2 stress.memavailable_comes_back_within_1_percent\n",
	       change > 1.0 ? "not " : "");
	printf("%sok 3 stress.ran_its_cycles_and_stopped\n",
	       c > 0 && atomic_load(&ops) > 0 ? "" : "not ");
	return atomic_load(&violations) || change > 1.0 ? 1 : 0;
}
