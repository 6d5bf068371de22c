// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo - the command table: every command's name, arguments, options
 * and help, in the order '--help' lists them.
 */
#include "tool.h"

#define RMW_HELP \
	"A read-modify-write of the 32-bit register under the driver's lock\n" \
	"(MMIODEMO_IOC_REG_UPDATE), the one its own read-modify-writes of DIR,\n" \
	"IS, IBE, IEV and IE take: none of them is lost. The register must be\n" \
	"readable and writable. Prints it after, as read does.\n" \
	"\n" \
	"BITS, MASK and VALUE are numbers (decimal, 0x hex or 0 octal), or,\n" \
	"for DATA, DIR, IS, IBE, IEV, IE, RIS, MIS, IC and AFSEL, whose bit N\n" \
	"is GPIO line N, a comma-separated list of line numbers (0-7) and line\n" \
	"names (the DT's gpio-line-names), e.g. 3,5 or power-button. A single\n" \
	"number is the bits themselves: 3 is lines 0 and 1, 3, is line 3.\n"

const struct command commands[] = {
	{
		.name = "info", .args = "[--json]",
		.summary = "show the regions of the device's mmap space",
		.help = "--json prints {\"page_size\", \"regions\": [{\"index\", \"name\",\n"
			"\"offset\", \"size\", \"flags\", \"caching\"}]}.\n",
		.opts = CMD_OPT_JSON, .run = cmd_info,
	},
	{
		.name = "read", .args = "REG|OFFSET [--width 8|16|32] [--json]",
		.summary = "read a register, print NAME (0xOFFSET) = 0xVALUE",
		.help = "--json prints {\"name\", \"offset\", \"width\", \"value\"}, numbers\n"
			"in decimal, name null for an offset without one.\n",
		.nr_args = 1, .opts = CMD_OPT_WIDTH | CMD_OPT_JSON,
		.run = cmd_read,
	},
	{
		.name = "write", .args = "REG|OFFSET VALUE [--width 8|16|32]",
		.summary = "write VALUE to a register",
		.nr_args = 2, .opts = CMD_OPT_WIDTH, .run = cmd_write,
	},
	{
		.name = "set", .args = "REG|OFFSET BITS",
		.summary = "set BITS in a register, print it after",
		.help = RMW_HELP,
		.nr_args = 2, .run = cmd_set,
	},
	{
		.name = "clear", .args = "REG|OFFSET BITS",
		.summary = "clear BITS in a register, print it after",
		.help = RMW_HELP,
		.nr_args = 2, .run = cmd_clear,
	},
	{
		.name = "modify", .args = "REG|OFFSET MASK VALUE",
		.summary = "set the bits of MASK in a register to VALUE, print it after",
		.help = RMW_HELP,
		.nr_args = 3, .run = cmd_modify,
	},
	{
		.name = "dump", .args = "[--json]",
		.summary = "print every readable named register (32-bit)",
		.help = "--json prints {\"registers\": [...]}, each as read --json.\n",
		.opts = CMD_OPT_JSON, .run = cmd_dump,
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
		.group = "dma", .name = "dirty", .args = "[--json]",
		.summary = "list the DMA buffer pages written since the last dma dirty",
		.help = "Prints 'dirty pages: N' and, when N is not 0, the page numbers as\n"
			"ranges on one line, e.g. '0 5-7 255'. This CLEARS the driver's\n"
			"dirty log: the next dma dirty lists only pages written after it.\n"
			"--json prints {\"count\": N, \"pages\": [page numbers]}.\n",
		.opts = CMD_OPT_JSON, .run = cmd_dma_dirty,
	},
	{
		.group = "dma", .name = "runs", .args = "[--json]",
		.summary = "list the DMA buffer's runs of consecutive bus addresses",
		.help = "Prints one line a run, 'offset 0xOFFSET len 0xLEN', in order: a\n"
			"framebuffer (fb show) must lie in one run. --json prints\n"
			"[{\"offset\": N, \"len\": N}, ...].\n",
		.opts = CMD_OPT_JSON, .run = cmd_dma_runs,
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
		.name = "stats", .args = "[--json]",
		.summary = "print the driver's counters",
		.help = "Prints 'NAME VALUE' for each counter (faults, faultaround,\n"
			"mkwrites, syncs, pages_synced, bytes_loaded),\n"
			"read from /sys/class/misc/DEVICE/stats/, where DEVICE is the\n"
			"name of the device node; any user may read them.\n"
			"The counters only grow: compare two readings.\n"
			"--json prints {NAME: VALUE, ...}.\n",
		.opts = CMD_OPT_JSON, .run = cmd_stats,
	},
	{
		.name = "maps", .args = "[--json]",
		.summary = "show how the regions are mapped, page by page (audit module)",
		.help = "Reads " DEBUGFS_DIR "/mmiodemo-audit/maps, the page-table walk of\n"
			"the mapping audit, a module installed beside the driver (load it:\n"
			"modprobe mmiodemo-audit; $MMIODEMO_DEBUGFS, if set, replaces\n"
			DEBUGFS_DIR "),\n"
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
			"  ACCESS     writable or read-only, from pte_write() (arm64: DBM bit)\n"
			"  TRACKING   DMA buffer pages only: armed (clean: the next write is\n"
			"             logged, by a fault or the next take), written (dirty: the\n"
			"             next take logs and cleans it, or SYNC_FOR_CPU unmaps it)\n"
			"             or '-' if the mapping can never be written (read-only fd)\n"
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
		.group = "irq", .name = "wait",
		.args = "[--timeout MS] [--unmask] [--json]",
		.summary = "wait for the next interrupt event and print it",
		.help = "Prints one line per call, for the first interrupt after it started:\n"
			"'event seqno N lines 0xLL masked 0xMM at S.NNNNNNNNN': the\n"
			"event's number since the driver's probe, the lines (MIS bits)\n"
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
			"(or MMIODEMO_IOC_IRQ_UNMASK) enables it again: clear its source first.\n"
			"With --json: {\"seqno\", \"lines\", \"masked\", \"timestamp_ns\"}.\n",
		.opts = CMD_OPT_TIMEOUT | CMD_OPT_UNMASK | CMD_OPT_JSON,
		.run = cmd_irq_wait,
	},
	{
		.group = "irq", .name = "held",
		.args = "[--json]",
		.summary = "list the lines whose interrupt gpiolib holds",
		.help = "Prints 'held 0xLL' and the lines' numbers: the lines whose\n"
			"interrupt a gpiolib consumer (gpiomon, gpio-keys, a driver's\n"
			"request_irq()) holds now (MMIODEMO_IOC_IRQ_HELD). Their\n"
			"interrupts go to that consumer, not to irq wait, and\n"
			"MMIODEMO_IOC_IRQ_UNMASK of one of them fails with EBUSY.\n"
			"With --json: {\"held\": N, \"lines\": [N, ...]}.\n",
		.opts = CMD_OPT_JSON,
		.run = cmd_irq_held,
	},
	{
		.name = "watch",
		.args = "REG|OFFSET [--interval MS] [--count N] [--json]",
		.summary = "sample a register, print its value and then every change",
		.help = "Reads REG (32-bit) every --interval milliseconds and prints\n"
			"'S.mmm NAME (0xOFFSET) = 0xVALUE' for its first value and for\n"
			"every change, S.mmm being the seconds since the watch started.\n"
			"A change that is undone within one interval goes unseen. Runs\n"
			"until SIGINT or SIGTERM (exit status 0), or until --count changes\n"
			"have been printed. Output is flushed after every line.\n"
			"With --json, one JSON object a line (JSON lines):\n"
			"{\"time_ns\": N, \"register\": {\"name\", \"offset\", \"width\", \"value\"}}.\n",
		.nr_args = 1,
		.opts = CMD_OPT_INTERVAL | CMD_OPT_COUNT | CMD_OPT_JSON,
		.run = cmd_watch,
	},
};

const size_t nr_commands = ARRAY_SIZE(commands);
