// SPDX-License-Identifier: GPL-2.0-only
/*
 * debugger-view: a debugger reads another process's memory through
 * /proc/PID/mem (or ptrace). Register pages are not RAM the kernel can
 * pin, so the driver answers such accesses itself (vm_ops->access) with
 * real register reads and writes. Here the parent plays the debugger of a
 * child that shares its register mapping: it reads DIR and the PrimeCell
 * ID through /proc/CHILD/mem, and writes DIR there as gdb's "set" would.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmiodemo.h"
#include "mmiodemo-regs.h"

int main(void)
{
	uint32_t dir, id[PL061_NR_ID_REGS], old, val = 0x0f;
	const struct mmiodemo_region *regs;
	struct mmiodemo_info info;
	volatile uint8_t *map;
	int fd, mem, pipefd[2];
	char path[32];
	pid_t pid;

	fd = open("/dev/mmiodemo", O_RDWR);
	if (fd < 0 || ioctl(fd, MMIODEMO_IOC_INFO, &info) || pipe(pipefd)) {
		printf("result: FAIL /dev/mmiodemo: %s\n", strerror(errno));
		return 1;
	}
	regs = &info.regions[MMIODEMO_REGION_REGS];
	if (!(regs->flags & MMIODEMO_REGION_F_MMAP)) {
		printf("result: skip the registers are not mappable with %u-byte pages\n",
		       info.page_size);
		return 0;
	}
	map = mmap(NULL, regs->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   regs->offset);
	if (map == MAP_FAILED) {
		printf("result: FAIL mmap: %s\n", strerror(errno));
		return 1;
	}
	old = *(volatile uint32_t *)(map + PL061_DIR);
	*(volatile uint32_t *)(map + PL061_DIR) = 0x3c;

	pid = fork();
	if (pid == 0) { /* the debuggee: waits for the pipe to close */
		close(pipefd[1]);
		_exit(read(pipefd[0], &dir, 1) != 0);
	}
	close(pipefd[0]);
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	mem = open(path, O_RDWR);
	if (mem < 0 ||
	    pread(mem, &dir, 4, (off_t)(uintptr_t)(map + PL061_DIR)) != 4 ||
	    pread(mem, id, sizeof(id),
		  (off_t)(uintptr_t)(map + PL061_PCELLID(0))) != sizeof(id) ||
	    pwrite(mem, &val, 4, (off_t)(uintptr_t)(map + PL061_DIR)) != 4) {
		printf("result: FAIL %s: %s\n", path, strerror(errno));
		return 1;
	}
	close(pipefd[1]);
	waitpid(pid, NULL, 0);
	printf("DIR written 0x3c through the mapping; %s reads 0x%02x\n", path,
	       dir);
	printf("PCELLID0-3 through %s: %02x %02x %02x %02x (0x0d 0xf0 0x05 0xb1)\n",
	       path, id[0], id[1], id[2], id[3]);
	val = *(volatile uint32_t *)(map + PL061_DIR);
	printf("DIR written 0x0f through %s; the mapping reads 0x%02x\n", path,
	       val);
	*(volatile uint32_t *)(map + PL061_DIR) = old;
	if (dir != 0x3c || val != 0x0f ||
	    id[0] != PL061_ID_BYTE(PL061_CELL_ID, 0) ||
	    id[3] != PL061_ID_BYTE(PL061_CELL_ID, 3)) {
		printf("result: FAIL the two views differ\n");
		return 1;
	}
	printf("result: ok\n");
	return 0;
}
