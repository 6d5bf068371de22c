# SPDX-License-Identifier: GPL-2.0-only
"""Host check of mmiodemo_test: QEMU itself saw the guest's full-width
write of the boot's nonce to DIR through the register mapping."""
import re

from workbench import results as R


def check(run):
    if not run.full_suite:
        return
    name = "host.qemu_trace_shows_the_mapping_write"
    if "regs.mapping_write_reaches_qemu" in run.skipped:
        yield R.Result(R.SKIP, name, ["the guest could not map the registers"])
        return
    rx = r"pl061_write.* offset 0x400 value %s$" % re.escape(run.nonce)
    yield R.check(name, run.nonce and run.grep(rx, run.trace),
                  "no pl061_write of %s at offset 0x400 in %s"
                  % (run.nonce, run.file(".trace")))
