# SPDX-License-Identifier: GPL-2.0-only
"""Host checks of tool_test: what the device (fw_cfg DMA) loaded is the
host's file; the usage errors made no register access; every JSON
document the tool printed parses."""
import json
import re

from workbench import results as R


def check_sha256(run):
    """The guest hashed the buffer through the mapping after a LOAD."""
    try:
        with open(run.path("build/blobs/random.sha256"),
                  encoding="utf-8") as f:
            want = f.read().strip()
    except FileNotFoundError:
        want = ""
    got = [m.group(1) for m in map(re.compile(
        r"^mmiodemo-sha256: opt/mmiodemo/random ([0-9a-f]*)$").match,
        run.lines) if m]
    got = got[-1] if got else ""
    yield R.check("host.dma_load_matches_the_hosts_sha256",
                  got and got == want,
                  "guest: %s" % (got or "no hash on the console"),
                  "host:  %s" % (want or "no build/blobs/random.sha256"))


def check_usage_window(run):
    """No pl061_read or pl061_write between the test's two marker writes
    to IEV (0x40c): 0x3b before the usage errors, 0xc4 after."""
    opened = closed = False
    seen = []
    for line in run.trace:
        if re.search(r"pl061_write .* offset 0x40c value 0x3b$", line):
            opened, seen = True, []
        elif opened and re.search(r"pl061_write .* offset 0x40c value "
                                  r"0xc4$", line):
            closed = True
            break
        elif opened and re.search(r"pl061_(read|write) ", line):
            seen.append(line)
    why = []
    if not closed:
        why = ["no window: the trace has no write of 0x3b then 0xc4 to IEV"]
    elif seen:
        why = ["%d register accesses in the window:" % len(seen)] + seen[:5]
    yield R.check("host.usage_errors_make_no_register_access", not why,
                  *why)


def check_json(run):
    why, n = [], 0
    for line in run.lines:
        if not line.startswith("mmiodemo-json: "):
            continue
        cmd, _, doc = line[len("mmiodemo-json: "):].partition(": ")
        try:
            json.loads(doc)
            n += 1
        except ValueError as e:
            why.append("%s: %s: %s" % (cmd, e, doc.strip()[:200]))
    if n < 9:
        why.append("%d documents parsed, 9 expected" % n)
    yield R.check("host.tool_json_parses", not why, *why)


def check(run):
    if not run.full_suite:
        return
    yield from check_sha256(run)
    yield from check_usage_window(run)
    yield from check_json(run)


