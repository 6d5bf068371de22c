// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo - the DMA buffer commands (dma fill, verify, dump, load, dirty,
 * sync) and the framebuffer ones (fb draw, show, off).
 *
 * The DMA buffer is Normal memory, which plain loads and stores (memset()
 * included) may touch as they like. The driver logs the pages written to
 * it; dma dirty reads and clears that log (MMIODEMO_IOC_GET_DIRTY) and
 * dma sync hands written pages to the device or back to the CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tool.h"

/* The DMA buffer, mapped whole. */
struct dma_map {
	struct mmiodemo *md;
	const struct mmiodemo_region *region;
	uint8_t *base;
};

/* A PATTERN argument of dma fill and dma verify. */
struct pattern {
	bool by_offset;		/* "offset": the byte depends on its offset */
	uint8_t byte;		/* else every byte is this one */
};

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

static const struct mmiodemo_region *dma_region(const struct config *cfg,
						struct mmiodemo *md)
{
	const struct mmiodemo_region *r;

	r = mmiodemo_region(md, MMIODEMO_REGION_DMA);
	if (!r)
		die("%s has no DMA buffer", cfg->device);
	return r;
}

/* Map the whole DMA buffer, for plain loads (and stores if writable). */
static void map_dma(const struct config *cfg, bool writable,
		    struct dma_map *map)
{
	const struct mmiodemo_region *r;
	int prot = PROT_READ, err;
	void *base;

	map->md = open_device(cfg->device, writable ? O_RDWR : O_RDONLY);
	r = dma_region(cfg, map->md);

	if (!r->size)
		die("region \"%s\" is empty", r->name);
	if (!(r->flags & MMIODEMO_REGION_F_MMAP))
		die("cannot map region \"%s\": 0x%llx bytes is not whole %u-byte pages",
		    r->name, (unsigned long long)r->size,
		    mmiodemo_info(map->md)->page_size);
	/* memset() and the byte loops below would fault on Device memory */
	if (r->caching != MMIODEMO_CACHING_WRITEBACK)
		die("region \"%s\" is not cached memory (caching %u)", r->name,
		    r->caching);
	if (writable && !(r->flags & MMIODEMO_REGION_F_WRITE))
		die("region \"%s\" is not writable", r->name);
	if (writable)
		prot |= PROT_WRITE;

	err = mmiodemo_map(map->md, MMIODEMO_REGION_DMA, prot, &base);
	if (err)
		die_errno(-err, "mmap of region \"%s\" failed", r->name);
	map->base = base;
	map->region = r;
}

static void unmap_dma(struct dma_map *map)
{
	mmiodemo_close(map->md);
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

void cmd_dma_fill(const struct config *cfg, char **argv)
{
	unsigned long long o, start, end;
	struct pattern pat;
	struct dma_map map;

	parse_pattern(argv[0], &pat);

	map_dma(cfg, true, &map);
	dma_range(cfg, map.region->size, &start, &end);
	if (pat.by_offset) {
		for (o = start; o < end; o++)
			map.base[o] = pattern_byte(&pat, o);
	} else {
		memset(map.base + start, pat.byte, end - start);
	}
	unmap_dma(&map);
}

void cmd_dma_verify(const struct config *cfg, char **argv)
{
	unsigned long long o, start, end;
	struct pattern pat;
	struct dma_map map;
	uint8_t expected;

	parse_pattern(argv[0], &pat);

	map_dma(cfg, false, &map);
	dma_range(cfg, map.region->size, &start, &end);
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
void cmd_dma_dump(const struct config *cfg, char **argv)
{
	unsigned long long start, end;
	struct dma_map map;
	ssize_t n;

	(void)argv;

	map_dma(cfg, false, &map);
	dma_range(cfg, map.region->size, &start, &end);
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
void cmd_dma_load(const struct config *cfg, char **argv)
{
	size_t max = sizeof(((struct mmiodemo_load *)NULL)->name) - 1;
	const char *name = argv[0];
	uint64_t len = cfg->len;
	struct mmiodemo *md;
	int err;

	if (!name[0] || strlen(name) > max)
		usage_error("file name '%s' must be 1 to %zu bytes", name, max);

	md = open_device(cfg->device, O_RDWR);
	err = -mmiodemo_load(md, name, 0, cfg->offset, &len);
	if (err) {
		if (err == ENOENT)
			die("the device has no file '%s'", name);
		if (err == EINVAL)
			die("cannot load '%s' at offset 0x%llx len 0x%llx%s: %s (the range must lie inside the file and the buffer)",
			    name, cfg->offset, cfg->len,
			    cfg->len ? "" : " (the whole file)", strerror(err));
		if (err == EOPNOTSUPP)
			die("%s has no DMA engine (its node has no fw-cfg reg)",
			    cfg->device);
		die("cannot load '%s': %s", name, strerror(err));
	}
	mmiodemo_close(md);
	printf("loaded %llu bytes of '%s' at offset 0x%llx\n",
	       (unsigned long long)len, name, cfg->offset);
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
void cmd_fb_draw(const struct config *cfg, char **argv)
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
	if (fb.offset > map.region->size ||
	    (unsigned long long)fb.stride * fb.height > map.region->size - fb.offset)
		usage_error("a %ux%u framebuffer, stride %u, at offset 0x%llx does not fit in the 0x%llx-byte DMA buffer",
			    fb.width, fb.height, fb.stride,
			    (unsigned long long)fb.offset,
			    (unsigned long long)map.region->size);
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

void cmd_fb_show(const struct config *cfg, char **argv)
{
	struct mmiodemo_fb fb = fb_of(cfg);
	struct mmiodemo *md;
	int err;

	(void)argv;

	md = open_device(cfg->device, O_RDWR);
	err = -mmiodemo_fb_show(md, &fb);
	if (err) {
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
	mmiodemo_close(md);
	printf("scanning out %ux%u XRGB8888, stride %u, from offset 0x%llx\n",
	       fb.width, fb.height, fb.stride, (unsigned long long)fb.offset);
}

void cmd_fb_off(const struct config *cfg, char **argv)
{
	struct mmiodemo *md;
	int err;

	(void)argv;

	md = open_device(cfg->device, O_RDWR);
	err = mmiodemo_fb_off(md);
	if (err)
		die_errno(-err, "cannot stop the scan-out of %s", cfg->device);
	mmiodemo_close(md);
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

void cmd_dma_dirty(const struct config *cfg, char **argv)
{
	const struct mmiodemo_region *r;
	unsigned long long nr_pages, i, n;
	unsigned int page_size;
	struct mmiodemo *md;
	uint32_t count;
	uint64_t *bitmap;
	int err;

	(void)argv;

	md = open_device(cfg->device, O_RDWR);
	r = dma_region(cfg, md);
	page_size = mmiodemo_info(md)->page_size;
	if (!r->size)
		die("region \"%s\" is empty", r->name);
	if (!page_size)
		die("%s reports a page size of 0", cfg->device);

	nr_pages = DIV_ROUND_UP(r->size, page_size);
	if (nr_pages > UINT32_MAX)
		die("region \"%s\" has too many pages (%llu)", r->name,
		    nr_pages);
	bitmap = calloc(DIV_ROUND_UP(nr_pages, 64), sizeof(*bitmap));
	if (!bitmap)
		die_perror("unable to allocate a bitmap of %llu pages",
			   nr_pages);

	err = mmiodemo_get_dirty(md, bitmap, nr_pages, &count);
	if (err)
		die_errno(-err, "MMIODEMO_IOC_GET_DIRTY on %s failed",
			  cfg->device);
	mmiodemo_close(md);

	if (cfg->json) {
		printf("{\"count\": %u, \"pages\": [", count);
		for (i = 0, n = 0; i < nr_pages; i++)
			if (bitmap[i / 64] >> (i % 64) & 1)
				printf("%s%llu", n++ ? ", " : "", i);
		printf("]}\n");
	} else {
		printf("dirty pages: %u\n", count);
		if (count)
			print_pages(bitmap, nr_pages);
	}
	free(bitmap);
}

void cmd_dma_runs(const struct config *cfg, char **argv)
{
	const struct mmiodemo_region *r;
	uint64_t offset, start, len;
	struct mmiodemo *md;
	int err;

	(void)argv;

	md = open_device(cfg->device, O_RDONLY);
	r = dma_region(cfg, md);
	if (cfg->json)
		printf("[");
	for (offset = 0; offset < r->size; offset = start + len) {
		err = mmiodemo_dma_run(md, offset, &start, &len);
		if (err)
			die_errno(-err, "MMIODEMO_IOC_DMA_RUN of offset %#llx on %s failed",
				  (unsigned long long)offset, cfg->device);
		if (cfg->json)
			printf("%s{\"offset\": %llu, \"len\": %llu}",
			       offset ? ", " : "", (unsigned long long)start,
			       (unsigned long long)len);
		else
			printf("offset 0x%llx len 0x%llx\n",
			       (unsigned long long)start,
			       (unsigned long long)len);
	}
	if (cfg->json)
		printf("]\n");
	mmiodemo_close(md);
}

void cmd_dma_sync(const struct config *cfg, char **argv)
{
	const char *whom = cfg->for_cpu ? "CPU" : "device";
	const struct mmiodemo_region *r;
	struct mmiodemo *md;
	uint32_t count;
	int err;

	(void)argv;

	md = open_device(cfg->device, O_RDWR);
	r = dma_region(cfg, md);

	err = -mmiodemo_sync(md, cfg->for_cpu, cfg->offset, cfg->len, &count);
	if (err) {
		if (err == EINVAL)
			die("cannot sync offset 0x%llx len 0x%llx%s for the %s: %s (the range must be whole %u-byte pages inside the 0x%llx-byte buffer)",
			    cfg->offset, cfg->len,
			    cfg->len ? "" : " (to the end)", whom,
			    strerror(err), mmiodemo_info(md)->page_size,
			    (unsigned long long)r->size);
		die("cannot sync offset 0x%llx len 0x%llx%s for the %s: %s",
		    cfg->offset, cfg->len, cfg->len ? "" : " (to the end)",
		    whom, strerror(err));
	}
	mmiodemo_close(md);

	printf("synced %u pages for the %s\n", count, whom);
}

