// SPDX-License-Identifier: GPL-2.0-only
/*
 * A real bus master for mmiodemo's DMA buffer: QEMU's fw_cfg device, whose
 * DMA interface copies a host file into guest memory at the bus address
 * the driver gives it. The node's second "reg" entry ("fw-cfg") is the
 * fw_cfg block; the overlay disables QEMU's own fw-cfg node so that one
 * driver owns it (qemu_fw_cfg would take the same registers).
 *
 * Registers (QEMU docs/specs/fw_cfg.rst): data at 0x0 (a byte stream),
 * the selector at 0x8 (big-endian 16 bits), the DMA address at 0x10 (high
 * half) and 0x14 (low half, the write that starts the transfer), both
 * big-endian. A transfer is described by a FWCfgDmaAccess in memory the
 * device reads; the device clears its control word when done.
 *
 * QEMU's ramfb is configured through the fw_cfg file "etc/ramfb", written
 * by a DMA transfer: from then on it scans out guest memory at the
 * address written there, for as long as QEMU runs.
 */

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mmiodemo-priv.h"

#define FW_CFG_DATA 0x00
#define FW_CFG_SELECTOR 0x08
#define FW_CFG_DMA_HI 0x10
#define FW_CFG_DMA_LO 0x14
#define FW_CFG_SIZE 0x18

#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_ID 0x0001
#define FW_CFG_FILE_DIR 0x0019
#define FW_CFG_VERSION_DMA BIT(1)

#define FW_CFG_DMA_CTL_ERROR BIT(0)
#define FW_CFG_DMA_CTL_READ BIT(1)
#define FW_CFG_DMA_CTL_SKIP BIT(2)
#define FW_CFG_DMA_CTL_SELECT BIT(3)
#define FW_CFG_DMA_CTL_WRITE BIT(4)

/* A transfer, as the device reads it: all big-endian. */
struct mmiodemo_fwcfg_dma {
	__be32 control;
	__be32 length;
	__be64 address;
} __packed;

/* The configuration of ramfb, as the device reads it: big-endian. */
struct mmiodemo_ramfb_cfg {
	__be64 addr;
	__be32 fourcc;
	__be32 flags;
	__be32 width;
	__be32 height;
	__be32 stride;
} __packed;

/* What the device reads from the driver: in one coherent allocation. */
struct mmiodemo_fwcfg_desc {
	struct mmiodemo_fwcfg_dma dma;
	struct mmiodemo_ramfb_cfg fb;
} __packed;

#define MMIODEMO_RAMFB_FILE "etc/ramfb"

/* One entry of the file directory. */
struct mmiodemo_fwcfg_file {
	__be32 size;
	__be16 select;
	__be16 reserved;
	char name[MMIODEMO_BLOB_NAME_LEN];
} __packed;

static void mmiodemo_fwcfg_select(struct mmiodemo_fwcfg *fc, u16 key)
{
	iowrite16be(key, fc->base + FW_CFG_SELECTOR);
}

static void mmiodemo_fwcfg_read(struct mmiodemo_fwcfg *fc, void *buf,
				size_t len)
{
	ioread8_rep(fc->base + FW_CFG_DATA, buf, len);
}

/*
 * One DMA transfer of @len bytes between the selected item and bus
 * address @addr; @control says which way. QEMU completes it during the
 * register write; the poll bounds a device that does not.
 */
static int mmiodemo_fwcfg_dma(struct mmiodemo_fwcfg *fc, u32 control, u32 len,
			      dma_addr_t addr)
{
	struct mmiodemo_fwcfg_dma *d =
		&((struct mmiodemo_fwcfg_desc *)fc->desc)->dma;
	unsigned int tries;
	u32 ctl;

	WRITE_ONCE(d->control, cpu_to_be32(control));
	WRITE_ONCE(d->length, cpu_to_be32(len));
	WRITE_ONCE(d->address, cpu_to_be64(addr));
	/* iowrite32be() orders the descriptor before the device sees it. */
	iowrite32be(upper_32_bits(fc->desc_dma), fc->base + FW_CFG_DMA_HI);
	iowrite32be(lower_32_bits(fc->desc_dma), fc->base + FW_CFG_DMA_LO);

	for (tries = 0; tries < 1000; tries++) {
		ctl = be32_to_cpu(READ_ONCE(d->control));
		if (!(ctl & ~FW_CFG_DMA_CTL_ERROR))
			return ctl & FW_CFG_DMA_CTL_ERROR ? -EIO : 0;
		usleep_range(100, 200);
	}
	return -ETIMEDOUT;
}

/* Finds the file @name: its selector and size. -ENOENT if absent. */
static int mmiodemo_fwcfg_find(struct mmiodemo_fwcfg *fc, const char *name,
			       u16 *select, u32 *size)
{
	struct mmiodemo_fwcfg_file f;
	__be32 count;
	u32 i, n;

	mmiodemo_fwcfg_select(fc, FW_CFG_FILE_DIR);
	mmiodemo_fwcfg_read(fc, &count, sizeof(count));
	n = be32_to_cpu(count);
	for (i = 0; i < n; i++) {
		mmiodemo_fwcfg_read(fc, &f, sizeof(f));
		if (!strncmp(f.name, name, sizeof(f.name))) {
			*select = be16_to_cpu(f.select);
			*size = be32_to_cpu(f.size);
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * Copies @len bytes of @select from byte @skip on into the buffer at
 * @offset, a DMA transfer per page: each page's bus address is its own
 * (they are consecutive only within one mapping of the buffer). The pages
 * are handed to the device first (mmiodemo_dma_give()), so that no dirty
 * cache line of the CPU's lands on what the device wrote, and no later
 * SYNC_FOR_CPU hands them to the device again over it.
 */
static int mmiodemo_fwcfg_load_pages(struct mmiodemo *md, u16 select, u32 skip,
				     u64 offset, u64 len)
{
	struct mmiodemo_dma *dma = &md->dma;
	u32 control = (u32)select << 16 | FW_CFG_DMA_CTL_SELECT;
	unsigned long i;
	u64 done, n;
	int ret;

	if (!len)
		return 0;
	ret = mmiodemo_dma_give(md, offset >> PAGE_SHIFT,
				((offset + len - 1) >> PAGE_SHIFT) -
					(offset >> PAGE_SHIFT) + 1);
	if (ret)
		return ret;
	ret = mmiodemo_fwcfg_dma(&md->fwcfg, control | FW_CFG_DMA_CTL_SKIP,
				 skip, 0);
	for (done = 0; !ret && done < len; done += n) {
		i = (offset + done) >> PAGE_SHIFT;
		n = min_t(u64, len - done,
			  PAGE_SIZE - offset_in_page(offset + done));
		ret = mmiodemo_fwcfg_dma(&md->fwcfg, FW_CFG_DMA_CTL_READ, n,
					 dma->addrs[i] +
						 offset_in_page(offset + done));
	}
	return ret;
}

long mmiodemo_fwcfg_load(struct mmiodemo *md, struct mmiodemo_load __user *argp)
{
	struct mmiodemo_fwcfg *fc = &md->fwcfg;
	u64 size = md->regions[MMIODEMO_REGION_DMA].size;
	struct mmiodemo_load arg;
	u16 select;
	u32 blob;
	long ret;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (arg.reserved || !arg.name[0] ||
	    strnlen(arg.name, sizeof(arg.name)) == sizeof(arg.name))
		return -EINVAL;
	if (!fc->base)
		return -EOPNOTSUPP;
	if (!mmiodemo_enter(md))
		return -ENODEV;

	mutex_lock(&fc->lock);
	ret = mmiodemo_fwcfg_find(fc, arg.name, &select, &blob);
	if (ret)
		goto out;
	if (!arg.len && arg.blob_offset <= blob)
		arg.len = blob - arg.blob_offset;
	ret = -EINVAL;
	if (arg.blob_offset > blob || arg.len > blob - arg.blob_offset ||
	    arg.offset > size || arg.len > size - arg.offset)
		goto out;
	ret = mmiodemo_fwcfg_load_pages(md, select, arg.blob_offset, arg.offset,
					arg.len);
	if (!ret)
		mmiodemo_dma_loaded(md, arg.len);
out:
	mutex_unlock(&fc->lock);
	mmiodemo_exit(md);
	if (ret)
		return ret;
	return copy_to_user(argp, &arg, sizeof(arg)) ? -EFAULT : 0;
}

/*
 * Points ramfb at @addr: @height lines of @width XRGB8888 pixels, @stride
 * bytes apart. -EOPNOTSUPP if QEMU has no ramfb.
 */
static int mmiodemo_ramfb_set(struct mmiodemo_fwcfg *fc, dma_addr_t addr,
			      u32 width, u32 height, u32 stride)
{
	struct mmiodemo_fwcfg_desc *desc = fc->desc;
	u32 size, control;
	dma_addr_t cfg;
	u16 select;

	if (mmiodemo_fwcfg_find(fc, MMIODEMO_RAMFB_FILE, &select, &size) ||
	    size != sizeof(desc->fb))
		return -EOPNOTSUPP;
	desc->fb.addr = cpu_to_be64(addr);
	desc->fb.fourcc = cpu_to_be32(MMIODEMO_FB_XRGB8888);
	desc->fb.flags = 0;
	desc->fb.width = cpu_to_be32(width);
	desc->fb.height = cpu_to_be32(height);
	desc->fb.stride = cpu_to_be32(stride);
	control = (u32)select << 16 | FW_CFG_DMA_CTL_SELECT |
		  FW_CFG_DMA_CTL_WRITE;
	cfg = fc->desc_dma + offsetof(struct mmiodemo_fwcfg_desc, fb);
	return mmiodemo_fwcfg_dma(fc, control, sizeof(desc->fb), cfg);
}

/* The checks of a scan-out request, each with its errno. */
static int mmiodemo_fb_check(const struct mmiodemo_fb *fb, u64 size)
{
	u64 bytes = (u64)fb->stride * fb->height;

	if (fb->reserved || fb->format != MMIODEMO_FB_XRGB8888 ||
	    fb->width < MMIODEMO_FB_MIN || fb->width > MMIODEMO_FB_MAX_WIDTH ||
	    fb->height < MMIODEMO_FB_MIN ||
	    fb->height > MMIODEMO_FB_MAX_HEIGHT || fb->stride % 4 ||
	    fb->stride < fb->width * 4 || !PAGE_ALIGNED(fb->offset))
		return -EINVAL;
	if (bytes > size)
		return -EFBIG;
	if (fb->offset > size - bytes)
		return -EINVAL;
	return 0;
}

long mmiodemo_fb_show(struct mmiodemo *md, struct mmiodemo_fb __user *argp)
{
	struct mmiodemo_fwcfg *fc = &md->fwcfg;
	struct mmiodemo_dma *dma = &md->dma;
	unsigned long first, nr;
	struct mmiodemo_fb fb;
	long ret;

	if (copy_from_user(&fb, argp, sizeof(fb)))
		return -EFAULT;
	ret = mmiodemo_fb_check(&fb, md->regions[MMIODEMO_REGION_DMA].size);
	if (ret)
		return ret;
	if (!fc->base)
		return -EOPNOTSUPP;
	first = fb.offset >> PAGE_SHIFT;
	nr = DIV_ROUND_UP((u64)fb.stride * fb.height, PAGE_SIZE);
	if (!mmiodemo_enter(md))
		return -ENODEV;

	mutex_lock(&fc->lock);
	ret = -EINVAL;
	if (!mmiodemo_dma_contiguous(dma, first, nr))
		goto out;
	ret = -EBUSY;
	if (fc->fb_on)
		goto out;
	ret = mmiodemo_dma_give(md, first, nr);
	if (ret)
		goto out;
	ret = mmiodemo_ramfb_set(fc, dma->addrs[first], fb.width, fb.height,
				 fb.stride);
	fc->fb_on = !ret;
out:
	mutex_unlock(&fc->lock);
	mmiodemo_exit(md);
	return ret;
}

/* Parks ramfb on the blank page; the caller holds fc->lock. */
static int mmiodemo_fb_park(struct mmiodemo_fwcfg *fc)
{
	int ret;

	if (!fc->fb_on)
		return 0;
	ret = mmiodemo_ramfb_set(fc, fc->blank, MMIODEMO_FB_MIN,
				 MMIODEMO_FB_MIN, MMIODEMO_FB_MIN * 4);
	if (!ret)
		fc->fb_on = false;
	return ret;
}

long mmiodemo_fb_off(struct mmiodemo *md)
{
	long ret;

	if (!md->fwcfg.base)
		return -EOPNOTSUPP;
	if (!mmiodemo_enter(md))
		return -ENODEV;
	mutex_lock(&md->fwcfg.lock);
	ret = mmiodemo_fb_park(&md->fwcfg);
	mutex_unlock(&md->fwcfg.lock);
	mmiodemo_exit(md);
	return ret;
}

/*
 * At unbind, before the buffer is freed: the device stops reading it, or
 * the buffer is kept (mmiodemo_dma_free()).
 */
void mmiodemo_fb_revoke(struct mmiodemo *md)
{
	if (!md->fwcfg.base)
		return;
	mutex_lock(&md->fwcfg.lock);
	if (mmiodemo_fb_park(&md->fwcfg)) {
		/* Freed, its pages could be read by ramfb as someone else's. */
		mmiodemo_dma_keep(md);
		dev_err(md->dev,
			"cannot stop ramfb scanning out the buffer: it is never freed\n");
	}
	mutex_unlock(&md->fwcfg.lock);
}

static void mmiodemo_fwcfg_unmap_blank(void *data)
{
	struct mmiodemo *md = data;

	dma_unmap_page(md->dev, md->fwcfg.blank, PAGE_SIZE, DMA_TO_DEVICE);
}

/*
 * Maps the optional fw_cfg block and checks that it is one, with DMA.
 * A node without it has no DMA engine: MMIODEMO_IOC_LOAD answers
 * EOPNOTSUPP.
 */
int mmiodemo_fwcfg_init(struct mmiodemo *md, struct platform_device *pdev)
{
	struct mmiodemo_fwcfg *fc = &md->fwcfg;
	struct resource *res;
	__le32 features;
	char sig[4];

	mutex_init(&fc->lock);
	res = platform_get_resource_byname(pdev, IORESOURCE_MEM, "fw-cfg");
	if (!res)
		return 0;
	if (resource_size(res) < FW_CFG_SIZE)
		return dev_err_probe(md->dev, -EINVAL,
				     "fw-cfg: %pR is smaller than %#x bytes\n",
				     res, FW_CFG_SIZE);
	fc->base = devm_ioremap_resource(md->dev, res);
	if (IS_ERR(fc->base))
		return dev_err_probe(md->dev, PTR_ERR(fc->base),
				     "cannot map fw-cfg\n");

	mmiodemo_fwcfg_select(fc, FW_CFG_SIGNATURE);
	mmiodemo_fwcfg_read(fc, sig, sizeof(sig));
	mmiodemo_fwcfg_select(fc, FW_CFG_ID);
	mmiodemo_fwcfg_read(fc, &features, sizeof(features));
	if (memcmp(sig, "QEMU", 4) ||
	    !(le32_to_cpu(features) & FW_CFG_VERSION_DMA))
		return dev_err_probe(md->dev, -ENODEV,
				     "fw-cfg: %pR is not fw_cfg with DMA\n",
				     res);

	fc->desc = dmam_alloc_coherent(md->dev,
				       sizeof(struct mmiodemo_fwcfg_desc),
				       &fc->desc_dma, GFP_KERNEL);
	if (!fc->desc)
		return -ENOMEM;

	/* Where ramfb rests when off: memory never freed nor written. */
	if (mmiodemo_dma_map(md->dev, ZERO_PAGE(0), PAGE_SIZE, DMA_TO_DEVICE,
			     &fc->blank))
		return -ENOMEM;
	return devm_add_action_or_reset(md->dev, mmiodemo_fwcfg_unmap_blank,
					md);
}
