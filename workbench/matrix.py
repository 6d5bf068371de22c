# SPDX-License-Identifier: GPL-2.0-only
"""make test: the static checks and the suite on every kernel of the
matrix, JOBS kernels booted side by side while the checks run, then one
table and the totals.

The checks' output goes to build/logs/check.txt and each kernel's to
build/logs/KERNEL-make-test.txt, each printed whole when it is done (no
two outputs' lines interleave; the
setup's own messages, on stderr, come as they happen); while they run, a
progress line per running kernel every PROGRESS_S seconds.
The kernels are set up (apt, downloads, a kernel built here) in the
background from the start, in two threads: those built here, first
(whose build overlaps the other downloads and the boots; apt runs one
step at a time: workbench/kernel.py), and the Debian kernels, make
check's first; they are built (the modules, the guest) one at a time,
each then booting as soon as a boot slot is free: downloads and builds
overlap the checks and the boots. Of the kernels set up, the one
that held a boot slot longest (its boots and checks) in the last whole
run (no T=) is built first (the longest first: the last to start is a short one); the
table keeps the order given.
build/logs/junit.xml holds every result line of the run: one testsuite
for the static checks and one per kernel. Exit status: 0 nothing failed,
1 a test failed, 125 no test failed but a kernel's tree did not build,
128 or more the workbench failed.
"""
import concurrent.futures
import json
import os
import queue
import re
import sys
import threading
import time

from . import judge as J
from . import kernel as K
from . import results as R
from . import runner
from .machine import REPO

PROGRESS_S = 30
PRINTING = threading.Lock()  # one whole output at a time
TOTALS = re.compile(r"^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$")
TIMES = "matrix-times.json"


def _print_whole(text):
    with PRINTING:
        sys.stdout.write(text)
        sys.stdout.flush()


def default_jobs():
    """Boots side by side: one per host core. A guest has two vCPUs, and
    its programs compute more than they wait: side by side, the guests run
    their vCPUs on one thread each (Machine.accel). On 2 cores, a warm
    make test took 7 min 39 s and 881 CPU seconds with a thread for each
    vCPU, 6 min 14 s and 668 CPU seconds this way."""
    return max(1, os.cpu_count() or 1)


def last_times(logs):
    """{kernel: seconds} of the last whole run (no T=), kept in
    build/logs/matrix-times.json; {} if there is none."""
    return J.json_data(os.path.join(logs, TIMES))


def next_kernel(pending):
    """Of PENDING (longest first), the first whose setup is done; if none
    is, the first that gets done."""
    while True:
        for k in pending:
            f = runner.AHEAD.get(k.name)
            if f is None or f.done():
                return k
        concurrent.futures.wait([runner.AHEAD[k.name] for k in pending],
                                return_when=concurrent.futures.FIRST_COMPLETED)


class Kernel:
    """One kernel's run in the matrix: its output file and its state."""

    def __init__(self, name, logs):
        self.name = name
        self.path = os.path.join(logs, name + "-make-test.txt")
        self.out = open(self.path, "w", encoding="utf-8")
        self.state, self.since, self.results = "waiting", time.monotonic(), 0
        self.status, self.took = None, 0.0

    def enter(self, state, running):
        """The kernel's run enters STATE (and the set of RUNNING ones)."""
        self.state, self.since = state, time.monotonic()
        running.add(self)
        return self.since

    def show(self, running):
        """The kernel is done: its whole output, printed at once."""
        running.discard(self)
        self.out.close()
        with open(self.path, encoding="utf-8", errors="replace") as f:
            _print_whole(f.read())

    def on_line(self, line):
        if line.startswith(("ok ", "not ok ")) or " ok " in line[:12]:
            self.results += 1

    def totals(self):
        """(passed, failed, skipped) from the output's closing line."""
        with open(self.path, encoding="utf-8", errors="replace") as f:
            for line in reversed(f.read().splitlines()):
                m = TOTALS.match(line)
                if m:
                    return int(m[1]), int(m[2]), int(m[3] or 0)
        return 0, 0, 0


def run_checks(logs):
    """make check, printed, into build/logs/check.txt: (row, status)."""
    path = os.path.join(logs, "check.txt")
    with open(path, "w", encoding="utf-8") as out:
        status = runner.check(runner.CHECK_KERNELS, out)
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    _print_whole(text)
    m = [TOTALS.match(x) for x in text.splitlines()]
    m = [x for x in m if x]
    p, f = (int(m[-1][1]), int(m[-1][2])) if m else (0, 0)
    if status != 0 and f == 0:
        f = 1
        with open(path, "a", encoding="utf-8") as out:
            out.write("FAIL host.make_check_finished\n     | the checks "
                      "exited %d\n" % status)
    return ("(static checks)", "-", p, f, 0, "-"), status


def _built_here(name):
    try:
        return bool(K.read_conf(REPO, name)["KERNEL_FRAGMENT"])
    except K.KernelError:
        return False  # its setup says why


def _page(name):
    """The kernel's page size, as set up for this run ("?" if it was not)."""
    try:
        return "%dK" % (runner.setup(name).page_size // 1024)
    except runner.WorkbenchError:
        return "?"


def _progress(running, done):
    while not done.wait(PROGRESS_S):
        now = time.monotonic()
        for k in list(running):
            print("... %s: %s %d s, %d results" % (
                k.name, k.state, now - k.since, k.results), flush=True)


def run(names, jobs=None, filt=""):
    """The whole matrix; the exit status."""
    jobs = jobs or default_jobs()
    logs = os.path.join(REPO, "build", "logs")
    os.makedirs(logs, exist_ok=True)
    rows, suites = [], [("check", os.path.join(logs, "check.txt"))]
    # In the background, in two threads: the kernels built here (a long
    # build, which runs while the others download and boot), started
    # first so that its setup comes first; and the Debian kernels (their
    # downloads), make check's first.
    built = [n for n in names if _built_here(n)]
    runner.set_up_ahead(built)
    runner.set_up_ahead(list(runner.CHECK_KERNELS) +
                        [n for n in names if n not in built])
    checked = []
    checks = threading.Thread(
        target=lambda: checked.extend(run_checks(logs)))
    checks.start()
    kernels = [Kernel(n, logs) for n in names]
    slots = threading.Semaphore(jobs)
    booting, booting_lock = set(), threading.Lock()
    running, done = set(), threading.Event()
    threading.Thread(target=_progress, args=(running, done),
                     daemon=True).start()
    finished = queue.Queue()

    def boot(k, kern, built_s, side_by_side):
        try:
            booted = k.enter("booting", running)
            # t0: the build phase is its setup (or the wait for it) and
            # build, not the wait for a slot.
            k.status = runner.boot_and_judge(kern, k.out, "test", filt,
                                             on_line=k.on_line,
                                             t0=booted - built_s,
                                             side_by_side=side_by_side)
            # The time it holds a slot, which the order packs (a cold
            # run's setups would put the kernels built here last).
            k.took = time.monotonic() - booted
        finally:
            with booting_lock:
                booting.discard(k)
            slots.release()
            finished.put(k)

    def printer():
        for _ in kernels:
            finished.get().show(running)

    shown = threading.Thread(target=printer)
    shown.start()
    last = last_times(logs)
    pending = sorted(kernels, key=lambda k: -last.get(k.name, 0.0))
    while pending:
        k = next_kernel(pending)
        pending.remove(k)
        t0 = k.enter("building", running)
        kern, st = runner.prepare(k.name, k.out, "test", filt)
        built_s = time.monotonic() - t0
        if kern is None:
            k.status = st
            finished.put(k)
            continue
        k.enter("waiting for a boot slot", running)
        slots.acquire()
        # The guests that will share the host with this one, counted as it
        # starts: those booting and those still to come (Machine.accel: on
        # 2 cores, the last, alone, gets a thread a vCPU).
        with booting_lock:
            booting.add(k)
            side_by_side = min(jobs, len(booting) + len(pending))
        threading.Thread(target=boot,
                         args=(k, kern, built_s, side_by_side)).start()
    shown.join()
    checks.join()
    done.set()
    row, status = checked or (("(static checks)", "-", 0, 1, 0, "-"),
                              runner.BROKEN)
    rows.append(row)
    for k in kernels:
        p, f, s = k.totals()
        if k.status and f == 0:
            f = 1
        rows.append((k.name, _page(k.name), p, f, s, _console(k.path)))
        suites.append((k.name, k.path))
        status = max(status, k.status if k.status is not None else 1)
    unbuilt = {k.name for k in kernels if k.status == runner.UNBUILT}
    if not filt:
        R.write(os.path.join(logs, TIMES), json.dumps(
            dict(last, **{k.name: k.took for k in kernels}),
            indent=1) + "\n")
    return _report(rows, suites, logs, status, unbuilt)


def _console(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.rstrip() == "PASS host.console_has_no_kernel_complaint":
                return "clean"
            if line.rstrip() == "FAIL host.console_has_no_kernel_complaint":
                return "REPORTS"
    return "none"


def _report(rows, suites, logs, status, unbuilt):
    fmt = "%-18s %-5s %7s %7s %8s  %s"
    print()
    print(fmt % ("kernel", "page", "passed", "failed", "skipped", "console"))
    for r in rows:
        print(fmt % r)
    print()
    parsed = []
    for name, path in suites:
        with open(path, encoding="utf-8", errors="replace") as f:
            parsed.append((name, R.parse_lines(f)))
    R.write(os.path.join(logs, "junit.xml"), R.junit(parsed))
    print("%d passed, %d failed, %d skipped" % tuple(
        sum(r[i] for r in rows) for i in (2, 3, 4)))
    if status >= runner.BROKEN:
        return status
    failed = any(r[3] for r in rows if r[0] not in unbuilt)
    return 1 if failed else status
