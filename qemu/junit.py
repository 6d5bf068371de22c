#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""qemu/junit.py OUT.xml SUITE=FILE...: the harness's result lines as JUnit XML.

Each FILE holds what qemu/test.sh or tests/host/check.sh printed: a line
"PASS NAME", "FAIL NAME" or "SKIP NAME" per test, each followed by its
detail lines "     | ...". Every such line becomes a <testcase> of the
<testsuite> SUITE (classname SUITE.guest, SUITE.host, ...: the first part
of NAME); a FAIL carries its detail lines in a <failure>, a SKIP is
<skipped/>. Other lines are ignored. The output is parsed back before it
is written, so a file that is written is well-formed.

qemu/junit.py --selftest: write a tricky sample and check it reads back.
"""
import os
import re
import sys
import xml.etree.ElementTree as ET

RESULT = re.compile(r"^(PASS|FAIL|SKIP) +(\S+)\s*$")
DETAIL = "     | "
# Characters XML 1.0 cannot carry (a console may print any byte).
BAD = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def parse(lines):
    """[(verdict, name, [detail...])] from the harness's lines."""
    cases = []
    for line in lines:
        line = BAD.sub("?", line.rstrip("\n"))
        m = RESULT.match(line)
        if m:
            cases.append((m.group(1), m.group(2), []))
        elif line.startswith(DETAIL) and cases:
            cases[-1][2].append(line[len(DETAIL):])
    return cases


def suite(parent, name, cases):
    failures = sum(v == "FAIL" for v, _, _ in cases)
    skipped = sum(v == "SKIP" for v, _, _ in cases)
    el = ET.SubElement(parent, "testsuite", name=name, tests=str(len(cases)),
                       failures=str(failures), errors="0",
                       skipped=str(skipped))
    for verdict, test, detail in cases:
        kind, _, rest = test.partition(".")
        case = ET.SubElement(el, "testcase", classname=f"{name}.{kind}",
                             name=rest or kind)
        message = detail[0] if detail else ""
        if verdict == "FAIL":
            f = ET.SubElement(case, "failure", message=message)
            f.text = "\n".join(detail)
        elif verdict == "SKIP":
            ET.SubElement(case, "skipped", message=message)
    return len(cases), failures, skipped


def junit(suites):
    """The XML text of [(suite name, cases)]."""
    root = ET.Element("testsuites", name="mmiodemo")
    total = [0, 0, 0]
    for name, cases in suites:
        for i, n in enumerate(suite(root, name, cases)):
            total[i] += n
    root.set("tests", str(total[0]))
    root.set("failures", str(total[1]))
    root.set("skipped", str(total[2]))
    ET.indent(root)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + \
        ET.tostring(root, encoding="unicode") + "\n"
    ET.fromstring(text.encode())
    return text


def selftest():
    sample = ["setup: noise", "PASS guest.a.b", "FAIL guest.c",
              "     | <tag> & ]]> \"q\" \x1b[0m \x00", "     | second",
              "SKIP host.d", "     | why", "PASS kunit.s.e"]
    root = ET.fromstring(junit([("k", parse(sample))]).encode())
    cases = root.findall("./testsuite/testcase")
    want = [("k.guest", "a.b"), ("k.guest", "c"), ("k.host", "d"),
            ("k.kunit", "s.e")]
    got = [(c.get("classname"), c.get("name")) for c in cases]
    assert got == want, got
    assert root.get("tests") == "4" and root.get("failures") == "1" and \
        root.get("skipped") == "1", root.attrib
    failure = cases[1].find("failure")
    assert failure.text == "<tag> & ]]> \"q\" ?[0m ?\nsecond", failure.text
    assert cases[2].find("skipped").get("message") == "why"


def main(argv):
    if argv[1:] == ["--selftest"]:
        selftest()
        return 0
    if len(argv) < 3 or not all("=" in a for a in argv[2:]):
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    suites = []
    for arg in argv[2:]:
        name, path = arg.split("=", 1)
        with open(path, encoding="utf-8", errors="replace") as f:
            suites.append((name, parse(f)))
    text = junit(suites)
    with open(argv[1] + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(argv[1] + ".tmp", argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
