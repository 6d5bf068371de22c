# SPDX-License-Identifier: GPL-2.0-only
#
# mmiodemo: build everything, boot QEMU arm64 virt, demo or test.
# "make help" lists the targets and the variables.
#
# Everything downloaded or built lives under build/ (git-ignored).

# KERNEL=NAME: the kernel of a goal (machine/kernels/NAME.conf); without it,
# "make test" is the whole matrix, "make stress", "make fuzz" and "make
# faults" use the debug kernel, "make check" checks against debian-6.1, debian-6.12 and
# debian-7.3, "make lava-check" every kernel of the matrix, "make clean"
# cleans every kernel (the Makefile decides), and the rest use debian-6.1
# (the workbench decides: workbench/__main__.py).
O := build
B := $(O)/$(KERNEL)
U := $(O)/userspace
CROSS_COMPILE ?= aarch64-linux-gnu-
# T=PATTERN[,PATTERN...]: only the guest test programs whose names
# contain a PATTERN (shell glob), e.g. T=dma or T=examples_test.
export T
# make fuzz: FUZZ_S seconds of fuzzing; SEED= replays a run.
FUZZ_S ?= 600
export FUZZ_S SEED

.PHONY: help all run bench bench-loop bench-ci test stress fuzz faults check setup clean distclean
.PHONY: install uninstall
.DEFAULT_GOAL := all

help:
	@echo 'Targets:'
	@echo '  make run          boot, load the driver, show the mapping, power off'
	@echo '  make test         static checks + the guest suite on every kernel of the'
	@echo '                    matrix, then a table (with KERNEL=: that kernel only)'
	@echo '  make check        the static checks alone'
	@echo '  make bench        the benchmarks in the guest: figures, plots in build/bench/,'
	@echo '                    a verdict per target; fails if one is missed'
	@echo '  make bench-loop   a driver file edited, then make test T=dma'
	@echo '                    KERNEL=debian-6.1, timed 3 times: fails if a run'
	@echo '                    fails or the median is over 12 s'
	@echo '  make bench-ci     CI=true bash .ci/run in a fresh clone of HEAD, cold then'
	@echo '                    warm, timed: fails if a run fails or takes over 15'
	@echo '                    (cold) or 6 (warm) minutes (2 quiet cores)'
	@echo '  make stress       200 unbind/rebind cycles under load (debug kernel)'
	@echo '  make fuzz         the model-checking fuzzer (debug kernel)'
	@echo '  make faults       every allocation and DMA-map failure the kernel can'
	@echo '                    inject into bind, unbind, open, mmap, faults, msync,'
	@echo '                    fsync, the ioctls and the audit, each survived (debug'
	@echo '                    kernel; make test runs a short form)'
	@echo '  make all          build what a boot needs, boot nothing'
	@echo '  make deb          the Debian packages (mmiodemo-dkms, mmiodemo-tools) in build/deb/'
	@echo '  make test-debian  the packages installed in a real Debian arm64 guest (DKMS'
	@echo '                    builds its modules there), then the suite there (debian-6.1)'
	@echo '  make lava-check   the LAVA job of every kernel (lava/mkjobs.py writes them'
	@echo '                    into build/lava/), validated with'
	@echo '                    lava-common'"'"'s schema'
	@echo '  make lava-files   the files of the kernel'"'"'s LAVA job, in build/KERNEL/lava/'
	@echo '  make test-lava    the kernel'"'"'s LAVA job run by lava-run here; LAVA'"'"'s results'
	@echo '                    must equal the harness'"'"'s (every Debian kernel)'
	@echo '  make install      install the tool, libmmiodemo (static, shared, headers,'
	@echo '                    pkg-config file), the man page and the bash completion;'
	@echo '                    with KDIR=: also the driver and its audit (modules_install)'
	@echo '  make install-dkms-src  the driver'"'"'s sources as DKMS builds them, into'
	@echo '                    DESTDIR/DKMS_SRC (debian/rules)'
	@echo '  make uninstall    remove what make install installed (not the modules)'
	@echo '  make setup        install host packages, download and unpack the kernel'
	@echo '  make clean        remove what was built (for KERNEL, or all) and the logs'
	@echo '  make distclean    remove build/ (downloads and built kernels too)'
	@echo 'Variables:'
	@echo '  KERNEL=NAME       one of: '"$$($(WB) kernels --all 2>/dev/null | tr '\n' ' ')"
	@echo '                    (make test runs: '"$$($(WB) kernels 2>/dev/null | tr '\n' ' ')"')'
	@echo '                    (NAME-swiotlb: NAME'"'"'s kernel booted with swiotlb=force'
	@echo '                    and, on 7.x, a pool size)'
	@echo '  T=PATTERN         make test: only guest programs whose names contain'
	@echo '                    PATTERN (a shell glob; several: T=dma,irq)'
	@echo '  JOBS=N            make test: kernels booted side by side (default: one'
	@echo '                    per core)'
	@echo '  GDB=PORT          make test KERNEL=NAME, run, bench, stress, fuzz, faults:'
	@echo '                    QEMU waits for gdb-multiarch on PORT (the command is printed; with'
	@echo '                    KERNEL=debug, lx-symbols finds the modules)'
	@echo '  FUZZ_S=N          make fuzz: seconds of fuzzing (default 600)'
	@echo '  SEED=N            make fuzz: replay the run of this seed'
	@echo '  MMIODEMO_KCFLAGS= extra compiler flags for the modules'
	@echo '  CROSS_COMPILE=    the arm64 compiler prefix (aarch64-linux-gnu-)'
	@echo '  PREFIX=DIR        make install: where to (default /usr/local); DESTDIR='
	@echo '                    a staging root; prefix=, exec_prefix=, bindir=, libdir=,'
	@echo '                    includedir=, datarootdir=, datadir=, mandir=, man1dir='
	@echo '                    as in the GNU conventions'
	@echo '                    pkgconfigdir=, bashcompdir=, INSTALL=, INSTALL_PROGRAM=,'
	@echo '                    INSTALL_DATA= too'
	@echo '  TOOL_STATIC=      make install: link the tool with the shared C library'
	@echo '                    (default -static, as the guest runs it)'
	@echo '  O=DIR             where the build goes (default build/)'
	@echo '  DKMS_SRC=DIR      make install-dkms-src: the DKMS source directory'
	@echo '  KDIR=DIR          make install: the arm64 kernel tree to build and'
	@echo '                    install the modules for (INSTALL_MOD_PATH=$$DESTDIR)'
	@echo 'Results: build/logs/KERNEL-test.log (console), KERNEL.tap (the guest'"'"'s'
	@echo 'TAP/KTAP), KERNEL.junit.xml; the matrix also writes build/logs/junit.xml.'

# The goals that boot, or need a kernel, run through the workbench
# (python3 -m workbench, workbench/): it resolves the kernel
# (workbench/kernel.py), calls this Makefile again for what the goal needs
# with the kernel's variables on the command line (KDIR=..., and
# WB_BUILD=1), boots and judges. Debian's python3 is the one it runs on.
WB := /usr/bin/python3 -m workbench

# /usr/bin/python3 itself is the one thing make installs, when missing.
/usr/bin/python3:
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null

ifndef WB_BUILD
test: /usr/bin/python3
	@$(WB) test $(if $(JOBS),--jobs $(JOBS)) $(if $(GDB),--gdb $(GDB)) $(KERNEL)

# The edit-build-boot-test loop, timed (workbench/loop.py).
bench-loop: /usr/bin/python3
	@$(WB) bench-loop

# The CI run, cold and warm, timed (workbench/citime.py).
bench-ci: /usr/bin/python3
	@$(WB) bench-ci

run bench stress fuzz faults: /usr/bin/python3
	@$(WB) $@ $(if $(GDB),--gdb $(GDB)) $(KERNEL)

check: /usr/bin/python3
	@$(WB) check

setup: /usr/bin/python3
	@$(WB) setup $(KERNEL)

all: /usr/bin/python3
	@$(WB) build $(KERNEL)
endif

# What kbuild left beside the sources (make install KDIR=..., a build by
# hand) is what .gitignore ignores there.
# Without KERNEL=: what was built for every kernel (build/cache stays).
clean:
	rm -rf $(if $(KERNEL),$(O)/$(KERNEL),$(filter-out $(O)/cache,$(wildcard $(O)/*))) \
		$(U) $(O)/logs
	git clean -fqX -- driver tests/modules tests/negative

distclean:
	rm -rf $(O)

.PHONY: FORCE
FORCE:

# The guest's test and bench programs, linked with libmmiodemo; static, so
# that they need none of the C library the initramfs carries for libgpiod's
# tools.
USER_CFLAGS := -static -O2 -Wall -Wextra -Werror -Idriver -Idriver/uapi \
	-Iuserspace/lib -Itests/guest -isystem $(KSRC)/tools/testing/selftests
HDRS := driver/mmiodemo-regs.h driver/mmiodemo-stats.h driver/uapi/mmiodemo.h \
	userspace/lib/libmmiodemo.h
# The tool, libmmiodemo (static for the guest's programs, shared too) and
# the worked examples: userspace/Makefile builds them, into $(U).
USERSPACE := $(MAKE) --no-print-directory -C userspace O=$(abspath $(U)) \
	CROSS_COMPILE=$(CROSS_COMPILE)
LIB := $(U)/lib/libmmiodemo.a
LIB_SO := $(U)/lib/libmmiodemo.so.0
TEST_HDRS := $(wildcard tests/guest/*.h tests/bench/*.h)
TOOL := $(U)/mmiodemo
# Every tests/guest/*_test.c is a guest test program; gpiod_test is built
# per kernel below (it links that kernel's libgpiod). The guest runs every
# /tests/*_test and /tests/*_test.sh it finds (guest/suite.sh).
GUEST_TESTS := $(patsubst tests/guest/%.c,$(U)/%, \
	$(filter-out tests/guest/gpiod_test.c,$(wildcard tests/guest/*_test.c)))
BENCH := $(patsubst tests/bench/%.c,$(U)/%,$(wildcard tests/bench/*.c))
GPIOD_TEST := $(B)/gpiod_test
# guest/suite.sh: how the guest runs the suite, as /tests/suite.sh.
SCRIPTS := $(wildcard tests/guest/*.sh) guest/suite.sh
# Every userspace/examples/NAME.c is a worked example, run in the guest as
# /examples/NAME by tests/guest/examples_test.sh.
EXAMPLES := $(patsubst userspace/examples/%.c,$(U)/examples/%, \
	$(wildcard userspace/examples/*.c))
DTB := $(B)/mmiodemo-virt.dtb
TEST_DTB := $(B)/mmiodemo-virt-test.dtb
BENCH_DTB := $(B)/mmiodemo-virt-bench.dtb
KEYS_DTB := $(B)/mmiodemo-virt-keys.dtb

# The modules, built the documented out-of-tree way
# (Documentation/kbuild/modules.rst): make -C $(KDIR) M=<dir>, with M= the
# directory of the module's own Kbuild: driver/ (driver/Kbuild; the
# top-level Kbuild, obj-m += driver/, serves a build of the whole tree),
# tests/modules and tests/negative. Not in the tree itself: kbuild puts
# the objects beside the sources and, before 6.13 (MO=), nowhere else. So
# each kernel builds in its own tree of links to the sources,
# build/KERNEL/src/ (the workbench makes it: workbench/runner.py), and
# kernels build side by side without touching one another's objects; an
# edit rebuilds only what it changed. $(TOOLCHAIN) runs kbuild in the
# kernel's build root, if it has one (7.x). MMIODEMO_KCFLAGS= extra
# compiler flags for the modules; a change of flags rebuilds them.
MODDIR := $(B)/modules
SRC := $(CURDIR)/$(B)/src
KO := $(MODDIR)/mmiodemo.ko
kbuild = $(TOOLCHAIN) $(MAKE) -C $(KDIR) ARCH=arm64 \
	CROSS_COMPILE=$(CROSS_COMPILE) M=$(SRC)/$(1)
# Each module directory is its own step with its own sources, so that an
# edit of the driver rebuilds the driver (and the negative control, which
# includes its sources), not the test modules.
DRIVER_FILES := $(filter-out %.mod.c,$(wildcard driver/Kbuild driver/*.[ch]))
DRIVER_UAPI := $(wildcard driver/uapi/*.h)
DRIVER_SRCS := Kbuild $(DRIVER_FILES) $(DRIVER_UAPI)
TEST_KBUILD := $(wildcard tests/modules/Kbuild)
TEST_KO := $(if $(TEST_KBUILD),$(MODDIR)/tests/.built)
TEST_MODULE_SRCS := $(wildcard tests/modules/*.[ch]) \
	$(TEST_KBUILD) driver/mmiodemo-regs.h driver/uapi/mmiodemo.h
# The negative control (tests/negative): the driver with its registers
# mapped as Normal memory, built on one kernel only, where the workbench
# boots it a second time and tests/guest/audit_test.host.py expects the
# audit to fail.
NEGATIVE_KERNEL := debian-6.1
NEGATIVE := $(if $(filter $(NEGATIVE_KERNEL),$(KERNEL)),$(wildcard tests/negative/Kbuild))
# Not for make test T=...: the negative control belongs to whole runs.
NEG_KO := $(if $(and $(NEGATIVE),$(if $(T),,y)),$(MODDIR)/mmiodemo-negative.ko)
MODULE_KCFLAGS := W=1 KCFLAGS="-Werror $(MMIODEMO_KCFLAGS)"
MODULE_DEPS := $(B)/kernel.json $(B)/kcflags

$(B)/kcflags: FORCE
	@mkdir -p $(@D)
	@echo '$(MMIODEMO_KCFLAGS)' | cmp -s - $@ || echo '$(MMIODEMO_KCFLAGS)' >$@

# The modules a directory's Kbuild builds now, from kbuild's
# modules.order (x.ko or, since 6.2, x.o; a path or not): not every .ko
# there, which may be a module that Kbuild no longer names.
built_kos = sed -e 's|.*/||' -e 's|\.k\?o$$|.ko|' $(SRC)/$(1)/modules.order

$(KO): $(DRIVER_SRCS) $(MODULE_DEPS)
	$(call kbuild,driver) $(MODULE_KCFLAGS) modules
	@mkdir -p $(MODDIR)
	$(call built_kos,driver) | while read -r m; do \
		cp $(SRC)/driver/$$m $(MODDIR)/ || exit 1; done

# No KBUILD_EXTRA_SYMBOLS: the driver exports nothing.
$(MODDIR)/tests/.built: $(TEST_MODULE_SRCS) $(MODULE_DEPS) | $(KO)
	$(call kbuild,tests/modules) $(MODULE_KCFLAGS) modules
	@mkdir -p $(MODDIR)/tests
	rm -f $(MODDIR)/tests/*.ko
	$(call built_kos,tests/modules) | while read -r m; do \
		cp $(SRC)/tests/modules/$$m $(MODDIR)/tests/ || exit 1; done
	@touch $@

$(MODDIR)/mmiodemo-negative.ko: $(DRIVER_SRCS) $(wildcard tests/negative/*.c) \
		$(NEGATIVE) $(MODULE_DEPS) | $(KO)
	$(call kbuild,tests/negative) $(MODULE_KCFLAGS) modules
	cp $(SRC)/tests/negative/mmiodemo-negative.ko $@

# userspace/Makefile knows what its files need: it runs on every build.
.PHONY: userspace
userspace:
	+@$(USERSPACE) all
$(TOOL) $(LIB) $(LIB_SO) $(EXAMPLES): userspace ;

$(U)/%: tests/guest/%.c $(HDRS) $(TEST_HDRS) $(LIB)
	@mkdir -p $(@D)
	$(CROSS_COMPILE)gcc $(USER_CFLAGS) -o $@ $< $(LIB)

# The framebuffer example of Documentation/mmiodemo.rst, as a program
# (tests/host/doc-program.sh): tests/guest/fb_test.sh runs it.
DOC_FB := $(U)/fb_doc_example
$(DOC_FB).c: Documentation/mmiodemo.rst tests/host/doc-program.sh
	@mkdir -p $(@D)
	tests/host/doc-program.sh $< fb_doc_example $@
$(DOC_FB): $(DOC_FB).c $(HDRS)
	$(CROSS_COMPILE)gcc $(USER_CFLAGS) -o $@ $<

$(U)/%: tests/bench/%.c $(HDRS) $(TEST_HDRS) $(LIB)
	@mkdir -p $(@D)
	$(CROSS_COMPILE)gcc $(USER_CFLAGS) -o $@ $< $(LIB)

# Linked against the libgpiod of this kernel's suite (v1 or v2 API).
$(GPIOD_TEST): tests/guest/gpiod_test.c $(HDRS) $(TEST_HDRS) $(LIB) $(B)/kernel.json
	$(CROSS_COMPILE)gcc $(filter-out -static,$(USER_CFLAGS)) \
		-isystem $(GPIOD_ROOT)/usr/include -DMMIODEMO_GPIOD_API=$(GPIOD_API) \
		-pthread -o $@ $< $(LIB) -L$(GPIOD_ROOT)/usr/lib/aarch64-linux-gnu -lgpiod

# QEMU's own tree, dumped with the boot's machine options, plus our overlay.
$(B)/virt.dtb: machine/machine.conf
	@mkdir -p $(@D)
	$(WB) dumpdtb $@

$(B)/%.dtbo: dts/%.dtso
	@mkdir -p $(@D)
	dtc -@ -q -I dts -O dtb -o $@ $<

$(DTB): $(B)/virt.dtb $(B)/mmiodemo-virt.dtbo
	fdtoverlay -i $< -o $@ $(B)/mmiodemo-virt.dtbo

# For the tests only: also a decoy node the driver must refuse.
$(TEST_DTB): $(DTB) $(B)/mmiodemo-virt-decoy.dtbo
	fdtoverlay -i $< -o $@ $(B)/mmiodemo-virt-decoy.dtbo

# For the keys boot: QEMU's gpio-keys node enabled again.
$(KEYS_DTB): $(DTB) $(B)/mmiodemo-virt-keys.dtbo
	fdtoverlay -i $< -o $@ $(B)/mmiodemo-virt-keys.dtbo

# For make bench: the 64 MiB buffer the driver must be able to give, set
# where the buffer's size is described, in the DT.
$(BENCH_DTB): $(DTB)
	cp $< $@.tmp
	fdtput -t x $@.tmp /pl061@9030000 mmiodemo,dma-buffer-size 0x4000000
	mv $@.tmp $@

# What a boot needs, built for the kernel the workbench names (it calls
# this Makefile with WB_BUILD=1 and the kernel's variables).
ifdef WB_BUILD
all guest: $(B)/initramfs.cpio $(DTB) $(TEST_DTB) $(KEYS_DTB) $(LIB_SO) ; @:
dtb: $(DTB) ; @:
modules: $(KO) $(TEST_KO) $(NEG_KO) ; @:
bench-dtb: $(BENCH_DTB) ; @:
virt-dtb: $(B)/virt.dtb $(B)/mmiodemo-virt-decoy.dtbo ; @:
endif
.PHONY: guest modules dtb bench-dtb virt-dtb

# Modules of the kernel's own package the guest loads, where Debian builds
# them as modules: uio.ko for the UIO device of the test module
# mmiodemo-bench, virtio_mmio.ko and virtio_blk.ko for the disk the
# fuzzer's O_DIRECT reads come from (machine/machine.conf's QEMU_DISK),
# evdev.ko and gpio_keys.ko for the keys boot's power button. Taken
# from KMODULES (workbench/kernel.py: the kernel package's modules, 7.x's
# linux-modules package, or the tree of a kernel built here), decompressed
# for busybox's insmod. None where built in.
KERNEL_MODULES := drivers/uio/uio drivers/virtio/virtio_mmio \
	drivers/block/virtio_blk drivers/input/evdev \
	drivers/input/keyboard/gpio_keys
kmod_src = $(firstword $(wildcard $(KMODULES)/$(1).ko $(KMODULES)/$(1).ko.xz))
KMOD_KO := $(foreach m,$(KERNEL_MODULES),$(if $(call kmod_src,$(m)), \
	$(B)/kernel-modules/$(notdir $(m)).ko))

define kmod_rule
$(B)/kernel-modules/$(notdir $(1)).ko: $(call kmod_src,$(1))
	@mkdir -p $$(@D)
	$$(if $$(filter %.xz,$$<),xz -dc,cat) $$< >$$@.tmp
	mv $$@.tmp $$@
endef
$(foreach m,$(KERNEL_MODULES),$(if $(call kmod_src,$(m)), \
	$(eval $(call kmod_rule,$(m)))))

# The allocation and DMA-map call sites of driver/'s modules, which
# tests/guest/faults_test.c must fail, read from the built modules
# (tests/host/faults-sites.sh); /tests/faults_sites in the guest.
FAULTS_SITES := $(B)/faults_sites
$(FAULTS_SITES): $(KO) tests/host/faults-sites.sh
	tests/host/faults-sites.sh $(CROSS_COMPILE)objdump $(MODDIR)/mmiodemo.ko \
		$(MODDIR)/mmiodemo-audit.ko >$@.tmp
	mv $@.tmp $@

# The guest's whole world, with every module built for the kernel. The
# list of its programs is a prerequisite too, so a test that was deleted
# leaves the image.
GUEST_FILES := $(TOOL) $(GUEST_TESTS) $(BENCH) $(GPIOD_TEST) $(SCRIPTS) \
	$(EXAMPLES) $(DOC_FB) $(KMOD_KO) $(FAULTS_SITES)
$(B)/guest-files: FORCE
	@mkdir -p $(@D)
	@echo '$(GUEST_FILES)' | cmp -s - $@ || echo '$(GUEST_FILES)' >$@

$(B)/initramfs.cpio: guest/init workbench/mkinitramfs.sh $(KO) $(TEST_KO) \
		$(NEG_KO) $(GUEST_FILES) $(B)/guest-files $(B)/kernel.json
	workbench/mkinitramfs.sh $@ $(BUSYBOX) guest/init $(MODDIR) $(GPIOD_ROOT) \
		$(GUEST_FILES)

# make install, make uninstall: userspace/Makefile's (the tool, libmmiodemo,
# their headers, pkg-config file, man page and bash completion; PREFIX,
# DESTDIR and the GNU directory variables). With KDIR= on the command line
# (or in the environment), make install builds and installs driver/'s
# modules too (mmiodemo.ko, mmiodemo-audit.ko), kbuild's way:
# modules_install into $(DESTDIR)/lib/modules.
install: userspace
	+$(USERSPACE) install
ifneq ($(filter command line environment,$(origin KDIR)),)
	$(MAKE) -C $(KDIR) ARCH=arm64 CROSS_COMPILE=$(CROSS_COMPILE) \
		M=$(CURDIR)/driver modules
	$(MAKE) -C $(KDIR) ARCH=arm64 CROSS_COMPILE=$(CROSS_COMPILE) \
		M=$(CURDIR)/driver modules_install INSTALL_MOD_PATH=$(DESTDIR)
endif

uninstall:
	+$(USERSPACE) uninstall

# The driver's sources as DKMS builds them (debian/rules, mmiodemo-dkms):
# driver/Kbuild and the driver's files in $(DESTDIR)$(DKMS_SRC), the uAPI
# headers in its uapi/.
.PHONY: install-dkms-src
install-dkms-src:
	@test -n '$(DKMS_SRC)' || { echo 'make install-dkms-src: DKMS_SRC=DIR is missing' >&2; exit 2; }
	install -d $(DESTDIR)$(DKMS_SRC)/uapi
	install -p -m 644 $(DRIVER_FILES) $(DESTDIR)$(DKMS_SRC)/
	install -p -m 644 $(DRIVER_UAPI) $(DESTDIR)$(DKMS_SRC)/uapi/

# The Debian packages (make deb), the real Debian guest (make test-debian)
# and the LAVA jobs (make lava-check, make test-lava): each in its own file.
-include packaging/deb.mk packaging/debian-guest.mk lava/lava.mk
