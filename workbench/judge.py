# SPDX-License-Identifier: GPL-2.0-only
"""Judging a boot: from its files (build/logs/KERNEL-MODE.log, .status,
.trace, -NAME.ppm, KERNEL-negative.log, KERNEL-keys.log, and
build/KERNEL/, build/blobs/ beside them) to one verdict per test.

The generic verdicts are made here: the boot ended in time, each guest
program's TAP results and plan, the KUnit suite's KTAP, the suite's end,
and the console's kernel complaints. Everything that belongs to one test
lives beside it, as a host check: tests/guest/NAME.host.py, whose
check(run) yields Results. NAME is a guest program (the check runs unless
make test's T= filter leaves NAME out, so it returns nothing where its
program cannot have run) or "boot" (checks of the boot itself). The
order: the boot's checks, the programs' TAP, KUnit, the suite's end, the
other host checks by name, the console. A live run and "python3 -m
workbench parse LOG" read the same files, so they judge alike.
"""
import importlib.util
import json
import os
import re
import traceback

from . import results as R

# The repository: where the host checks are.
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST_CHECKS = os.path.join(REPO, "tests", "guest")


def json_data(path):
    """A JSON file as a dict, e.g. a build/KERNEL/kernel.json
    (workbench/kernel.py); {} if there is none (a saved run judged
    elsewhere) or it does not parse."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (FileNotFoundError, ValueError):
        return {}


class Run:
    """What a check may read of one boot: TOP/build/logs/KERNEL-MODE.*,
    and TOP/build/KERNEL/ and TOP/build/blobs/ beside it."""

    def __init__(self, log):
        log = os.path.abspath(log)
        self.top = os.path.dirname(os.path.dirname(os.path.dirname(log)))
        self.log = os.path.relpath(log)
        base = os.path.basename(log)
        m = re.match(r"^(.*)-([a-z]+)\.log$", base)
        if not m:
            raise ValueError("%s: not a console log KERNEL-MODE.log" % log)
        self.kernel, self.mode = m.group(1), m.group(2)
        self.name = self.kernel if self.mode == "test" else \
            "%s-%s" % (self.kernel, self.mode)
        self.logs = os.path.dirname(log)
        self.build = os.path.join(self.top, "build", self.kernel)
        with open(log, encoding="utf-8", errors="replace") as f:
            self.lines = f.read().splitlines()
        self.cmdline = self._cmdline()
        self.nonce = self.cmdline.get("mmiodemo_nonce", "")
        self.filter = self.cmdline.get("mmiodemo_filter", "")
        self.full_suite = self.mode in ("test", "debian")
        self.kernel_data = json_data(self.path(self.build, "kernel.json"))
        self.skipped = set()
        self._trace = None

    def path(self, *parts):
        return os.path.join(self.top, *parts)

    def _cmdline(self):
        for line in self.lines:
            if "Kernel command line:" in line:
                words = line.split("Kernel command line:", 1)[1].split()
                return dict(w.split("=", 1) for w in words if "=" in w)
        return {}

    def wanted(self, name):
        """True if make test's T= filter (guest/init's) selects @name."""
        if not self.filter:
            return True
        return any(p and _glob_in(p, name) for p in self.filter.split(","))

    def file(self, suffix):
        """build/logs/KERNEL-MODE@suffix (".trace", "-NAME.ppm", ...)."""
        return os.path.relpath(os.path.join(
            self.logs, "%s-%s%s" % (self.kernel, self.mode, suffix)))

    def boot_console(self, mode):
        """The console of this kernel's other boot MODE (the negative
        control's, the keys boot's): (its path, its lines; [] if none)."""
        path = os.path.relpath(os.path.join(
            self.logs, "%s-%s.log" % (self.kernel, mode)))
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                return path, f.read().splitlines()
        except FileNotFoundError:
            return path, []

    @property
    def trace(self):
        """QEMU's trace of the boot, as lines ([] if there is none)."""
        if self._trace is None:
            try:
                with open(self.file(".trace"), encoding="utf-8",
                          errors="replace") as f:
                    self._trace = f.read().splitlines()
            except FileNotFoundError:
                self._trace = []
        return self._trace

    def grep(self, pattern, lines=None):
        """The lines of the console (or @lines) that match @pattern."""
        rx = re.compile(pattern)
        return [x for x in (self.lines if lines is None else lines)
                if rx.search(x)]


def _glob_in(pattern, name):
    """Shell's [[ NAME == *PATTERN* ]] for a pattern of * and ?."""
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c)
                 for c in pattern)
    return re.search(rx, name) is not None


def host_checks(d=HOST_CHECKS):
    """(NAME, check function) of every NAME.host.py in @d, boot first,
    then by name. A file that does not load is a check that fails."""
    names = sorted(f[:-len(".host.py")] for f in os.listdir(d)
                   if f.endswith(".host.py"))
    names.sort(key=lambda n: n != "boot")
    out = []
    for name in names:
        path = os.path.join(d, name + ".host.py")
        try:
            spec = importlib.util.spec_from_file_location(
                "host_check_" + name, path)
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            out.append((name, mod.check))
        except Exception:  # pylint: disable=broad-except
            out.append((name, _broken(traceback.format_exc())))
    return out


def _broken(why):
    def check(_run):
        yield R.Result(R.FAIL, "host.host_checks_load", [why])
    return check


def _run_check(name, check, run):
    """The Results of @check on @run; an exception is a failed check."""
    try:
        return list(check(run))
    except Exception:  # pylint: disable=broad-except
        return [R.Result(R.FAIL, "host.%s_host_check_ran" % name,
                         [traceback.format_exc()])]


def judge(log, checks_dir=HOST_CHECKS):
    """Every verdict on the boot whose console is @log, in order."""
    run = Run(log)
    out = []
    try:
        with open(run.file(".status"), encoding="utf-8") as f:
            status = f.read().strip()
    except FileNotFoundError:
        status = ""
    if status == "124":
        out.append(R.Result(R.FAIL, "guest.boot_finished_in_time",
                            ["QEMU killed after its timeout; see %s"
                             % run.log]))

    tap, run.skipped = R.tap(run.lines, run.log)
    kunit, n_kunit = R.ktap(run.lines)
    checks = host_checks(checks_dir)
    boot = [c for name, c in checks if name == "boot"]
    for c in boot:
        out.extend(_run_check("boot", c, run))
    out.extend(tap)
    out.extend(kunit)
    if run.mode == "test" and \
            os.path.exists(run.path(run.build, "modules",
                                    "mmiodemo-kunit.ko")) and \
            run.wanted("kunit") and n_kunit == 0:
        out.append(R.Result(R.FAIL, "kunit.suite_ran", [
            "the KUnit module was built but printed no results"]))
    rc = None
    for line in run.lines:
        m = re.match(r"^mmiodemo-guest: tests end rc=([0-9]*)", line)
        if m:
            rc = m.group(1)
    if rc is None:
        out.append(R.Result(R.FAIL, "guest.suite_ran_to_the_end", [
            "no end marker; console tail:", "\n".join(run.lines[-30:])]))
    elif rc != "0":
        out.append(R.Result(R.FAIL, "guest.suite_ran_to_the_end",
                            ["a guest test program exited non-zero"]))
    for name, c in checks:
        if name != "boot" and run.wanted(name):
            out.extend(_run_check(name, c, run))
    found = R.complaints(run.lines)
    out.append(R.check("host.console_has_no_kernel_complaint", not found,
                       found))
    return run, out
