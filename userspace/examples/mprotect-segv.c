// SPDX-License-Identifier: GPL-2.0-only
/*
 * mprotect-segv: a page of the DMA buffer is written, then made read-only
 * with mprotect(PROT_READ). The next write faults: the kernel sends
 * SIGSEGV with si_code SEGV_ACCERR (a permission fault, the page is
 * mapped) and si_addr the address written. A sigaction() handler catches
 * it and siglongjmp()s back past the faulting store.
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

/* Stores @v at @p: 1 if that raised SIGSEGV, 0 if it did not. */
static int write_faults(volatile uint8_t *p, uint8_t v)
{
	if (sigsetjmp(env, 1))
		return 1;
	*p = v;
	return 0;
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv,
				.sa_flags = SA_SIGINFO };
	struct mmiodemo_info info;
	volatile uint8_t *buf;
	void *p;
	int fd;

	fd = open("/dev/mmiodemo", O_RDWR);
	if (fd < 0 || ioctl(fd, MMIODEMO_IOC_INFO, &info))
		return fail("/dev/mmiodemo", errno);
	p = mmap(NULL, info.page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 info.regions[MMIODEMO_REGION_DMA].offset);
	if (p == MAP_FAILED)
		return fail("mmap of the DMA buffer", errno);
	buf = p;
	if (sigaction(SIGSEGV, &sa, NULL))
		return fail("sigaction", errno);

	if (write_faults(buf, 1))
		return fail("a write to a writable page faulted", 0);
	printf("wrote 1 through the writable mapping at %p\n", p);
	if (mprotect(p, info.page_size, PROT_READ))
		return fail("mprotect(PROT_READ)", errno);
	printf("mprotect(PROT_READ): the page is read-only now\n");
	if (!write_faults(buf, 2))
		return fail("a write to a read-only page did not fault", 0);
	printf("writing 2: SIGSEGV at %p, si_code %s\n", fault_addr,
	       fault_code == SEGV_ACCERR ? "SEGV_ACCERR" : "not SEGV_ACCERR");
	if (fault_addr != p || fault_code != SEGV_ACCERR)
		return fail("not the fault expected", 0);
	printf("the page still reads %u\n", buf[0]);
	if (buf[0] != 1)
		return fail("the refused write changed the page", 0);
	printf("result: ok\n");
	return 0;
}
