# SPDX-License-Identifier: GPL-2.0-only
"""Host checks of bounce_test: a blue picture synced for the device and
scanned out, then drawn green without a sync: under swiotlb=force the
device still reads blue (its bounce slot), on a plain boot the CPU's
page, green; after SYNC_FOR_DEVICE green on both."""
from workbench.ppm import screendump


def check(run):
    if not run.full_suite:
        return
    unsynced = "00ff00"
    if run.grep(r"Kernel command line: (.* )?swiotlb=([0-9]+,)*force( |$)"):
        unsynced = "0000ff"
    yield screendump(
        run, "bounce-unsynced", "color:16x16:" + unsynced,
        "bounce_scan_out_before_sync_for_device_is_what_the_device_had")
    yield screendump(
        run, "bounce-synced", "color:16x16:00ff00",
        "bounce_scan_out_after_sync_for_device_is_the_cpus_picture")
