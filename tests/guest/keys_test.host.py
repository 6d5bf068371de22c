# SPDX-License-Identifier: GPL-2.0-only
"""Host check of keys_test: the keys boot. After a test run (whole, or
T= naming keys), the workbench boots the kernel once more with QEMU's
gpio-keys node enabled (dts/mmiodemo-virt-keys.dtso) and runs keys_test
alone; its results, from that boot's console, are this run's, named
"guest.keys_boot.*", and that console must be clean too. In the test
boot itself keys_test finds no gpio-keys device and plans no test."""
from workbench import results as R


def check(run):
    if run.mode != "test" or (run.filter and "keys" not in run.filter):
        return
    klog, lines = run.boot_console("keys")
    results, _ = R.tap(lines, klog)
    ran = [r for r in results if r.name.startswith("guest.keys.")]
    yield R.check("host.keys_boot_ran_keys_test", len(ran) == 3,
                  "the keys boot reported %d of keys_test's 3 tests; "
                  "console: %s" % (len(ran), klog))
    for r in results:
        r.name = "guest.keys_boot." + r.name[len("guest."):]
        yield r
    found = R.complaints(lines)
    if found:
        yield R.Result(R.FAIL, "host.keys_boot_console_has_no_kernel_complaint",
                       [found])
