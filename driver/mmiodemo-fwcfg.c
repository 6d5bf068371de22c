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
	struct mmiodemo_fwcfg_dma *d = fc->desc;
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
 * @offset, a DMA transfer per page: the buffer's pages are not contiguous.
 * Each page is cleaned for the device first, so that no dirty cache line
 * of the CPU's lands on what the device wrote.
 */
static int mmiodemo_fwcfg_load_pages(struct mmiodemo *md, u16 select, u32 skip,
				     u64 offset, u64 len)
{
	struct mmiodemo_dma *dma = &md->dma;
	u32 control = (u32)select << 16 | FW_CFG_DMA_CTL_SELECT;
	unsigned long i;
	u64 done, n;
	int ret;

	ret = mmiodemo_fwcfg_dma(&md->fwcfg, control | FW_CFG_DMA_CTL_SKIP,
				 skip, 0);
	for (done = 0; !ret && done < len; done += n) {
		i = (offset + done) >> PAGE_SHIFT;
		n = min_t(u64, len - done,
			  PAGE_SIZE - offset_in_page(offset + done));
		dma_sync_single_for_device(md->dev, dma->addrs[i], PAGE_SIZE,
					   DMA_BIDIRECTIONAL);
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
		atomic_long_add(arg.len, &md->dma.bytes_loaded);
out:
	mutex_unlock(&fc->lock);
	mmiodemo_exit(md);
	if (ret)
		return ret;
	return copy_to_user(argp, &arg, sizeof(arg)) ? -EFAULT : 0;
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
				       sizeof(struct mmiodemo_fwcfg_dma),
				       &fc->desc_dma, GFP_KERNEL);
	if (!fc->desc)
		return -ENOMEM;
	return 0;
}
