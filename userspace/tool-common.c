// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo - what every command uses: the die helpers (exit status 1 for a
 * failure, 2 for a usage error), the parsers of numbers, registers, widths
 * and options' values, JSON strings, and opening the device.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tool.h"

/* Print "mmiodemo: <message>[: <strerror(err)>]". */
static void vprint_error(int err, const char *fmt, va_list va)
{
	fprintf(stderr, "%s: ", PROG_NAME);
	vfprintf(stderr, fmt, va);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

void NORETURN PRINTF(1, 2) die(const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	vprint_error(0, fmt, va);
	va_end(va);

	exit(EXIT_FAILURE);
}

void NORETURN PRINTF(1, 2) die_perror(const char *fmt, ...)
{
	int err = errno;
	va_list va;

	va_start(va, fmt);
	vprint_error(err, fmt, va);
	va_end(va);

	exit(EXIT_FAILURE);
}

void NORETURN PRINTF(2, 3) die_errno(int err, const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	vprint_error(err, fmt, va);
	va_end(va);

	exit(EXIT_FAILURE);
}

void NORETURN PRINTF(1, 2) usage_error(const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	vprint_error(0, fmt, va);
	va_end(va);

	exit(EXIT_USAGE);
}

bool parse_number(const char *str, unsigned long *val)
{
	char *end;

	/* strtoul() would take leading blanks and a minus sign: refuse them */
	if (!isdigit((unsigned char)str[0]))
		return false;

	errno = 0;
	*val = strtoul(str, &end, 0);

	return !errno && !*end;
}

/* A register name that matches nothing: list the valid ones. */
static void NORETURN bad_reg(const char *str)
{
	const struct mmiodemo_reg_desc *regs;
	char list[512] = "";
	size_t i, nr, len = 0;

	regs = mmiodemo_regs(&nr);
	for (i = 0; i < nr && len < sizeof(list); i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%s",
				i ? ", " : "", regs[i].name);
	usage_error("'%s' is neither a register name nor an offset; the registers: %s",
		    str, list);
}

/* access is the access the command needs: refuse names that lack it. */
void parse_reg(const char *str, unsigned int access, struct reg_arg *arg)
{
	arg->reg = mmiodemo_reg_by_name(str);
	if (arg->reg) {
		if (!(arg->reg->access & access))
			usage_error("register %s is %s", arg->reg->name,
				    access == PL061_ACC_R ? "write-only" :
							    "read-only");
		arg->offset = arg->reg->offset;
		return;
	}

	if (!parse_number(str, &arg->offset))
		bad_reg(str);
	arg->reg = mmiodemo_reg_by_offset(arg->offset);
}

unsigned int parse_width(const char *str)
{
	if (!strcmp(str, "8"))
		return 8;
	if (!strcmp(str, "16"))
		return 16;
	if (!strcmp(str, "32"))
		return 32;

	usage_error("invalid width '%s': must be 8, 16 or 32", str);
}

uint32_t parse_value(const char *str, unsigned int width)
{
	uint32_t max = width == 32 ? UINT32_MAX : (1U << width) - 1;
	unsigned long val;

	if (str[0] == '-')
		usage_error("value '%s' is negative: a register takes 0 to 0x%x",
			    str, max);
	if (!parse_number(str, &val))
		usage_error("invalid value '%s'", str);
	if (val > max)
		usage_error("value %s does not fit in %u bits", str, width);

	return val;
}

/* A byte count or offset of option opt, e.g. "--len". */
unsigned long long parse_bytes(const char *opt, const char *str)
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
int parse_ms(const char *opt, const char *str, unsigned long min)
{
	unsigned long val;

	if (!parse_number(str, &val) || val < min || val > INT_MAX)
		usage_error("invalid %s '%s': must be a number of milliseconds, %lu to %d",
			    opt, str, min, INT_MAX);

	return val;
}

unsigned long parse_count(const char *str)
{
	unsigned long val;

	if (!parse_number(str, &val) || !val)
		usage_error("invalid --count '%s': must be a number of changes, at least 1",
			    str);

	return val;
}

/* A framebuffer dimension: --width, --height or --stride. */
unsigned long parse_dim(const char *opt, const char *str, unsigned long min,
			unsigned long max)
{
	unsigned long val;

	if (!parse_number(str, &val) || val < min || val > max)
		usage_error("invalid %s '%s': must be %lu to %lu", opt, str,
			    min, max);
	return val;
}

bool parse_for(const char *str)
{
	if (!strcmp(str, "device"))
		return false;
	if (!strcmp(str, "cpu"))
		return true;

	usage_error("invalid --for '%s': must be device or cpu", str);
}

/* str as a JSON string: quoted, every byte but printable ASCII escaped. */
void print_json_string(const char *str)
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

unsigned long long monotonic_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		die_perror("clock_gettime(CLOCK_MONOTONIC) failed");

	return (unsigned long long)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* Open the device and read its INFO, or die. */
struct mmiodemo *open_device(const char *path, int flags)
{
	struct mmiodemo *md;
	int err;

	err = mmiodemo_open(path, flags, &md);
	if (err == -ENOTTY)
		die_errno(-err, "MMIODEMO_IOC_INFO on %s failed", path);
	if (err)
		die_errno(-err, "unable to open %s", path);
	return md;
}
