// SPDX-License-Identifier: GPL-2.0-only
/*
 * lifetime_test: mappings and files that outlive the device, and VMAs that
 * fork, move and split, tested in the guest. Unbinding goes through the
 * driver's sysfs unbind file; every test starts with the device bound.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
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

#include "kselftest_harness.h"
#include "mmiodemo-regs.h"
#include "common.h"
#include "mmiodemo.h"

FIXTURE(life) {
	int fd;
	struct mmiodemo_info info;
	const struct mmiodemo_region *regs, *dma;
	size_t ps;
};

FIXTURE_SETUP(life)
{
	ASSERT_EQ(0, driver_bind()) TH_LOG("cannot bind " DEVNAME);
	self->fd = open(DEVICE, O_RDWR);
	ASSERT_LE(0, self->fd) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_INFO, &self->info));
	self->regs = &self->info.regions[MMIODEMO_REGION_REGS];
	self->dma = &self->info.regions[MMIODEMO_REGION_DMA];
	self->ps = self->info.page_size;
}

FIXTURE_TEARDOWN(life)
{
	close(self->fd);
	driver_bind();
}

static void *map_dma(FIXTURE_DATA(life) *self, size_t first, size_t n)
{
	void *p = mmap(NULL, n * self->ps, PROT_READ | PROT_WRITE, MAP_SHARED,
		       self->fd, (off_t)(self->dma->offset + first * self->ps));

	return p == MAP_FAILED ? NULL : p;
}

/* The dirty log as a count, with its first page in *first. */
static int dirty(FIXTURE_DATA(life) *self, int *first)
{
	uint64_t bits[64] = { 0 };
	struct mmiodemo_dirty d = {
		.bitmap = (uintptr_t)bits,
		.nr_pages = (uint32_t)(self->dma->size / self->ps),
	};
	unsigned int i;

	if (d.nr_pages > 64 * 64 || ioctl(self->fd, MMIODEMO_IOC_GET_DIRTY, &d))
		return -1;
	*first = -1;
	for (i = 0; i < d.nr_pages && *first < 0; i++)
		if (bits[i / 64] >> (i % 64) & 1)
			*first = (int)i;
	return (int)d.count;
}

/* How a child touching @addr ends: the signal that killed it, or 0. */
static int touch_in_child(volatile uint8_t *addr)
{
	int status;
	pid_t pid = fork();

	if (!pid) {
		(void)*addr;
		_exit(0);
	}
	waitpid(pid, &status, 0);
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/* After unbind, the DMA buffer's old mapping answers SIGBUS. */
TEST_F_SIGNAL(life, dma_mapping_gets_sigbus_after_unbind, SIGBUS)
{
	volatile uint8_t *p = map_dma(self, 0, 2);

	ASSERT_NE(NULL, p);
	p[0] = 1;
	ASSERT_EQ(0, driver_unbind());
	(void)p[0];	/* was mapped: zapped */
}

/* After unbind, the register mapping answers SIGBUS too. */
TEST_F(life, register_mapping_gets_sigbus_after_unbind)
{
	volatile uint8_t *p;

	if (!(self->regs->flags & MMIODEMO_REGION_F_MMAP))
		SKIP(return, "register region is not whole pages here");
	p = mmap(NULL, self->regs->size, PROT_READ, MAP_SHARED, self->fd,
		 (off_t)self->regs->offset);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, touch_in_child(p + PL061_PERIPHID(0)));
	ASSERT_EQ(0, driver_unbind());
	EXPECT_EQ(SIGBUS, touch_in_child(p + PL061_PERIPHID(0)));
	munmap((void *)p, self->regs->size);
}

/* An old fd: read() and every ioctl get ENODEV. */
TEST_F(life, old_fd_gets_enodev_from_read_and_ioctls)
{
	struct mmiodemo_reg reg = { .offset = PL061_DIR, .width = 32 };
	struct mmiodemo_event ev;
	struct mmiodemo_load l = { .name = "opt/mmiodemo/pattern" };
	struct mmiodemo_sync s = { 0 };
	uint32_t lines = 1;

	ASSERT_EQ(0, driver_unbind());
	EXPECT_EQ(-1, read(self->fd, &ev, sizeof(ev)));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_INFO, &self->info));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_REG_READ, &reg));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_SYNC_FOR_DEVICE, &s));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_IRQ_UNMASK, &lines));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_LOAD, &l));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_FB_OFF));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-1, fsync(self->fd));
	EXPECT_EQ(ENODEV, errno);
}

/* An old fd: poll() reports POLLERR | POLLHUP. */
TEST_F(life, old_fd_polls_pollerr_and_pollhup)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN };

	ASSERT_EQ(0, driver_unbind());
	EXPECT_EQ(1, poll(&p, 1, 1000));
	EXPECT_EQ(POLLERR | POLLHUP, p.revents & (POLLERR | POLLHUP));
}

/* An old fd: a new mmap() gets ENODEV. */
TEST_F(life, old_fd_cannot_map_again)
{
	ASSERT_EQ(0, driver_unbind());
	EXPECT_EQ(NULL, map_dma(self, 0, 1));
	EXPECT_EQ(ENODEV, errno);
}

static void *blocked_read(void *arg)
{
	struct mmiodemo_event ev;
	intptr_t err = 0;

	if (read(*(int *)arg, &ev, sizeof(ev)) < 0)
		err = errno;
	return (void *)err;
}

/* A reader blocked for events is woken by unbind, with ENODEV. */
TEST_F(life, blocked_reader_is_woken_with_enodev)
{
	pthread_t t;
	void *err;

	ASSERT_EQ(0, pthread_create(&t, NULL, blocked_read, &self->fd));
	usleep(200000);
	ASSERT_EQ(0, driver_unbind());
	ASSERT_EQ(0, pthread_join(t, &err));
	EXPECT_EQ(ENODEV, (intptr_t)err);
}

/* Unbind then bind: new opens get a working device. */
TEST_F(life, rebinding_gives_a_working_device)
{
	struct mmiodemo_reg reg = { .offset = PL061_PCELLID(0), .width = 32 };
	volatile uint8_t *p;
	int fd;

	ASSERT_EQ(0, driver_unbind());
	ASSERT_EQ(0, driver_bind());
	fd = open(DEVICE, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, MMIODEMO_IOC_REG_READ, &reg));
	EXPECT_EQ(PL061_ID_BYTE(PL061_CELL_ID, 0), reg.value);
	p = mmap(NULL, self->ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (off_t)self->dma->offset);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 7;
	EXPECT_EQ(7, p[0]);
	munmap((void *)p, self->ps);
	close(fd);
}

/* The module cannot be unloaded while a file is open. */
TEST_F(life, module_unload_is_refused_while_a_file_is_open)
{
	char line[256];
	int found = 0;
	FILE *f;

	/* What busybox rmmod asks; the answer is EWOULDBLOCK (EAGAIN). */
	EXPECT_EQ(-1, syscall(SYS_delete_module, "mmiodemo",
			      O_NONBLOCK | O_EXCL));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_NE(0, system("rmmod mmiodemo 2>/dev/null"));
	f = fopen("/proc/modules", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "mmiodemo ", 9))
			found = 1;
	fclose(f);
	EXPECT_TRUE(found);
}

/* A forked child shares the mapping; its writes are tracked. */
TEST_F(life, forked_child_writes_are_tracked)
{
	volatile uint8_t *p = map_dma(self, 0, 4);
	int first, status;
	pid_t pid;

	ASSERT_NE(NULL, p);
	ASSERT_LE(0, dirty(self, &first));
	pid = fork();
	if (!pid) {
		p[3 * self->ps] = 0x33;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0x33, p[3 * self->ps]);
	EXPECT_EQ(1, dirty(self, &first));
	EXPECT_EQ(3, first);
	munmap((void *)p, 4 * self->ps);
}

/* mremap() moves a buffer mapping; the moved one keeps working. */
TEST_F(life, moved_mapping_keeps_data_and_tracking)
{
	uint8_t *p = map_dma(self, 0, 4), *q, *hole;
	int first;

	ASSERT_NE(NULL, p);
	p[self->ps] = 0x11;
	ASSERT_LE(0, dirty(self, &first));
	hole = mmap(NULL, 4 * self->ps, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	q = mremap(p, 4 * self->ps, 4 * self->ps,
		   MREMAP_MAYMOVE | MREMAP_FIXED, hole);
	ASSERT_EQ(hole, q) TH_LOG("mremap: %s", strerror(errno));
	EXPECT_EQ(0x11, q[self->ps]);
	q[2 * self->ps] = 0x22;
	EXPECT_EQ(1, dirty(self, &first));
	EXPECT_EQ(2, first);
	munmap(q, 4 * self->ps);
}

/* mremap() moves a register mapping too; the moved one reads the device. */
TEST_F(life, moved_register_mapping_keeps_working)
{
	uint8_t *p, *q, *hole;

	if (!(self->regs->flags & MMIODEMO_REGION_F_MMAP))
		SKIP(return, "register region is not whole pages here");
	p = mmap(NULL, self->regs->size, PROT_READ, MAP_SHARED, self->fd,
		 (off_t)self->regs->offset);
	ASSERT_NE(MAP_FAILED, p);
	hole = mmap(NULL, self->regs->size, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	q = mremap(p, self->regs->size, self->regs->size,
		   MREMAP_MAYMOVE | MREMAP_FIXED, hole);
	ASSERT_EQ(hole, q) TH_LOG("mremap: %s", strerror(errno));
	EXPECT_EQ(PL061_ID_BYTE(PL061_CELL_ID, 0),
		  rd32(q, PL061_PCELLID(0)));
	munmap(q, self->regs->size);
}

/* Unmapping the middle of a mapping leaves two working, tracked parts. */
TEST_F(life, split_by_munmap_keeps_both_parts_tracked)
{
	uint8_t *p = map_dma(self, 0, 8);
	int first;

	ASSERT_NE(NULL, p);
	ASSERT_LE(0, dirty(self, &first));
	ASSERT_EQ(0, munmap(p + 2 * self->ps, 2 * self->ps));
	p[5 * self->ps] = 5;
	EXPECT_EQ(1, dirty(self, &first));
	EXPECT_EQ(5, first);
	p[self->ps] = 1;
	EXPECT_EQ(1, dirty(self, &first));
	EXPECT_EQ(1, first);
	munmap(p, 2 * self->ps);
	munmap(p + 4 * self->ps, 4 * self->ps);
}

/* mprotect() of part of a mapping splits it; tracking survives. */
TEST_F(life, split_by_mprotect_keeps_tracking)
{
	uint8_t *p = map_dma(self, 0, 8);
	int first;

	ASSERT_NE(NULL, p);
	ASSERT_LE(0, dirty(self, &first));
	ASSERT_EQ(0, mprotect(p, 4 * self->ps, PROT_READ));
	p[6 * self->ps] = 6;
	EXPECT_EQ(1, dirty(self, &first));
	EXPECT_EQ(6, first);
	ASSERT_EQ(0, mprotect(p, 4 * self->ps, PROT_READ | PROT_WRITE));
	p[2 * self->ps] = 2;
	EXPECT_EQ(1, dirty(self, &first));
	EXPECT_EQ(2, first);
	munmap(p, 8 * self->ps);
}

/* Mappings and files left open across unbind are freed once closed. */
TEST_F(life, closing_after_unbind_releases_the_device)
{
	uint8_t *p = map_dma(self, 0, 2);

	ASSERT_NE(NULL, p);
	p[0] = 9;
	ASSERT_EQ(0, driver_unbind());
	ASSERT_EQ(0, munmap(p, 2 * self->ps));
	ASSERT_EQ(0, close(self->fd));
	self->fd = open("/dev/null", O_RDONLY);	/* for the teardown */
	ASSERT_EQ(0, driver_bind());
	EXPECT_TRUE(driver_is_bound());
}

/*
 * A DMA buffer size over the binding's limit fails that device's probe:
 * the test DTB's decoy node at a000000 asks for 512 MiB. The kernel log
 * names the property and the size, and the node stays unbound.
 */
TEST(oversized_dma_buffer_size_fails_the_probe)
{
	EXPECT_EQ(0, system("dmesg | grep -q 'mmiodemo a000000.virtio_mmio: .*mmiodemo,dma-buffer-size of 536870912 bytes: from 1 to 268435456'"));
	EXPECT_NE(0, access(DRIVER "/a000000.virtio_mmio", F_OK))
		TH_LOG("bound despite its size");
	EXPECT_EQ(0, access(DEVICE, F_OK)) TH_LOG("the real device is bound");
}

TEST_HARNESS_MAIN
