// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo - the register commands: info, read, write, dump, watch.
 *
 * The library maps the register region (Device memory on arm64) and makes
 * each access one volatile load or store of the requested width, never
 * memcpy() and friends, whose unaligned or wider accesses fault there.
 * Where the kernel cannot map the block (pages larger than it), it goes
 * through the driver's register ioctls instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "tool.h"

/* Checked before the device is even opened. */
static void check_alignment(unsigned long offset, unsigned int width)
{
	if (offset % (width / 8))
		usage_error("offset 0x%lx is not aligned for a %u-bit access",
			    offset, width);
}

static void check_offset(const struct mmiodemo_region *r,
			 unsigned long offset, unsigned int width)
{
	unsigned long long size = r->size;
	unsigned int bytes = width / 8;

	if (size < bytes || offset > size - bytes)
		usage_error("offset 0x%lx is outside region \"%s\" (0x0-0x%llx for %u bits)",
			    offset, r->name, size - bytes, width);
}

/* The register region of md, or die; writable: it must be. */
static const struct mmiodemo_region *regs_region(const struct config *cfg,
						 struct mmiodemo *md,
						 bool writable)
{
	const struct mmiodemo_region *r;

	r = mmiodemo_region(md, MMIODEMO_REGION_REGS);
	if (!r)
		die("%s reports no register region", cfg->device);
	if (writable && !(r->flags & MMIODEMO_REGION_F_WRITE))
		die("region \"%s\" is not writable", r->name);
	return r;
}

static uint32_t reg_read(struct mmiodemo *md, unsigned long offset,
			 unsigned int width)
{
	uint32_t value;
	int err;

	err = mmiodemo_reg_read(md, offset, width, &value);
	if (err)
		die_errno(-err, "unable to read %u bits at 0x%lx", width,
			  offset);
	return value;
}

static void reg_write(struct mmiodemo *md, unsigned long offset,
		      unsigned int width, uint32_t value)
{
	int err;

	err = mmiodemo_reg_write(md, offset, width, value);
	if (err == -EOPNOTSUPP && width != 32)
		die("a %u-bit write at 0x%lx needs the register mapping, which this kernel's %ld-byte pages do not allow: the driver writes whole 32-bit registers only",
		    width, offset, sysconf(_SC_PAGESIZE));
	if (err)
		die_errno(-err, "unable to write %u bits at 0x%lx", width,
			  offset);
}

/* As print_reg(), one JSON object, no newline. */
static void print_reg_json(const struct reg_arg *arg, unsigned int width,
			   uint32_t value)
{
	printf("{\"name\": ");
	if (arg->reg)
		print_json_string(arg->reg->name);
	else
		printf("null");
	printf(", \"offset\": %lu, \"width\": %u, \"value\": %u}",
	       arg->offset, width, (unsigned int)value);
}

static void print_reg(const struct reg_arg *arg, unsigned int width,
		      uint32_t value)
{
	printf("%s (0x%03lx) = 0x%0*x\n", arg->reg ? arg->reg->name : "-",
	       arg->offset, (int)(width / 4), (unsigned int)value);
}

static void print_flags(unsigned int flags)
{
	static const struct {
		unsigned int flag;
		const char *name;
	} names[] = {
		{ MMIODEMO_REGION_F_READ,	"read" },
		{ MMIODEMO_REGION_F_WRITE,	"write" },
		{ MMIODEMO_REGION_F_MMAP,	"mmap" },
		{ MMIODEMO_REGION_F_DIRTY_LOG,	"dirty-log" },
	};
	const char *sep = "";
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(flags & names[i].flag))
			continue;
		printf("%s%s", sep, names[i].name);
		flags &= ~names[i].flag;
		sep = ",";
	}
	if (flags)
		printf("%s0x%x", sep, flags);
	else if (!*sep)
		printf("none");
}

static const char *caching_name(unsigned int caching)
{
	static const char *const names[] = {
		[MMIODEMO_CACHING_DEVICE]	= "device",
		[MMIODEMO_CACHING_WRITEBACK]	= "write-back",
	};

	return caching < ARRAY_SIZE(names) ? names[caching] : NULL;
}

/* {"page_size": N, "regions": [{"index", "name", "offset", "size",
 * "flags": "read,write,...", "caching": "device"|"write-back"|N}]} */
static void info_json(const struct mmiodemo_info *info)
{
	const struct mmiodemo_region *r;
	const char *caching;
	unsigned int i;

	printf("{\"page_size\": %u, \"regions\": [", info->page_size);
	for (i = 0; i < info->nr_regions; i++) {
		r = &info->regions[i];
		printf("%s\n  {\"index\": %u, \"name\": ", i ? "," : "", i);
		print_json_string(r->name);
		printf(", \"offset\": %llu, \"size\": %llu, \"flags\": \"",
		       (unsigned long long)r->offset,
		       (unsigned long long)r->size);
		print_flags(r->flags);
		caching = caching_name(r->caching);
		if (caching)
			printf("\", \"caching\": \"%s\"}", caching);
		else
			printf("\", \"caching\": %u}", r->caching);
	}
	printf("\n]}\n");
}

void cmd_info(const struct config *cfg, char **argv)
{
	const struct mmiodemo_region *r;
	const struct mmiodemo_info *info;
	const char *caching;
	struct mmiodemo *md;
	unsigned int i;

	(void)argv;

	md = open_device(cfg->device, O_RDONLY);
	info = mmiodemo_info(md);

	if (cfg->json) {
		info_json(info);
		mmiodemo_close(md);
		return;
	}
	printf("page size: %u (0x%x)\n", info->page_size, info->page_size);

	for (i = 0; i < info->nr_regions; i++) {
		r = &info->regions[i];
		printf("region %u \"%s\": offset 0x%llx, size 0x%llx (%llu bytes), flags ",
		       i, r->name, (unsigned long long)r->offset,
		       (unsigned long long)r->size,
		       (unsigned long long)r->size);
		print_flags(r->flags);
		caching = caching_name(r->caching);
		if (caching)
			printf(", caching %s\n", caching);
		else
			printf(", caching unknown (%u)\n", r->caching);
	}
	mmiodemo_close(md);
}

void cmd_read(const struct config *cfg, char **argv)
{
	struct mmiodemo *md;
	struct reg_arg arg;
	uint32_t value;

	parse_reg(argv[0], PL061_ACC_R, &arg);
	check_alignment(arg.offset, cfg->width);

	md = open_device(cfg->device, O_RDONLY);
	check_offset(regs_region(cfg, md, false), arg.offset, cfg->width);
	value = reg_read(md, arg.offset, cfg->width);
	mmiodemo_close(md);

	if (cfg->json) {
		print_reg_json(&arg, cfg->width, value);
		printf("\n");
		return;
	}
	print_reg(&arg, cfg->width, value);
}

void cmd_write(const struct config *cfg, char **argv)
{
	struct mmiodemo *md;
	struct reg_arg arg;
	uint32_t value;

	parse_reg(argv[0], PL061_ACC_W, &arg);
	value = parse_value(argv[1], cfg->width);
	check_alignment(arg.offset, cfg->width);

	md = open_device(cfg->device, O_RDWR);
	check_offset(regs_region(cfg, md, true), arg.offset, cfg->width);
	reg_write(md, arg.offset, cfg->width, value);
	mmiodemo_close(md);
}

void cmd_dump(const struct config *cfg, char **argv)
{
	const struct mmiodemo_reg_desc *regs;
	const struct mmiodemo_region *r;
	struct mmiodemo *md;
	struct reg_arg arg;
	uint32_t value;
	size_t i, nr, n;

	(void)argv;

	md = open_device(cfg->device, O_RDONLY);
	r = regs_region(cfg, md, false);
	if (r->size < PL061_BLOCK_SIZE)
		die("region \"%s\" is smaller than the PL061 block", r->name);

	regs = mmiodemo_regs(&nr);
	if (cfg->json)
		printf("{\"registers\": [");
	for (i = 0, n = 0; i < nr; i++) {
		if (!(regs[i].access & PL061_ACC_R))
			continue;
		arg.reg = &regs[i];
		arg.offset = regs[i].offset;
		value = reg_read(md, arg.offset, 32);
		if (!cfg->json) {
			print_reg(&arg, 32, value);
			continue;
		}
		printf("%s\n  ", n++ ? "," : "");
		print_reg_json(&arg, 32, value);
	}
	if (cfg->json)
		printf("\n]}\n");

	mmiodemo_close(md);
}
static volatile sig_atomic_t watch_stop;

static void watch_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/*
 * "S.mmm NAME (0xOFFSET) = 0xVALUE", ns after the start, flushed; with
 * --json one JSON object a line: {"time_ns": N, "name": ...}.
 */
static void print_sample(const struct config *cfg, unsigned long long ns,
			 const struct reg_arg *arg, uint32_t value)
{
	if (cfg->json) {
		printf("{\"time_ns\": %llu, \"register\": ", ns);
		print_reg_json(arg, 32, value);
		printf("}\n");
	} else {
		printf("%llu.%03llu ", ns / NSEC_PER_SEC,
		       ns % NSEC_PER_SEC / NSEC_PER_MSEC);
		print_reg(arg, 32, value);
	}
	if (fflush(stdout) == EOF)
		die_perror("unable to write the output");
}

void cmd_watch(const struct config *cfg, char **argv)
{
	unsigned long long interval = cfg->interval_ms * NSEC_PER_MSEC;
	unsigned long long start, now, next;
	unsigned long changes = 0;
	sigset_t block, orig;
	struct sigaction sa;
	struct mmiodemo *md;
	struct reg_arg arg;
	struct timespec ts;
	uint32_t value, last;

	parse_reg(argv[0], PL061_ACC_R, &arg);
	check_alignment(arg.offset, 32);

	/*
	 * SIGINT and SIGTERM stay blocked but in pselect(): one that comes
	 * between the test of watch_stop and the sleep ends the sleep.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, &orig) < 0)
		die_perror("unable to block SIGINT and SIGTERM");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watch_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0)
		die_perror("unable to handle SIGINT and SIGTERM");

	md = open_device(cfg->device, O_RDONLY);
	check_offset(regs_region(cfg, md, false), arg.offset, 32);

	start = monotonic_ns();
	last = reg_read(md, arg.offset, 32);
	print_sample(cfg, 0, &arg, last);

	next = start + interval;
	while (!watch_stop && (!cfg->count || changes < cfg->count)) {
		now = monotonic_ns();
		if (now < next) {
			ts.tv_sec = (next - now) / NSEC_PER_SEC;
			ts.tv_nsec = (next - now) % NSEC_PER_SEC;
			if (pselect(0, NULL, NULL, NULL, &ts, &orig) < 0 &&
			    errno != EINTR)
				die_perror("pselect() failed");
			continue;
		}

		value = reg_read(md, arg.offset, 32);
		if (value != last) {
			print_sample(cfg, now - start, &arg, value);
			last = value;
			changes++;
		}

		/* after a stop (SIGSTOP), go on from now rather than catch up */
		next += interval;
		if (next <= now)
			next = now + interval;
	}

	mmiodemo_close(md);
}


/*
 * set, clear and modify: (old & ~mask) | value under the driver's lock.
 * Everything is checked before the device is opened.
 */
static void update(const struct config *cfg, const struct reg_arg *arg,
		   uint32_t mask, uint32_t value)
{
	struct mmiodemo *md;
	int err;

	md = open_device(cfg->device, O_RDWR);
	check_offset(regs_region(cfg, md, true), arg->offset, 32);
	err = mmiodemo_reg_update(md, arg->offset, mask, value, NULL);
	if (err)
		die_errno(-err, "MMIODEMO_IOC_REG_UPDATE at 0x%lx failed",
			  arg->offset);
	print_reg(arg, 32, reg_read(md, arg->offset, 32));
	mmiodemo_close(md);
}

/* The REG argument of a read-modify-write: readable and writable. */
static void parse_rmw_reg(const char *str, struct reg_arg *arg)
{
	parse_reg(str, PL061_ACC_R | PL061_ACC_W, arg);
	if (arg->reg && (arg->reg->access & PL061_ACC_RW) != PL061_ACC_RW)
		usage_error("register %s is %s: a read-modify-write needs a register that is read and written",
			    arg->reg->name,
			    arg->reg->access & PL061_ACC_R ? "read-only" :
							     "write-only");
	check_alignment(arg->offset, 32);
}

void cmd_set(const struct config *cfg, char **argv)
{
	struct reg_arg arg;
	uint32_t bits;

	parse_rmw_reg(argv[0], &arg);
	bits = parse_bits(cfg, &arg, argv[1]);
	update(cfg, &arg, bits, bits);
}

void cmd_clear(const struct config *cfg, char **argv)
{
	struct reg_arg arg;
	uint32_t bits;

	parse_rmw_reg(argv[0], &arg);
	bits = parse_bits(cfg, &arg, argv[1]);
	update(cfg, &arg, bits, 0);
}

void cmd_modify(const struct config *cfg, char **argv)
{
	struct reg_arg arg;
	uint32_t mask, value;

	parse_rmw_reg(argv[0], &arg);
	mask = parse_bits(cfg, &arg, argv[1]);
	value = parse_bits(cfg, &arg, argv[2]);
	if (value & ~mask)
		usage_error("VALUE 0x%x has bits outside MASK 0x%x", value,
			    mask);
	update(cfg, &arg, mask, value);
}
