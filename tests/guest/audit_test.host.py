# SPDX-License-Identifier: GPL-2.0-only
"""Host check of audit_test: the negative control. On the kernel that
builds it, a second boot loads mmiodemo-negative.ko (tests/negative: the
driver with its registers mapped as Normal memory) instead of
mmiodemo.ko and runs the audit and the tool's tests; their memory-type
tests must fail, and only those: the audit demonstrably catches a wrong
memory type."""
import os
import re

from workbench import results as R

MUST_FAIL = sorted([
    "audit.register_page_is_device_ngnre_like_the_kernels",
    "audit.read_only_register_mapping_has_read_only_ptes",
    "tool.maps_shows_a_register_page_as_device_ngnre",
    "tool.maps_json_shows_the_same",
])


def check(run):
    if run.mode != "test" or run.filter or not os.path.exists(
            run.path(run.build, "modules", "mmiodemo-negative.ko")):
        return
    nlog, lines = run.boot_console("negative")
    failed = sorted(m.group(1) for m in map(re.compile(
        r"^not ok [0-9]* ([a-z_.]*)").match, lines) if m)
    passed = [m for m in map(re.compile(r"^ok [0-9]* ([a-z_.]*)$").match,
                             lines) if m]
    loaded = any(x.startswith("mmiodemo-guest: driver mmiodemo-negative.ko "
                              "loaded") for x in lines)
    yield R.check("host.negative_control_audit_catches_a_wrong_memory_type",
                  loaded and failed == MUST_FAIL and passed,
                  "under mmiodemo-negative.ko these must fail, and only "
                  "these:", "\n".join(MUST_FAIL), "failed:",
                  "\n".join(failed) or "(none)", "console: " + nlog)
    found = R.complaints(lines)
    if found:
        yield R.Result(R.FAIL,
                       "host.negative_control_console_has_no_kernel_complaint",
                       [found])
