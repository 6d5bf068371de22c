#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""lava/mkjobs.py: the LAVA job of each kernel of the matrix.

    lava/mkjobs.py [--base-url URL] [--nonce N] [--check] OUTDIR KERNEL...
    lava/mkjobs.py --device OUT [--qmp SOCKET] KERNEL

Writes OUTDIR/KERNEL.yaml for each KERNEL (the names of machine/kernels/*.conf):
LAVA's QEMU device type boots virt as every boot of the workbench does
(its Machine, workbench/machine.py: machine, CPU, memory, the extra
options, fw_cfg's files as images), with
the kernel, the device tree with mmiodemo's overlay and the tests' decoy,
and the LAVA initramfs (the guest's, with lava/lava-suite.sh and the
modules that mount LAVA's overlay disk), then runs the guest suite as a
LAVA test definition (lava/suite.yaml) that reports each test with
lava-test-case. The artefacts are named under URL/build/KERNEL/lava/
(default: file:// of this tree), which make lava-files (and make
test-lava) fills. With
--check, each job is validated with lava-common's schema
(lava_common.schemas.validate, strict).

With --device, writes instead the device dictionary of this machine for
lava-run, rendered as lava-server would render LAVA's qemu.jinja2 with the
job's context (lava-run does not render templates); with --qmp, QEMU also
listens for QMP on SOCKET (make test-lava presses the power button and
takes screendumps through it, as the workbench's boots do).
"""
import argparse
import os
import random
import sys

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TOP)
# pylint: disable=wrong-import-position
from workbench import kernel as K  # noqa: E402
from workbench.machine import Machine  # noqa: E402


def kernel_append(kernel):
    """What the kernel's data file adds to the kernel command line."""
    return K.read_conf(TOP, kernel).get("KERNEL_APPEND", "")


def job(kernel, base, nonce):
    machine = Machine(TOP)
    art = "%s/build/%s/lava" % (base.rstrip("/"), kernel)
    append = machine.append(kernel_append(kernel), "mmiodemo_mode=lava",
                            "mmiodemo_nonce=" + nonce)
    images = {
        "kernel": {
            "image_arg": '-kernel {kernel} -append "%s"' % append,
            "url": art + "/vmlinuz",
        },
        "dtb": {
            "image_arg": "-dtb {dtb}",
            "url": art + "/mmiodemo-virt-test.dtb",
        },
        "ramdisk": {
            "image_arg": "-initrd {ramdisk}",
            "url": art + "/initramfs.cpio",
        },
    }
    for name, path in machine.blobs():
        f = os.path.basename(path)
        label = os.path.splitext(f)[0]
        images[label] = {
            "image_arg": "-fw_cfg name=%s,file={%s}" % (name, label),
            "url": "%s/%s" % (art, f),
        }
    with open(os.path.join(TOP, "lava", "suite.yaml")) as f:
        suite = yaml.safe_load(f)
    return {
        "device_type": "qemu",
        "job_name": "mmiodemo guest suite on %s" % kernel,
        "priority": "medium",
        "visibility": "public",
        "timeouts": {
            "job": {"minutes": 30},
            "action": {"minutes": 20},
            "connection": {"minutes": 2},
        },
        "context": machine.lava_context(),
        "actions": [
            {
                "deploy": {
                    "to": "tmpfs",
                    "timeout": {"minutes": 5},
                    "images": images,
                }
            },
            {
                "boot": {
                    "method": "qemu",
                    "media": "tmpfs",
                    "timeout": {"minutes": 5},
                    "prompts": ["mmiodemo-lava# "],
                }
            },
            {
                "test": {
                    "timeout": {"minutes": 20},
                    "definitions": [
                        {
                            "from": "inline",
                            "name": "mmiodemo-suite",
                            "path": "inline/mmiodemo-suite.yaml",
                            "repository": suite,
                        }
                    ],
                }
            },
        ],
    }


def device(machine, qmp):
    """This machine's device dictionary: qemu.jinja2 (base.jinja2's
    defaults) rendered with the job's context; no NIC (the job needs
    none, and this QEMU has no option ROM for one)."""
    ctx = machine.lava_context()
    extra = ctx["extra_options"] + (
        ["-qmp", "unix:%s,server=on,wait=off" % qmp] if qmp else []
    )
    minutes = {"minutes": 5}
    return {
        "constants": {
            "posix": {
                "lava_test_sh_cmd": "/bin/sh",
                "lava_test_results_dir": "/lava-%s",
                "lava_test_shell_file": "~/.bashrc",
            },
            "shutdown-message": "The system is going down for reboot NOW",
            "kernel-start-message": "Linux version [0-9]",
            "default-shell-prompt": "lava-test: # ",
            "spawn_maxread": "4092",
            # One attempt: a retry would hide a boot that fails now and then.
            "failure_retry": 1,
            "boot_retry": 1,
        },
        "parameters": {"pass": None},
        "available_architectures": ["arm64", "aarch64"],
        "actions": {
            "deploy": {
                "connections": {"serial": None},
                "methods": {
                    "image": {
                        "parameters": {
                            "guest": {"size": 512, "interface": "virtio", "driveid": "lavatest"}
                        }
                    }
                },
            },
            "boot": {
                "connections": {"serial": None},
                "methods": {
                    "qemu": {
                        "parameters": {
                            "command": "qemu-system-aarch64",
                            "options": [
                                "-cpu %s" % ctx["cpu"],
                                "-machine %s" % ctx["machine"],
                                "-nographic",
                                "-m %d" % ctx["memory"],
                                "-monitor none",
                            ],
                            "extra": extra,
                        }
                    }
                },
            },
        },
        "timeouts": {
            "actions": {
                "apply-overlay-image": minutes,
                "lava-test-shell": {"minutes": 20},
                "boot-qemu-image": minutes,
                "auto-login-action": minutes,
                "http-download": minutes,
                "download-retry": minutes,
            },
            "connections": {
                "lava-test-shell": {"minutes": 5},
                "auto-login-action": minutes,
            },
        },
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base-url", default="file://" + TOP)
    ap.add_argument("--nonce", default="0x%x" % random.randint(0x100, 0x7FFFFFFF))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--device", metavar="OUT")
    ap.add_argument("--qmp", metavar="SOCKET")
    ap.add_argument("outdir", nargs="?")
    ap.add_argument("kernels", nargs="*")
    args = ap.parse_args()
    if args.device:
        with open(args.device, "w") as f:
            yaml.safe_dump(device(Machine(TOP), args.qmp), f, sort_keys=False)
        return 0
    if not args.outdir or not args.kernels:
        ap.error("OUTDIR and at least one KERNEL are needed")
    if not all(c in "0123456789abcdefx" for c in args.nonce.lower()):
        ap.error("--nonce %s: a number, as 0x1234" % args.nonce)
    os.makedirs(args.outdir, exist_ok=True)
    bad = 0
    for kernel in args.kernels:
        if not os.path.exists(os.path.join(TOP, "machine", "kernels", kernel + ".conf")):
            print("mkjobs: no machine/kernels/%s.conf" % kernel, file=sys.stderr)
            return 2
        data = job(kernel, args.base_url, args.nonce)
        out = os.path.join(args.outdir, kernel + ".yaml")
        with open(out, "w") as f:
            yaml.safe_dump(data, f, sort_keys=False)
        if args.check:
            from lava_common.schemas import validate

            try:
                validate(yaml.safe_load(open(out)), strict=True)
                print("PASS lava.job_validates.%s" % kernel)
            except Exception as exc:  # voluptuous' Invalid and kin
                print("FAIL lava.job_validates.%s\n     | %s" % (kernel, exc))
                bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
