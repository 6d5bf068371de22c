// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo - read and write the PL061 GPIO registers of /dev/mmiodemo from
 * userspace, through mmap(), and drive its DMA buffer and interrupts.
 *
 * This file is the command line: the global and per-command options, the
 * help, and the dispatch to a command of tool-commands.c. The commands
 * are in tool-regs.c (info, read, write, dump, watch), tool-dma.c (dma,
 * fb), tool-irq.c (irq wait) and tool-debug.c (stats, maps); they reach
 * the device through libmmiodemo (userspace/lib).
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

/* getopt_long() values of the long-only options */
enum {
	OPT_OFFSET = 0x100,
	OPT_LEN,
	OPT_FOR,
	OPT_TIMEOUT,
	OPT_UNMASK,
	OPT_INTERVAL,
	OPT_COUNT,
	OPT_JSON,
	OPT_HEIGHT,
	OPT_STRIDE,
};

/* "read", or "dma fill" for a command of a group. */
static const char *command_name(const struct command *cmd, char *buf,
				size_t size)
{
	if (!cmd->group)
		return cmd->name;

	snprintf(buf, size, "%s %s", cmd->group, cmd->name);
	return buf;
}

static bool is_group(const char *name)
{
	size_t i;

	for (i = 0; i < nr_commands; i++)
		if (commands[i].group && !strcmp(commands[i].group, name))
			return true;

	return false;
}

/* group is NULL for a one-word command. */
static const struct command *find_command(const char *group,
					  const char *name)
{
	const struct command *cmd;
	size_t i;

	for (i = 0; i < nr_commands; i++) {
		cmd = &commands[i];
		if ((!group) != (!cmd->group))
			continue;
		if (group && strcmp(cmd->group, group))
			continue;
		if (!strcmp(cmd->name, name))
			return cmd;
	}

	return NULL;
}

/* An option given to a command that does not take it. */
static void NORETURN misplaced_option(const char *opt, unsigned int flag)
{
	char list[256], name[32];
	size_t i, n, nr = 0, len = 0;

	for (i = 0; i < nr_commands; i++)
		if (commands[i].opts & flag)
			nr++;

	list[0] = '\0';
	for (i = 0, n = 0; i < nr_commands && len < sizeof(list);
	     i++) {
		if (!(commands[i].opts & flag))
			continue;
		n++;
		len += snprintf(list + len, sizeof(list) - len, "%s%s",
				n == 1 ? "" : n == nr ? " or " : ", ",
				command_name(&commands[i], name,
					     sizeof(name)));
	}

	usage_error("%s only goes after %s", opt, list);
}

static void print_commands(const char *group)
{
	char name[32];
	size_t i;

	for (i = 0; i < nr_commands; i++) {
		if (group && (!commands[i].group ||
			      strcmp(commands[i].group, group)))
			continue;
		printf("  %-11s %s\n",
		       command_name(&commands[i], name, sizeof(name)),
		       commands[i].summary);
	}
}

static void print_registers(void)
{
	static const char *const access[] = { "", "r", "w", "rw" };
	const struct mmiodemo_reg_desc *regs;
	const char *acc;
	size_t i, nr;

	regs = mmiodemo_regs(&nr);
	printf("Registers (name, offset, access):\n");
	for (i = 0; i < nr; i++) {
		acc = access[regs[i].access & PL061_ACC_RW];
		printf("  %-10s 0x%03x %s", regs[i].name, regs[i].offset, acc);
		if (i % 3 == 2 || i + 1 == nr)
			printf("\n");
		else
			printf("%*s", 4 + 2 - (int)strlen(acc), "");
	}
}

static void print_help(void)
{
	printf("Usage: %s [OPTIONS] COMMAND [ARGS]\n", PROG_NAME);
	printf("\n");
	printf("Access the PL061 GPIO registers and the DMA buffer of %s\n",
	       DEFAULT_DEVICE);
	printf("through mmap(), and wait for the PL061's interrupts.\n");
	printf("\n");
	printf("Options:\n");
	printf("  -d, --device <path>\tdevice to use (default: %s)\n",
	       DEFAULT_DEVICE);
	printf("  -h, --help\t\tdisplay this help and exit\n");
	printf("\n");
	printf("Commands (see '%s COMMAND --help'):\n", PROG_NAME);
	print_commands(NULL);
	printf("\n");
	printf("REG is a register name (any case) or a byte offset into the\n");
	printf("register region (decimal, 0x hex or 0 octal) aligned to the\n");
	printf("access width. Reading a write-only or writing a read-only\n");
	printf("register is refused by name, not by offset.\n");
	printf("\n");
	printf("BYTES of --offset and --len count from the start of the DMA\n");
	printf("buffer (decimal, 0x hex or 0 octal); --len 0 means to the end.\n");
	printf("\n");
	printf("Environment:\n");
	printf("  MMIODEMO_DEBUGFS\twhere maps looks for debugfs\n");
	printf("\t\t\t(default: %s), e.g. a directory of test files\n",
	       DEBUGFS_DIR);
	printf("\n");
	print_registers();
	printf("\n");
	printf("Exit status: 0 ok, 1 failure, 2 bad usage.\n");
}

static void print_group_help(const char *group)
{
	printf("Usage: %s [OPTIONS] %s COMMAND [ARGS]\n", PROG_NAME, group);
	printf("\n");
	printf("Commands (see '%s %s COMMAND --help'):\n", PROG_NAME, group);
	print_commands(group);
}

static void print_command_help(const struct command *cmd)
{
	const char *name;
	char buf[32];

	name = command_name(cmd, buf, sizeof(buf));
	printf("Usage: %s [OPTIONS] %s %s\n", PROG_NAME, name, cmd->args);
	printf("\n");
	printf("%s: %s.\n", name, cmd->summary);
	if (cmd->help)
		printf("\n%s", cmd->help);
	printf("\n");
	printf("Options:\n");
	if (cmd->opts & CMD_OPT_WIDTH)
		printf("  -w, --width <bits>\t8, 16 or 32 (default: %u)\n",
		       DEFAULT_WIDTH);
	if (cmd->opts & CMD_OPT_FOR)
		printf("      --for <whom>\tdevice or cpu (default: device)\n");
	if (cmd->opts & CMD_OPT_OFFSET)
		printf("      --offset <bytes>\tstart of the range (default: 0)\n");
	if (cmd->opts & CMD_OPT_LEN)
		printf("      --len <bytes>\tlength of the range, 0: to the end (default: 0)\n");
	if (cmd->opts & CMD_OPT_TIMEOUT)
		printf("      --timeout <ms>\tgive up after MS milliseconds (default: wait forever)\n");
	if (cmd->opts & CMD_OPT_UNMASK)
		printf("      --unmask\t\tthen re-enable in IE the lines the driver masked\n");
	if (cmd->opts & CMD_OPT_INTERVAL)
		printf("      --interval <ms>\tsampling period, at least 1 (default: %u)\n",
		       DEFAULT_INTERVAL_MS);
	if (cmd->opts & CMD_OPT_COUNT)
		printf("      --count <n>\tstop after N changes (default: at SIGINT/SIGTERM)\n");
	if (cmd->opts & CMD_OPT_JSON)
		printf("      --json\t\tprint one JSON object instead of the table\n");
	if (cmd->opts & CMD_OPT_FB) {
		printf("  -w, --width <pixels>\t%u to %u (default: %u)\n",
		       MMIODEMO_FB_MIN, MMIODEMO_FB_MAX_WIDTH, FB_WIDTH);
		printf("      --height <lines>\t%u to %u (default: %u)\n",
		       MMIODEMO_FB_MIN, MMIODEMO_FB_MAX_HEIGHT, FB_HEIGHT);
		printf("      --stride <bytes>\tfrom a line to the next (default: width * 4)\n");
	}
	printf("  -h, --help\t\tdisplay this help and exit\n");
}

/*
 * getopt took an argument "-1" for an option: say what it is instead, a
 * negative number, which no argument of any command may be.
 */
static void NORETURN negative_argument(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-' && isdigit((unsigned char)argv[i][1]))
			usage_error("value '%s' is negative: the values of registers, bits and options are 0 or more",
				    argv[i]);
	usage_error("a negative value is not allowed");
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
		{ "offset",	required_argument,	NULL,	OPT_OFFSET },
		{ "len",	required_argument,	NULL,	OPT_LEN },
		{ "for",	required_argument,	NULL,	OPT_FOR },
		{ "timeout",	required_argument,	NULL,	OPT_TIMEOUT },
		{ "unmask",	no_argument,		NULL,	OPT_UNMASK },
		{ "interval",	required_argument,	NULL,	OPT_INTERVAL },
		{ "count",	required_argument,	NULL,	OPT_COUNT },
		{ "json",	no_argument,		NULL,	OPT_JSON },
		{ "height",	required_argument,	NULL,	OPT_HEIGHT },
		{ "stride",	required_argument,	NULL,	OPT_STRIDE },
		{ NULL, 0, NULL, 0 },
	};
	/* the options only some commands take */
	static const struct {
		int optc;
		unsigned int flag;
		const char *name;
	} cmd_opts[] = {
		{ 'w',		CMD_OPT_WIDTH,	"--width" },
		{ OPT_OFFSET,	CMD_OPT_OFFSET,	"--offset" },
		{ OPT_LEN,	CMD_OPT_LEN,	"--len" },
		{ OPT_FOR,	CMD_OPT_FOR,	"--for" },
		{ OPT_TIMEOUT,	CMD_OPT_TIMEOUT,	"--timeout" },
		{ OPT_UNMASK,	CMD_OPT_UNMASK,	"--unmask" },
		{ OPT_INTERVAL,	CMD_OPT_INTERVAL,	"--interval" },
		{ OPT_COUNT,	CMD_OPT_COUNT,	"--count" },
		{ OPT_JSON,	CMD_OPT_JSON,	"--json" },
		{ OPT_HEIGHT,	CMD_OPT_FB,	"--height" },
		{ OPT_STRIDE,	CMD_OPT_FB,	"--stride" },
	};
	/*
	 * '+': stop at the command, its own options are parsed apart.
	 * ':': report a missing value as ':', not as '?'.
	 */
	const char *shortopts = cmd ? ":hw:" : "+:d:h";
	size_t i;
	int optc;

	opterr = 0;	/* our messages, prefixed as all the others */
	optind = 0;	/* restart getopt from argv[1] */
	for (;;) {
		optc = getopt_long(argc, argv, shortopts, longopts, NULL);
		if (optc < 0)
			break;

		if (optc == 'd' && cmd)
			usage_error("--device must come before the command");
		for (i = 0; i < ARRAY_SIZE(cmd_opts); i++)
			if (optc == cmd_opts[i].optc &&
			    (!cmd || !(cmd->opts & cmd_opts[i].flag)) &&
			    !(optc == 'w' && cmd && cmd->opts & CMD_OPT_FB))
				misplaced_option(cmd_opts[i].name,
						 cmd_opts[i].flag);

		switch (optc) {
		case 'd':
			cfg->device = optarg;
			break;
		case 'w':
			if (cmd && cmd->opts & CMD_OPT_FB)
				cfg->fb_width = parse_dim("--width", optarg,
							  MMIODEMO_FB_MIN,
							  MMIODEMO_FB_MAX_WIDTH);
			else
				cfg->width = parse_width(optarg);
			break;
		case OPT_HEIGHT:
			cfg->fb_height = parse_dim("--height", optarg,
						   MMIODEMO_FB_MIN,
						   MMIODEMO_FB_MAX_HEIGHT);
			break;
		case OPT_STRIDE:
			cfg->fb_stride = parse_dim("--stride", optarg, 4,
						   UINT32_MAX);
			break;
		case OPT_OFFSET:
			cfg->offset = parse_bytes("--offset", optarg);
			break;
		case OPT_LEN:
			cfg->len = parse_bytes("--len", optarg);
			break;
		case OPT_FOR:
			cfg->for_cpu = parse_for(optarg);
			break;
		case OPT_TIMEOUT:
			cfg->timeout_ms = parse_ms("--timeout", optarg, 0);
			break;
		case OPT_UNMASK:
			cfg->unmask = true;
			break;
		case OPT_INTERVAL:
			cfg->interval_ms = parse_ms("--interval", optarg, 1);
			break;
		case OPT_COUNT:
			cfg->count = parse_count(optarg);
			break;
		case OPT_JSON:
			cfg->json = true;
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
			/* --help=..., --unmask=... or --json=... */
			if (optopt == 'h' ||
			    optopt == OPT_UNMASK || optopt == OPT_JSON)
				usage_error("option '%s' takes no value",
					    argv[optind - 1]);
			if (cmd && isdigit(optopt))
				negative_argument(argc, argv);
			if (optopt)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		default:
			abort();
		}
	}

	return optind;
}

/*
 * The command named by argv[0], or by argv[0] and argv[1] for a command of
 * a group. Set *words to the number of words it took.
 */
static const struct command *parse_command(int argc, char **argv,
					   int *words)
{
	const struct command *cmd;
	const char *group = argv[0];

	*words = 1;
	if (!is_group(group)) {
		cmd = find_command(NULL, argv[0]);
		if (!cmd)
			usage_error("unknown command '%s', try '%s --help'",
				    argv[0], PROG_NAME);
		return cmd;
	}

	if (argc < 2)
		usage_error("missing %s command, try '%s %s --help'", group,
			    PROG_NAME, group);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_group_help(group);
		exit(EXIT_SUCCESS);
	}
	if (argv[1][0] == '-')
		usage_error("'%s' must come after the %s command, try '%s %s --help'",
			    argv[1], group, PROG_NAME, group);

	cmd = find_command(group, argv[1]);
	if (!cmd)
		usage_error("unknown %s command '%s', try '%s %s --help'",
			    group, argv[1], PROG_NAME, group);
	*words = 2;
	return cmd;
}

int main(int argc, char **argv)
{
	struct config cfg = {
		.device = DEFAULT_DEVICE,
		.width = DEFAULT_WIDTH,
		.timeout_ms = -1,
		.interval_ms = DEFAULT_INTERVAL_MS,
	};
	const struct command *cmd;
	char name[32];
	int i;

	i = parse_options(argc, argv, NULL, &cfg);
	argc -= i;
	argv += i;

	if (argc < 1)
		usage_error("no command given, try '%s --help'", PROG_NAME);

	cmd = parse_command(argc, argv, &i);
	/* leave argv[0] on the command's last word, as getopt wants */
	argc -= i - 1;
	argv += i - 1;

	i = parse_options(argc, argv, cmd, &cfg);
	argc -= i;
	argv += i;

	if (argc < cmd->nr_args)
		usage_error("missing argument, usage: %s %s %s", PROG_NAME,
			    command_name(cmd, name, sizeof(name)), cmd->args);
	if (argc > cmd->nr_args)
		usage_error("unexpected argument '%s'", argv[cmd->nr_args]);

	cmd->run(&cfg, argv);

	if (fflush(stdout) == EOF)
		die_perror("unable to write the output");

	return EXIT_SUCCESS;
}
