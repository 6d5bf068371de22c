#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""lava/mkjobs.py: the LAVA job of each kernel of the matrix.

    lava/mkjobs.py [--base-url URL] [--nonce N] [--check] OUTDIR KERNEL...
    lava/mkjobs.py --device OUT [--qmp SOCKET] KERNEL

Writes OUTDIR/KERNEL.yaml for each KERNEL (the names of qemu/kernels/*.conf):
LAVA's QEMU device type boots virt as qemu/boot.sh does (qemu/machine.conf:
machine, CPU, memory, the extra options, fw_cfg's files as images), with
the kernel, the device tree with mmiodemo's overlay and the tests' decoy,
and the LAVA initramfs (the guest's, with lava/lava-suite.sh and the
modules that mount LAVA's overlay disk), then runs the guest suite as a
LAVA test definition (lava/suite.yaml) that reports each test with
lava-test-case. The artefacts are named under URL/build/KERNEL/lava/
(default: file:// of this tree), which make test-lava fills. With
--check, each job is validated with lava-common's schema
(lava_common.schemas.validate, strict).

With --device, writes instead the device dictionary of this machine for
lava-run, rendered as lava-server would render LAVA's qemu.jinja2 with the
job's context (lava-run does not render templates); with --qmp, QEMU also
listens for QMP on SOCKET (make test-lava presses the power button and
takes screendumps through it, as qemu/boot.sh does).
"""
import argparse
import os
import random
import subprocess
import sys

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def machine_conf():
    """qemu/machine.conf's assignments, as the shell would read them."""
    conf = {}
    with open(os.path.join(TOP, "qemu", "machine.conf")) as f:
        text = f.read()
    key = None
    for line in text.splitlines():
        if key:
            conf[key] += "\n" + line.rstrip('"')
            if line.endswith('"'):
                key = None
            continue
        if not line or line.startswith("#") or "=" not in line:
            continue
        k, v = line.split("=", 1)
        if v.startswith('"') and not (v.endswith('"') and len(v) > 1):
            conf[k], key = v[1:], k
        else:
            conf[k] = v.strip('"')
    return conf


def context(conf):
    """The job's context: what qemu.jinja2 renders into the command."""
    return {
        "arch": "arm64",
        "machine": conf["QEMU_MACHINE"],
        "cpu": conf["QEMU_CPU"],
        "memory": int(conf["QEMU_MEM"]),
        "extra_options": conf["QEMU_EXTRA"].split() + ["-smp", conf["QEMU_SMP"]],
    }


def blobs(conf):
    """(fw_cfg name, file) of each file the guest's DMA engine loads."""
    return [tuple(line.split()) for line in conf["QEMU_BLOBS"].splitlines() if line.strip()]


def kernel_append(kernel):
    """The kernel conf's KERNEL_APPEND, as qemu/boot.sh reads it (a conf
    may source another, so the shell reads it)."""
    conf = os.path.join(TOP, "qemu", "kernels", kernel + ".conf")
    out = subprocess.run(["bash", "-c", '. "$1"; printf %s "${KERNEL_APPEND:-}"', "-", conf],
                         check=True, capture_output=True, text=True)
    return out.stdout


def job(kernel, base, nonce):
    conf = machine_conf()
    art = "%s/build/%s/lava" % (base.rstrip("/"), kernel)
    extra = kernel_append(kernel)
    append = "%s %smmiodemo_mode=lava mmiodemo_nonce=%s" % (
        conf["QEMU_APPEND"], extra + " " if extra else "", nonce)
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
    for name, f in blobs(conf):
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
        "context": context(conf),
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


def device(conf, qmp):
    """This machine's device dictionary: qemu.jinja2 (base.jinja2's
    defaults) rendered with the job's context; no NIC (the job needs
    none, and this QEMU has no option ROM for one)."""
    ctx = context(conf)
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
            yaml.safe_dump(device(machine_conf(), args.qmp), f, sort_keys=False)
        return 0
    if not args.outdir or not args.kernels:
        ap.error("OUTDIR and at least one KERNEL are needed")
    if not all(c in "0123456789abcdefx" for c in args.nonce.lower()):
        ap.error("--nonce %s: a number, as 0x1234" % args.nonce)
    os.makedirs(args.outdir, exist_ok=True)
    bad = 0
    for kernel in args.kernels:
        if not os.path.exists(os.path.join(TOP, "qemu", "kernels", kernel + ".conf")):
            print("mkjobs: no qemu/kernels/%s.conf" % kernel, file=sys.stderr)
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
