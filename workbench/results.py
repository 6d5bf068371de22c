# SPDX-License-Identifier: GPL-2.0-only
"""Results: one verdict per test, the host's one TAP/KTAP reader, the
kernel-complaint pattern (lava/lava-suite.sh keeps a copy for the guest),
and the result files (lines, JUnit XML).

A result line is "PASS NAME", "FAIL NAME" or "SKIP NAME", each followed by
its detail lines "     | ...": what the runner prints, what
build/logs/RUN.results holds, and what junit() turns into XML (read back
with parse_lines()).
"""
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"
DETAIL = "     | "
RESULT = re.compile(r"^(PASS|FAIL|SKIP) +(\S+)\s*$")
# Characters XML 1.0 cannot carry (a console may print any byte).
BAD_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Any of these on a console fails the run, whatever the tests said.
COMPLAINT = re.compile(
    r"Oops|WARNING:|BUG:|Kernel panic|Unable to handle|Call trace:|"
    r"general protection|UBSAN:|KASAN:|kmemleak: unreferenced|"
    r"unreferenced object")
# Lines that are not the kernel's: the Debian guest's record of dpkg and
# DKMS output.
NOT_KERNEL = "mmiodemo-debian: "
# The kernel's fault injection (tests/guest/faults_test.c) prints this
# before the stack of each failure it injects: the "Call trace:" that
# follows it is that stack, not a complaint.
INJECTED = "FAULT_INJECTION: forcing a failure"


@dataclass
class Result:
    verdict: str
    name: str
    detail: list = field(default_factory=list)

    def lines(self):
        out = ["%-4s %s" % (self.verdict, self.name)]
        for d in self.detail:
            out.extend(DETAIL + line for line in str(d).split("\n"))
        return out


def check(name, ok, *detail):
    """A PASS, or a FAIL with @detail."""
    return Result(PASS, name) if ok else Result(FAIL, name, list(detail))


def complaints(lines, context=(5, 25), most=3):
    """The first @most complaints of @lines with grep -n -B -A context, as
    one text, or "" if there is none."""
    before, after = context
    hits, injected = [], False
    for i, line in enumerate(lines):
        if INJECTED in line:
            injected = True
        if injected and "Call trace:" in line:
            injected = False
            if not COMPLAINT.search(line.replace("Call trace:", "")):
                continue
        if not line.startswith(NOT_KERNEL) and COMPLAINT.search(line):
            hits.append(i)
    if not hits:
        return ""
    out, shown = [], -1
    for i in hits[:most]:
        lo = max(i - before, shown + 1)
        if out and lo > shown + 1:
            out.append("--")
        for j in range(lo, min(i + after + 1, len(lines))):
            sep = ":" if j in hits else "-"
            out.append("%d%s%s" % (j + 1, sep, lines[j]))
            shown = j
    return "\n".join(out)


# --- TAP from the guest's programs ------------------------------------

BEGIN = "mmiodemo-guest: program "
TESTS_BEGIN = "mmiodemo-guest: tests begin"
TESTS_END = "mmiodemo-guest: tests end"


def suite_lines(lines):
    """The lines from "tests begin" to "tests end", both included."""
    out, inside = [], False
    for line in lines:
        if line.startswith(TESTS_BEGIN):
            inside = True
        if inside:
            out.append(line)
        if inside and line.startswith(TESTS_END):
            inside = False
    return out


class _Program:
    def __init__(self, name):
        self.name, self.plan, self.count, self.notok = name, None, 0, 0


def tap(lines, log="the console"):
    """The guest programs' results, in order: "guest.NAME" for each TAP
    result line and "guest.PROGRAM.plan_met" for each program framed by
    guest/init's begin and end lines. Returns (results, skipped names).

    A failure quotes the lines since the previous result. The 6.1
    kselftest harness names a skipped test only in its "#  RUN name ..."
    line. plan_met: the program printed one plan "1..N" and N results,
    ended, and did not exit non-zero without a failed test.
    """
    results, skipped, detail = [], set(), []
    current, prog = "", None

    def plan_met(status):
        why = []
        if prog.plan is None:
            why.append("printed no TAP plan (1..N)")
        elif prog.plan != str(prog.count):
            why.append("planned %s tests, reported %d" % (prog.plan,
                                                          prog.count))
        if status is None:
            why.append('never ended (no "program %s end" line); see %s'
                       % (prog.name, log))
        elif status != "0" and prog.notok == 0:
            why.append("exited with status %s, and no test failed" % status)
        results.append(check("guest.%s.plan_met" % prog.name, not why, *why))

    for raw in suite_lines(lines):
        line = unglued(raw)
        if line.startswith(BEGIN) and line.endswith(" begin"):
            if prog:
                plan_met(None)
            prog = _Program(line[len(BEGIN):-len(" begin")])
            detail = []
            continue
        if line.startswith(BEGIN) and " end rc=" in line:
            if prog:
                plan_met(line.rsplit("rc=", 1)[1])
                prog = None
            detail = []
            continue
        if line.startswith(TESTS_END):
            if prog:
                plan_met(None)
                prog = None
            continue
        m = re.match(r"^1\.\.([0-9]+)", line)
        if m:
            # "1..0 # SKIP why": a plan of no test, with its reason.
            if prog:
                prog.plan = m.group(1) if prog.plan is None else \
                    "%s and %s" % (prog.plan, m.group(1))
            detail.append(raw)
            continue
        if line.startswith("#  RUN "):
            current = line[len("#  RUN"):].lstrip(" ")
            if current.endswith(" ..."):
                current = current[:-4]
            detail.append(raw)
            continue
        if not (r := _result(raw, detail)):
            continue
        verdict, name, why = r
        if verdict == SKIP:
            name = name or current
            skipped.add(name)
        if verdict == FAIL and prog:
            prog.notok += 1
        results.append(Result(verdict, "guest." + name,
                              detail if verdict == FAIL else why))
        if prog:
            prog.count += 1
        detail = []
    if prog:
        plan_met(None)
    return results, skipped


def _result(line, detail, indent=""):
    """The result LINE holds (result_line()), or None: then LINE is added
    to DETAIL, the lines that explain the next result."""
    r = result_line(line, indent)
    if not r:
        detail.append(line)
    return r


# A kernel message that the serial console put in the middle of a line
# of a program's output (the two share it, unsynchronised).
GLUED_KMSG = re.compile(r"\[ *[0-9]+\.[0-9]{6}\] ")


def unglued(line):
    """LINE without the kernel message the console put in it after a
    program's text; a line that is a kernel message stays whole."""
    m = GLUED_KMSG.search(line)
    return line[:m.start()] if m and m.start() > 0 else line


def result_line(line, indent=""):
    """(verdict, name, detail) of a TAP result line at @indent: "ok N
    name", "not ok N name" or "ok N [name] # SKIP reason" (detail: the
    reason), without a kernel message glued to it; None for any other
    line."""
    line = unglued(line)
    if line.startswith(indent + "ok "):
        name = _after_number(line, indent + "ok ")
        if "# SKIP" not in line:
            return PASS, name, []
        name = name.split("# SKIP", 1)[0]
        return SKIP, name[:-1] if name.endswith(" ") else name, \
            [_after(line, "# SKIP ")]
    if line.startswith(indent + "not ok "):
        return FAIL, _after_number(line, indent + "not ok "), []
    return None


def _after_number(line, prefix):
    """What is left of @line after @prefix, a number and a space ("ok 3
    name" -> "name"); @line itself if it has no such space."""
    i = line.find(" ", len(prefix))
    return line if i < 0 else line[i + 1:]


def _after(text, sep):
    """What follows the first @sep in @text; @text itself without one."""
    return text.split(sep, 1)[1] if sep in text else text


TIMESTAMP = re.compile(r"^\[ *[0-9]+\.[0-9]+\] ")


def tap_text(lines):
    """The guest's TAP and KTAP as printed, for CI: the programs' output
    and, from the kernel's lines, the KUnit suite's KTAP without
    timestamps."""
    keep = re.compile(r"^ *(KTAP version|TAP version|1\.\.|ok |not ok |# )")
    out = []
    for line in suite_lines(lines):
        if TIMESTAMP.match(line):
            line = TIMESTAMP.sub("", line)
            if not keep.match(line):
                continue
        out.append(line)
    return out


def ktap(lines):
    """The KUnit suite's results from the kernel's console lines:
    "kunit.SUITE.TEST" for each "    ok N test" under "    # Subtest:
    SUITE". Returns (results, how many)."""
    results, detail, suite, n = [], [], "", 0
    for line in lines:
        if not re.match(r"^\[ *[0-9]+\.[0-9]+\]     ", line):
            continue
        line = line.split("] ", 1)[1]
        if line.startswith("    # Subtest: "):
            suite = line.split("Subtest: ", 1)[1]
            detail = []
            continue
        if not (r := _result(line, detail, "    ")):
            continue
        verdict, name, why = r
        results.append(Result(verdict, "kunit.%s.%s" % (suite, name),
                              detail if verdict == FAIL else why))
        n += 1
        detail = []
    return results, n


# --- result files ------------------------------------------------------

def parse_lines(lines):
    """[Result] from result lines (other lines are ignored)."""
    cases = []
    for line in lines:
        line = BAD_XML.sub("?", line.rstrip("\n"))
        m = RESULT.match(line)
        if m:
            cases.append(Result(m.group(1), m.group(2), []))
        elif line.startswith(DETAIL) and cases:
            cases[-1].detail.append(line[len(DETAIL):])
    return cases


def _suite(parent, name, cases):
    failures = sum(c.verdict == FAIL for c in cases)
    skipped = sum(c.verdict == SKIP for c in cases)
    el = ET.SubElement(parent, "testsuite", name=name, tests=str(len(cases)),
                       failures=str(failures), errors="0",
                       skipped=str(skipped))
    for c in cases:
        kind, _, rest = c.name.partition(".")
        case = ET.SubElement(el, "testcase", classname="%s.%s" % (name, kind),
                             name=rest or kind)
        detail = [BAD_XML.sub("?", d) for d in c.detail]
        message = detail[0] if detail else ""
        if c.verdict == FAIL:
            f = ET.SubElement(case, "failure", message=message)
            f.text = "\n".join(detail)
        elif c.verdict == SKIP:
            ET.SubElement(case, "skipped", message=message)
    return len(cases), failures, skipped


def junit(suites):
    """The JUnit XML text of [(suite name, [Result])], parsed back before
    it is returned, so that what is written is well-formed."""
    root = ET.Element("testsuites", name="mmiodemo")
    total = [0, 0, 0]
    for name, cases in suites:
        for i, n in enumerate(_suite(root, name, cases)):
            total[i] += n
    root.set("tests", str(total[0]))
    root.set("failures", str(total[1]))
    root.set("skipped", str(total[2]))
    ET.indent(root)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + \
        ET.tostring(root, encoding="unicode") + "\n"
    ET.fromstring(text.encode())
    return text


def write(path, text):
    """Writes @text to @path through a temporary file."""
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def times(path):
    """The (program, seconds) pairs of a boot's .times file; none if it
    has none (a boot that ended before the workbench kept them)."""
    try:
        with open(path, encoding="utf-8") as f:
            return [(n, float(s)) for n, s in (line.split() for line in f)]
    except FileNotFoundError:
        return []
