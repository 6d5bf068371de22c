# SPDX-License-Identifier: GPL-2.0-only
"""The guest's boots: what each mode boots, with what, for how long.

Modes: run (make run's demo), test (the suite), negative (the suite's
negative control), keys (keys_test with QEMU's gpio-keys node), bench,
stress, fuzz: the busybox guest of build/KERNEL/initramfs.cpio, with the
overlaid device tree (for test, the one with the tests' decoy node; for
keys, the one with gpio-keys enabled; for bench, the one with the 64 MiB
buffer) and the read-only test disk; faults: tests/guest/faults_test.c's
full form. debian: the Debian system of
make test-debian (packaging/debian-guest.sh), with Debian's own initramfs, its
disk, the payload disk, and the overlay the package installs applied to
QEMU's tree. Files: build/logs/KERNEL-MODE.log (the console), .trace
(QEMU's pl061_* trace events; not for bench, where a line per register
access would be timed too), .status, .qmp.log, -NAME.ppm (screendumps).
"""
import glob
import os
import sys
import time

from . import apt
from . import blobs
from .boot import Boot
from .machine import Drive, Machine

MODES = ("run", "test", "negative", "keys", "bench", "stress", "fuzz",
         "faults", "debian")


def log_path(top, kernel_name, mode):
    return os.path.join(top, "build", "logs",
                        "%s-%s.log" % (kernel_name, mode))


def limit(machine, kernel, mode, fuzz_s):
    """Seconds a boot of MODE on KERNEL may take: the kernel's own
    QEMU_TIMEOUT (a debug kernel is slower) or the machine's."""
    base = kernel.timeout or machine.timeout("test")
    if mode == "fuzz":
        return fuzz_s + 60 + base
    if mode in ("stress", "bench", "debian", "faults"):
        return machine.timeout(mode)
    return base


def boot(kernel, mode, words=(), echo=False, on_line=None, fuzz_s=600,
         machine=None, gdb=None, side_by_side=1):
    """Boot KERNEL (a workbench.kernel.Kernel) in MODE with WORDS added to
    the kernel command line; QEMU's status (124: killed at its limit).
    GDB: a TCP port where QEMU waits for gdb before the first instruction
    (then the boot has no limit). SIDE_BY_SIDE: the guests that share the
    host (Machine.accel)."""
    if mode not in MODES:
        raise ValueError("unknown mode %s (modes: %s)" %
                         (mode, " ".join(MODES)))
    machine = machine or Machine()
    top = machine.top
    b = os.path.join(top, "build", kernel.name)
    log = log_path(top, kernel.name, mode)
    base = log[:-len(".log")]
    for f in glob.glob(base + ".trace") + glob.glob(base + "-*.ppm"):
        os.unlink(f)
    blobs.make(machine.blobs_dir)
    if mode == "debian":
        dg = os.path.join(top, "build", "debian-guest")
        # virt gives virtio-mmio devices their transports last first: the
        # system's disk, created last, is /dev/vda (its /etc/fstab says so).
        drives = [Drive("payload", os.path.join(dg, "payload.img")),
                  Drive("root", os.path.join(dg, "root.img"))]
        # Every kernel line on the console, as in the busybox guest, and
        # the host's clock: virt's RTC is the tests' decoy.
        append = machine.append(kernel.append, "root=LABEL=debian rw",
                                "ignore_loglevel",
                                "mmiodemo_epoch=%d" % time.time(), *words)
        initrd = os.path.join(top, "build", "cache", "debian-guest",
                              "initrd.img")
        dtb = os.path.join(dg, "virt-package.dtb")
    else:
        drives = [machine.test_disk()]
        # mmiodemo_disk=1: the guest must find that disk (tests/bench/fuzz.c).
        append = machine.append(kernel.append, "mmiodemo_mode=" + mode,
                                "mmiodemo_disk=1", *words)
        initrd = os.path.join(b, "initramfs.cpio")
        dtb = os.path.join(b, {"test": "mmiodemo-virt-test.dtb",
                               "bench": "mmiodemo-virt-bench.dtb",
                               "keys": "mmiodemo-virt-keys.dtb"}.get(
                                   mode, "mmiodemo-virt.dtb"))
    argv = machine.command(kernel.vmlinuz, append, initrd, dtb, drives,
                           qmp=base + ".qmp",
                           trace=None if mode == "bench" else base + ".trace",
                           side_by_side=side_by_side)
    if gdb:
        apt.Apt(os.path.join(top, "build", "logs", "packages.log")).install(
            ["gdb-multiarch"])
        argv += ["-gdb", "tcp::%d" % gdb, "-S"]
        print(gdb_help(kernel, gdb), file=sys.stderr, flush=True)
    return Boot(argv, log, None if gdb else limit(machine, kernel, mode,
                                                  fuzz_s), echo, on_line).run()


def gdb_help(kernel, port):
    """How to attach: gdb-multiarch on the kernel's vmlinux (a kernel
    built here has one) and the kernel's own lx-symbols (scripts/gdb),
    which loads the modules' symbols once the first module loads, and
    again as each later one loads."""
    vmlinux = os.path.join(kernel.kdir, "vmlinux")
    mods = os.path.join(kernel.top, "build", kernel.name, "src")
    if not os.path.exists(vmlinux):
        return ("QEMU waits for gdb on port %d; %s has no vmlinux here (a "
                "Debian kernel ships none): symbols only from a kernel built "
                "here, such as debug" % (port, kernel.name))
    return ("QEMU waits for gdb on port %d:\n  gdb-multiarch %s \\\n"
            "    -iex 'add-auto-load-safe-path %s' -ex 'target remote :%d' \\\n"
            "    -ex 'break do_init_module' -ex continue \\\n"
            "    -ex 'lx-symbols %s' -ex 'delete 1' \\\n"
            "    -ex 'break mmiodemo_open' -ex continue"
            % (port, vmlinux, kernel.kdir, port, mods))
