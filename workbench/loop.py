# SPDX-License-Identifier: GPL-2.0-only
"""The edit-build-boot-test loop, timed: make bench-loop.

A driver author's loop is: edit one file of the driver, then make test
T=dma KERNEL=debian-6.1. This times it RUNS times, the driver's file made
newer each time as an edit makes it (kbuild then recompiles that file and
links the module again, the initramfs is made again, the guest boots and
dma_test runs whole), and prints each run's seconds, the median and a
verdict against TARGET_S: exit 1 if the median misses it, or if a run
did not pass. The first run, not counted, makes sure the rest is built.
"""
import os
import statistics
import time

from . import runner

TARGET_S = 12.0
EDITED = os.path.join(runner.REPO, "driver", "mmiodemo-dma.c")


def run(kernel="debian-6.1", filt="dma", runs=3, out=None):
    log = os.path.join(runner.REPO, "build", "logs", "bench-loop.txt")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    runs = max(1, runs)
    times, bad = [], 0
    with open(log, "w", encoding="utf-8") as sink:
        for i in range(runs + 1):
            os.utime(EDITED)  # newer than its object, as an edit makes it
            t0 = time.monotonic()
            status = runner.test_kernel(kernel, sink, filt=filt)
            took = time.monotonic() - t0
            bad += status != runner.PASSED
            if i:
                times.append(took)
                print("loop: run %d: %.1f s (status %d)" % (i, took, status),
                      flush=True)
    median = statistics.median(times)
    ok = median <= TARGET_S and not bad
    print("loop: %s edited, then make test T=%s KERNEL=%s: median %.1f s of "
          "%d runs (min %.1f, max %.1f); output: %s" % (
              os.path.relpath(EDITED, runner.REPO), filt, kernel, median,
              runs, min(times), max(times), os.path.relpath(log, runner.REPO)))
    print("VERDICT %s edit-to-verdict <= %.0f s: %.1f s" % (
        "PASS" if ok else "FAIL", TARGET_S, median))
    return 0 if ok else 1
