# SPDX-License-Identifier: GPL-2.0-only
"""Two runs' verdicts side by side: every test that passed in the old
build/logs/junit.xml must pass in the new one, under the same name, in
the same suite (kernel)."""
import xml.etree.ElementTree as ET


def verdicts(path):
    """{(suite, test name): PASS|FAIL|SKIP} of a JUnit file."""
    out = {}
    for suite in ET.parse(path).getroot().iter("testsuite"):
        for case in suite.iter("testcase"):
            kind = case.get("classname").split(".")[-1]
            name = "%s.%s" % (kind, case.get("name"))
            verdict = "PASS"
            if case.find("failure") is not None:
                verdict = "FAIL"
            elif case.find("skipped") is not None:
                verdict = "SKIP"
            out[(suite.get("name"), name)] = verdict
    return out


def compare(old_path, new_path, renamed=None):
    """(lines, differences): each test that passed in @old_path and does
    not pass in @new_path (under its name in @renamed, {old: new}, if it
    is there), and the tests new in @new_path."""
    old, new = verdicts(old_path), verdicts(new_path)
    renamed = renamed or {}
    lines, bad, seen = [], 0, set()
    for key in sorted(old):
        now = (key[0], renamed.get(key[1], key[1]))
        seen.add(now)
        if old[key] == "PASS" and new.get(now) != "PASS":
            bad += 1
            lines.append("%s %s: passed, now %s" % (
                key[0], key[1], new.get(now, "missing")))
        elif now != key:
            lines.append("%s %s: renamed %s, %s" % (key[0], key[1], now[1],
                                                    new.get(now, "missing")))
    for key in sorted(set(new) - seen):
        lines.append("%s %s: new, %s" % (key[0], key[1], new[key]))
    return lines, bad
