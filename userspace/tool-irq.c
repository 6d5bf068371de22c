// SPDX-License-Identifier: GPL-2.0-only
/*
 * mmiodemo - irq wait: waits for the next interrupt event that read() of
 * the device returns (poll() first, for --timeout) and can re-enable, with
 * MMIODEMO_IOC_IRQ_UNMASK, the level lines the driver masked for it. It
 * configures nothing: that is done with write beforehand. irq held: the
 * lines whose interrupt gpiolib holds (MMIODEMO_IOC_IRQ_HELD).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "tool.h"

/* Wait for an event on md; die when cfg->timeout_ms passes first. */
static void wait_event(const struct config *cfg, struct mmiodemo *md)
{
	int timeout = cfg->timeout_ms;
	unsigned long long deadline = 0, now;
	int ret;

	if (timeout >= 0)
		deadline = monotonic_ns() + timeout * NSEC_PER_MSEC;

	for (;;) {
		ret = mmiodemo_event_wait(md, timeout);
		if (!ret)
			die("no interrupt within %d ms", cfg->timeout_ms);
		if (ret > 0)
			break;
		if (ret == -ENODEV)
			die("poll of %s reported an error instead of an event: is the device unbound?",
			    cfg->device);
		if (ret != -EINTR)
			die_errno(-ret, "poll of %s failed", cfg->device);
		/* interrupted: wait for what is left of the timeout */
		if (timeout >= 0) {
			now = monotonic_ns();
			timeout = now >= deadline ? 0 :
				  DIV_ROUND_UP(deadline - now, NSEC_PER_MSEC);
		}
	}
}

void cmd_irq_wait(const struct config *cfg, char **argv)
{
	struct mmiodemo_event ev;
	unsigned long long ts;
	struct mmiodemo *md;
	int err;

	(void)argv;

	md = open_device(cfg->device, O_RDWR);
	wait_event(cfg, md);

	do {
		err = mmiodemo_event_read(md, &ev);
	} while (err == -EINTR);
	if (err == -EINVAL)
		die("unable to read an event from %s: %s (does its driver deliver interrupt events?)",
		    cfg->device, strerror(-err));
	if (err == -EIO)
		die("short read of an event from %s", cfg->device);
	if (err)
		die_errno(-err, "unable to read an event from %s", cfg->device);

	ts = ev.timestamp_ns;
	if (cfg->json)
		printf("{\"seqno\": %u, \"lines\": %u, \"masked\": %u, \"timestamp_ns\": %llu}\n",
		       (unsigned int)ev.seqno, (unsigned int)ev.lines,
		       (unsigned int)ev.masked, ts);
	else
		printf("event seqno %u lines 0x%02x masked 0x%02x at %llu.%09llu\n",
		       (unsigned int)ev.seqno, (unsigned int)ev.lines,
		       (unsigned int)ev.masked, ts / NSEC_PER_SEC,
		       ts % NSEC_PER_SEC);

	if (cfg->unmask && ev.masked) {
		/* the event is out even if the unmask fails */
		if (fflush(stdout) == EOF)
			die_perror("unable to write the output");
		err = mmiodemo_irq_unmask(md, ev.masked);
		if (err)
			die_errno(-err, "MMIODEMO_IOC_IRQ_UNMASK of lines 0x%02x on %s failed",
				  (unsigned int)ev.masked, cfg->device);
	}
	mmiodemo_close(md);
}

void cmd_irq_held(const struct config *cfg, char **argv)
{
	const char *sep;
	struct mmiodemo *md;
	uint32_t held;
	unsigned int i;
	int err;

	(void)argv;

	md = open_device(cfg->device, O_RDONLY);
	err = mmiodemo_irq_held(md, &held);
	if (err)
		die_errno(-err, "MMIODEMO_IOC_IRQ_HELD of %s failed", cfg->device);
	mmiodemo_close(md);

	if (cfg->json)
		printf("{\"held\": %u, \"lines\": [", (unsigned int)held);
	else
		printf("held 0x%02x", (unsigned int)held);
	sep = cfg->json ? "" : " ";
	for (i = 0; i < 32; i++) {
		if (!(held & (1u << i)))
			continue;
		printf("%s%u", sep, i);
		sep = cfg->json ? ", " : " ";
	}
	printf(cfg->json ? "]}\n" : "\n");
}
