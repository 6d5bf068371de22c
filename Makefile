# SPDX-License-Identifier: GPL-2.0-only
#
# mmiodemo: build everything, boot QEMU arm64 virt, demo or test.
#
#   make run              boot, load the driver, show the mapping, power off
#   make test             host checks + the whole suite in the guest, on
#                         every kernel of the matrix, then a table
#   make test KERNEL=NAME the same on one kernel from qemu/kernels/
#   make run KERNEL=NAME  the demo on another kernel
#   make check            the static checks alone
#   make bench            the DMA buffer's benchmark (64 MiB), in the guest
#   make stress           unbind/rebind under load (debug kernel by default)
#   make fuzz             the model-checking fuzzer, 10 minutes (FUZZ_S=,
#                         SEED=; debug kernel by default)
#
# Everything downloaded or built lives under build/ (git-ignored).

# The kernels "make test" runs, and the one the others default to.
KERNELS := debian-6.1 debian-6.12 debian-6.12-16k debian-7.3 debian-7.3-16k \
	   debug
ifeq ($(origin KERNEL),undefined)
MATRIX := 1
endif
KERNEL ?= debian-6.1
O := build
B := $(O)/$(KERNEL)
U := $(O)/userspace
CROSS_COMPILE ?= aarch64-linux-gnu-

.PHONY: all run bench test test-all stress fuzz check setup clean distclean
all run bench: setup
	@$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) \
		KERNEL=$(KERNEL) _$@

# Without KERNEL=, "make test" is the whole matrix.
ifdef MATRIX
test: test-all
else
test: setup
	@$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) \
		KERNEL=$(KERNEL) _test
endif

test-all:
	@qemu/test-all.sh $(KERNELS)

# 200 unbind/rebind cycles under 4 hammering threads; on the debug kernel
# unless KERNEL= says otherwise.
STRESS_KERNEL := $(if $(MATRIX),debug,$(KERNEL))
stress:
	@qemu/setup.sh $(STRESS_KERNEL)
	@$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) \
		KERNEL=$(STRESS_KERNEL) _stress

# The model-checking fuzzer (tests/fuzz.c) for FUZZ_S seconds, then its
# unbind/rebind mode for a minute; SEED= replays a run.
FUZZ_S ?= 600
export FUZZ_S SEED
fuzz:
	@qemu/setup.sh $(STRESS_KERNEL)
	@$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) \
		KERNEL=$(STRESS_KERNEL) _fuzz

# Static checks: checkpatch, clang-format, W=1 + sparse against the 6.1,
# 6.12 and 7.3 headers, shellcheck, dt-schema.
CHECK_KERNELS := debian-6.1 debian-6.12 debian-7.3
check:
	@for k in $(CHECK_KERNELS); do qemu/setup.sh $$k || exit 1; done
	@$(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) \
		KERNEL=debian-6.1 _check

setup:
	@qemu/setup.sh $(KERNEL)

clean:
	rm -rf $(O)/$(KERNEL) $(U) $(O)/logs

distclean:
	rm -rf $(O)

ifneq ($(filter _%,$(MAKECMDGOALS)),)
include $(B)/kernel.mk

USER_CFLAGS := -static -O2 -Wall -Wextra -Werror -Idriver -Idriver/uapi
HDRS := driver/mmiodemo-regs.h driver/uapi/mmiodemo.h
TEST_HDRS := $(wildcard tests/*.h)
DRIVER_SRCS := Kbuild $(wildcard driver/Kbuild driver/*.[ch] driver/uapi/*.h)
KO := $(B)/mod/driver/mmiodemo.ko
TOOL := $(U)/mmiodemo
TESTS := $(U)/mmiodemo_test $(U)/dma_test $(U)/irq_test $(U)/audit_test $(U)/fuzz \
	 $(U)/lifetime_test \
	 $(U)/stress $(U)/dma_bench
GPIOD_TEST := $(B)/gpiod_test
SCRIPTS := tests/tap.sh tests/tool_test.sh tests/gpio_test.sh tests/fb_test.sh
DTB := $(B)/mmiodemo-virt.dtb
TEST_DTB := $(B)/mmiodemo-virt-test.dtb
INITRAMFS := $(B)/initramfs.cpio.gz

.PHONY: _all _run _bench _test _stress _fuzz _check
_check: $(DTB)
	@tests/check.sh $(DTB) $(CHECK_KERNELS)

_all: $(KO) $(TOOL) $(TESTS) $(GPIOD_TEST) $(DTB) $(TEST_DTB) $(INITRAMFS)

_run: _all
	@qemu/boot.sh run $(KERNEL)
	@grep -q '^mmiodemo-guest: run end rc=0' $(O)/logs/$(KERNEL)-run.log || \
		{ echo "make run: the demo failed; console: $(O)/logs/$(KERNEL)-run.log"; exit 1; }
	@python3 qemu/ppmcheck.py --png $(O)/logs/$(KERNEL)-run-picture.ppm \
		$(O)/$(KERNEL)-picture.png
	@echo "make run: ramfb's picture of the DMA buffer: $(O)/$(KERNEL)-picture.png"
	@echo "make run: demo done; console: $(O)/logs/$(KERNEL)-run.log"

_bench: _all
	@qemu/boot.sh bench $(KERNEL)
	@grep -q '^mmiodemo-guest: bench end rc=0' $(O)/logs/$(KERNEL)-bench.log || \
		{ echo "make bench: the benchmark failed; console: $(O)/logs/$(KERNEL)-bench.log"; exit 1; }

_test: _all
	@qemu/test.sh $(KERNEL)

_stress: _all
	@qemu/test.sh $(KERNEL) stress

_fuzz: _all
	@qemu/test.sh $(KERNEL) fuzz

# The module is built in a mirror of the tree made of symlinks, one per
# kernel, so the source tree stays clean and kernels do not share objects.
# $(TOOLCHAIN) runs the build in the kernel's build root, if it has one.
# Extra compiler flags for the module (MMIODEMO_KCFLAGS=...), e.g.
# -DMMIODEMO_NEGATIVE_CONTROL, the deliberately wrong register mapping that
# proves the audit tests can fail. A change of flags rebuilds the module.
$(B)/kcflags: FORCE
	@mkdir -p $(@D)
	@echo '$(MMIODEMO_KCFLAGS)' | cmp -s - $@ || echo '$(MMIODEMO_KCFLAGS)' >$@

.PHONY: FORCE
FORCE:

$(KO): $(DRIVER_SRCS) $(B)/kernel.mk $(B)/kcflags
	@mkdir -p $(B)/mod
	@cp -as --remove-destination $(CURDIR)/Kbuild $(CURDIR)/driver $(B)/mod/
	$(TOOLCHAIN) $(MAKE) -C $(KDIR) M=$(CURDIR)/$(B)/mod ARCH=arm64 \
		CROSS_COMPILE=$(CROSS_COMPILE) W=1 KCFLAGS="-Werror $(MMIODEMO_KCFLAGS)" modules
	@touch $@

$(TOOL): userspace/mmiodemo.c $(HDRS)
	@mkdir -p $(@D)
	$(CROSS_COMPILE)gcc $(USER_CFLAGS) -o $@ $<

$(TESTS): $(U)/%: tests/%.c $(HDRS) $(TEST_HDRS)
	@mkdir -p $(@D)
	$(CROSS_COMPILE)gcc $(USER_CFLAGS) -isystem $(KSRC)/tools/testing/selftests \
		-o $@ $<

# QEMU's own tree, dumped with the boot's machine options, plus our overlay.
$(B)/virt.dtb: qemu/machine.conf
	@mkdir -p $(@D)
	qemu/boot.sh dumpdtb $(KERNEL) $@

$(B)/%.dtbo: dts/%.dtso
	@mkdir -p $(@D)
	dtc -@ -q -I dts -O dtb -o $@ $<

$(DTB): $(B)/virt.dtb $(B)/mmiodemo-virt.dtbo
	fdtoverlay -i $< -o $@ $(B)/mmiodemo-virt.dtbo

# For the tests only: also a decoy node the driver must refuse.
$(TEST_DTB): $(DTB) $(B)/mmiodemo-virt-decoy.dtbo
	fdtoverlay -i $< -o $@ $(B)/mmiodemo-virt-decoy.dtbo

# Every module built for the kernel: the driver, and its KUnit suite where
# the kernel has KUnit.
$(INITRAMFS): qemu/init $(KO) $(TOOL) $(TESTS) $(GPIOD_TEST) $(SCRIPTS) \
		$(B)/kernel.mk
	qemu/mkinitramfs.sh $@ $(BUSYBOX) qemu/init $(dir $(KO)) $(GPIOD_ROOT) \
		$(TOOL) $(TESTS) $(GPIOD_TEST) $(SCRIPTS)

# Linked against the libgpiod of this kernel's suite (v1 or v2 API).
$(GPIOD_TEST): tests/gpiod_test.c $(HDRS) $(TEST_HDRS) $(B)/kernel.mk
	$(CROSS_COMPILE)gcc -O2 -Wall -Wextra -Werror -Idriver -Idriver/uapi \
		-isystem $(KSRC)/tools/testing/selftests \
		-isystem $(GPIOD_ROOT)/usr/include -DMMIODEMO_GPIOD_API=$(GPIOD_API) \
		-o $@ $< -L$(GPIOD_ROOT)/usr/lib/aarch64-linux-gnu -lgpiod
endif
