# SPDX-License-Identifier: GPL-2.0-only
"""Host checks of the boot itself: the driver bound to the PL061, the
mapping audit and the test modules loaded (every boot), it refused the
decoy (test and debian modes), and each region was mapped through the
hook the kernel offers (whole runs only, not under T=)."""
import os
import re

from workbench import results as R


def check_driver(run):
    ok = run.grep(r"mmiodemo-guest: driver loaded") and \
        run.grep(r"mmiodemo [^ ]*: PL061 .* offered as /dev/mmiodemo")
    yield R.check("guest.driver_binds_to_the_pl061_node", ok,
                "\n".join(run.grep(r"(?i)mmiodemo")[:5]))
    if not run.full_suite:
        return
    # The decoy: a PL031 described as mmiodemo,pl061 must be refused by ID.
    ok = run.grep(r"mmiodemo 9010000\.pl031: .*not a PL061: peripheral ID "
                  r"0x[0-9a-f]+1031,") and \
        not run.grep(r"mmiodemo 9010000\.pl031: PL061 .* offered")
    yield R.check("guest.driver_refuses_a_block_that_is_not_a_pl061", ok,
                "no refusal of 9010000.pl031 by its ID on the console",
                "\n".join(run.grep(r"(?i)pl031|not a PL061")))


def check_modules(run):
    """The mapping audit (driver/, shipped) and the test modules
    (tests/modules) load after the driver."""
    rx = re.compile(r"^mmiodemo-guest: (test module|module) (\S+) "
                    r"(loaded|did not load)$")
    for line in run.lines:
        m = rx.match(line)
        if m:
            name = "guest.%s_loads.%s" % (m.group(1).replace(" ", "_"),
                                          m.group(2)[:-len(".ko")])
            yield R.check(name, m.group(3) == "loaded",
                        "loading %s failed; see %s" % (m.group(2), run.log))


def check_hook(run):
    """Where the kernel's fs.h has f_op->mmap_prepare, the driver must map
    through it (with vm_ops->mapped); elsewhere through f_op->mmap. The
    driver says once per region which hook made its first mapping. Only
    on a whole run: the mappings are made by several programs."""
    if not run.full_suite or run.filter:
        return
    fs_h = os.path.join(run.kernel_data.get("kheaders", ""),
                        "include/linux/fs.h")
    hook = "f_op->mmap"
    try:
        with open(fs_h, encoding="utf-8", errors="replace") as f:
            if "(*mmap_prepare)" in f.read():
                hook = "f_op->mmap_prepare and vm_ops->mapped"
    except FileNotFoundError:
        pass
    regions = ["dma"]
    if "regs.mapping_write_reaches_qemu" not in run.skipped:
        regions = ["regs", "dma"]
    said = [m.group(1) for m in map(re.compile(
        r".*mmiodemo 9030000\.pl061: ([a-z]* mapped through .*)").match,
        run.lines) if m]
    ok = all("%s mapped through %s" % (r, hook) in said for r in regions) \
        and all(re.fullmatch(r"[a-z]* mapped through " + re.escape(hook), s)
                for s in said)
    yield R.check("host.mmap_goes_through_the_kernels_hook", ok,
                "expected: %s mapped through %s" % (" ".join(regions), hook),
                "the console says:", "\n".join(said))


def check(run):
    yield from check_driver(run)
    yield from check_modules(run)
    yield from check_hook(run)
