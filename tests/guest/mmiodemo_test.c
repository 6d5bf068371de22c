// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo_test: the register path of /dev/mmiodemo, tested in the guest.
 *
 * Every test talks to the real PL061 that QEMU emulates, through the real
 * driver. Region offsets and sizes come from MMIODEMO_IOC_INFO, register
 * offsets from mmiodemo-regs.h. Registers are only accessed at exact width
 * through volatile pointers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "mmiodemo-regs.h"
#include "common.h"
#include "mmiodemo.h"

#define DEBUGFS_REGS	DEBUGFS "/regs"

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Opens the device and fetches INFO; -1 with errno set on failure. */
static int open_info(int flags, struct mmiodemo_info *info)
{
	int fd = open(DEVICE, flags);

	if (fd < 0)
		return -1;
	if (ioctl(fd, MMIODEMO_IOC_INFO, info)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* mmap() of the register region; errno of the attempt, 0 on success. */
static int try_map(int fd, const struct mmiodemo_region *r, size_t len,
		   int prot, int flags, off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, (off_t)r->offset + off);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, len);
	return 0;
}

FIXTURE(dev) {
	int fd;
	int rofd;
	struct mmiodemo_info info;
	const struct mmiodemo_region *r;
};

FIXTURE_SETUP(dev)
{
	self->fd = open_info(O_RDWR, &self->info);
	if (self->fd < 0 && errno == ENOENT)
		SETUP_SKIP(DEVICE " is absent: is the driver bound?");
	ASSERT_LE(0, self->fd) TH_LOG("open/INFO: %s", strerror(errno));
	self->rofd = open(DEVICE, O_RDONLY);
	ASSERT_LE(0, self->rofd);
	self->r = &self->info.regions[MMIODEMO_REGION_REGS];
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->rofd >= 0)
		close(self->rofd);
}

/* The register region, mapped read-write. */
FIXTURE(regs) {
	int fd;
	struct mmiodemo_info info;
	const struct mmiodemo_region *r;
	volatile uint8_t *map;
	uint32_t dir;
	uint32_t data;
};

FIXTURE_SETUP(regs)
{
	void *p;

	self->map = NULL;
	self->fd = open_info(O_RDWR, &self->info);
	if (self->fd < 0 && errno == ENOENT)
		SETUP_SKIP(DEVICE " is absent: is the driver bound?");
	ASSERT_LE(0, self->fd) TH_LOG("open/INFO: %s", strerror(errno));
	self->r = &self->info.regions[MMIODEMO_REGION_REGS];
	if (!(self->r->flags & MMIODEMO_REGION_F_MMAP))
		SETUP_SKIP("register region is not whole pages here");
	p = mmap(NULL, self->r->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 self->fd, self->r->offset);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap: %s", strerror(errno));
	self->map = p;
	self->dir = rd32(self->map, PL061_DIR);
	self->data = rd32(self->map, PL061_DATA_ALL);
}

FIXTURE_TEARDOWN(regs)
{
	if (self->map) {
		wr32(self->map, PL061_DIR, self->dir);
		wr32(self->map, PL061_DATA_ALL, self->data);
		munmap((void *)self->map, self->r->size);
	}
	if (self->fd >= 0)
		close(self->fd);
}

/* The device opens read-write and read-only, and closes. */
TEST(device_opens_and_closes)
{
	int fd;

	fd = open(DEVICE, O_RDWR);
	if (fd < 0 && errno == ENOENT)
		SKIP(return, DEVICE " is absent: is the driver bound?");
	ASSERT_LE(0, fd) TH_LOG("open: %s", strerror(errno));
	EXPECT_EQ(0, close(fd));
	fd = open(DEVICE, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, close(fd));
}

/* INFO names the register region: one PL061 block, uncached. */
TEST_F(dev, info_describes_the_register_region)
{
	EXPECT_EQ(page_size(), self->info.page_size);
	EXPECT_LE(1U, self->info.nr_regions);
	EXPECT_EQ((__u64)PL061_BLOCK_SIZE, self->r->size);
	EXPECT_EQ(0U, self->r->offset % page_size());
	EXPECT_EQ(MMIODEMO_REGION_F_READ | MMIODEMO_REGION_F_WRITE,
		  self->r->flags & (MMIODEMO_REGION_F_READ | MMIODEMO_REGION_F_WRITE));
	EXPECT_EQ(MMIODEMO_CACHING_DEVICE, self->r->caching);
	EXPECT_STREQ("regs", self->r->name);
}

/* The region can be mapped exactly when it is whole pages. */
TEST_F(dev, region_is_mappable_exactly_when_it_is_whole_pages)
{
	int err = try_map(self->fd, self->r, self->r->size,
			  PROT_READ, MAP_SHARED, 0);

	if (self->r->size % page_size() == 0) {
		EXPECT_TRUE(self->r->flags & MMIODEMO_REGION_F_MMAP);
		EXPECT_EQ(0, err) TH_LOG("mmap: %s", strerror(err));
	} else {
		EXPECT_FALSE(self->r->flags & MMIODEMO_REGION_F_MMAP);
		EXPECT_EQ(EOPNOTSUPP, err) TH_LOG("mmap: %s", strerror(err));
	}
}

/* An ioctl the driver does not know gets ENOTTY. */
TEST_F(dev, unknown_ioctl_is_refused_with_enotty)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IO(MMIODEMO_IOC_MAGIC, 0x7f)));
	EXPECT_EQ(ENOTTY, errno);
}

/* The register ioctls read and write like the mapping, on any kernel. */
TEST_F(dev, register_ioctls_read_and_write_registers)
{
	struct mmiodemo_reg reg = { .offset = PL061_PCELLID(3), .width = 32 };

	ASSERT_EQ(0, ioctl(self->rofd, MMIODEMO_IOC_REG_READ, &reg));
	EXPECT_EQ(PL061_ID_BYTE(PL061_CELL_ID, 3), reg.value);

	reg.offset = PL061_DIR;
	reg.value = 0x96;
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_REG_WRITE, &reg));
	reg.value = 0;
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_REG_READ, &reg));
	EXPECT_EQ(0x96U, reg.value);
	reg.value = 0;
	EXPECT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_REG_WRITE, &reg));
}

/* REG_UPDATE changes the masked bits only, and says before and after. */
TEST_F(dev, register_update_changes_only_the_masked_bits)
{
	struct mmiodemo_reg reg = { .offset = PL061_DIR, .width = 32,
				    .value = 0x0f };
	struct mmiodemo_reg_update u = { .offset = PL061_DIR, .mask = 0x30,
					 .value = 0x10 };

	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_REG_WRITE, &reg));
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_REG_UPDATE, &u));
	EXPECT_EQ(0x0fU, u.old);
	EXPECT_EQ(0x1fU, u.new);
	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_REG_READ, &reg));
	EXPECT_EQ(0x1fU, reg.value);
	reg.value = 0;
	EXPECT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_REG_WRITE, &reg));
}

/* Bad updates: EINVAL; through a read-only fd: EBADF. */
TEST_F(dev, bad_register_updates_are_refused)
{
	struct mmiodemo_reg_update u = { .offset = PL061_DIR, .mask = 0x01,
					 .value = 0x02 };

	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_REG_UPDATE, &u));
	EXPECT_EQ(EINVAL, errno) TH_LOG("a value bit outside the mask");
	u.value = 0;
	u.offset = PL061_DIR + 2;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_REG_UPDATE, &u));
	EXPECT_EQ(EINVAL, errno) TH_LOG("unaligned");
	u.offset = PL061_BLOCK_SIZE;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_REG_UPDATE, &u));
	EXPECT_EQ(EINVAL, errno) TH_LOG("outside the block");
	u.offset = PL061_DIR;
	u.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_REG_UPDATE, &u));
	EXPECT_EQ(EINVAL, errno) TH_LOG("reserved");
	u.reserved = 0;
	EXPECT_EQ(-1, ioctl(self->rofd, MMIODEMO_IOC_REG_UPDATE, &u));
	EXPECT_EQ(EBADF, errno);
}

/*
 * Bad register ioctls: EINVAL, also for 8 and 16 bits (whole 32-bit
 * registers only); a write through a read-only fd: EBADF.
 */
TEST_F(dev, bad_register_ioctls_are_refused)
{
	struct mmiodemo_reg reg = { .offset = PL061_DIR + 2, .width = 32 };
	static const unsigned int widths[] = { 0, 8, 16, 64 };
	unsigned int i;

	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_REG_READ, &reg));
	EXPECT_EQ(EINVAL, errno);
	reg.offset = PL061_BLOCK_SIZE;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_REG_READ, &reg));
	EXPECT_EQ(EINVAL, errno);
	reg.offset = PL061_DIR;
	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		reg.width = widths[i];
		EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_REG_READ, &reg))
			TH_LOG("width %u", widths[i]);
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_REG_WRITE, &reg))
			TH_LOG("width %u", widths[i]);
		EXPECT_EQ(EINVAL, errno);
	}
	reg.width = 32;
	reg.reserved = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_REG_READ, &reg));
	EXPECT_EQ(EINVAL, errno);
	reg.reserved = 0;
	EXPECT_EQ(-1, ioctl(self->rofd, MMIODEMO_IOC_REG_WRITE, &reg));
	EXPECT_EQ(EBADF, errno);
}

/*
 * Every ioctl that changes the device or takes a set needs a writable
 * file: EBADF through a read-only one, which can still read.
 */
TEST_F(dev, changing_ioctls_need_a_writable_fd)
{
	struct mmiodemo_reg reg = { .offset = PL061_IE, .width = 32 };
	uint64_t bitmap[64] = { 0 };
	struct mmiodemo_dirty d = { .bitmap = (uintptr_t)bitmap,
				    .nr_pages = 64 * 64 };
	struct mmiodemo_sync s = { 0 };
	struct mmiodemo_info info;
	uint32_t ie, lines = 0x1;

	ASSERT_EQ(0, ioctl(self->rofd, MMIODEMO_IOC_REG_READ, &reg));
	ie = reg.value;
	EXPECT_EQ(0, ioctl(self->rofd, MMIODEMO_IOC_INFO, &info));

	EXPECT_EQ(-1, ioctl(self->rofd, MMIODEMO_IOC_IRQ_UNMASK, &lines));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(self->rofd, MMIODEMO_IOC_REG_WRITE, &reg));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(self->rofd, MMIODEMO_IOC_GET_DIRTY, &d));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(self->rofd, MMIODEMO_IOC_SYNC_FOR_DEVICE, &s));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(self->rofd, MMIODEMO_IOC_SYNC_FOR_CPU, &s));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, fsync(self->rofd));
	EXPECT_EQ(EBADF, errno);

	ASSERT_EQ(0, ioctl(self->rofd, MMIODEMO_IOC_REG_READ, &reg));
	EXPECT_EQ(ie, reg.value) TH_LOG("IE changed through a read-only fd");
}

/*
 * An offset so high that offset + length wraps: EOVERFLOW, from the
 * kernel's own checks before the driver is asked.
 */
TEST_F(dev, offset_that_wraps_is_refused_with_eoverflow)
{
	long ps = sysconf(_SC_PAGESIZE);
	void *p;

	p = mmap(NULL, (size_t)ps, PROT_READ, MAP_SHARED, self->fd, -(off_t)ps);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EOVERFLOW, errno);
	p = mmap(NULL, 2 * (size_t)ps, PROT_READ, MAP_SHARED, self->fd,
		 -(off_t)ps);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EOVERFLOW, errno);
}

/* The device is an event stream: no file position, pread or lseek. */
TEST_F(dev, file_is_a_stream_without_position)
{
	struct mmiodemo_event ev;

	EXPECT_EQ(-1, pread(self->fd, &ev, sizeof(ev), 0));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, lseek(self->fd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, lseek(self->fd, 0, SEEK_CUR));
	EXPECT_EQ(ESPIPE, errno);
}

/* MAP_PRIVATE would copy-on-write register pages: EINVAL. */
TEST_F(dev, private_mapping_is_refused_with_einval)
{
	EXPECT_EQ(EINVAL, try_map(self->fd, self->r, page_size(),
				  PROT_READ, MAP_PRIVATE, 0));
}

/* Registers are not code: PROT_EXEC gets EPERM. */
TEST_F(dev, exec_mapping_is_refused_with_eperm)
{
	EXPECT_EQ(EPERM, try_map(self->fd, self->r, page_size(),
				 PROT_READ | PROT_EXEC, MAP_SHARED, 0));
}

/* An offset past every region gets ENXIO. */
TEST_F(dev, offset_outside_every_region_is_refused_with_enxio)
{
	uint64_t end = 0;
	unsigned int i;

	for (i = 0; i < self->info.nr_regions; i++) {
		const struct mmiodemo_region *r = &self->info.regions[i];

		if (r->offset + r->size > end)
			end = r->offset + r->size;
	}
	end = (end + page_size() - 1) / page_size() * page_size();
	EXPECT_EQ(ENXIO, try_map(self->fd, self->r, page_size(), PROT_READ,
				 MAP_SHARED, (off_t)(end - self->r->offset)));
}

/* A length that runs past the end of the region gets ENXIO. */
TEST_F(dev, length_past_the_region_is_refused_with_enxio)
{
	size_t len = (self->r->size + page_size() - 1) / page_size() *
		     page_size() + page_size();

	if (!(self->r->flags & MMIODEMO_REGION_F_MMAP))
		SKIP(return, "register region is not whole pages here");
	EXPECT_EQ(ENXIO, try_map(self->fd, self->r, len, PROT_READ,
				 MAP_SHARED, 0));
}

/* A read-only fd cannot map the registers writable: EACCES. */
TEST_F(dev, writable_mapping_of_a_read_only_fd_is_refused_with_eacces)
{
	EXPECT_EQ(EACCES, try_map(self->rofd, self->r, page_size(),
				  PROT_READ | PROT_WRITE, MAP_SHARED, 0));
}

/*
 * Maps the register region read-only through fd, then asks mprotect() for
 * prot: the errno it gets, 0 if it succeeded. Checks the mapping reads.
 */
static int mprotect_errno(struct __test_metadata *_metadata, int fd,
			  const struct mmiodemo_region *r, int prot)
{
	int err = 0;
	void *p;

	p = mmap(NULL, r->size, PROT_READ, MAP_SHARED, fd, r->offset);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("mmap: %s", strerror(errno));
	EXPECT_EQ(PL061_ID_BYTE(PL061_PERIPH_ID, 0),
		  rd32(p, PL061_PERIPHID(0)));
	if (mprotect(p, r->size, prot))
		err = errno;
	munmap(p, r->size);
	return err;
}

/* A read-only fd maps read-only, and mprotect() cannot add write later. */
TEST_F(dev, read_only_mapping_cannot_become_writable)
{
	if (!(self->r->flags & MMIODEMO_REGION_F_MMAP))
		SKIP(return, "register region is not whole pages here");
	EXPECT_EQ(EACCES, mprotect_errno(_metadata, self->rofd, self->r,
					 PROT_READ | PROT_WRITE));
}

/* A mapping cannot become executable later either: EACCES. */
TEST_F(dev, mapping_cannot_become_executable)
{
	if (!(self->r->flags & MMIODEMO_REGION_F_MMAP))
		SKIP(return, "register region is not whole pages here");
	EXPECT_EQ(EACCES, mprotect_errno(_metadata, self->fd, self->r,
					 PROT_READ | PROT_EXEC));
}

/* The eight identification registers read as a PL061's. */
TEST_F(regs, id_registers_read_as_a_pl061)
{
	unsigned int i;

	for (i = 0; i < PL061_NR_ID_REGS; i++) {
		EXPECT_EQ(PL061_ID_BYTE(PL061_PERIPH_ID, i),
			  rd32(self->map, PL061_PERIPHID(i)))
			TH_LOG("PERIPHID%u", i);
		EXPECT_EQ(PL061_ID_BYTE(PL061_CELL_ID, i),
			  rd32(self->map, PL061_PCELLID(i)))
			TH_LOG("PCELLID%u", i);
	}
}

/* DIR written through the mapping reads back. */
TEST_F(regs, dir_written_through_the_mapping_reads_back)
{
	wr32(self->map, PL061_DIR, 0xa5);
	EXPECT_EQ(0xa5U, rd32(self->map, PL061_DIR));
	wr32(self->map, PL061_DIR, 0x5a);
	EXPECT_EQ(0x5aU, rd32(self->map, PL061_DIR));
}

/* DATA offsets mask which lines a read returns and a write changes. */
TEST_F(regs, data_reads_and_writes_are_address_masked)
{
	wr32(self->map, PL061_DIR, PL061_LINES_MASK);
	wr32(self->map, PL061_DATA_ALL, 0xa5);
	EXPECT_EQ(0xa5U, rd32(self->map, PL061_DATA_ALL));
	EXPECT_EQ(0x05U, rd32(self->map, PL061_DATA(0x0f)));
	EXPECT_EQ(0xa0U, rd32(self->map, PL061_DATA(0xf0)));
	EXPECT_EQ(0x00U, rd32(self->map, PL061_DATA(0x00)));

	wr32(self->map, PL061_DATA(0x0f), 0xff);
	EXPECT_EQ(0xafU, rd32(self->map, PL061_DATA_ALL));
	wr32(self->map, PL061_DATA(0x01), 0x00);
	EXPECT_EQ(0xaeU, rd32(self->map, PL061_DATA_ALL));
}

/* Writes change only the lines whose DIR bit makes them outputs. */
TEST_F(regs, data_writes_change_only_output_lines)
{
	uint32_t inputs;

	wr32(self->map, PL061_DIR, 0x0f);
	wr32(self->map, PL061_DATA_ALL, 0x00);
	inputs = rd32(self->map, PL061_DATA(0xf0));
	wr32(self->map, PL061_DATA_ALL, 0xff);
	EXPECT_EQ(0x0fU, rd32(self->map, PL061_DATA(0x0f)));
	EXPECT_EQ(inputs, rd32(self->map, PL061_DATA(0xf0)));
}

/* The kernel's own access to the block (debugfs) sees a mapping write. */
TEST_F(regs, kernel_debugfs_dump_sees_a_mapping_write)
{
	char line[128];
	int found = 0;
	FILE *f;

	wr32(self->map, PL061_DIR, 0x3c);
	f = fopen(DEBUGFS_REGS, "r");
	ASSERT_NE(NULL, f) TH_LOG("%s: %s", DEBUGFS_REGS, strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strcmp(line, "DIR = 0x0000003c\n"))
			found = 1;
	fclose(f);
	EXPECT_TRUE(found) TH_LOG("no \"DIR = 0x0000003c\" in " DEBUGFS_REGS);
}

/* ptrace-style access (/proc/self/mem) reads registers via ->access. */
TEST_F(regs, proc_mem_reads_registers_through_the_mapping)
{
	uint32_t val = 0;
	int mem;

	mem = open("/proc/self/mem", O_RDONLY);
	ASSERT_LE(0, mem);
	EXPECT_EQ((ssize_t)sizeof(val),
		  pread(mem, &val, sizeof(val),
			(off_t)(uintptr_t)(self->map + PL061_PCELLID(3))))
		TH_LOG("pread: %s", strerror(errno));
	EXPECT_EQ(PL061_ID_BYTE(PL061_CELL_ID, 3), val);
	close(mem);
}

/* ptrace-style access writes a whole register through ->access too. */
TEST_F(regs, proc_mem_writes_registers_through_the_mapping)
{
	uint32_t val = 0x5a;
	int mem;

	mem = open("/proc/self/mem", O_RDWR);
	ASSERT_LE(0, mem);
	EXPECT_EQ((ssize_t)sizeof(val),
		  pwrite(mem, &val, sizeof(val),
			 (off_t)(uintptr_t)(self->map + PL061_DIR)))
		TH_LOG("pwrite: %s", strerror(errno));
	EXPECT_EQ(0x5aU, rd32(self->map, PL061_DIR));
	close(mem);
}

/*
 * The host's QEMU sees a mapping write: write the host's nonce to DIR at
 * full width, and the harness looks for it in QEMU's pl061_write trace.
 */
TEST_F(regs, mapping_write_reaches_qemu)
{
	const char *nonce = getenv("MMIODEMO_NONCE");
	uint32_t val;

	if (!nonce)
		SKIP(return, "MMIODEMO_NONCE unset: not run by the harness");
	val = (uint32_t)strtoul(nonce, NULL, 0);
	wr32(self->map, PL061_DIR, val);
	EXPECT_EQ(val & PL061_LINES_MASK, rd32(self->map, PL061_DIR));
	TH_LOG("wrote %#x to DIR for the host to find", val);
}

TEST_HARNESS_MAIN
