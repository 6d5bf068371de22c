// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo - the debugging commands: stats, the driver's counters in
 * sysfs, and maps, the mapping audit's page-table walk of the device's
 * mappings.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tool.h"

void cmd_stats(const struct config *cfg, char **argv)
{
	const char *name = strrchr(cfg->device, '/');
	const char *const *names;
	char dir[320];
	struct stat st;
	uint64_t val;
	size_t i, nr;
	int n, err;

	(void)argv;

	/* the driver's misc device is named after its device node */
	name = name ? name + 1 : cfg->device;
	if (!*name)
		usage_error("device '%s' has no name to find its counters",
			    cfg->device);
	n = snprintf(dir, sizeof(dir), "/sys/class/misc/%s/stats", name);
	if (n < 0 || (size_t)n >= sizeof(dir))
		usage_error("sysfs path of device '%s' is too long", name);
	if (stat(dir, &st) < 0) {
		if (errno == ENOENT)
			die("%s does not exist: is the driver bound to a device named %s?",
			    dir, name);
		die_perror("unable to access %s", dir);
	}

	names = mmiodemo_counter_names(&nr);
	for (i = 0; i < nr; i++) {
		err = mmiodemo_counter(cfg->device, names[i], &val);
		if (err == -EIO)
			die("%s/%s does not hold a number", dir, names[i]);
		if (err)
			die_errno(-err, "unable to read %s/%s", dir, names[i]);
		if (cfg->json)
			printf("%s\"%s\": %llu", i ? ", " : "{", names[i],
			       (unsigned long long)val);
		else
			printf("%s %llu\n", names[i], (unsigned long long)val);
	}
	if (cfg->json)
		printf("%s}\n", nr ? "" : "{");
}

/*
 * The mapping audit's report of every mapping of every mmiodemo device
 * (mmiodemo-audit.ko, driver/mmiodemo-audit.c), in
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
			die("%s does not exist: is debugfs mounted on %s, and the audit module loaded (modprobe mmiodemo-audit)?",
			    path, mmiodemo_debugfs_dir());
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
	struct mmiodemo *md;

	name = name ? name + 1 : cfg->device;
	md = open_device(cfg->device, O_RDONLY);
	info = *mmiodemo_info(md);
	mmiodemo_close(md);

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

void cmd_maps(const struct config *cfg, char **argv)
{
	struct maps maps;
	char path[320];

	(void)argv;

	snprintf(path, sizeof(path), "%s/mmiodemo-audit/maps", mmiodemo_debugfs_dir());
	read_maps(path, &maps);
	maps_to_regions(cfg, &maps);

	if (cfg->json)
		print_maps_json(&maps);
	else
		print_maps_table(&maps);

	free_maps(&maps);
}
