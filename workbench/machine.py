# SPDX-License-Identifier: GPL-2.0-only
"""The QEMU machine every boot uses: the one builder of QEMU's command line.

Its data is machine/machine.conf (read with workbench/conf.py). A test boot,
make run, bench, fuzz, stress and faults, the Debian guest (and its image's second
stage) and the LAVA jobs (lava/mkjobs.py) all take their machine options
from a Machine, so they boot the same virt: workbench/tests/test_machine.py
compares them.
"""
import os

from . import conf

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = "qemu-system-aarch64"
KEYS = {"QEMU_MACHINE", "QEMU_CPU", "QEMU_SMP", "QEMU_MEM", "QEMU_EXTRA",
        "QEMU_APPEND", "QEMU_BLOBS", "QEMU_DISK", "QEMU_TIMEOUT",
        "QEMU_STRESS_TIMEOUT", "QEMU_BENCH_TIMEOUT", "QEMU_DEBIAN_TIMEOUT"}


class Drive:
    """A raw disk image on virtio-blk over virtio-mmio."""

    def __init__(self, ident, path, readonly=False, serial=None):
        self.ident, self.path = ident, path
        self.readonly, self.serial = readonly, serial

    def args(self):
        drive = "if=none,id=%s,format=raw,%sfile=%s" % (
            self.ident, "readonly=on," if self.readonly else "", self.path)
        device = "virtio-blk-device,drive=" + self.ident
        if self.serial:
            device += ",serial=" + self.serial
        return ["-drive", drive, "-device", device]


class Machine:
    """machine/machine.conf as a machine: its options, its files, its limits."""

    def __init__(self, top=REPO):
        self.top = top
        self.conf = conf.read(os.path.join(top, "machine", "machine.conf"), KEYS)
        missing = KEYS - set(self.conf)
        if missing:
            raise conf.ConfError("machine/machine.conf lacks %s" %
                                 " ".join(sorted(missing)))
        self.blobs_dir = os.path.join(top, "build", "blobs")

    def options(self):
        """What makes the machine, after "-M virt": CPU, cores, memory and
        the extra options (no network, no reboot, ramfb...)."""
        c = self.conf
        return (["-cpu", c["QEMU_CPU"], "-smp", c["QEMU_SMP"],
                 "-m", c["QEMU_MEM"]] + c["QEMU_EXTRA"].split())

    def dumpdtb(self, out):
        """The command that writes QEMU's own device tree of this machine
        to OUT: the same options, so the same tree."""
        return [QEMU, "-M", "%s,dumpdtb=%s" % (self.conf["QEMU_MACHINE"],
                                               out)] + self.options()

    def blobs(self):
        """(fw_cfg name, host file) of each file the guest's DMA engine
        loads (workbench/blobs.py makes them)."""
        out = []
        for line in self.conf["QEMU_BLOBS"].splitlines():
            if line.strip():
                name, f = line.split()
                out.append((name, os.path.join(self.blobs_dir, f)))
        return out

    def test_disk(self):
        """The read-only disk of every busybox boot (the fuzzer's O_DIRECT
        reads), found by the guest through its serial."""
        return Drive("mmiodemo-disk", os.path.join(
            self.blobs_dir, self.conf["QEMU_DISK"]), True, "mmiodemo-disk")

    def append(self, *words):
        """The kernel command line: the machine's, then WORDS (empty ones
        left out)."""
        return " ".join([self.conf["QEMU_APPEND"]] + [w for w in words if w])

    def timeout(self, mode):
        """Seconds a boot of MODE may take before it is killed."""
        key = {"stress": "QEMU_STRESS_TIMEOUT", "faults": "QEMU_STRESS_TIMEOUT",
               "bench": "QEMU_BENCH_TIMEOUT",
               "debian": "QEMU_DEBIAN_TIMEOUT"}.get(mode, "QEMU_TIMEOUT")
        return int(self.conf[key])

    def accel(self, side_by_side=1):
        """TCG's threads for a guest booted with SIDE_BY_SIDE guests on this
        host: one host thread for each vCPU (QEMU's default) when the host
        has a core for every vCPU of them all, else one thread that runs
        the vCPUs in turn. With fewer cores, each vCPU thread spins in the
        guest's waits (WFE, a lock, a TLB flush of all CPUs) while the
        other waits for a core: a debian-6.12 suite took 64.0 s and 85 CPU
        seconds one way, 62.7 s and 55 CPU seconds the other."""
        cores = os.cpu_count() or 1
        if cores >= side_by_side * int(self.conf["QEMU_SMP"]):
            return []
        return ["-accel", "tcg,thread=single"]

    def command(self, kernel, append, initrd=None, dtb=None, drives=(),
                blobs=True, qmp=None, trace=None, side_by_side=1):
        """QEMU's argv for a boot of the KERNEL image on this machine, one
        of SIDE_BY_SIDE guests that share the host's cores."""
        argv = [QEMU, "-M", self.conf["QEMU_MACHINE"]] + self.options()
        argv += self.accel(side_by_side)
        argv += ["-kernel", kernel]
        if initrd:
            argv += ["-initrd", initrd]
        for d in drives:
            argv += d.args()
        if dtb:
            argv += ["-dtb", dtb]
        for name, f in self.blobs() if blobs else ():
            argv += ["-fw_cfg", "name=%s,file=%s" % (name, f)]
        argv += ["-append", append]
        if trace:
            argv += ["-trace", "pl061_*", "-D", trace]
        if qmp:
            argv += ["-qmp", "unix:%s,server=on,wait=off" % qmp]
        return argv

    def lava_context(self):
        """The machine as a LAVA job's context, which LAVA's qemu.jinja2
        renders into its QEMU command."""
        c = self.conf
        return {
            "arch": "arm64",
            "machine": c["QEMU_MACHINE"],
            "cpu": c["QEMU_CPU"],
            "memory": int(c["QEMU_MEM"]),
            "extra_options": c["QEMU_EXTRA"].split() + ["-smp", c["QEMU_SMP"]],
        }
