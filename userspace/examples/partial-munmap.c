// SPDX-License-Identifier: GPL-2.0-only
/*
 * partial-munmap: munmap() of one page in the middle of a 4-page mapping
 * of the DMA buffer splits it in two. An access to the hole raises
 * SIGSEGV with si_code SEGV_MAPERR (nothing is mapped there), caught by a
 * sigaction() handler; the pages on either side keep their data and work.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mmiodemo.h"

static sigjmp_buf env;
static void *fault_addr;
static int fault_code;

static int fail(const char *why, int err)
{
	printf("result: FAIL %s%s%s\n", why, err ? ": " : "",
	       err ? strerror(err) : "");
	return 1;
}

static void on_segv(int sig, siginfo_t *si, void *ucontext)
{
	(void)sig;
	(void)ucontext;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(env, 1);
}

/* Loads from @p: 1 if that raised SIGSEGV, 0 if it did not. */
static int read_faults(volatile uint8_t *p)
{
	if (sigsetjmp(env, 1))
		return 1;
	(void)*p;
	return 0;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv,
				.sa_flags = SA_SIGINFO };
	struct mmiodemo_info info;
	volatile uint8_t *buf;
	size_t ps, i;
	int fd;

	fd = open("/dev/mmiodemo", O_RDWR);
	if (fd < 0 || ioctl(fd, MMIODEMO_IOC_INFO, &info))
		return fail("/dev/mmiodemo", errno);
	ps = info.page_size;
	buf = mmap(NULL, 4 * ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   info.regions[MMIODEMO_REGION_DMA].offset);
	if (buf == MAP_FAILED)
		return fail("mmap of the DMA buffer", errno);
	for (i = 0; i < 4; i++)
		buf[i * ps] = (uint8_t)(0x10 + i);
	if (sigaction(SIGSEGV, &sa, NULL))
		return fail("sigaction", errno);

	if (munmap((void *)(buf + ps), ps))
		return fail("munmap of page 1", errno);
	printf("mapped 4 pages at %p, unmapped page 1 at %p\n", (void *)buf,
	       (void *)(buf + ps));
	if (!read_faults(buf + ps))
		return fail("a read of the unmapped page did not fault", 0);
	printf("reading page 1: SIGSEGV at %p, si_code %s\n", fault_addr,
	       fault_code == SEGV_MAPERR ? "SEGV_MAPERR" : "not SEGV_MAPERR");
	if (fault_addr != (void *)(buf + ps) || fault_code != SEGV_MAPERR)
		return fail("not the fault expected", 0);
	for (i = 0; i < 4; i += i ? 1 : 2) {
		if (buf[i * ps] != 0x10 + i)
			return fail("a page kept mapped lost its data", 0);
		buf[i * ps] = 0;
	}
	printf("pages 0, 2 and 3 still hold what was written, and take writes\n");
	printf("result: ok\n");
	return 0;
}
