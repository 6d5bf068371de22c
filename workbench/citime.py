# SPDX-License-Identifier: GPL-2.0-only
"""The CI run, timed: make bench-ci.

What CI runs, CI=true bash .ci/run, in a fresh clone of this tree's HEAD
(build/bench-ci/clone, with an empty build/ of its own; the host's
installed packages and apt lists are reused), with none of this make's
variables (JOBS=, T=): once cold, then the same run again, warm. Prints
each run's minutes, its closing line and a verdict against its target;
exit 1 if a run misses its target or does not pass. The figures are this machine's:
the targets hold for a 2-core machine (Documentation/testing.rst, "Timings"), with nothing else
running.
"""
import os
import shutil
import subprocess
import time

from . import matrix
from . import runner

TARGETS = (("cold", 15 * 60.0), ("warm", 6 * 60.0))


def ci_env():
    """CI's environment: CI=true, and no variable of a calling make."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "T", "JOBS")}
    return dict(env, CI="true")


def closing(path):
    """The run's closing "N passed, N failed" line."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = [x.strip() for x in f if matrix.TOTALS.match(x.strip())]
    return lines[-1] if lines else "no closing line"


def run():
    top = os.path.join(runner.REPO, "build", "bench-ci")
    clone = os.path.join(top, "clone")
    shutil.rmtree(clone, ignore_errors=True)
    os.makedirs(top, exist_ok=True)
    subprocess.run(["git", "clone", "-q", runner.REPO, clone], check=True)
    ok = True
    for what, target in TARGETS:
        log = os.path.join(top, "%s.txt" % what)
        t0 = time.monotonic()
        with open(log, "w", encoding="utf-8") as out:
            status = subprocess.run(["bash", ".ci/run"], cwd=clone,
                                    env=ci_env(),
                                    stdout=out, stderr=subprocess.STDOUT,
                                    check=False).returncode
        took = time.monotonic() - t0
        passed = status == 0 and took <= target
        ok = ok and passed
        print("ci: %s run: %d min %.1f s, status %d, %s; output: %s" % (
            what, took // 60, took % 60, status, closing(log),
            os.path.relpath(log, runner.REPO)), flush=True)
        print("VERDICT %s %s CI run <= %d min: %d min %.1f s" % (
            "PASS" if passed else "FAIL", what, target // 60, took // 60,
            took % 60), flush=True)
    return 0 if ok else 1
