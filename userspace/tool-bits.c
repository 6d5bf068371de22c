// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo - BITS arguments of set, clear and modify: a number (the bit
 * mask itself), or, for the registers with one bit per GPIO line, a
 * comma-separated list of line numbers (0-7) and line names. The names are
 * the DT's gpio-line-names, as the GPIO character device of the device's
 * gpiochip (labelled with the device's name, e.g. "mmiodemo") reports them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/gpio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tool.h"

/* The registers whose bit N is GPIO line N. */
static const char *const line_regs[] = {
	"DATA", "DIR", "IS", "IBE", "IEV", "IE", "RIS", "MIS", "IC", "AFSEL",
};

static bool has_line_bits(const struct reg_arg *arg)
{
	size_t i;

	for (i = 0; arg->reg && i < ARRAY_SIZE(line_regs); i++)
		if (!strcmp(arg->reg->name, line_regs[i]))
			return true;
	return false;
}

/*
 * The names of the lines of the gpiochip labelled @label, from
 * GPIO_V2_GET_LINEINFO_IOCTL: "" for a line without one. Return: 0, or
 * -ENOENT if no gpiochip has that label.
 */
static int line_names(const char *label,
		      char names[PL061_NR_LINES][GPIO_MAX_NAME_SIZE])
{
	struct gpio_v2_line_info li;
	struct gpiochip_info ci;
	char path[300];
	struct dirent *de;
	int fd, ret = -ENOENT;
	unsigned int i;
	DIR *dir;

	dir = opendir("/dev");
	if (!dir)
		return -errno;
	while (ret && (de = readdir(dir))) {
		if (strncmp(de->d_name, "gpiochip", 8))
			continue;
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(&ci, 0, sizeof(ci));
		if (!ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, &ci) &&
		    !strncmp(ci.label, label, sizeof(ci.label))) {
			for (i = 0; i < PL061_NR_LINES; i++) {
				memset(&li, 0, sizeof(li));
				li.offset = i;
				names[i][0] = '\0';
				if (i < ci.lines &&
				    !ioctl(fd, GPIO_V2_GET_LINEINFO_IOCTL, &li))
					snprintf(names[i], GPIO_MAX_NAME_SIZE,
						 "%s", li.name);
			}
			ret = 0;
		}
		close(fd);
	}
	closedir(dir);
	return ret;
}

/* A name matching nothing: list the valid ones. */
static void NORETURN bad_name(const char *name, const char *label,
			      char names[PL061_NR_LINES][GPIO_MAX_NAME_SIZE])
{
	char list[PL061_NR_LINES * (GPIO_MAX_NAME_SIZE + 2)] = "";
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < PL061_NR_LINES; i++)
		if (names[i][0])
			len += snprintf(list + len, sizeof(list) - len, "%s%s",
					len ? ", " : "", names[i]);
	usage_error("no line of %s is named '%s': the lines are 0 to %u%s%s",
		    label, name, PL061_NR_LINES - 1,
		    len ? ", and the names " : " (none has a name)", list);
}

uint32_t parse_bits(const struct config *cfg, const struct reg_arg *arg,
		    const char *str)
{
	char names[PL061_NR_LINES][GPIO_MAX_NAME_SIZE];
	const char *label = strrchr(cfg->device, '/');
	bool have_names = false;
	char *copy, *item, *save;
	unsigned long line;
	uint32_t bits = 0;
	unsigned int i;
	int err;

	if (!strchr(str, ',') && (str[0] == '-' || parse_number(str, &line)))
		return parse_value(str, 32);
	if (!has_line_bits(arg))
		usage_error("'%s' is not a number, and only DATA, DIR, IS, IBE, IEV, IE, RIS, MIS, IC and AFSEL have bits named after lines",
			    str);

	label = label ? label + 1 : cfg->device;
	copy = strdup(str);
	if (!copy)
		die("out of memory");
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		if (parse_number(item, &line)) {
			if (line >= PL061_NR_LINES)
				usage_error("line %s does not exist: the lines are 0 to %u",
					    item, PL061_NR_LINES - 1);
			bits |= 1U << line;
			continue;
		}
		if (!have_names) {
			err = line_names(label, names);
			if (err)
				die_errno(-err, "no gpiochip labelled %s to look up line '%s'",
					  label, item);
			have_names = true;
		}
		for (i = 0; i < PL061_NR_LINES; i++)
			if (names[i][0] && !strcmp(names[i], item))
				break;
		if (i == PL061_NR_LINES)
			bad_name(item, label, names);
		bits |= 1U << i;
	}
	free(copy);
	if (!bits)
		usage_error("'%s' names no line", str);
	return bits;
}
