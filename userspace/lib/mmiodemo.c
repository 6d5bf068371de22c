// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libmmiodemo: see libmmiodemo.h. Errors are returned as -errno, never
 * printed; nothing here exits.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmmiodemo.h"
#include "mmiodemo-stats.h"
#include "util.h"

#define DEBUGFS_DEFAULT "/sys/kernel/debug"
#define STATS_DIR "/sys/class/misc"

struct mmiodemo {
	int fd;
	int flags;		/* O_RDONLY or O_RDWR */
	char *path;
	struct mmiodemo_info info;
	void *map[MMIODEMO_MAX_REGIONS];	/* NULL: not mapped */
};

#define REG_DESC(_name, _off, _acc) { #_name, _off, _acc },
static const struct mmiodemo_reg_desc regs[] = { PL061_REGISTERS(REG_DESC) };

#define COUNTER_NAME(_name) #_name,
static const char *const counters[] = { MMIODEMO_COUNTERS(COUNTER_NAME) };

int mmiodemo_open(const char *path, int flags, struct mmiodemo **mdp)
{
	struct mmiodemo *md;
	unsigned int i;
	int err;

	*mdp = NULL;
	if ((flags & O_ACCMODE) != O_RDONLY && (flags & O_ACCMODE) != O_RDWR)
		return -EINVAL;
	md = calloc(1, sizeof(*md));
	if (!md)
		return -ENOMEM;
	md->path = strdup(path);
	md->flags = flags & O_ACCMODE;
	md->fd = open(path, flags | O_CLOEXEC);
	if (!md->path || md->fd < 0) {
		err = md->path ? -errno : -ENOMEM;
		goto fail;
	}
	if (ioctl(md->fd, MMIODEMO_IOC_INFO, &md->info) < 0) {
		err = -errno;
		goto fail;
	}
	if (md->info.nr_regions > MMIODEMO_MAX_REGIONS)
		md->info.nr_regions = MMIODEMO_MAX_REGIONS;
	for (i = 0; i < md->info.nr_regions; i++)	/* do not trust the NUL */
		md->info.regions[i].name[MMIODEMO_REGION_NAME_LEN - 1] = '\0';
	*mdp = md;
	return 0;
fail:
	if (md->fd >= 0)
		close(md->fd);
	free(md->path);
	free(md);
	return err;
}

void mmiodemo_close(struct mmiodemo *md)
{
	unsigned int i;

	if (!md)
		return;
	for (i = 0; i < MMIODEMO_MAX_REGIONS; i++)
		if (md->map[i])
			munmap(md->map[i], md->info.regions[i].size);
	close(md->fd);
	free(md->path);
	free(md);
}

int mmiodemo_fd(const struct mmiodemo *md)
{
	return md->fd;
}

const struct mmiodemo_info *mmiodemo_info(const struct mmiodemo *md)
{
	return &md->info;
}

const char *mmiodemo_name(const struct mmiodemo *md)
{
	const char *name = strrchr(md->path, '/');

	return name ? name + 1 : md->path;
}

const struct mmiodemo_region *mmiodemo_region(const struct mmiodemo *md,
					      unsigned int index)
{
	return index < md->info.nr_regions ? &md->info.regions[index] : NULL;
}

int mmiodemo_region_index(const struct mmiodemo *md, const char *name)
{
	unsigned int i;

	for (i = 0; i < md->info.nr_regions; i++)
		if (!strcmp(md->info.regions[i].name, name))
			return i;
	return -ENOENT;
}

int mmiodemo_map(struct mmiodemo *md, unsigned int index, int prot,
		 void **addr)
{
	const struct mmiodemo_region *r = mmiodemo_region(md, index);
	void *p;

	if (!r)
		return -ENOENT;
	if (!md->map[index]) {
		if (!(r->flags & MMIODEMO_REGION_F_MMAP))
			return -EOPNOTSUPP;
		p = mmap(NULL, r->size, prot, MAP_SHARED, md->fd,
			 (off_t)r->offset);
		if (p == MAP_FAILED)
			return -errno;
		md->map[index] = p;
	}
	*addr = md->map[index];
	return 0;
}

/* Is a @width-bit access at @offset of the register region valid? */
static int reg_check(const struct mmiodemo *md, unsigned int offset,
		     unsigned int width)
{
	const struct mmiodemo_region *r;

	r = mmiodemo_region(md, MMIODEMO_REGION_REGS);
	if (!r)
		return -ENOENT;
	if (width != 8 && width != 16 && width != 32)
		return -EINVAL;
	if (offset % (width / 8) || r->size < width / 8 ||
	    offset > r->size - width / 8)
		return -EINVAL;
	return 0;
}

/* The register mapping, mapped on first use; -EOPNOTSUPP if impossible. */
static int reg_map(struct mmiodemo *md, volatile uint8_t **base)
{
	int prot = PROT_READ, err;
	void *p;

	if (md->flags == O_RDWR)
		prot |= PROT_WRITE;
	err = mmiodemo_map(md, MMIODEMO_REGION_REGS, prot, &p);
	*base = p;
	return err;
}

int mmiodemo_reg_read(struct mmiodemo *md, unsigned int offset,
		      unsigned int width, uint32_t *value)
{
	struct mmiodemo_reg reg = { .offset = offset & ~3U, .width = 32 };
	volatile uint8_t *base;
	int err;

	err = reg_check(md, offset, width);
	if (err)
		return err;
	err = reg_map(md, &base);
	if (err == -EOPNOTSUPP) {
		if (ioctl(md->fd, MMIODEMO_IOC_REG_READ, &reg) < 0)
			return -errno;
		*value = width == 32 ? reg.value :
				       (reg.value >> (8 * (offset & 3))) &
					       ((1U << width) - 1);
		return 0;
	}
	if (err)
		return err;
	*value = mmiodemo_ioread(base, offset, width);
	return 0;
}

int mmiodemo_reg_write(struct mmiodemo *md, unsigned int offset,
		       unsigned int width, uint32_t value)
{
	struct mmiodemo_reg reg = {
		.offset = offset, .width = 32, .value = value,
	};
	volatile uint8_t *base;
	int err;

	err = reg_check(md, offset, width);
	if (err)
		return err;
	if (width < 32 && value >> width)
		return -EINVAL;
	if (md->flags != O_RDWR)
		return -EBADF;
	err = reg_map(md, &base);
	if (err == -EOPNOTSUPP) {
		if (width != 32)
			return -EOPNOTSUPP;
		return ioctl(md->fd, MMIODEMO_IOC_REG_WRITE, &reg) < 0 ? -errno :
									0;
	}
	if (err)
		return err;
	mmiodemo_iowrite(base, offset, width, value);
	return 0;
}

int mmiodemo_reg_update(struct mmiodemo *md, unsigned int offset,
			uint32_t mask, uint32_t value, uint32_t *old)
{
	struct mmiodemo_reg_update u = {
		.offset = offset, .mask = mask, .value = value,
	};

	if (value & ~mask)
		return -EINVAL;
	if (ioctl(md->fd, MMIODEMO_IOC_REG_UPDATE, &u) < 0)
		return -errno;
	if (old)
		*old = u.old;
	return 0;
}

const struct mmiodemo_reg_desc *mmiodemo_reg_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs); i++)
		if (!strcasecmp(regs[i].name, name))
			return &regs[i];
	return NULL;
}

const struct mmiodemo_reg_desc *mmiodemo_reg_by_offset(unsigned int offset)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(regs); i++)
		if (regs[i].offset == offset)
			return &regs[i];
	return NULL;
}

const struct mmiodemo_reg_desc *mmiodemo_regs(size_t *nr)
{
	*nr = ARRAY_SIZE(regs);
	return regs;
}

static int do_ioctl(struct mmiodemo *md, unsigned long cmd, void *arg)
{
	return ioctl(md->fd, cmd, arg) < 0 ? -errno : 0;
}

int mmiodemo_get_dirty(struct mmiodemo *md, uint64_t *bitmap,
		       uint32_t nr_pages, uint32_t *count)
{
	struct mmiodemo_dirty d = {
		.bitmap = (uintptr_t)bitmap, .nr_pages = nr_pages,
	};
	int err = do_ioctl(md, MMIODEMO_IOC_GET_DIRTY, &d);

	if (!err && count)
		*count = d.count;
	return err;
}

int mmiodemo_sync(struct mmiodemo *md, bool for_cpu, uint64_t offset,
		  uint64_t len, uint32_t *count)
{
	struct mmiodemo_sync s = { .offset = offset, .len = len };
	int err;

	err = do_ioctl(md, for_cpu ? MMIODEMO_IOC_SYNC_FOR_CPU :
				     MMIODEMO_IOC_SYNC_FOR_DEVICE, &s);
	if (!err && count)
		*count = s.count;
	return err;
}

int mmiodemo_load(struct mmiodemo *md, const char *name, uint64_t blob_offset,
		  uint64_t offset, uint64_t *len)
{
	struct mmiodemo_load l = {
		.blob_offset = blob_offset, .offset = offset, .len = *len,
	};
	int err;

	if (strlen(name) >= sizeof(l.name))
		return -ENAMETOOLONG;
	strcpy(l.name, name);
	err = do_ioctl(md, MMIODEMO_IOC_LOAD, &l);
	if (!err)
		*len = l.len;
	return err;
}

int mmiodemo_dma_run(struct mmiodemo *md, uint64_t offset, uint64_t *start,
		     uint64_t *len)
{
	struct mmiodemo_dma_run r = { .offset = offset };
	int ret = do_ioctl(md, MMIODEMO_IOC_DMA_RUN, &r);

	if (ret)
		return ret;
	*start = r.offset;
	*len = r.len;
	return 0;
}

int mmiodemo_fb_show(struct mmiodemo *md, const struct mmiodemo_fb *fb)
{
	struct mmiodemo_fb f = *fb;

	return do_ioctl(md, MMIODEMO_IOC_FB_SHOW, &f);
}

int mmiodemo_fb_off(struct mmiodemo *md)
{
	return do_ioctl(md, MMIODEMO_IOC_FB_OFF, NULL);
}

int mmiodemo_event_wait(struct mmiodemo *md, int timeout_ms)
{
	struct pollfd p = { .fd = md->fd, .events = POLLIN };
	int n = poll(&p, 1, timeout_ms);

	if (n < 0)
		return -errno;
	if (!n)
		return 0;
	if (p.revents & (POLLERR | POLLHUP))
		return -ENODEV;
	return 1;
}

int mmiodemo_event_read(struct mmiodemo *md, struct mmiodemo_event *ev)
{
	ssize_t n = read(md->fd, ev, sizeof(*ev));

	if (n < 0)
		return -errno;
	return n == sizeof(*ev) ? 0 : -EIO;
}

int mmiodemo_irq_unmask(struct mmiodemo *md, uint32_t lines)
{
	return do_ioctl(md, MMIODEMO_IOC_IRQ_UNMASK, &lines);
}

int mmiodemo_irq_held(struct mmiodemo *md, uint32_t *lines)
{
	return do_ioctl(md, MMIODEMO_IOC_IRQ_HELD, lines);
}

const char *mmiodemo_debugfs_dir(void)
{
	const char *dir = getenv("MMIODEMO_DEBUGFS");

	return dir && *dir ? dir : DEBUGFS_DEFAULT;
}

const char *const *mmiodemo_counter_names(size_t *nr)
{
	*nr = ARRAY_SIZE(counters);
	return counters;
}

int mmiodemo_counter(const char *device, const char *name, uint64_t *val)
{
	const char *node = strrchr(device, '/');
	char path[512], buf[32] = "", *end;
	size_t i;
	int fd;
	ssize_t n;

	for (i = 0; i < ARRAY_SIZE(counters) && strcmp(counters[i], name); i++)
		;
	if (i == ARRAY_SIZE(counters))
		return -ENOENT;
	if (snprintf(path, sizeof(path), STATS_DIR "/%s/stats/%s",
		     node ? node + 1 : device, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	i = errno;
	close(fd);
	if (n < 0)
		return -(int)i;
	errno = 0;
	*val = strtoull(buf, &end, 10);
	if (!isdigit((unsigned char)buf[0]) || errno ||
	    (*end && strcmp(end, "\n")))
		return -EIO;
	return 0;
}
