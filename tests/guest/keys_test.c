// SPDX-License-Identifier: GPL-2.0-only
/*
 * keys_test: QEMU virt's own gpio-keys node on mmiodemo's gpiochip, in the
 * keys boot (its tree keeps the node enabled: dts/mmiodemo-virt-keys.dtso).
 * The kernel's gpio-keys driver holds line 3's interrupt; the host presses
 * the power button when this program prints "mmiodemo-qmp:
 * system_powerdown", and the input device must give KEY_POWER, pressed
 * then released (QEMU holds the line high for 100 ms). gpiolib's owner of
 * the line is what IRQ_HELD and gpioinfo say, and /dev/mmiodemo may not
 * unmask it. In every other boot there is no gpio-keys device: the
 * program plans no test ("1..0").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "mmiodemo.h"

#define BUTTON	(1U << 3)	/* QEMU virt: the power button */

/* The evdev node of the input device named "gpio-keys", opened, or -1. */
static int open_keys(void)
{
	char path[300], name[64];
	struct dirent *e;
	DIR *d;
	int fd;

	d = opendir("/dev/input");
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "event", 5))
			continue;
		snprintf(path, sizeof(path), "/dev/input/%s", e->d_name);
		fd = open(path, O_RDONLY | O_NONBLOCK);
		if (fd < 0)
			continue;
		if (ioctl(fd, EVIOCGNAME(sizeof(name)), name) > 0 &&
		    !strcmp(name, "gpio-keys")) {
			closedir(d);
			return fd;
		}
		close(fd);
	}
	closedir(d);
	return -1;
}

FIXTURE(keys) {
	int fd, keys;
};

FIXTURE_SETUP(keys)
{
	self->fd = open(DEVICE, O_RDWR);
	ASSERT_LE(0, self->fd);
	self->keys = open_keys();
	ASSERT_LE(0, self->keys) TH_LOG("no gpio-keys input device");
}

FIXTURE_TEARDOWN(keys)
{
	close(self->keys);
	close(self->fd);
}

/* gpio-keys holds line 3: IRQ_HELD says so, and it is not ours to unmask. */
TEST_F(keys, gpio_keys_holds_the_power_button_line)
{
	uint32_t held = 0, lines = BUTTON;

	ASSERT_EQ(0, ioctl(self->fd, MMIODEMO_IOC_IRQ_HELD, &held));
	EXPECT_EQ(BUTTON, held);
	EXPECT_EQ(-1, ioctl(self->fd, MMIODEMO_IOC_IRQ_UNMASK, &lines));
	EXPECT_EQ(EBUSY, errno);
}

/* gpioinfo shows line 3 used, by gpio-keys' button label. */
TEST_F(keys, gpioinfo_shows_the_button_used_by_gpio_keys)
{
	char line[256];
	int found = 0;
	FILE *p;

	p = popen("gpioinfo 2>&1", "r");
	ASSERT_NE(NULL, p);
	while (fgets(line, sizeof(line), p)) {
		if (strstr(line, "line") && strstr(line, " 3:") &&
		    strstr(line, "power-button")) {
			TH_LOG("%s", line);
			found = strstr(line, "GPIO Key Poweroff") != NULL;
		}
	}
	pclose(p);
	EXPECT_EQ(1, found);
}

/* Reads input events until KEY_POWER has value @value; 1, or 0 at @ms. */
static int key_power(int fd, int value, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct input_event ev;

	while (poll(&p, 1, ms) == 1) {
		while (read(fd, &ev, sizeof(ev)) == (ssize_t)sizeof(ev)) {
			if (ev.type != EV_KEY || ev.code != KEY_POWER)
				continue;
			/* as evtest prints it */
			printf("# Event: time %ld.%06ld, type %d (EV_KEY), code %d (KEY_POWER), value %d\n",
			       (long)ev.input_event_sec,
			       (long)ev.input_event_usec, ev.type, ev.code,
			       ev.value);
			if (ev.value == value)
				return 1;
		}
	}
	return 0;
}

/* The host's QMP press: KEY_POWER down, then up. */
TEST_F(keys, power_button_is_key_power_pressed_and_released)
{
	printf("mmiodemo-qmp: system_powerdown\n");
	fflush(stdout);
	EXPECT_EQ(1, key_power(self->keys, 1, 10000)) TH_LOG("no press");
	EXPECT_EQ(1, key_power(self->keys, 0, 2000)) TH_LOG("no release");
}

int main(int argc, char **argv)
{
	int fd = open_keys();

	if (fd < 0) {
		printf("1..0\n# no gpio-keys input device: its tests run in the keys boot\n");
		return 0;
	}
	close(fd);
	return test_harness_run(argc, argv);
}
