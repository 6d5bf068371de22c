# SPDX-License-Identifier: GPL-2.0-only
"""The host files the guest's device loads (fw_cfg), made in DIR by make(DIR)
(machine/machine.conf's QEMU_BLOBS names them).

random.bin   1 MiB of seeded random bytes, its SHA-256 in random.sha256:
             the host compares it with the hash the guest computes;
pattern.bin  64 KiB whose byte o is (o ^ o >> 8 ^ o >> 16) & 0xff, the
             tool's "offset" pattern: the guest checks it by itself.
Same bytes on every run; written only when missing.
"""
import hashlib
import os
import random


def write(path, data):
    if os.path.exists(path):
        return
    tmp = "%s.%d.tmp" % (path, os.getpid())
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def make(out):
    """Write the files into OUT, if any is missing. Each file is written
    whole under a temporary name, then renamed, so boots side by side may
    all call this."""
    names = ("random.bin", "random.sha256", "pattern.bin")
    if all(os.path.exists(os.path.join(out, n)) for n in names):
        return  # made by an earlier boot: nothing to compute
    os.makedirs(out, exist_ok=True)
    data = random.Random(20261122).randbytes(1 << 20)
    write(os.path.join(out, "random.bin"), data)
    with open(os.path.join(out, "random.bin"), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    write(os.path.join(out, "random.sha256"), (digest + "\n").encode())
    write(os.path.join(out, "pattern.bin"),
          bytes((o ^ o >> 8 ^ o >> 16) & 0xFF for o in range(64 << 10)))
