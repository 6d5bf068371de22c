# SPDX-License-Identifier: GPL-2.0-only
"""python3 -m workbench COMMAND ...: the workbench's command line.

  parse LOG [--write] [--phase NAME=SECONDS]...
      judge a boot from its files in build/logs (LOG is its console,
      build/logs/KERNEL-MODE.log): print a line per test and "N passed, N
      failed, N skipped"; exit 0 only if nothing failed. --write also
      writes build/logs/RUN.results, RUN.tap and RUN.junit.xml (RUN is
      KERNEL, or KERNEL-MODE for other modes than test); --phase adds the
      times of the run's phases to the closing lines.
  junit OUT.xml SUITE=FILE...
      the result lines of each FILE as one JUnit testsuite SUITE.
  png PPM PNG
      a screendump as PNG.
  compare OLD.xml NEW.xml [--renamed OLD=NEW]...
      every test that passed in OLD (a build/logs/junit.xml) must pass in
      NEW under the same name (or the one --renamed gives), on the same
      kernel; lists those that do not, the renamed ones and the tests NEW
      adds; exits 1 if a test stopped passing.
"""
import argparse
import os
import sys
import time

from . import compare as C
from . import judge as J
from . import ppm
from . import results as R


def cmd_parse(args):
    t0 = time.monotonic()
    run, results = J.judge(args.log)
    text = []
    for r in results:
        text.extend(r.lines())
    print("\n".join(text), flush=True)
    if args.write:
        logs = run.logs
        R.write(os.path.join(logs, run.name + ".results"),
                "".join(line + "\n" for line in text))
        R.write(os.path.join(logs, run.name + ".tap"),
                "".join(line + "\n" for line in R.tap_text(run.lines)))
        R.write(os.path.join(logs, run.name + ".junit.xml"),
                R.junit([(run.name, R.parse_lines(text))]))
    print("console: " + run.log)
    if args.phase:
        phases = [p.split("=", 1) for p in args.phase]
        phases.insert(-1 if phases[-1][0].startswith("negative") else
                      len(phases), ["host checks", time.monotonic() - t0])
        total = sum(float(s) for _, s in phases)
        print("phases: %s; total %.1f s" % (", ".join(
            "%s %.1f s" % (n, float(s)) for n, s in phases), total))
    n = {v: sum(r.verdict == v for r in results)
         for v in (R.PASS, R.FAIL, R.SKIP)}
    print("%d passed, %d failed, %d skipped" % (n[R.PASS], n[R.FAIL],
                                                n[R.SKIP]))
    return 1 if n[R.FAIL] else 0


def cmd_junit(args):
    suites = []
    for arg in args.suites:
        name, _, path = arg.partition("=")
        if not path:
            sys.exit("junit: SUITE=FILE expected, not %s" % arg)
        with open(path, encoding="utf-8", errors="replace") as f:
            suites.append((name, R.parse_lines(f)))
    R.write(args.out, R.junit(suites))
    return 0


def cmd_png(args):
    try:
        ppm.write_png(args.ppm, args.png)
    except (OSError, ppm.PPMError) as e:
        sys.exit("png: %s" % e)
    return 0


def cmd_compare(args):
    renamed = dict(r.split("=", 1) for r in args.renamed)
    lines, bad = C.compare(args.old, args.new, renamed)
    print("\n".join(lines))
    print("%d tests that passed do not pass now" % bad)
    return 1 if bad else 0


def main(argv):
    p = argparse.ArgumentParser(prog="python3 -m workbench",
                                description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("parse", help="judge a boot from its saved files")
    s.add_argument("log")
    s.add_argument("--write", action="store_true")
    s.add_argument("--phase", action="append", default=[])
    s.set_defaults(func=cmd_parse)
    s = sub.add_parser("junit", help="result lines as JUnit XML")
    s.add_argument("out")
    s.add_argument("suites", nargs="+")
    s.set_defaults(func=cmd_junit)
    s = sub.add_parser("png", help="a screendump as PNG")
    s.add_argument("ppm")
    s.add_argument("png")
    s.set_defaults(func=cmd_png)
    s = sub.add_parser("compare", help="two runs' verdicts side by side")
    s.add_argument("old")
    s.add_argument("new")
    s.add_argument("--renamed", action="append", default=[])
    s.set_defaults(func=cmd_compare)
    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
