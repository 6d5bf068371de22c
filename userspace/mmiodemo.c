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
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

#include "mmiodemo-regs.h"
#include "mmiodemo.h"

#define PROG_NAME	"mmiodemo"
#define DEFAULT_DEVICE	"/dev/mmiodemo"
#define DEFAULT_WIDTH	32
#define EXIT_USAGE	2

#define ARRAY_SIZE(x)	(sizeof(x) / sizeof((x)[0]))
#define NORETURN	__attribute__((noreturn))
#define PRINTF(fmt, arg) __attribute__((format(printf, fmt, arg)))

struct config {
	const char *device;
	unsigned int width;
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

struct command {
	const char *name;
	const char *args;
	const char *summary;
	int nr_args;
	bool has_width;
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

static uint32_t reg_read(const volatile void *map, unsigned long offset,
			 unsigned int width)
{
	const volatile uint8_t *addr = (const volatile uint8_t *)map + offset;

	switch (width) {
	case 8:
		return *addr;
	case 16:
		return *(const volatile uint16_t *)addr;
	default:
		return *(const volatile uint32_t *)addr;
	}
}

static void reg_write(volatile void *map, unsigned long offset,
		      unsigned int width, uint32_t value)
{
	volatile uint8_t *addr = (volatile uint8_t *)map + offset;

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

	if (!(r->flags & MMIODEMO_REGION_F_MMAP))
		die("cannot map region \"%s\": 0x%llx bytes is not whole %u-byte pages",
		    r->name, (unsigned long long)r->size, info.page_size);
	if (writable && !(r->flags & MMIODEMO_REGION_F_WRITE))
		die("region \"%s\" is not writable", r->name);
	if (writable)
		prot |= PROT_WRITE;

	map->base = mmap(NULL, r->size, prot, MAP_SHARED, map->fd,
			 (off_t)r->offset);
	if (map->base == MAP_FAILED)
		die_perror("mmap of region \"%s\" failed", r->name);
	map->region = *r;
}

static void unmap_regs(struct regs_map *map)
{
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

static const char *memtype_name(unsigned int memtype)
{
	static const char *const names[] = {
		[MMIODEMO_MEMTYPE_DEVICE_NGNRNE]	= "Device-nGnRnE",
		[MMIODEMO_MEMTYPE_DEVICE_NGNRE]		= "Device-nGnRE",
		[MMIODEMO_MEMTYPE_NORMAL_NC]		= "Normal-NC",
		[MMIODEMO_MEMTYPE_NORMAL]		= "Normal",
	};

	return memtype < ARRAY_SIZE(names) ? names[memtype] : NULL;
}

static void cmd_info(const struct config *cfg, char **argv)
{
	const struct mmiodemo_region *r;
	struct mmiodemo_info info;
	const char *memtype;
	unsigned int i;
	int fd;

	(void)argv;

	fd = open_device(cfg->device, O_RDONLY);
	get_info(fd, cfg->device, &info);
	close(fd);

	printf("uAPI version: %u\n", info.version);
	printf("page size: %u (0x%x)\n", info.page_size, info.page_size);

	for (i = 0; i < info.nr_regions; i++) {
		r = &info.regions[i];
		printf("region %u \"%s\": offset 0x%llx, size 0x%llx (%llu bytes), flags ",
		       i, r->name, (unsigned long long)r->offset,
		       (unsigned long long)r->size,
		       (unsigned long long)r->size);
		print_flags(r->flags);
		memtype = memtype_name(r->memtype);
		if (memtype)
			printf(", memtype %s\n", memtype);
		else
			printf(", memtype unknown (%u)\n", r->memtype);
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
	value = reg_read(map.base, arg.offset, cfg->width);
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
	reg_write(map.base, arg.offset, cfg->width, value);
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
		value = reg_read(map.base, arg.offset, 32);
		print_reg(&arg, 32, value);
	}

	unmap_regs(&map);
}

static const struct command commands[] = {
	{ "info", "", "show the regions of the device's mmap space",
	  0, false, cmd_info },
	{ "read", "REG|OFFSET [--width 8|16|32]",
	  "read a register, print NAME (0xOFFSET) = 0xVALUE",
	  1, true, cmd_read },
	{ "write", "REG|OFFSET VALUE [--width 8|16|32]",
	  "write VALUE to a register", 2, true, cmd_write },
	{ "dump", "", "print every readable named register (32-bit)",
	  0, false, cmd_dump },
};

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];

	return NULL;
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
	size_t i;

	printf("Usage: %s [OPTIONS] COMMAND [ARGS]\n", PROG_NAME);
	printf("\n");
	printf("Access the PL061 GPIO registers of %s through mmap().\n",
	       DEFAULT_DEVICE);
	printf("\n");
	printf("Options:\n");
	printf("  -d, --device <path>\tdevice to use (default: %s)\n",
	       DEFAULT_DEVICE);
	printf("  -h, --help\t\tdisplay this help and exit\n");
	printf("\n");
	printf("Commands (see '%s COMMAND --help'):\n", PROG_NAME);
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		printf("  %-6s %s\n", commands[i].name, commands[i].summary);
	printf("\n");
	printf("REG is a register name (any case) or a byte offset into the\n");
	printf("register region (decimal, 0x hex or 0 octal) aligned to the\n");
	printf("access width. Reading a write-only or writing a read-only\n");
	printf("register is refused by name, not by offset.\n");
	printf("\n");
	print_registers();
	printf("\n");
	printf("Exit status: 0 ok, 1 failure, 2 bad usage.\n");
}

static void print_command_help(const struct command *cmd)
{
	printf("Usage: %s [OPTIONS] %s %s\n", PROG_NAME, cmd->name, cmd->args);
	printf("\n");
	printf("%s: %s.\n", cmd->name, cmd->summary);
	printf("\n");
	printf("Options:\n");
	if (cmd->has_width)
		printf("  -w, --width <bits>\t8, 16 or 32 (default: %u)\n",
		       DEFAULT_WIDTH);
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
		{ NULL, 0, NULL, 0 },
	};
	/*
	 * '+': stop at the command, its own options are parsed apart.
	 * ':': report a missing value as ':', not as '?'.
	 */
	const char *shortopts = cmd ? ":hw:" : "+:d:h";
	int optc;

	opterr = 0;	/* our messages, prefixed as all the others */
	optind = 0;	/* restart getopt from argv[1] */
	for (;;) {
		optc = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (optc < 0)
			break;

		if (optc == 'd' && cmd)
			usage_error("--device must come before the command");
		if (optc == 'w' && (!cmd || !cmd->has_width))
			usage_error("--width only goes after read or write");

		switch (optc) {
		case 'd':
			cfg->device = optarg;
			break;
		case 'w':
			cfg->width = parse_width(optarg);
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
			if (optopt == 'h')	/* --help=... */
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

int main(int argc, char **argv)
{
	struct config cfg = {
		.device = DEFAULT_DEVICE,
		.width = DEFAULT_WIDTH,
	};
	const struct command *cmd;
	int i;

	i = parse_options(argc, argv, NULL, &cfg);
	argc -= i;
	argv += i;

	if (argc < 1)
		usage_error("no command given, try '%s --help'", PROG_NAME);

	cmd = find_command(argv[0]);
	if (!cmd)
		usage_error("unknown command '%s', try '%s --help'", argv[0],
			    PROG_NAME);

	i = parse_options(argc, argv, cmd, &cfg);
	argc -= i;
	argv += i;

	if (argc < cmd->nr_args)
		usage_error("missing argument, usage: %s %s %s", PROG_NAME,
			    cmd->name, cmd->args);
	if (argc > cmd->nr_args)
		usage_error("unexpected argument '%s'", argv[cmd->nr_args]);

	cmd->run(&cfg, argv);

	if (fflush(stdout) == EOF)
		die_perror("unable to write the output");

	return EXIT_SUCCESS;
}
