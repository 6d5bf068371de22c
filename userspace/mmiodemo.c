// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo - read and write the PL061 GPIO registers of /dev/mmiodemo from
 * userspace, through mmap().
 *
 * The tool asks the driver where the register region lies in the device's
 * mmap space (MMIODEMO_IOC_INFO), maps exactly that region and accesses a
 * register with a single load or store of the requested width. On arm64 the
 * mapping is Device memory, so it is only ever touched through volatile
 * pointers of the access width (reg_read() and reg_write()): never with
 * memcpy() and friends, whose unaligned or wider accesses fault there.
 *
 * The dma commands work on the device's DMA buffer instead: Normal memory,
 * which plain loads and stores (memset() included) may touch as they like.
 * The driver logs the pages written to it; the tool reads and clears that
 * log (MMIODEMO_IOC_GET_DIRTY) and hands written pages to the device or
 * back to the CPU (MMIODEMO_IOC_SYNC_FOR_DEVICE, MMIODEMO_IOC_SYNC_FOR_CPU).
 * The stats command reads the driver's counters from debugfs, the maps
 * command the audit test module's page-table walk of its mappings.
 *
 * irq wait waits for the next interrupt event that read() of the device
 * returns (poll() first, for --timeout) and can re-enable, with
 * MMIODEMO_IOC_IRQ_UNMASK, the level lines the driver masked for it. It
 * configures nothing: that is done with write beforehand. watch samples
 * one register periodically and prints its changes.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "mmiodemo-regs.h"
#include "mmiodemo-stats.h"
#include "mmiodemo.h"

#define PROG_NAME	"mmiodemo"
#define DEFAULT_DEVICE	"/dev/mmiodemo"
#define DEFAULT_WIDTH	32
#define EXIT_USAGE	2
#define DEBUGFS_DIR	"/sys/kernel/debug"
#define DEFAULT_INTERVAL_MS	100
#define FB_WIDTH	640	/* fb: the default picture, ramfb's own size */
#define FB_HEIGHT	480
#define NSEC_PER_SEC	1000000000ULL
#define NSEC_PER_MSEC	1000000ULL

#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define NORETURN	__attribute__((noreturn))
#define PRINTF(fmt, arg) __attribute__((format(printf, fmt, arg)))

struct config {
	const char *device;
	unsigned int width;
	unsigned long long offset;	/* --offset, bytes */
	unsigned long long len;		/* --len, bytes; 0: to the end */
	bool for_cpu;			/* --for cpu */
	int timeout_ms;			/* --timeout; -1: wait forever */
	bool unmask;			/* --unmask */
	unsigned int interval_ms;	/* --interval */
	unsigned long count;		/* --count; 0: until a signal */
	bool json;			/* --json */
	unsigned long fb_width;		/* fb: --width, pixels */
	unsigned long fb_height;	/* fb: --height, lines */
	unsigned long fb_stride;	/* fb: --stride, bytes; 0: width * 4 */
};

struct reg_desc {
	const char *name;
	unsigned long offset;
	unsigned int access;
};

#define REG_DESC(_name, _offset, _access) \
	{ .name = #_name, .offset = (_offset), .access = (_access) },

static const struct reg_desc registers[] = {
	PL061_REGISTERS(REG_DESC)
};

/* A REG|OFFSET argument; reg is NULL for an offset that matches no name. */
struct reg_arg {
	const struct reg_desc *reg;
	unsigned long offset;
};

/* The register region, mapped. */
struct regs_map {
	int fd;
	struct mmiodemo_region region;
	void *base;
};

/* The DMA buffer, mapped whole. */
struct dma_map {
	int fd;
	struct mmiodemo_region region;
	uint8_t *base;
};

/* A PATTERN argument of dma fill and dma verify. */
struct pattern {
	bool by_offset;		/* "offset": the byte depends on its offset */
	uint8_t byte;		/* else every byte is this one */
};

/* The options a command takes, on top of --help: struct command.opts */
#define CMD_OPT_WIDTH	0x1
#define CMD_OPT_OFFSET	0x2
#define CMD_OPT_LEN	0x4
#define CMD_OPT_FOR	0x8
#define CMD_OPT_TIMEOUT	0x20
#define CMD_OPT_UNMASK	0x40
#define CMD_OPT_INTERVAL	0x80
#define CMD_OPT_COUNT	0x100
#define CMD_OPT_JSON	0x200
#define CMD_OPT_FB	0x400	/* --width/--height/--stride in pixels */

/* getopt_long() values of the long-only options */
enum {
	OPT_OFFSET = 0x100,
	OPT_LEN,
	OPT_FOR,
	OPT_TIMEOUT,
	OPT_UNMASK,
	OPT_INTERVAL,
	OPT_COUNT,
	OPT_JSON,
	OPT_HEIGHT,
	OPT_STRIDE,
};

/*
 * A command is one word ("read"), or two when it belongs to a group: "dma
 * fill" has group "dma" and name "fill".
 */
struct command {
	const char *group;	/* NULL for a one-word command */
	const char *name;
	const char *args;
	const char *summary;
	const char *help;	/* more for COMMAND --help, or NULL */
	int nr_args;
	unsigned int opts;	/* CMD_OPT_* */
	void (*run)(const struct config *cfg, char **argv);
};

/* Print "mmiodemo: <message>[: <strerror(err)>]". */
static void vprint_error(int err, const char *fmt, va_list va)
{
	fprintf(stderr, "%s: ", PROG_NAME);
	vfprintf(stderr, fmt, va);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

static void NORETURN PRINTF(1, 2) die(const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	vprint_error(0, fmt, va);
	va_end(va);

	exit(EXIT_FAILURE);
}

static void NORETURN PRINTF(1, 2) die_perror(const char *fmt, ...)
{
	int err = errno;
	va_list va;

	va_start(va, fmt);
	vprint_error(err, fmt, va);
	va_end(va);

	exit(EXIT_FAILURE);
}

static void NORETURN PRINTF(1, 2) usage_error(const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	vprint_error(0, fmt, va);
	va_end(va);

	exit(EXIT_USAGE);
}

static const struct reg_desc *find_reg_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(registers); i++)
		if (!strcasecmp(registers[i].name, name))
			return &registers[i];

	return NULL;
}

static const struct reg_desc *find_reg_by_offset(unsigned long offset)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(registers); i++)
		if (registers[i].offset == offset)
			return &registers[i];

	return NULL;
}

static bool parse_number(const char *str, unsigned long *val)
{
	char *end;

	/* strtoul() would take leading blanks and a minus sign: refuse them */
	if (!isdigit((unsigned char)str[0]))
		return false;

	errno = 0;
	*val = strtoul(str, &end, 0);

	return !errno && !*end;
}

/* access is the access the command needs: refuse names that lack it. */
static void parse_reg(const char *str, unsigned int access,
		      struct reg_arg *arg)
{
	arg->reg = find_reg_by_name(str);
	if (arg->reg) {
		if (!(arg->reg->access & access))
			usage_error("register %s is %s", arg->reg->name,
				    access == PL061_ACC_R ? "write-only" :
							    "read-only");
		arg->offset = arg->reg->offset;
		return;
	}

	if (!parse_number(str, &arg->offset))
		usage_error("'%s' is neither a register name nor an offset",
			    str);
	arg->reg = find_reg_by_offset(arg->offset);
}

static unsigned int parse_width(const char *str)
{
	if (!strcmp(str, "8"))
		return 8;
	if (!strcmp(str, "16"))
		return 16;
	if (!strcmp(str, "32"))
		return 32;

	usage_error("invalid width '%s': must be 8, 16 or 32", str);
}

static uint32_t parse_value(const char *str, unsigned int width)
{
	uint32_t max = width == 32 ? UINT32_MAX : (1U << width) - 1;
	unsigned long val;

	if (!parse_number(str, &val))
		usage_error("invalid value '%s'", str);
	if (val > max)
		usage_error("value %s does not fit in %u bits", str, width);

	return val;
}

/* A byte count or offset of option opt, e.g. "--len". */
static unsigned long long parse_bytes(const char *opt, const char *str)
{
	unsigned long long val;
	char *end;

	/* as in parse_number(): no blanks, no sign */
	if (!isdigit((unsigned char)str[0]))
		usage_error("invalid %s '%s': not a number of bytes", opt, str);

	errno = 0;
	val = strtoull(str, &end, 0);
	if (errno || *end)
		usage_error("invalid %s '%s': not a number of bytes", opt, str);

	return val;
}

/* Milliseconds of option opt, e.g. "--timeout": min to INT_MAX. */
static int parse_ms(const char *opt, const char *str, unsigned long min)
{
	unsigned long val;

	if (!parse_number(str, &val) || val < min || val > INT_MAX)
		usage_error("invalid %s '%s': must be a number of milliseconds, %lu to %d",
			    opt, str, min, INT_MAX);

	return val;
}

static unsigned long parse_count(const char *str)
{
	unsigned long val;

	if (!parse_number(str, &val) || !val)
		usage_error("invalid --count '%s': must be a number of changes, at least 1",
			    str);

	return val;
}

/* A framebuffer dimension: --width, --height or --stride. */
static unsigned long parse_dim(const char *opt, const char *str,
			       unsigned long min, unsigned long max)
{
	unsigned long val;

	if (!parse_number(str, &val) || val < min || val > max)
		usage_error("invalid %s '%s': must be %lu to %lu", opt, str,
			    min, max);
	return val;
}

static bool parse_for(const char *str)
{
	if (!strcmp(str, "device"))
		return false;
	if (!strcmp(str, "cpu"))
		return true;

	usage_error("invalid --for '%s': must be device or cpu", str);
}

static void parse_pattern(const char *str, struct pattern *pat)
{
	unsigned long val;

	pat->by_offset = !strcmp(str, "offset");
	pat->byte = 0;
	if (pat->by_offset)
		return;

	if (!parse_number(str, &val) || val > 0xff)
		usage_error("invalid pattern '%s': must be a byte value (0-0xff) or 'offset'",
			    str);
	pat->byte = val;
}

/* What the pattern puts at byte offset o of the buffer. */
static uint8_t pattern_byte(const struct pattern *pat, unsigned long long o)
{
	if (!pat->by_offset)
		return pat->byte;

	/* differs from page to page, and within a page */
	return (o ^ (o >> 8) ^ (o >> 16)) & 0xff;
}

/*
 * One register access of @width bits: a single volatile load or store
 * through the mapping, or, where the block cannot be mapped (pages larger
 * than it), MMIODEMO_IOC_REG_READ/WRITE, a whole 32-bit register read or
 * written by the kernel: a narrower read takes its bytes from that
 * (little-endian, as the bus), a narrower write cannot be made.
 */
static uint32_t reg_read(const struct regs_map *map, unsigned long offset,
			 unsigned int width)
{
	const volatile uint8_t *addr = (const volatile uint8_t *)map->base + offset;
	struct mmiodemo_reg reg = { .offset = offset & ~3UL, .width = 32 };

	if (!map->base) {
		if (ioctl(map->fd, MMIODEMO_IOC_REG_READ, &reg))
			die_perror("MMIODEMO_IOC_REG_READ at 0x%lx", offset);
		if (width == 32)
			return reg.value;
		return (reg.value >> (8 * (offset & 3))) &
		       ((1U << width) - 1);
	}
	switch (width) {
	case 8:
		return *addr;
	case 16:
		return *(const volatile uint16_t *)addr;
	default:
		return *(const volatile uint32_t *)addr;
	}
}

static void reg_write(const struct regs_map *map, unsigned long offset,
		      unsigned int width, uint32_t value)
{
	volatile uint8_t *addr = (volatile uint8_t *)map->base + offset;
	struct mmiodemo_reg reg = {
		.offset = offset, .width = width, .value = value,
	};

	if (!map->base) {
		if (width != 32)
			die("a %u-bit write at 0x%lx needs the register mapping, which this kernel's %ld-byte pages do not allow: the driver writes whole 32-bit registers only",
			    width, offset, sysconf(_SC_PAGESIZE));
		if (ioctl(map->fd, MMIODEMO_IOC_REG_WRITE, &reg))
			die_perror("MMIODEMO_IOC_REG_WRITE at 0x%lx", offset);
		return;
	}
	switch (width) {
	case 8:
		*addr = value;
		break;
	case 16:
		*(volatile uint16_t *)addr = value;
		break;
	default:
		*(volatile uint32_t *)addr = value;
		break;
	}
}

static int open_device(const char *path, int flags)
{
	int fd;

	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		die_perror("unable to open %s", path);

	return fd;
}

static void get_info(int fd, const char *path, struct mmiodemo_info *info)
{
	unsigned int i;

	memset(info, 0, sizeof(*info));
	if (ioctl(fd, MMIODEMO_IOC_INFO, info) < 0)
		die_perror("MMIODEMO_IOC_INFO on %s failed", path);

	if (info->nr_regions > MMIODEMO_MAX_REGIONS)
		info->nr_regions = MMIODEMO_MAX_REGIONS;
	for (i = 0; i < info->nr_regions; i++)	/* do not trust the NUL */
		info->regions[i].name[MMIODEMO_REGION_NAME_LEN - 1] = '\0';
}

static void map_regs(const struct config *cfg, bool writable,
		     struct regs_map *map)
{
	const struct mmiodemo_region *r;
	struct mmiodemo_info info;
	int prot = PROT_READ;

	map->fd = open_device(cfg->device, writable ? O_RDWR : O_RDONLY);
	get_info(map->fd, cfg->device, &info);

	if (info.nr_regions <= MMIODEMO_REGION_REGS)
		die("%s reports no register region", cfg->device);
	r = &info.regions[MMIODEMO_REGION_REGS];

	if (writable && !(r->flags & MMIODEMO_REGION_F_WRITE))
		die("region \"%s\" is not writable", r->name);
	if (writable)
		prot |= PROT_WRITE;
	map->region = *r;

	/* Not whole pages here: the kernel makes each access instead. */
	map->base = NULL;
	if (!(r->flags & MMIODEMO_REGION_F_MMAP))
		return;
	map->base = mmap(NULL, r->size, prot, MAP_SHARED, map->fd,
			 (off_t)r->offset);
	if (map->base == MAP_FAILED)
		die_perror("mmap of region \"%s\" failed", r->name);
}

static void unmap_regs(struct regs_map *map)
{
	if (map->base)
		munmap(map->base, map->region.size);
	close(map->fd);
}

/* Checked before the device is even opened. */
static void check_alignment(unsigned long offset, unsigned int width)
{
	if (offset % (width / 8))
		usage_error("offset 0x%lx is not aligned for a %u-bit access",
			    offset, width);
}

static void check_offset(const struct regs_map *map, unsigned long offset,
			 unsigned int width)
{
	unsigned long long size = map->region.size;
	unsigned int bytes = width / 8;

	if (size < bytes || offset > size - bytes)
		usage_error("offset 0x%lx is outside region \"%s\" (0x0-0x%llx for %u bits)",
			    offset, map->region.name, size - bytes, width);
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

static void cmd_info(const struct config *cfg, char **argv)
{
	const struct mmiodemo_region *r;
	struct mmiodemo_info info;
	const char *caching;
	unsigned int i;
	int fd;

	(void)argv;

	fd = open_device(cfg->device, O_RDONLY);
	get_info(fd, cfg->device, &info);
	close(fd);

	printf("page size: %u (0x%x)\n", info.page_size, info.page_size);

	for (i = 0; i < info.nr_regions; i++) {
		r = &info.regions[i];
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
}

static void cmd_read(const struct config *cfg, char **argv)
{
	struct regs_map map;
	struct reg_arg arg;
	uint32_t value;

	parse_reg(argv[0], PL061_ACC_R, &arg);
	check_alignment(arg.offset, cfg->width);

	map_regs(cfg, false, &map);
	check_offset(&map, arg.offset, cfg->width);
	value = reg_read(&map, arg.offset, cfg->width);
	unmap_regs(&map);

	print_reg(&arg, cfg->width, value);
}

static void cmd_write(const struct config *cfg, char **argv)
{
	struct regs_map map;
	struct reg_arg arg;
	uint32_t value;

	parse_reg(argv[0], PL061_ACC_W, &arg);
	value = parse_value(argv[1], cfg->width);
	check_alignment(arg.offset, cfg->width);

	map_regs(cfg, true, &map);
	check_offset(&map, arg.offset, cfg->width);
	reg_write(&map, arg.offset, cfg->width, value);
	unmap_regs(&map);
}

static void cmd_dump(const struct config *cfg, char **argv)
{
	struct regs_map map;
	struct reg_arg arg;
	uint32_t value;
	size_t i;

	(void)argv;

	map_regs(cfg, false, &map);
	if (map.region.size < PL061_BLOCK_SIZE)
		die("region \"%s\" is smaller than the PL061 block",
		    map.region.name);

	for (i = 0; i < ARRAY_SIZE(registers); i++) {
		if (!(registers[i].access & PL061_ACC_R))
			continue;
		arg.reg = &registers[i];
		arg.offset = registers[i].offset;
		value = reg_read(&map, arg.offset, 32);
		print_reg(&arg, 32, value);
	}

	unmap_regs(&map);
}

static const struct mmiodemo_region *dma_region(const struct config *cfg,
						const struct mmiodemo_info *info)
{
	if (info->nr_regions <= MMIODEMO_REGION_DMA)
		die("%s has no DMA buffer", cfg->device);

	return &info->regions[MMIODEMO_REGION_DMA];
}

/* Map the whole DMA buffer, for plain loads (and stores if writable). */
static void map_dma(const struct config *cfg, bool writable,
		    struct dma_map *map)
{
	const struct mmiodemo_region *r;
	struct mmiodemo_info info;
	int prot = PROT_READ;
	void *base;

	map->fd = open_device(cfg->device, writable ? O_RDWR : O_RDONLY);
	get_info(map->fd, cfg->device, &info);
	r = dma_region(cfg, &info);

	if (!r->size)
		die("region \"%s\" is empty", r->name);
	if (!(r->flags & MMIODEMO_REGION_F_MMAP))
		die("cannot map region \"%s\": 0x%llx bytes is not whole %u-byte pages",
		    r->name, (unsigned long long)r->size, info.page_size);
	/* memset() and the byte loops below would fault on Device memory */
	if (r->caching != MMIODEMO_CACHING_WRITEBACK)
		die("region \"%s\" is not cached memory (caching %u)", r->name,
		    r->caching);
	if (writable && !(r->flags & MMIODEMO_REGION_F_WRITE))
		die("region \"%s\" is not writable", r->name);
	if (writable)
		prot |= PROT_WRITE;

	base = mmap(NULL, r->size, prot, MAP_SHARED, map->fd,
		    (off_t)r->offset);
	if (base == MAP_FAILED)
		die_perror("mmap of region \"%s\" failed", r->name);
	map->base = base;
	map->region = *r;
}

static void unmap_dma(struct dma_map *map)
{
	munmap(map->base, map->region.size);
	close(map->fd);
}

/* The range of --offset and --len in a buffer of size bytes, as [*start, *end). */
static void dma_range(const struct config *cfg, unsigned long long size,
		      unsigned long long *start, unsigned long long *end)
{
	unsigned long long len = cfg->len;

	if (cfg->offset >= size)
		usage_error("--offset 0x%llx is outside the DMA buffer (0x%llx bytes)",
			    cfg->offset, size);
	if (!len)
		len = size - cfg->offset;
	if (len > size - cfg->offset)
		usage_error("--len 0x%llx at offset 0x%llx ends past the DMA buffer (0x%llx bytes)",
			    len, cfg->offset, size);

	*start = cfg->offset;
	*end = cfg->offset + len;
}

static void cmd_dma_fill(const struct config *cfg, char **argv)
{
	unsigned long long o, start, end;
	struct pattern pat;
	struct dma_map map;

	parse_pattern(argv[0], &pat);

	map_dma(cfg, true, &map);
	dma_range(cfg, map.region.size, &start, &end);
	if (pat.by_offset) {
		for (o = start; o < end; o++)
			map.base[o] = pattern_byte(&pat, o);
	} else {
		memset(map.base + start, pat.byte, end - start);
	}
	unmap_dma(&map);
}

static void cmd_dma_verify(const struct config *cfg, char **argv)
{
	unsigned long long o, start, end;
	struct pattern pat;
	struct dma_map map;
	uint8_t expected;

	parse_pattern(argv[0], &pat);

	map_dma(cfg, false, &map);
	dma_range(cfg, map.region.size, &start, &end);
	for (o = start; o < end; o++) {
		expected = pattern_byte(&pat, o);
		if (map.base[o] != expected)
			die("dma verify: byte at offset 0x%llx is 0x%02x, expected 0x%02x",
			    o, map.base[o], expected);
	}
	unmap_dma(&map);

	printf("verified %llu bytes\n", end - start);
}

/* Writes the buffer, or a range of it, to stdout as raw bytes. */
static void cmd_dma_dump(const struct config *cfg, char **argv)
{
	unsigned long long start, end;
	struct dma_map map;
	ssize_t n;

	(void)argv;

	map_dma(cfg, false, &map);
	dma_range(cfg, map.region.size, &start, &end);
	while (start < end) {
		n = write(STDOUT_FILENO, map.base + start, end - start);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die_perror("unable to write the DMA buffer to stdout");
		start += n;
	}
	unmap_dma(&map);
}

/* The device copies a host file (a fw_cfg file) into the buffer. */
static void cmd_dma_load(const struct config *cfg, char **argv)
{
	struct mmiodemo_load load;
	int fd, err;

	memset(&load, 0, sizeof(load));
	if (!argv[0][0] || strlen(argv[0]) >= sizeof(load.name))
		usage_error("file name '%s' must be 1 to %zu bytes", argv[0],
			    sizeof(load.name) - 1);
	strcpy(load.name, argv[0]);
	load.offset = cfg->offset;
	load.len = cfg->len;

	fd = open_device(cfg->device, O_RDWR);
	if (ioctl(fd, MMIODEMO_IOC_LOAD, &load) < 0) {
		err = errno;
		if (err == ENOENT)
			die("the device has no file '%s'", load.name);
		if (err == EINVAL)
			die("cannot load '%s' at offset 0x%llx len 0x%llx%s: %s (the range must lie inside the file and the buffer)",
			    load.name, cfg->offset, cfg->len,
			    cfg->len ? "" : " (the whole file)", strerror(err));
		if (err == EOPNOTSUPP)
			die("%s has no DMA engine (its node has no fw-cfg reg)",
			    cfg->device);
		die("cannot load '%s': %s", load.name, strerror(err));
	}
	close(fd);
	printf("loaded %llu bytes of '%s' at offset 0x%llx\n",
	       (unsigned long long)load.len, load.name, cfg->offset);
}

/* The framebuffer of --offset, --width, --height and --stride. */
static struct mmiodemo_fb fb_of(const struct config *cfg)
{
	struct mmiodemo_fb fb;

	memset(&fb, 0, sizeof(fb));
	fb.offset = cfg->offset;
	fb.width = cfg->fb_width ? cfg->fb_width : FB_WIDTH;
	fb.height = cfg->fb_height ? cfg->fb_height : FB_HEIGHT;
	fb.stride = cfg->fb_stride ? cfg->fb_stride : fb.width * 4;
	fb.format = MMIODEMO_FB_XRGB8888;
	return fb;
}

/* The gradient picture: red follows x, green y, blue x + y. */
static uint32_t gradient_pixel(unsigned int x, unsigned int y)
{
	return (x & 0xff) << 16 | (y & 0xff) << 8 | ((x + y) & 0xff);
}

/* Draws PATTERN into the framebuffer's pixels, through the mapping. */
static void cmd_fb_draw(const struct config *cfg, char **argv)
{
	struct mmiodemo_fb fb = fb_of(cfg);
	unsigned long color = 0;
	bool gradient = !strcmp(argv[0], "gradient");
	struct dma_map map;
	unsigned int x, y;
	uint32_t *line;

	if (!gradient && (!parse_number(argv[0], &color) || color > 0xffffff))
		usage_error("invalid PATTERN '%s': must be gradient or a color 0xRRGGBB",
			    argv[0]);
	if (fb.stride < fb.width * 4)
		usage_error("--stride %u is less than --width %u times 4 bytes",
			    fb.stride, fb.width);
	map_dma(cfg, true, &map);
	if (fb.offset > map.region.size ||
	    (unsigned long long)fb.stride * fb.height > map.region.size - fb.offset)
		usage_error("a %ux%u framebuffer, stride %u, at offset 0x%llx does not fit in the 0x%llx-byte DMA buffer",
			    fb.width, fb.height, fb.stride,
			    (unsigned long long)fb.offset,
			    (unsigned long long)map.region.size);
	for (y = 0; y < fb.height; y++) {
		line = (uint32_t *)(map.base + fb.offset +
				    (unsigned long long)y * fb.stride);
		for (x = 0; x < fb.width; x++)
			line[x] = gradient ? gradient_pixel(x, y) :
					     (uint32_t)color;
	}
	unmap_dma(&map);
	printf("drew %s on %ux%u pixels at offset 0x%llx\n", argv[0],
	       fb.width, fb.height, (unsigned long long)fb.offset);
}

static void cmd_fb_show(const struct config *cfg, char **argv)
{
	struct mmiodemo_fb fb = fb_of(cfg);
	int fd, err;

	(void)argv;

	fd = open_device(cfg->device, O_RDWR);
	if (ioctl(fd, MMIODEMO_IOC_FB_SHOW, &fb) < 0) {
		err = errno;
		if (err == EBUSY)
			die("%s already scans out a framebuffer: fb off first",
			    cfg->device);
		if (err == EFBIG)
			die("a %ux%u framebuffer, stride %u, is larger than the DMA buffer",
			    fb.width, fb.height, fb.stride);
		if (err == EOPNOTSUPP)
			die("%s has no framebuffer device (ramfb)", cfg->device);
		die("cannot scan out %ux%u, stride %u, at offset 0x%llx: %s",
		    fb.width, fb.height, fb.stride,
		    (unsigned long long)fb.offset, strerror(err));
	}
	close(fd);
	printf("scanning out %ux%u XRGB8888, stride %u, from offset 0x%llx\n",
	       fb.width, fb.height, fb.stride, (unsigned long long)fb.offset);
}

static void cmd_fb_off(const struct config *cfg, char **argv)
{
	int fd;

	(void)argv;

	fd = open_device(cfg->device, O_RDWR);
	if (ioctl(fd, MMIODEMO_IOC_FB_OFF) < 0)
		die_perror("cannot stop the scan-out of %s", cfg->device);
	close(fd);
	printf("scan-out off\n");
}

static bool page_dirty(const uint64_t *bitmap, unsigned long long page)
{
	return bitmap[page / 64] >> (page % 64) & 1;
}

/* Print the pages set in bitmap as ranges: "0 5-7 255". */
static void print_pages(const uint64_t *bitmap, unsigned long long nr_pages)
{
	unsigned long long first, last;
	const char *sep = "";

	for (first = 0; first < nr_pages; first = last + 1) {
		if (!page_dirty(bitmap, first)) {
			last = first;
			continue;
		}
		for (last = first; last + 1 < nr_pages; last++)
			if (!page_dirty(bitmap, last + 1))
				break;
		if (last == first)
			printf("%s%llu", sep, first);
		else
			printf("%s%llu-%llu", sep, first, last);
		sep = " ";
	}
	printf("\n");
}

static void cmd_dma_dirty(const struct config *cfg, char **argv)
{
	const struct mmiodemo_region *r;
	struct mmiodemo_dirty dirty;
	unsigned long long nr_pages;
	struct mmiodemo_info info;
	uint64_t *bitmap;
	int fd;

	(void)argv;

	fd = open_device(cfg->device, O_RDWR);
	get_info(fd, cfg->device, &info);
	r = dma_region(cfg, &info);
	if (!r->size)
		die("region \"%s\" is empty", r->name);
	if (!info.page_size)
		die("%s reports a page size of 0", cfg->device);

	nr_pages = DIV_ROUND_UP(r->size, info.page_size);
	if (nr_pages > UINT32_MAX)
		die("region \"%s\" has too many pages (%llu)", r->name,
		    nr_pages);
	bitmap = calloc(DIV_ROUND_UP(nr_pages, 64), sizeof(*bitmap));
	if (!bitmap)
		die_perror("unable to allocate a bitmap of %llu pages",
			   nr_pages);

	memset(&dirty, 0, sizeof(dirty));
	dirty.bitmap = (uintptr_t)bitmap;
	dirty.nr_pages = nr_pages;
	if (ioctl(fd, MMIODEMO_IOC_GET_DIRTY, &dirty) < 0)
		die_perror("MMIODEMO_IOC_GET_DIRTY on %s failed", cfg->device);
	close(fd);

	printf("dirty pages: %u\n", dirty.count);
	if (dirty.count)
		print_pages(bitmap, nr_pages);
	free(bitmap);
}

static void cmd_dma_sync(const struct config *cfg, char **argv)
{
	const char *whom = cfg->for_cpu ? "CPU" : "device";
	const struct mmiodemo_region *r;
	struct mmiodemo_info info;
	struct mmiodemo_sync sync;
	int fd, err;

	(void)argv;

	fd = open_device(cfg->device, O_RDWR);
	get_info(fd, cfg->device, &info);
	r = dma_region(cfg, &info);

	memset(&sync, 0, sizeof(sync));
	sync.offset = cfg->offset;
	sync.len = cfg->len;
	if (ioctl(fd, cfg->for_cpu ? MMIODEMO_IOC_SYNC_FOR_CPU :
				     MMIODEMO_IOC_SYNC_FOR_DEVICE,
		  &sync) < 0) {
		err = errno;
		if (err == EINVAL)
			die("cannot sync offset 0x%llx len 0x%llx%s for the %s: %s (the range must be whole %u-byte pages inside the 0x%llx-byte buffer)",
			    cfg->offset, cfg->len,
			    cfg->len ? "" : " (to the end)", whom,
			    strerror(err), info.page_size,
			    (unsigned long long)r->size);
		die("cannot sync offset 0x%llx len 0x%llx%s for the %s: %s",
		    cfg->offset, cfg->len, cfg->len ? "" : " (to the end)",
		    whom, strerror(err));
	}
	close(fd);

	printf("synced %u pages for the %s\n", sync.count, whom);
}

/* The driver's counters, in /sys/kernel/debug/NAME/stats/, in this order. */
#define STAT_NAME(name)	#name,
static const char *const stat_names[] = { MMIODEMO_COUNTERS(STAT_NAME) };

static void read_stat(const char *path, const char *name)
{
	unsigned long long val;
	char buf[64], *end;
	FILE *f;

	f = fopen(path, "re");
	if (!f)
		die_perror("unable to open %s", path);
	if (!fgets(buf, sizeof(buf), f)) {
		if (ferror(f))
			die_perror("unable to read %s", path);
		die("%s is empty", path);
	}
	fclose(f);

	errno = 0;
	val = strtoull(buf, &end, 10);
	if (!isdigit((unsigned char)buf[0]) || errno ||
	    (*end && strcmp(end, "\n")))
		die("%s does not hold a number", path);

	printf("%s %llu\n", name, val);
}

/* Where debugfs is: $MMIODEMO_DEBUGFS if set and not empty, for tests. */
static const char *debugfs_dir(void)
{
	const char *dir = getenv("MMIODEMO_DEBUGFS");

	return dir && *dir ? dir : DEBUGFS_DIR;
}

/*
 * Build DEBUGFS/NAME/file in buf: the driver's debugfs directory is named
 * after its device node, NAME being the basename of the device path.
 */
static void debugfs_path(const struct config *cfg, const char *file,
			 char *buf, size_t size)
{
	const char *name = strrchr(cfg->device, '/');
	int n;

	name = name ? name + 1 : cfg->device;
	if (!*name)
		usage_error("device '%s' has no name to find its debugfs directory",
			    cfg->device);
	n = snprintf(buf, size, "%s/%s/%s", debugfs_dir(), name, file);
	if (n < 0 || (size_t)n >= size)
		usage_error("debugfs path of device '%s' is too long", name);
}

static void cmd_stats(const struct config *cfg, char **argv)
{
	char dir[256], path[320];
	struct stat st;
	size_t i;

	(void)argv;

	debugfs_path(cfg, "stats", dir, sizeof(dir));
	if (stat(dir, &st) < 0) {
		if (errno == ENOENT)
			die("%s does not exist: is debugfs mounted on %s, and is the driver loaded?",
			    dir, debugfs_dir());
		die_perror("unable to access %s", dir);
	}

	for (i = 0; i < ARRAY_SIZE(stat_names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, stat_names[i]);
		read_stat(path, stat_names[i]);
	}
}

/*
 * The audit test module's report of every mapping of every mmiodemo
 * device (tests/modules/mmiodemo-audit.c), in
 * /sys/kernel/debug/mmiodemo-audit/maps:
 *
 *   kernel ioremap|linear-map TYPE
 *   vma START-END pid PID comm COMM dev NAME offset OFF prot PP
 *     page N ADDR absent
 *     page N ADDR present TYPE writable|read-only [armed|written]
 *
 * Each page line belongs to the vma line above it. The fields are tokens
 * without blanks, COMM included. OFF and N are in the device's mmap
 * space: INFO says which region they are in.
 */
#define MAPS_TOKEN_LEN	32	/* a token of a maps line, NUL included */

struct maps_kernel {
	char region[MAPS_TOKEN_LEN];	/* read: "ioremap" or "linear-map" */
	char type[MAPS_TOKEN_LEN];	/* of the kernel's own mapping */
};

struct maps_page {
	unsigned long nr;		/* page number within the vma */
	unsigned long long addr;
	bool present;
	bool writable;			/* all below: if present */
	char type[MAPS_TOKEN_LEN];
	char tracking[MAPS_TOKEN_LEN];	/* "armed", "written" or "" */
};

struct maps_vma {
	unsigned long long start, end, offset;
	int pid;
	char comm[MAPS_TOKEN_LEN];
	char dev[MAPS_TOKEN_LEN];
	char region[MAPS_TOKEN_LEN];
	char prot[MAPS_TOKEN_LEN];
	struct maps_page *pages;
	size_t nr_pages, max_pages;
};

struct maps {
	struct maps_kernel *kernel;
	size_t nr_kernel, max_kernel;
	struct maps_vma *vmas;
	size_t nr_vmas, max_vmas;
};

/* Make room for one more of *nr elements of size bytes in *array. */
static void *grow(void *array, size_t *max, size_t nr, size_t size)
{
	size_t new_max;

	if (nr < *max)
		return array;

	new_max = *max ? *max * 2 : 16;
	if (new_max > SIZE_MAX / size)
		die("out of memory");
	array = realloc(array, new_max * size);
	if (!array)
		die("out of memory");
	*max = new_max;
	return array;
}

/* Whether sscanf() stopped, at n, on the end of line rather than before. */
static bool maps_line_end(const char *line, int n)
{
	return n >= 0 && line[n] == '\0';
}

/*
 * A number field of a maps line, matched by sscanf() as digits only: %llx
 * and %lu would take a sign, blanks and a second 0x as well.
 */
static bool maps_number(const char *str, int base, unsigned long long *val)
{
	char *end;

	errno = 0;
	*val = strtoull(str, &end, base);
	return *str && !errno && !*end;
}

/* "kernel MAPPING TYPE"; a mapping listed again takes the new type. */
static bool maps_parse_kernel(struct maps *maps, const char *line)
{
	struct maps_kernel k;
	size_t i;
	int n = -1;

	if (sscanf(line, "kernel %31s %31s%n", k.region, k.type,
		   &n) != 2 || !maps_line_end(line, n))
		return false;

	for (i = 0; i < maps->nr_kernel; i++) {
		if (!strcmp(maps->kernel[i].region, k.region)) {
			maps->kernel[i] = k;
			return true;
		}
	}
	maps->kernel = grow(maps->kernel, &maps->max_kernel, maps->nr_kernel,
			    sizeof(*maps->kernel));
	maps->kernel[maps->nr_kernel++] = k;
	return true;
}

/* "vma START-END pid PID comm COMM dev NAME offset OFF prot PP" */
static bool maps_parse_vma(struct maps *maps, const char *line)
{
	char start[MAPS_TOKEN_LEN], end[MAPS_TOKEN_LEN];
	char pid[MAPS_TOKEN_LEN], offset[MAPS_TOKEN_LEN];
	struct maps_vma v = { 0 };
	unsigned long long val;
	int n = -1;

	if (sscanf(line,
		   "vma 0x%31[0-9a-fA-F]-0x%31[0-9a-fA-F] pid %31[0-9] comm %31s dev %31s offset 0x%31[0-9a-fA-F] prot %31s%n",
		   start, end, pid, v.comm, v.dev, offset, v.prot,
		   &n) != 7 || !maps_line_end(line, n) ||
	    !maps_number(start, 16, &v.start) ||
	    !maps_number(end, 16, &v.end) ||
	    !maps_number(offset, 16, &v.offset) ||
	    !maps_number(pid, 10, &val) || val > INT_MAX)
		return false;
	v.pid = val;

	maps->vmas = grow(maps->vmas, &maps->max_vmas, maps->nr_vmas,
			  sizeof(*maps->vmas));
	maps->vmas[maps->nr_vmas++] = v;
	return true;
}

/* "page N ADDR absent" or "page N ADDR present TYPE ACCESS [TRACKING]" */
static bool maps_parse_page(struct maps *maps, const char *line)
{
	char nr[MAPS_TOKEN_LEN], addr[MAPS_TOKEN_LEN];
	char state[MAPS_TOKEN_LEN], access[MAPS_TOKEN_LEN];
	struct maps_page p = { 0 };
	unsigned long long val;
	struct maps_vma *v;
	int n = -1, m = -1;

	if (!maps->nr_vmas)	/* a page of no vma */
		return false;
	if (sscanf(line, " page %31[0-9] 0x%31[0-9a-fA-F] %31s%n", nr, addr,
		   state, &n) != 3 || n < 0 ||
	    !maps_number(nr, 10, &val) || val > ULONG_MAX ||
	    !maps_number(addr, 16, &p.addr))
		return false;
	p.nr = val;
	line += n;

	if (!strcmp(state, "absent")) {
		if (*line)
			return false;
	} else if (!strcmp(state, "present")) {
		p.present = true;
		if (sscanf(line, " %31s %31s%n", p.type, access, &m) != 2 ||
		    m < 0)
			return false;
		line += m;
		if (!strcmp(access, "writable"))
			p.writable = true;
		else if (strcmp(access, "read-only"))
			return false;

		m = -1;
		if (*line &&
		    (sscanf(line, " %31s%n", p.tracking, &m) != 1 ||
		     !maps_line_end(line, m) ||
		     (strcmp(p.tracking, "armed") &&
		      strcmp(p.tracking, "written"))))
			return false;
	} else {
		return false;
	}

	v = &maps->vmas[maps->nr_vmas - 1];
	v->pages = grow(v->pages, &v->max_pages, v->nr_pages,
			sizeof(*v->pages));
	v->pages[v->nr_pages++] = p;
	return true;
}

static void read_maps(const char *path, struct maps *maps)
{
	size_t size = 0, len;
	char *line = NULL;
	bool ok;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			die("%s does not exist: is debugfs mounted on %s, and the audit test module (tests/modules/mmiodemo-audit.ko) loaded?",
			    path, debugfs_dir());
		die_perror("unable to open %s", path);
	}

	memset(maps, 0, sizeof(*maps));
	errno = 0;
	while (getline(&line, &size, f) >= 0) {
		/* the newline, and any blank before it */
		len = strlen(line);
		while (len && isspace((unsigned char)line[len - 1]))
			line[--len] = '\0';
		if (!len)
			continue;

		if (!strncmp(line, "kernel ", 7))
			ok = maps_parse_kernel(maps, line);
		else if (!strncmp(line, "vma ", 4))
			ok = maps_parse_vma(maps, line);
		else
			ok = maps_parse_page(maps, line);
		if (!ok)
			die("unexpected line in %s: %s", path, line);
		errno = 0;
	}
	if (ferror(f) || errno)
		die_perror("unable to read %s", path);

	free(line);
	fclose(f);
}

static void free_maps(struct maps *maps)
{
	size_t i;

	for (i = 0; i < maps->nr_vmas; i++)
		free(maps->vmas[i].pages);
	free(maps->vmas);
	free(maps->kernel);
}

/* The type of the kernel's mapping of region, or NULL. */
static const char *maps_kernel_type(const struct maps *maps,
				    const char *region)
{
	size_t i;

	for (i = 0; i < maps->nr_kernel; i++)
		if (!strcmp(maps->kernel[i].region, region))
			return maps->kernel[i].type;

	return NULL;
}

/* str as a JSON string: quoted, every byte but printable ASCII escaped. */
static void print_json_string(const char *str)
{
	const unsigned char *s;

	putchar('"');
	for (s = (const unsigned char *)str; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if (*s < 0x20 || *s >= 0x7f)	/* no UTF-8 assumed */
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_maps_json(const struct maps *maps)
{
	const struct maps_page *p;
	const struct maps_vma *v;
	size_t i, j;

	printf("{\n  \"kernel\": {");
	for (i = 0; i < maps->nr_kernel; i++) {
		printf("%s", i ? ", " : "");
		print_json_string(maps->kernel[i].region);
		printf(": ");
		print_json_string(maps->kernel[i].type);
	}
	printf("},\n  \"mappings\": [");

	for (i = 0; i < maps->nr_vmas; i++) {
		v = &maps->vmas[i];
		printf("%s\n    {\"start\": \"0x%llx\", \"end\": \"0x%llx\", ",
		       i ? "," : "", v->start, v->end);
		printf("\"pid\": %d, \"comm\": ", v->pid);
		print_json_string(v->comm);
		printf(", \"region\": ");
		print_json_string(v->region);
		printf(", \"offset\": \"0x%llx\", \"prot\": ", v->offset);
		print_json_string(v->prot);
		printf(", \"pages\": [");

		for (j = 0; j < v->nr_pages; j++) {
			p = &v->pages[j];
			printf("%s\n      {\"page\": %lu, \"address\": \"0x%llx\", \"present\": %s",
			       j ? "," : "", p->nr, p->addr,
			       p->present ? "true" : "false");
			if (p->present) {
				printf(", \"type\": ");
				print_json_string(p->type);
				printf(", \"writable\": %s, \"tracking\": ",
				       p->writable ? "true" : "false");
				if (*p->tracking)
					print_json_string(p->tracking);
				else
					printf("null");
			}
			printf("}");
		}
		printf("%s]}", v->nr_pages ? "\n    " : "");
	}
	printf("%s]\n}\n", maps->nr_vmas ? "\n  " : "");
}

static void print_maps_table(const struct maps *maps)
{
	const struct maps_page *p;
	const struct maps_vma *v;
	char comm[MAPS_TOKEN_LEN];
	const char *kernel;
	size_t i, j, k;

	printf("%-6s %-16s %-6s %-10s %-18s %4s %-7s %-13s %-10s %-9s %s\n",
	       "PID", "COMM", "REGION", "OFFSET", "ADDRESS", "PAGE", "STATE",
	       "TYPE", "ACCESS", "TRACKING", "KERNEL");
	if (!maps->nr_vmas)
		printf("(no mappings)\n");

	for (i = 0; i < maps->nr_vmas; i++) {
		v = &maps->vmas[i];
		kernel = maps_kernel_type(maps, v->region);

		/* a comm is whatever its process set: keep the table whole */
		for (k = 0; v->comm[k]; k++)
			comm[k] = isgraph((unsigned char)v->comm[k]) ?
				  v->comm[k] : '?';
		comm[k] = '\0';

		for (j = 0; j < v->nr_pages; j++) {
			p = &v->pages[j];
			printf("%-6d %-16s %-6s 0x%-8llx 0x%-16llx %4lu %-7s %-13s %-10s %-9s %s\n",
			       v->pid, comm, v->region, v->offset, p->addr,
			       p->nr, p->present ? "present" : "absent",
			       p->present ? p->type : "-",
			       !p->present ? "-" :
			       p->writable ? "writable" : "read-only",
			       p->present && *p->tracking ? p->tracking : "-",
			       kernel ? kernel : "-");
		}
	}
}

/*
 * Keeps the mappings of cfg->device only, and says them in its terms: the
 * region each is in (from INFO), offsets and page numbers within it, and
 * for each region the type of the kernel's own mapping of it.
 */
static void maps_to_regions(const struct config *cfg, struct maps *maps)
{
	const char *name = strrchr(cfg->device, '/');
	const struct mmiodemo_region *r;
	struct mmiodemo_info info;
	struct maps_kernel *kernel;
	unsigned long long off;
	size_t i, j, n = 0, nr_kernel = 0;
	struct maps_vma *v;
	const char *type;
	unsigned int k;
	int fd;

	name = name ? name + 1 : cfg->device;
	fd = open_device(cfg->device, O_RDONLY);
	get_info(fd, cfg->device, &info);
	close(fd);

	kernel = calloc(info.nr_regions, sizeof(*kernel));
	if (!kernel)
		die("out of memory");
	for (k = 0; k < info.nr_regions; k++) {
		r = &info.regions[k];
		type = maps_kernel_type(maps, r->caching ==
					MMIODEMO_CACHING_DEVICE ?
					"ioremap" : "linear-map");
		if (!type)
			continue;
		snprintf(kernel[nr_kernel].region, MAPS_TOKEN_LEN, "%s",
			 r->name);
		snprintf(kernel[nr_kernel++].type, MAPS_TOKEN_LEN, "%s", type);
	}
	free(maps->kernel);
	maps->kernel = kernel;
	maps->nr_kernel = maps->max_kernel = nr_kernel;

	for (i = 0; i < maps->nr_vmas; i++) {
		v = &maps->vmas[i];
		for (k = 0; k < info.nr_regions; k++) {
			r = &info.regions[k];
			if (v->offset >= r->offset &&
			    v->offset - r->offset < r->size)
				break;
		}
		if (strcmp(v->dev, name) || k == info.nr_regions) {
			free(v->pages);
			continue;
		}
		snprintf(v->region, MAPS_TOKEN_LEN, "%s", r->name);
		v->offset -= r->offset;
		off = r->offset / info.page_size;
		for (j = 0; j < v->nr_pages; j++)
			v->pages[j].nr -= off;
		maps->vmas[n++] = *v;
	}
	maps->nr_vmas = n;
}

static void cmd_maps(const struct config *cfg, char **argv)
{
	struct maps maps;
	char path[320];

	(void)argv;

	snprintf(path, sizeof(path), "%s/mmiodemo-audit/maps", debugfs_dir());
	read_maps(path, &maps);
	maps_to_regions(cfg, &maps);

	if (cfg->json)
		print_maps_json(&maps);
	else
		print_maps_table(&maps);

	free_maps(&maps);
}

static unsigned long long monotonic_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		die_perror("clock_gettime(CLOCK_MONOTONIC) failed");

	return (unsigned long long)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* Wait for POLLIN on fd; die when cfg->timeout_ms passes first. */
static void wait_event(const struct config *cfg, int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int timeout = cfg->timeout_ms;
	unsigned long long deadline = 0, now;
	int ret;

	if (timeout >= 0)
		deadline = monotonic_ns() + timeout * NSEC_PER_MSEC;

	for (;;) {
		ret = poll(&pfd, 1, timeout);
		if (!ret)
			die("no interrupt within %d ms", cfg->timeout_ms);
		if (ret > 0)
			break;
		if (errno != EINTR)
			die_perror("poll of %s failed", cfg->device);
		/* interrupted: wait for what is left of the timeout */
		if (timeout >= 0) {
			now = monotonic_ns();
			timeout = now >= deadline ? 0 :
				  DIV_ROUND_UP(deadline - now, NSEC_PER_MSEC);
		}
	}

	if (!(pfd.revents & POLLIN))
		die("poll of %s reported 0x%x instead of an event", cfg->device,
		    (unsigned int)pfd.revents);
}

static void cmd_irq_wait(const struct config *cfg, char **argv)
{
	struct mmiodemo_event ev;
	unsigned long long ts;
	__u32 masked;
	ssize_t n;
	int fd;

	(void)argv;

	fd = open_device(cfg->device, O_RDWR);
	wait_event(cfg, fd);

	do {
		n = read(fd, &ev, sizeof(ev));
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EINVAL)
		die("unable to read an event from %s: %s (does its driver deliver interrupt events?)",
		    cfg->device, strerror(errno));
	if (n < 0)
		die_perror("unable to read an event from %s", cfg->device);
	if (n != sizeof(ev))
		die("short read of an event from %s: %zd of %zu bytes",
		    cfg->device, n, sizeof(ev));

	ts = ev.timestamp_ns;
	printf("event seqno %u lines 0x%02x masked 0x%02x at %llu.%09llu\n",
	       (unsigned int)ev.seqno, (unsigned int)ev.lines,
	       (unsigned int)ev.masked, ts / NSEC_PER_SEC, ts % NSEC_PER_SEC);

	if (cfg->unmask && ev.masked) {
		/* the event is out even if the unmask fails */
		if (fflush(stdout) == EOF)
			die_perror("unable to write the output");
		masked = ev.masked;
		if (ioctl(fd, MMIODEMO_IOC_IRQ_UNMASK, &masked) < 0)
			die_perror("MMIODEMO_IOC_IRQ_UNMASK of lines 0x%02x on %s failed",
				   (unsigned int)masked, cfg->device);
	}
	close(fd);
}

static volatile sig_atomic_t watch_stop;

static void watch_signal(int sig)
{
	(void)sig;
	watch_stop = 1;
}

/* "S.mmm NAME (0xOFFSET) = 0xVALUE", ns after the start, flushed. */
static void print_sample(unsigned long long ns, const struct reg_arg *arg,
			 uint32_t value)
{
	printf("%llu.%03llu ", ns / NSEC_PER_SEC,
	       ns % NSEC_PER_SEC / NSEC_PER_MSEC);
	print_reg(arg, 32, value);
	if (fflush(stdout) == EOF)
		die_perror("unable to write the output");
}

static void cmd_watch(const struct config *cfg, char **argv)
{
	unsigned long long interval = cfg->interval_ms * NSEC_PER_MSEC;
	unsigned long long start, now, next;
	unsigned long changes = 0;
	sigset_t block, orig;
	struct sigaction sa;
	struct regs_map map;
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

	map_regs(cfg, false, &map);
	check_offset(&map, arg.offset, 32);

	start = monotonic_ns();
	last = reg_read(&map, arg.offset, 32);
	print_sample(0, &arg, last);

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

		value = reg_read(&map, arg.offset, 32);
		if (value != last) {
			print_sample(now - start, &arg, value);
			last = value;
			changes++;
		}

		/* after a stop (SIGSTOP), go on from now rather than catch up */
		next += interval;
		if (next <= now)
			next = now + interval;
	}

	unmap_regs(&map);
}

static const struct command commands[] = {
	{
		.name = "info", .args = "",
		.summary = "show the regions of the device's mmap space",
		.run = cmd_info,
	},
	{
		.name = "read", .args = "REG|OFFSET [--width 8|16|32]",
		.summary = "read a register, print NAME (0xOFFSET) = 0xVALUE",
		.nr_args = 1, .opts = CMD_OPT_WIDTH, .run = cmd_read,
	},
	{
		.name = "write", .args = "REG|OFFSET VALUE [--width 8|16|32]",
		.summary = "write VALUE to a register",
		.nr_args = 2, .opts = CMD_OPT_WIDTH, .run = cmd_write,
	},
	{
		.name = "dump", .args = "",
		.summary = "print every readable named register (32-bit)",
		.run = cmd_dump,
	},
	{
		.group = "dma", .name = "fill",
		.args = "PATTERN [--offset BYTES] [--len BYTES]",
		.summary = "fill the DMA buffer, or a range of it, with PATTERN",
		.help = "PATTERN is a byte value (0-0xff) stored in every byte, or 'offset':\n"
			"the byte at buffer offset o is (o ^ o >> 8 ^ o >> 16) & 0xff, so\n"
			"that pages differ. The range may start and end at any byte.\n",
		.nr_args = 1, .opts = CMD_OPT_OFFSET | CMD_OPT_LEN,
		.run = cmd_dma_fill,
	},
	{
		.group = "dma", .name = "verify",
		.args = "PATTERN [--offset BYTES] [--len BYTES]",
		.summary = "check that the DMA buffer, or a range of it, holds PATTERN",
		.help = "PATTERN is as for dma fill. Prints 'verified N bytes', or names\n"
			"the first byte that differs and exits with status 1.\n",
		.nr_args = 1, .opts = CMD_OPT_OFFSET | CMD_OPT_LEN,
		.run = cmd_dma_verify,
	},
	{
		.group = "dma", .name = "dump", .args = "[--offset BYTES] [--len BYTES]",
		.summary = "write the DMA buffer, or a range of it, to stdout",
		.help = "Raw bytes, e.g. for sha256sum. After a dma load, run\n"
			"dma sync --for cpu on the range first.\n",
		.opts = CMD_OPT_OFFSET | CMD_OPT_LEN,
		.run = cmd_dma_dump,
	},
	{
		.group = "dma", .name = "load", .args = "NAME [--offset BYTES] [--len BYTES]",
		.summary = "have the device copy a host file into the DMA buffer",
		.help = "NAME is a file of QEMU's fw_cfg, e.g. opt/mmiodemo/random (the\n"
			"harness passes them with -fw_cfg). The device writes --len bytes\n"
			"of it (0 or none: all of it) at buffer offset --offset. Run dma\n"
			"sync --for cpu on the range before reading what it wrote.\n",
		.nr_args = 1, .opts = CMD_OPT_OFFSET | CMD_OPT_LEN,
		.run = cmd_dma_load,
	},
	{
		.group = "fb", .name = "draw",
		.args = "PATTERN [--width PIXELS] [--height LINES] [--stride BYTES] [--offset BYTES]",
		.summary = "draw a picture into the DMA buffer, through the mapping",
		.help = "PATTERN is gradient (red follows x, green y, blue x + y, each\n"
			"modulo 256) or one color 0xRRGGBB, in XRGB8888 pixels. The\n"
			"device sees it once the pages are synced: dma sync.\n",
		.nr_args = 1, .opts = CMD_OPT_FB | CMD_OPT_OFFSET,
		.run = cmd_fb_draw,
	},
	{
		.group = "fb", .name = "show",
		.args = "[--width PIXELS] [--height LINES] [--stride BYTES] [--offset BYTES]",
		.summary = "have the device (ramfb) scan out a range of the DMA buffer",
		.help = "XRGB8888 pixels from buffer offset --offset (page aligned). The\n"
			"device keeps reading them until fb off; sync written pages with\n"
			"dma sync --for device for it to see them.\n",
		.opts = CMD_OPT_FB | CMD_OPT_OFFSET,
		.run = cmd_fb_show,
	},
	{
		.group = "fb", .name = "off", .args = "",
		.summary = "stop the scan-out",
		.help = "The device then shows a 16x16 black picture.\n",
		.run = cmd_fb_off,
	},
	{
		.group = "dma", .name = "dirty", .args = "",
		.summary = "list the DMA buffer pages written since the last dma dirty",
		.help = "Prints 'dirty pages: N' and, when N is not 0, the page numbers as\n"
			"ranges on one line, e.g. '0 5-7 255'. This CLEARS the driver's\n"
			"dirty log: the next dma dirty lists only pages written after it.\n",
		.run = cmd_dma_dirty,
	},
	{
		.group = "dma", .name = "sync",
		.args = "[--for device|cpu] [--offset BYTES] [--len BYTES]",
		.summary = "hand written DMA buffer pages to the device, or to the CPU",
		.help = "--for device cleans the pages written since the last sync for the\n"
			"device that lie in the range, --for cpu makes what the device wrote\n"
			"in the range visible to the CPU. Prints 'synced N pages for the\n"
			"device' (or 'the CPU'). The range must be whole pages.\n",
		.opts = CMD_OPT_FOR | CMD_OPT_OFFSET | CMD_OPT_LEN,
		.run = cmd_dma_sync,
	},
	{
		.name = "stats", .args = "",
		.summary = "print the driver's counters from debugfs",
		.help = "Prints 'NAME VALUE' for faults, mkwrites, syncs, pages_synced and\n"
			"bytes_loaded,\n"
			"read from " DEBUGFS_DIR "/DEVICE/stats/, where DEVICE is the\n"
			"name of the device node. Needs debugfs mounted, and root.\n"
			"The counters only grow: compare two readings.\n"
			"$MMIODEMO_DEBUGFS, if set, replaces " DEBUGFS_DIR ".\n",
		.run = cmd_stats,
	},
	{
		.name = "maps", .args = "[--json]",
		.summary = "show how the regions are mapped, page by page (test module)",
		.help = "Reads " DEBUGFS_DIR "/mmiodemo-audit/maps, the page-table walk of\n"
			"the audit test module (tests/modules/mmiodemo-audit.ko, which the\n"
			"test harness loads; $MMIODEMO_DEBUGFS, if set, replaces " DEBUGFS_DIR "),\n"
			"and prints one line per page of every process's mapping of the\n"
			"device. Needs debugfs mounted, and root. The columns:\n"
			"  PID, COMM  the process whose address space holds the mapping\n"
			"  REGION     the region mapped; OFFSET, the mapping's offset in it\n"
			"  ADDRESS    the page's user virtual address; PAGE, its number in\n"
			"             the region\n"
			"  STATE      present or absent in the process's page tables: an\n"
			"             absent page is mapped at its first access\n"
			"  TYPE       the arm64 memory type of the page, decoded from the\n"
			"             PTE's AttrIndx through MAIR_EL1: Normal, Normal-Tagged,\n"
			"             Normal-NC, Device-nGnRnE, Device-nGnRE or unknown\n"
			"  ACCESS     writable or read-only, from the PTE's write permission\n"
			"  TRACKING   DMA buffer pages only: armed (write-protected, the next\n"
			"             write faults and is logged as dirty) or written (logged,\n"
			"             writable until the log is cleared); - for a mapping\n"
			"             that can never be written (a read-only fd's)\n"
			"  KERNEL     the memory type of the kernel's own mapping of the\n"
			"             region, which should match TYPE: a mismatch is an\n"
			"             attribute alias\n"
			"'-' stands for what does not apply. With no mapping, the header is\n"
			"followed by '(no mappings)'.\n"
			"\n"
			"--json prints {\"kernel\": {REGION: TYPE, ...}, \"mappings\": [...]}, a\n"
			"mapping being {\"start\", \"end\", \"pid\", \"comm\", \"region\",\n"
			"\"offset\", \"prot\", \"pages\"} and a page {\"page\", \"address\",\n"
			"\"present\"} plus, if present, {\"type\", \"writable\", \"tracking\"},\n"
			"tracking being null outside the DMA buffer and for mappings that can\n"
			"never be written. Addresses and offsets\n"
			"are \"0x...\" strings.\n",
		.opts = CMD_OPT_JSON, .run = cmd_maps,
	},
	{
		.group = "irq", .name = "wait", .args = "[--timeout MS] [--unmask]",
		.summary = "wait for the next interrupt of the PL061 and print it",
		.help = "Prints one line per call, for the first interrupt after it started:\n"
			"'event seqno N lines 0xLL masked 0xMM at S.NNNNNNNNN': the\n"
			"interrupt's number since the driver's probe, the lines (MIS bits)\n"
			"that raised it, those of them that are level lines (IS) the driver\n"
			"masked in IE, and when it came (CLOCK_MONOTONIC). If none comes\n"
			"within --timeout, exits with status 1.\n"
			"\n"
			"irq wait only waits: configure the lines (IS, IBE, IEV, then IE)\n"
			"with write beforehand, and trigger them once irq wait has started\n"
			"(an interrupt before that is not queued for it), e.g. rising edges\n"
			"of line 3:\n"
			"  " PROG_NAME " write IEV 0x08; " PROG_NAME " write IE 0x08; "
			PROG_NAME " irq wait --timeout 5000\n"
			"A level line stays masked in IE after its interrupt until --unmask\n"
			"(or MMIODEMO_IOC_IRQ_UNMASK) enables it again: clear its source first.\n",
		.opts = CMD_OPT_TIMEOUT | CMD_OPT_UNMASK, .run = cmd_irq_wait,
	},
	{
		.name = "watch", .args = "REG|OFFSET [--interval MS] [--count N]",
		.summary = "sample a register, print its value and then every change",
		.help = "Reads REG (32-bit) every --interval milliseconds and prints\n"
			"'S.mmm NAME (0xOFFSET) = 0xVALUE' for its first value and for\n"
			"every change, S.mmm being the seconds since the watch started.\n"
			"A change that is undone within one interval goes unseen. Runs\n"
			"until SIGINT or SIGTERM (exit status 0), or until --count changes\n"
			"have been printed. Output is flushed after every line.\n",
		.nr_args = 1, .opts = CMD_OPT_INTERVAL | CMD_OPT_COUNT,
		.run = cmd_watch,
	},
};

/* "read", or "dma fill" for a command of a group. */
static const char *command_name(const struct command *cmd, char *buf,
				size_t size)
{
	if (!cmd->group)
		return cmd->name;

	snprintf(buf, size, "%s %s", cmd->group, cmd->name);
	return buf;
}

static bool is_group(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].group && !strcmp(commands[i].group, name))
			return true;

	return false;
}

/* group is NULL for a one-word command. */
static const struct command *find_command(const char *group,
					  const char *name)
{
	const struct command *cmd;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		cmd = &commands[i];
		if ((!group) != (!cmd->group))
			continue;
		if (group && strcmp(cmd->group, group))
			continue;
		if (!strcmp(cmd->name, name))
			return cmd;
	}

	return NULL;
}

/* An option given to a command that does not take it. */
static void NORETURN misplaced_option(const char *opt, unsigned int flag)
{
	char list[256], name[32];
	size_t i, n, nr = 0, len = 0;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (commands[i].opts & flag)
			nr++;

	list[0] = '\0';
	for (i = 0, n = 0; i < ARRAY_SIZE(commands) && len < sizeof(list);
	     i++) {
		if (!(commands[i].opts & flag))
			continue;
		n++;
		len += snprintf(list + len, sizeof(list) - len, "%s%s",
				n == 1 ? "" : n == nr ? " or " : ", ",
				command_name(&commands[i], name,
					     sizeof(name)));
	}

	usage_error("%s only goes after %s", opt, list);
}

static void print_commands(const char *group)
{
	char name[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (group && (!commands[i].group ||
			      strcmp(commands[i].group, group)))
			continue;
		printf("  %-11s %s\n",
		       command_name(&commands[i], name, sizeof(name)),
		       commands[i].summary);
	}
}

static void print_registers(void)
{
	static const char *const access[] = { "", "r", "w", "rw" };
	const char *acc;
	size_t i;

	printf("Registers (name, offset, access):\n");
	for (i = 0; i < ARRAY_SIZE(registers); i++) {
		acc = access[registers[i].access & PL061_ACC_RW];
		printf("  %-10s 0x%03lx %s", registers[i].name,
		       registers[i].offset, acc);
		if (i % 3 == 2 || i + 1 == ARRAY_SIZE(registers))
			printf("\n");
		else
			printf("%*s", 4 + 2 - (int)strlen(acc), "");
	}
}

static void print_help(void)
{
	printf("Usage: %s [OPTIONS] COMMAND [ARGS]\n", PROG_NAME);
	printf("\n");
	printf("Access the PL061 GPIO registers and the DMA buffer of %s\n",
	       DEFAULT_DEVICE);
	printf("through mmap(), and wait for the PL061's interrupts.\n");
	printf("\n");
	printf("Options:\n");
	printf("  -d, --device <path>\tdevice to use (default: %s)\n",
	       DEFAULT_DEVICE);
	printf("  -h, --help\t\tdisplay this help and exit\n");
	printf("\n");
	printf("Commands (see '%s COMMAND --help'):\n", PROG_NAME);
	print_commands(NULL);
	printf("\n");
	printf("REG is a register name (any case) or a byte offset into the\n");
	printf("register region (decimal, 0x hex or 0 octal) aligned to the\n");
	printf("access width. Reading a write-only or writing a read-only\n");
	printf("register is refused by name, not by offset.\n");
	printf("\n");
	printf("BYTES of --offset and --len count from the start of the DMA\n");
	printf("buffer (decimal, 0x hex or 0 octal); --len 0 means to the end.\n");
	printf("\n");
	printf("Environment:\n");
	printf("  MMIODEMO_DEBUGFS\twhere stats and maps look for debugfs\n");
	printf("\t\t\t(default: %s), e.g. a directory of test files\n",
	       DEBUGFS_DIR);
	printf("\n");
	print_registers();
	printf("\n");
	printf("Exit status: 0 ok, 1 failure, 2 bad usage.\n");
}

static void print_group_help(const char *group)
{
	printf("Usage: %s [OPTIONS] %s COMMAND [ARGS]\n", PROG_NAME, group);
	printf("\n");
	printf("Commands (see '%s %s COMMAND --help'):\n", PROG_NAME, group);
	print_commands(group);
}

static void print_command_help(const struct command *cmd)
{
	const char *name;
	char buf[32];

	name = command_name(cmd, buf, sizeof(buf));
	printf("Usage: %s [OPTIONS] %s %s\n", PROG_NAME, name, cmd->args);
	printf("\n");
	printf("%s: %s.\n", name, cmd->summary);
	if (cmd->help)
		printf("\n%s", cmd->help);
	printf("\n");
	printf("Options:\n");
	if (cmd->opts & CMD_OPT_WIDTH)
		printf("  -w, --width <bits>\t8, 16 or 32 (default: %u)\n",
		       DEFAULT_WIDTH);
	if (cmd->opts & CMD_OPT_FOR)
		printf("      --for <whom>\tdevice or cpu (default: device)\n");
	if (cmd->opts & CMD_OPT_OFFSET)
		printf("      --offset <bytes>\tstart of the range (default: 0)\n");
	if (cmd->opts & CMD_OPT_LEN)
		printf("      --len <bytes>\tlength of the range, 0: to the end (default: 0)\n");
	if (cmd->opts & CMD_OPT_TIMEOUT)
		printf("      --timeout <ms>\tgive up after MS milliseconds (default: wait forever)\n");
	if (cmd->opts & CMD_OPT_UNMASK)
		printf("      --unmask\t\tthen re-enable in IE the lines the driver masked\n");
	if (cmd->opts & CMD_OPT_INTERVAL)
		printf("      --interval <ms>\tsampling period, at least 1 (default: %u)\n",
		       DEFAULT_INTERVAL_MS);
	if (cmd->opts & CMD_OPT_COUNT)
		printf("      --count <n>\tstop after N changes (default: at SIGINT/SIGTERM)\n");
	if (cmd->opts & CMD_OPT_JSON)
		printf("      --json\t\tprint one JSON object instead of the table\n");
	if (cmd->opts & CMD_OPT_FB) {
		printf("  -w, --width <pixels>\t%u to %u (default: %u)\n",
		       MMIODEMO_FB_MIN, MMIODEMO_FB_MAX_WIDTH, FB_WIDTH);
		printf("      --height <lines>\t%u to %u (default: %u)\n",
		       MMIODEMO_FB_MIN, MMIODEMO_FB_MAX_HEIGHT, FB_HEIGHT);
		printf("      --stride <bytes>\tfrom a line to the next (default: width * 4)\n");
	}
	printf("  -h, --help\t\tdisplay this help and exit\n");
}

/*
 * Parse the global options when cmd is NULL, else the options of cmd, whose
 * name is argv[0]. Return the index of the first argument left.
 */
static int parse_options(int argc, char **argv, const struct command *cmd,
			 struct config *cfg)
{
	static const struct option longopts[] = {
		{ "device",	required_argument,	NULL,	'd' },
		{ "help",	no_argument,		NULL,	'h' },
		{ "width",	required_argument,	NULL,	'w' },
		{ "offset",	required_argument,	NULL,	OPT_OFFSET },
		{ "len",	required_argument,	NULL,	OPT_LEN },
		{ "for",	required_argument,	NULL,	OPT_FOR },
		{ "timeout",	required_argument,	NULL,	OPT_TIMEOUT },
		{ "unmask",	no_argument,		NULL,	OPT_UNMASK },
		{ "interval",	required_argument,	NULL,	OPT_INTERVAL },
		{ "count",	required_argument,	NULL,	OPT_COUNT },
		{ "json",	no_argument,		NULL,	OPT_JSON },
		{ "height",	required_argument,	NULL,	OPT_HEIGHT },
		{ "stride",	required_argument,	NULL,	OPT_STRIDE },
		{ NULL, 0, NULL, 0 },
	};
	/* the options only some commands take */
	static const struct {
		int optc;
		unsigned int flag;
		const char *name;
	} cmd_opts[] = {
		{ 'w',		CMD_OPT_WIDTH,	"--width" },
		{ OPT_OFFSET,	CMD_OPT_OFFSET,	"--offset" },
		{ OPT_LEN,	CMD_OPT_LEN,	"--len" },
		{ OPT_FOR,	CMD_OPT_FOR,	"--for" },
		{ OPT_TIMEOUT,	CMD_OPT_TIMEOUT,	"--timeout" },
		{ OPT_UNMASK,	CMD_OPT_UNMASK,	"--unmask" },
		{ OPT_INTERVAL,	CMD_OPT_INTERVAL,	"--interval" },
		{ OPT_COUNT,	CMD_OPT_COUNT,	"--count" },
		{ OPT_JSON,	CMD_OPT_JSON,	"--json" },
		{ OPT_HEIGHT,	CMD_OPT_FB,	"--height" },
		{ OPT_STRIDE,	CMD_OPT_FB,	"--stride" },
	};
	/*
	 * '+': stop at the command, its own options are parsed apart.
	 * ':': report a missing value as ':', not as '?'.
	 */
	const char *shortopts = cmd ? ":hw:" : "+:d:h";
	size_t i;
	int optc;

	opterr = 0;	/* our messages, prefixed as all the others */
	optind = 0;	/* restart getopt from argv[1] */
	for (;;) {
		optc = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (optc < 0)
			break;

		if (optc == 'd' && cmd)
			usage_error("--device must come before the command");
		for (i = 0; i < ARRAY_SIZE(cmd_opts); i++)
			if (optc == cmd_opts[i].optc &&
			    (!cmd || !(cmd->opts & cmd_opts[i].flag)) &&
			    !(optc == 'w' && cmd && cmd->opts & CMD_OPT_FB))
				misplaced_option(cmd_opts[i].name,
						 cmd_opts[i].flag);

		switch (optc) {
		case 'd':
			cfg->device = optarg;
			break;
		case 'w':
			if (cmd && cmd->opts & CMD_OPT_FB)
				cfg->fb_width = parse_dim("--width", optarg,
							  MMIODEMO_FB_MIN,
							  MMIODEMO_FB_MAX_WIDTH);
			else
				cfg->width = parse_width(optarg);
			break;
		case OPT_HEIGHT:
			cfg->fb_height = parse_dim("--height", optarg,
						   MMIODEMO_FB_MIN,
						   MMIODEMO_FB_MAX_HEIGHT);
			break;
		case OPT_STRIDE:
			cfg->fb_stride = parse_dim("--stride", optarg, 4,
						   UINT32_MAX);
			break;
		case OPT_OFFSET:
			cfg->offset = parse_bytes("--offset", optarg);
			break;
		case OPT_LEN:
			cfg->len = parse_bytes("--len", optarg);
			break;
		case OPT_FOR:
			cfg->for_cpu = parse_for(optarg);
			break;
		case OPT_TIMEOUT:
			cfg->timeout_ms = parse_ms("--timeout", optarg, 0);
			break;
		case OPT_UNMASK:
			cfg->unmask = true;
			break;
		case OPT_INTERVAL:
			cfg->interval_ms = parse_ms("--interval", optarg, 1);
			break;
		case OPT_COUNT:
			cfg->count = parse_count(optarg);
			break;
		case OPT_JSON:
			cfg->json = true;
			break;
		case 'h':
			if (cmd)
				print_command_help(cmd);
			else
				print_help();
			exit(EXIT_SUCCESS);
		case ':':
			usage_error("option '%s' needs a value",
				    argv[optind - 1]);
		case '?':
			/* --help=..., --unmask=... or --json=... */
			if (optopt == 'h' ||
			    optopt == OPT_UNMASK || optopt == OPT_JSON)
				usage_error("option '%s' takes no value",
					    argv[optind - 1]);
			if (optopt)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		default:
			abort();
		}
	}

	return optind;
}

/*
 * The command named by argv[0], or by argv[0] and argv[1] for a command of
 * a group. Set *words to the number of words it took.
 */
static const struct command *parse_command(int argc, char **argv,
					   int *words)
{
	const struct command *cmd;
	const char *group = argv[0];

	*words = 1;
	if (!is_group(group)) {
		cmd = find_command(NULL, argv[0]);
		if (!cmd)
			usage_error("unknown command '%s', try '%s --help'",
				    argv[0], PROG_NAME);
		return cmd;
	}

	if (argc < 2)
		usage_error("missing %s command, try '%s %s --help'", group,
			    PROG_NAME, group);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_group_help(group);
		exit(EXIT_SUCCESS);
	}
	if (argv[1][0] == '-')
		usage_error("'%s' must come after the %s command, try '%s %s --help'",
			    argv[1], group, PROG_NAME, group);

	cmd = find_command(group, argv[1]);
	if (!cmd)
		usage_error("unknown %s command '%s', try '%s %s --help'",
			    group, argv[1], PROG_NAME, group);
	*words = 2;
	return cmd;
}

int main(int argc, char **argv)
{
	struct config cfg = {
		.device = DEFAULT_DEVICE,
		.width = DEFAULT_WIDTH,
		.timeout_ms = -1,
		.interval_ms = DEFAULT_INTERVAL_MS,
	};
	const struct command *cmd;
	char name[32];
	int i;

	i = parse_options(argc, argv, NULL, &cfg);
	argc -= i;
	argv += i;

	if (argc < 1)
		usage_error("no command given, try '%s --help'", PROG_NAME);

	cmd = parse_command(argc, argv, &i);
	/* leave argv[0] on the command's last word, as getopt wants */
	argc -= i - 1;
	argv += i - 1;

	i = parse_options(argc, argv, cmd, &cfg);
	argc -= i;
	argv += i;

	if (argc < cmd->nr_args)
		usage_error("missing argument, usage: %s %s %s", PROG_NAME,
			    command_name(cmd, name, sizeof(name)), cmd->args);
	if (argc > cmd->nr_args)
		usage_error("unexpected argument '%s'", argv[cmd->nr_args]);

	cmd->run(&cfg, argv);

	if (fflush(stdout) == EOF)
		die_perror("unable to write the output");

	return EXIT_SUCCESS;
}
