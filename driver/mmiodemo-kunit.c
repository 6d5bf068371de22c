// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite for mmiodemo's pure logic (mmiodemo-logic.h): region lookup,
 * every mmap refusal, the fault's page lookup and sync ranges, at and
 * around each boundary. Built as its own
 * module against kernels with CONFIG_KUNIT; loading it runs the suite and
 * prints KTAP on the console.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/sizes.h>

#include "mmiodemo-logic.h"

#define SZ PAGE_SIZE
#define SHARED (VM_SHARED | VM_MAYSHARE | VM_READ)
#define RW (FMODE_READ | FMODE_WRITE)

/* Two regions with a hole between them; the second is not whole pages. */
static const struct mmiodemo_region_desc regions[] = {
	{ .offset = 0,
	  .size = 2 * SZ,
	  .phys = 0x9030000,
	  .flags = MMIODEMO_REGION_F_MMAP,
	  .name = "regs" },
	{ .offset = 4 * SZ, .size = SZ / 2, .phys = 0x9040000, .name = "half" },
};

static int check(u64 off, unsigned long len, unsigned long vm_flags,
		 fmode_t f_mode)
{
	const struct mmiodemo_region_desc *r = NULL;

	return mmiodemo_check_mmap(regions, ARRAY_SIZE(regions), off, len,
				   vm_flags, f_mode, &r);
}

/* Offsets find the region they fall in, up to its last byte only. */
static void mmiodemo_find_region_test(struct kunit *test)
{
	const struct mmiodemo_region_desc *rs = regions;
	unsigned int n = ARRAY_SIZE(regions);

	KUNIT_EXPECT_PTR_EQ(test, mmiodemo_find_region(rs, n, 0), &rs[0]);
	KUNIT_EXPECT_PTR_EQ(test, mmiodemo_find_region(rs, n, 2 * SZ - 1),
			    &rs[0]);
	KUNIT_EXPECT_PTR_EQ(test, mmiodemo_find_region(rs, n, 2 * SZ), NULL);
	KUNIT_EXPECT_PTR_EQ(test, mmiodemo_find_region(rs, n, 4 * SZ), &rs[1]);
	KUNIT_EXPECT_PTR_EQ(test, mmiodemo_find_region(rs, n, 4 * SZ + SZ / 2),
			    NULL);
	KUNIT_EXPECT_PTR_EQ(test, mmiodemo_find_region(rs, n, U64_MAX), NULL);
	KUNIT_EXPECT_PTR_EQ(test, mmiodemo_find_region(rs, 0, 0), NULL);
}

/* Whole pages means aligned start and size, and not empty. */
static void mmiodemo_whole_pages_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, mmiodemo_whole_pages(0x9030000, 4096, 4096));
	KUNIT_EXPECT_FALSE(test, mmiodemo_whole_pages(0x9030000, 4096, 16384));
	KUNIT_EXPECT_FALSE(test, mmiodemo_whole_pages(0x9031000, 16384, 16384));
	KUNIT_EXPECT_TRUE(test, mmiodemo_whole_pages(0x9030000, 65536, 65536));
	KUNIT_EXPECT_FALSE(test, mmiodemo_whole_pages(0x9030000, 0, 4096));
}

/* A shared mapping inside a mappable region is accepted, and found. */
static void mmiodemo_check_mmap_accepts_test(struct kunit *test)
{
	const struct mmiodemo_region_desc *r = NULL;

	KUNIT_EXPECT_EQ(test,
			mmiodemo_check_mmap(regions, ARRAY_SIZE(regions), SZ,
					    SZ, SHARED | VM_WRITE, RW, &r),
			0);
	KUNIT_EXPECT_PTR_EQ(test, r, &regions[0]);
	/* A read-only fd's MAP_SHARED mapping has VM_MAYSHARE only. */
	KUNIT_EXPECT_EQ(test,
			check(0, 2 * SZ, VM_MAYSHARE | VM_READ, FMODE_READ), 0);
}

/* Each refusal gets the errno the uAPI header documents. */
static void mmiodemo_check_mmap_refuses_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, check(0, SZ, VM_READ, RW), -EINVAL);
	KUNIT_EXPECT_EQ(test, check(0, SZ, SHARED | VM_EXEC, RW), -EPERM);
	KUNIT_EXPECT_EQ(test, check(0, SZ, SHARED | VM_WRITE, FMODE_READ),
			-EACCES);
	KUNIT_EXPECT_EQ(test, check(2 * SZ, SZ, SHARED, RW), -ENXIO);
	KUNIT_EXPECT_EQ(test, check(0, 3 * SZ, SHARED, RW), -ENXIO);
	KUNIT_EXPECT_EQ(test, check(SZ, 2 * SZ, SHARED, RW), -ENXIO);
	KUNIT_EXPECT_EQ(test, check(0, 0, SHARED, RW), -ENXIO);
	KUNIT_EXPECT_EQ(test, check(4 * SZ, SZ, SHARED, RW), -EOPNOTSUPP);
}

/* The order of the checks: sharing, then exec, then access, then range. */
static void mmiodemo_check_mmap_order_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, check(8 * SZ, SZ, VM_EXEC, FMODE_READ), -EINVAL);
	KUNIT_EXPECT_EQ(test,
			check(8 * SZ, SZ, SHARED | VM_EXEC | VM_WRITE,
			      FMODE_READ),
			-EPERM);
	KUNIT_EXPECT_EQ(test, check(8 * SZ, SZ, SHARED | VM_WRITE, FMODE_READ),
			-EACCES);
}

/* A fault's buffer page comes from its pgoff, inside the region only. */
static void mmiodemo_page_index_test(struct kunit *test)
{
	const struct mmiodemo_region_desc dma = {
		.offset = SZ_1G,
		.size = 4 * SZ,
	};
	unsigned long i = 99, base = SZ_1G >> PAGE_SHIFT;

	KUNIT_EXPECT_TRUE(test,
			  mmiodemo_page_index(&dma, base, PAGE_SHIFT, &i));
	KUNIT_EXPECT_EQ(test, i, 0UL);
	KUNIT_EXPECT_TRUE(test,
			  mmiodemo_page_index(&dma, base + 3, PAGE_SHIFT, &i));
	KUNIT_EXPECT_EQ(test, i, 3UL);
	KUNIT_EXPECT_FALSE(test,
			   mmiodemo_page_index(&dma, base + 4, PAGE_SHIFT, &i));
	KUNIT_EXPECT_FALSE(test,
			   mmiodemo_page_index(&dma, base - 1, PAGE_SHIFT, &i));
	KUNIT_EXPECT_FALSE(test, mmiodemo_page_index(&dma, ULONG_MAX,
						     PAGE_SHIFT, &i));
}

/* A sync of [offset, offset + len) of an 8-page buffer. */
static int range(u64 offset, u64 len, unsigned long *first, unsigned long *nr)
{
	return mmiodemo_sync_range(8 * SZ, offset, len, PAGE_SHIFT, first, nr);
}

/* Sync ranges: whole pages inside the buffer; len 0 runs to the end. */
static void mmiodemo_sync_range_test(struct kunit *test)
{
	unsigned long first = 0, nr = 0;

	KUNIT_EXPECT_EQ(test, range(0, 0, &first, &nr), 0);
	KUNIT_EXPECT_EQ(test, first, 0UL);
	KUNIT_EXPECT_EQ(test, nr, 8UL);
	KUNIT_EXPECT_EQ(test, range(2 * SZ, 3 * SZ, &first, &nr), 0);
	KUNIT_EXPECT_EQ(test, first, 2UL);
	KUNIT_EXPECT_EQ(test, nr, 3UL);
	KUNIT_EXPECT_EQ(test, range(8 * SZ, 0, &first, &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 0UL);
	KUNIT_EXPECT_EQ(test, range(1, 0, &first, &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, range(0, SZ + 1, &first, &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, range(7 * SZ, 2 * SZ, &first, &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, range(9 * SZ, 0, &first, &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, range(0, U64_MAX & PAGE_MASK, &first, &nr),
			-EINVAL);
}

/* fsync and msync ranges: the buffer pages bytes [start, end] touch. */
static void mmiodemo_fsync_range_test(struct kunit *test)
{
	const u64 off = 64 * SZ; /* an 8-page region at page 64 */
	unsigned long first = 0, nr = 0;

	/* fsync(): the whole mmap space. */
	KUNIT_EXPECT_TRUE(test, mmiodemo_fsync_range(off, 8 * SZ, 0, LLONG_MAX,
						     PAGE_SHIFT, &first, &nr));
	KUNIT_EXPECT_EQ(test, first, 0UL);
	KUNIT_EXPECT_EQ(test, nr, 8UL);
	/* msync() of pages 2-4 of the region, end inclusive. */
	KUNIT_EXPECT_TRUE(test, mmiodemo_fsync_range(off, 8 * SZ, off + 2 * SZ,
						     off + 5 * SZ - 1,
						     PAGE_SHIFT, &first, &nr));
	KUNIT_EXPECT_EQ(test, first, 2UL);
	KUNIT_EXPECT_EQ(test, nr, 3UL);
	/* One byte of the last page. */
	KUNIT_EXPECT_TRUE(test,
			  mmiodemo_fsync_range(off, 8 * SZ, off + 8 * SZ - 1,
					       off + 8 * SZ - 1, PAGE_SHIFT,
					       &first, &nr));
	KUNIT_EXPECT_EQ(test, first, 7UL);
	KUNIT_EXPECT_EQ(test, nr, 1UL);
	/* Before, after, or empty: nothing. */
	KUNIT_EXPECT_FALSE(test, mmiodemo_fsync_range(off, 8 * SZ, 0, off - 1,
						      PAGE_SHIFT, &first, &nr));
	KUNIT_EXPECT_FALSE(test, mmiodemo_fsync_range(off, 8 * SZ, off + 8 * SZ,
						      LLONG_MAX, PAGE_SHIFT,
						      &first, &nr));
	KUNIT_EXPECT_FALSE(test,
			   mmiodemo_fsync_range(off, 8 * SZ, off + SZ, off,
						PAGE_SHIFT, &first, &nr));
}

/* Register ioctls: 32 bits, aligned, inside the block. */
static void mmiodemo_reg_access_ok_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, mmiodemo_reg_access_ok(0x1000, 0x400, 32));
	KUNIT_EXPECT_TRUE(test, mmiodemo_reg_access_ok(0x1000, 0xffc, 32));
	KUNIT_EXPECT_FALSE(test, mmiodemo_reg_access_ok(0x1000, 0xfff, 8));
	KUNIT_EXPECT_FALSE(test, mmiodemo_reg_access_ok(0x1000, 0xffc, 16));
	KUNIT_EXPECT_FALSE(test, mmiodemo_reg_access_ok(0x1000, 0x1000, 32));
	KUNIT_EXPECT_FALSE(test, mmiodemo_reg_access_ok(0x1000, 0x402, 32));
	KUNIT_EXPECT_FALSE(test, mmiodemo_reg_access_ok(0x0ffe, 0xffc, 32));
	KUNIT_EXPECT_FALSE(test, mmiodemo_reg_access_ok(0x1000, 0x400, 64));
	KUNIT_EXPECT_FALSE(test, mmiodemo_reg_access_ok(0x1000, 0x400, 0));
	KUNIT_EXPECT_FALSE(test,
			   mmiodemo_reg_access_ok(0x1000, U32_MAX & ~3, 32));
}

/*
 * Runs of bus addresses: pages 0-2 one run, 3 alone, 4-5 a third (its
 * addresses below the others'); a framebuffer must lie in one.
 */
static void mmiodemo_run_of_test(struct kunit *test)
{
	const dma_addr_t addrs[] = {
		0x10000, 0x10000 + PAGE_SIZE, 0x10000 + 2 * PAGE_SIZE, 0x90000,
		0x2000,	 0x2000 + PAGE_SIZE,
	};
	unsigned long a, b;

	mmiodemo_run_of(addrs, ARRAY_SIZE(addrs), 1, &a, &b);
	KUNIT_EXPECT_EQ(test, a, 0UL);
	KUNIT_EXPECT_EQ(test, b, 3UL);
	mmiodemo_run_of(addrs, ARRAY_SIZE(addrs), 3, &a, &b);
	KUNIT_EXPECT_EQ(test, a, 3UL);
	KUNIT_EXPECT_EQ(test, b, 4UL);
	mmiodemo_run_of(addrs, ARRAY_SIZE(addrs), 5, &a, &b);
	KUNIT_EXPECT_EQ(test, a, 4UL);
	KUNIT_EXPECT_EQ(test, b, 6UL);
	KUNIT_EXPECT_TRUE(test, mmiodemo_in_one_run(addrs, 6, 0, 3));
	KUNIT_EXPECT_TRUE(test, mmiodemo_in_one_run(addrs, 6, 1, 2));
	KUNIT_EXPECT_FALSE(test, mmiodemo_in_one_run(addrs, 6, 2, 2));
	KUNIT_EXPECT_TRUE(test, mmiodemo_in_one_run(addrs, 6, 3, 1));
	KUNIT_EXPECT_FALSE(test, mmiodemo_in_one_run(addrs, 6, 3, 2));
	KUNIT_EXPECT_TRUE(test, mmiodemo_in_one_run(addrs, 6, 4, 2));
	KUNIT_EXPECT_FALSE(test, mmiodemo_in_one_run(addrs, 6, 0, 6));
}

static struct kunit_case mmiodemo_logic_cases[] = {
	KUNIT_CASE(mmiodemo_find_region_test),
	KUNIT_CASE(mmiodemo_whole_pages_test),
	KUNIT_CASE(mmiodemo_check_mmap_accepts_test),
	KUNIT_CASE(mmiodemo_check_mmap_refuses_test),
	KUNIT_CASE(mmiodemo_check_mmap_order_test),
	KUNIT_CASE(mmiodemo_page_index_test),
	KUNIT_CASE(mmiodemo_sync_range_test),
	KUNIT_CASE(mmiodemo_fsync_range_test),
	KUNIT_CASE(mmiodemo_reg_access_ok_test),
	KUNIT_CASE(mmiodemo_run_of_test),
	{}
};

static struct kunit_suite mmiodemo_logic_suite = {
	.name = "mmiodemo_logic",
	.test_cases = mmiodemo_logic_cases,
};

kunit_test_suite(mmiodemo_logic_suite);

MODULE_DESCRIPTION("KUnit tests for mmiodemo's mmap logic");
MODULE_LICENSE("GPL");
