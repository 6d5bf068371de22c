/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mmiodemo - the tool's shared declarations: its configuration, its
 * command table, the die helpers and the argument parsers (tool-common.c).
 */
#ifndef MMIODEMO_TOOL_H
#define MMIODEMO_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libmmiodemo.h"
#include "util.h"

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

/* A REG|OFFSET argument; reg is NULL for an offset that matches no name. */
struct reg_arg {
	const struct mmiodemo_reg_desc *reg;
	unsigned long offset;
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

/* tool-commands.c: every command, in the order of the help */
extern const struct command commands[];
extern const size_t nr_commands;

/* tool-common.c */
unsigned long long monotonic_ns(void);
void NORETURN PRINTF(1, 2) die(const char *fmt, ...);
void NORETURN PRINTF(1, 2) die_perror(const char *fmt, ...);
void NORETURN PRINTF(2, 3) die_errno(int err, const char *fmt, ...);
void NORETURN PRINTF(1, 2) usage_error(const char *fmt, ...);
bool parse_number(const char *str, unsigned long *val);
void parse_reg(const char *str, unsigned int access, struct reg_arg *arg);
unsigned int parse_width(const char *str);
uint32_t parse_value(const char *str, unsigned int width);
unsigned long long parse_bytes(const char *opt, const char *str);
int parse_ms(const char *opt, const char *str, unsigned long min);
unsigned long parse_count(const char *str);
unsigned long parse_dim(const char *opt, const char *str, unsigned long min,
			unsigned long max);
bool parse_for(const char *str);
void print_json_string(const char *str);
struct mmiodemo *open_device(const char *path, int flags);

/* tool-bits.c */
uint32_t parse_bits(const struct config *cfg, const struct reg_arg *arg,
		    const char *str);

/* the commands */
void cmd_info(const struct config *cfg, char **argv);
void cmd_read(const struct config *cfg, char **argv);
void cmd_write(const struct config *cfg, char **argv);
void cmd_dump(const struct config *cfg, char **argv);
void cmd_set(const struct config *cfg, char **argv);
void cmd_clear(const struct config *cfg, char **argv);
void cmd_modify(const struct config *cfg, char **argv);
void cmd_watch(const struct config *cfg, char **argv);
void cmd_dma_fill(const struct config *cfg, char **argv);
void cmd_dma_verify(const struct config *cfg, char **argv);
void cmd_dma_dump(const struct config *cfg, char **argv);
void cmd_dma_load(const struct config *cfg, char **argv);
void cmd_dma_dirty(const struct config *cfg, char **argv);
void cmd_dma_runs(const struct config *cfg, char **argv);
void cmd_dma_sync(const struct config *cfg, char **argv);
void cmd_fb_draw(const struct config *cfg, char **argv);
void cmd_fb_show(const struct config *cfg, char **argv);
void cmd_fb_off(const struct config *cfg, char **argv);
void cmd_irq_wait(const struct config *cfg, char **argv);
void cmd_irq_held(const struct config *cfg, char **argv);
void cmd_stats(const struct config *cfg, char **argv);
void cmd_maps(const struct config *cfg, char **argv);

#endif /* MMIODEMO_TOOL_H */
