# SPDX-License-Identifier: GPL-2.0-only
"""Running the suite on one kernel: set it up, build, boot, judge.

    test_kernel(name, out, mode="test", ...) -> exit status

The steps, each printed to OUT: the kernel resolved (workbench/kernel.py),
the build (this tree's Makefile, given the kernel's variables on its
command line), the boot (workbench/guest.py), for a whole test run the
negative control's boot and the keys boot, then the verdicts
(workbench/judge.py) and the phase times. Exit statuses, as git bisect run reads them: 0 nothing
failed, 1 a test failed, 125 the tree did not build (the module or a
program: this commit cannot be tested), 128 or more the workbench itself
failed (a kernel it cannot set up, a QEMU it cannot run): bisect stops.
Through make, any failure is make's own status 2: git bisect run calls
python3 -m workbench test KERNEL itself.
"""
import concurrent.futures
import os
import random
import re
import subprocess
import threading
import time
import traceback

from . import apt as A
from . import blobs
from . import guest
from . import judge as J
from . import kernel as K
from . import ppm
from . import results as R
from .machine import REPO

PASSED, FAILED, UNBUILT, BROKEN = 0, 1, 125, 128
FILTER_RX = re.compile(r"^[A-Za-z0-9_.,*?-]*$")
# The Makefile's goals a boot of each mode needs.
GOALS = {"bench": ["guest", "bench-dtb"], "debian": ["guest", "virt-dtb"]}
# make test-debian, after the build: the packages, the cached Debian
# system, the payload of this boot.
DEBIAN_STEPS = (["packaging/deb.sh", "build/deb"],
                ["packaging/debian-guest.sh", "image", "NAME"],
                ["packaging/debian-guest.sh", "payload", "NAME"])


class WorkbenchError(Exception):
    """The workbench cannot go on (not the tree's fault): status >= 128."""


# One make at a time in a kernel's build folder, and in build/userspace
# (the matrix runs make check's beside the kernels' builds).
MAKING = threading.Lock()


def make(kernel, goals, out, filt="", top=REPO):
    """This tree's Makefile for KERNEL's GOALS, the kernel's variables on
    its command line (WB_BUILD=1: the workbench's own call), T= the test
    filter (a filtered run builds no negative control); its status."""
    argv = ["make", "--no-print-directory", "-C", top, "WB_BUILD=1",
            "KERNEL=" + kernel.name, "T=" + filt] + K.make_vars(kernel) + goals
    out.flush()
    with MAKING:
        return subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT,
                              check=False).returncode


# Kernels being set up ahead, in the background (the matrix): name ->
# the Future of its Kernel.
AHEAD = {}


def set_up_ahead(names):
    """Set the kernels NAMES up one after another in a thread of their
    own, so that downloads and a kernel's build go on while other kernels
    build and boot; setup() of one of them waits for its result."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    for name in names:
        if name not in AHEAD:
            AHEAD[name] = pool.submit(K.setup, REPO, name)
    pool.shutdown(wait=False)


def setup(name):
    """The kernel NAME, resolved (and downloaded) for this machine."""
    try:
        if name in AHEAD:
            return AHEAD[name].result()
        return K.setup(REPO, name)
    except K.KernelError as e:
        raise WorkbenchError(str(e)) from e


# The module directories, and what of them kbuild compiles.
MODULE_DIRS = ("driver", "driver/uapi", "tests/modules", "tests/negative")
MODULE_FILES = ("Kbuild", ".c", ".h")


def link_tree(name):
    """build/NAME/src/: a tree of links to the modules' sources (and the
    top-level Kbuild), where kbuild builds for the kernel NAME; links to
    files that are gone are removed."""
    src = os.path.join(REPO, "build", name, "src")
    for d in MODULE_DIRS:
        there = os.path.join(src, d)
        os.makedirs(there, exist_ok=True)
        for f in os.listdir(there):
            link = os.path.join(there, f)
            if os.path.islink(link) and not os.path.exists(link):
                os.unlink(link)
        for f in os.listdir(os.path.join(REPO, d)):
            real = os.path.join(REPO, d, f)
            if f.endswith(MODULE_FILES) and not f.endswith(".mod.c") and \
                    os.path.isfile(real) and \
                    not os.path.lexists(os.path.join(there, f)):
                os.symlink(real, os.path.join(there, f))
    if not os.path.lexists(os.path.join(src, "Kbuild")):
        os.symlink(os.path.join(REPO, "Kbuild"), os.path.join(src, "Kbuild"))


def build(kernel, mode, filt, out):
    """Build what a boot of MODE needs, the modules first; UNBUILT if the
    tree does not build (the commit's fault), else None."""
    link_tree(kernel.name)
    if make(kernel, ["modules"] + GOALS.get(mode, ["guest"]), out,
            filt) != 0:
        return UNBUILT
    for step in DEBIAN_STEPS if mode == "debian" else ():
        if script(kernel, [kernel.name if a == "NAME" else a
                           for a in step], out) != 0:
            raise WorkbenchError("%s failed" % " ".join(step[:2]))
    return None


def script(kernel, argv, out):
    """Run ARGV (a path in this tree first) with KERNEL's variables in its
    environment (as make has them: KDIR, VMLINUZ, ...); its status."""
    env = dict(os.environ)
    env.update(v.split("=", 1) for v in K.make_vars(kernel))
    env.update(KERNEL=kernel.name, KERNEL_RELEASE=kernel.release,
               KERNEL_VERSION=kernel.version,
               KERNEL_PACKAGES=" ".join(kernel.packages))
    blobs.make(os.path.join(REPO, "build", "blobs"))
    out.flush()
    return subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT,
                          cwd=REPO, env=env, check=False).returncode


def judged(log, out, write=False, phases=()):
    """Print the verdicts on the boot whose console is LOG (and with WRITE
    its result files); PASSED or FAILED."""
    t0 = time.monotonic()
    run, results = J.judge(log)
    text = []
    for r in results:
        text.extend(r.lines())
    out.write("\n".join(text) + "\n")
    if write:
        R.write(os.path.join(run.logs, run.name + ".results"),
                "".join(line + "\n" for line in text))
        R.write(os.path.join(run.logs, run.name + ".tap"),
                "".join(line + "\n" for line in R.tap_text(run.lines)))
        R.write(os.path.join(run.logs, run.name + ".junit.xml"),
                R.junit([(run.name, R.parse_lines(text))]))
    out.write("console: %s\n" % run.log)
    if phases:
        phases = list(phases)
        # The host checks came after the suite's boot, before any other.
        phases.insert(2 if len(phases) > 2 else len(phases),
                      ("host checks", time.monotonic() - t0))
        out.write("phases: %s; total %.1f s\n" % (", ".join(
            "%s %.1f s" % p for p in phases), sum(s for _, s in phases)))
    slowest = sorted(R.times(run.file(".times")), key=lambda t: -t[1])[:5]
    if slowest:
        out.write("slowest programs: %s\n" % ", ".join(
            "%s %.1f s" % t for t in slowest))
    n = {v: sum(r.verdict == v for r in results)
         for v in (R.PASS, R.FAIL, R.SKIP)}
    out.write("%d passed, %d failed, %d skipped\n" % (
        n[R.PASS], n[R.FAIL], n[R.SKIP]))
    out.flush()
    return FAILED if n[R.FAIL] else PASSED


def guarded(out, fallback, step, *args):
    """STEP(*ARGS), or FALLBACK when the workbench itself failed in it
    (the reason printed to OUT)."""
    try:
        return step(*args)
    except (WorkbenchError, K.KernelError, A.AptError, OSError) as e:
        out.write("workbench: %s\n" % e)
    except Exception:  # pylint: disable=broad-except
        out.write("workbench: internal error\n" + traceback.format_exc())
    out.flush()
    return fallback


def prepare(name, out, mode="test", filt=""):
    """Set up and build the kernel NAME for a boot of MODE: (Kernel,
    None), or (None, the exit status) when that failed."""
    if not FILTER_RX.match(filt):
        out.write("T='%s': a pattern may hold letters, digits, _ . - * ? "
                  "and commas\n" % filt)
        return None, BROKEN
    return guarded(out, (None, BROKEN), _prepare, name, out, mode, filt)


def _prepare(name, out, mode, filt):
    kernel = setup(name)
    out.write("mmiodemo tests: kernel %s (%s %s)\n" % (
        name, kernel.package, kernel.version))
    status = build(kernel, mode, filt, out)
    if status is None:
        return kernel, None
    out.write("FAIL host.make_test_finished\n     | the tree did "
              "not build for %s (exit %d)\n" % (name, status))
    return None, status


def test_kernel(name, out, mode="test", filt="", fuzz_s=600, seed=0,
                gdb=None):
    """The suite (MODE) on the kernel NAME, printed to OUT; the status."""
    t0 = time.monotonic()
    kernel, status = prepare(name, out, mode, filt)
    if kernel is None:
        out.flush()
        return status
    return boot_and_judge(kernel, out, mode, filt, fuzz_s, seed, t0=t0,
                          gdb=gdb)


def boot_and_judge(kernel, out, mode="test", filt="", fuzz_s=600, seed=0,
                   on_line=None, t0=None, gdb=None, side_by_side=1):
    """Boot the built KERNEL in MODE (then the negative control and the
    keys boot, for a whole test run) and judge it; the status. SIDE_BY_SIDE: the guests
    that share the host."""
    return guarded(out, BROKEN, _boot_and_judge, kernel, out, mode, filt,
                   fuzz_s, seed, on_line, t0 or time.monotonic(), gdb,
                   side_by_side)


def _boot_and_judge(kernel, out, mode, filt, fuzz_s, seed, on_line, t0,
                    gdb, side_by_side):
    t_guest = time.monotonic()
    words = ["mmiodemo_nonce=0x%x" % (random.getrandbits(31) | 0x100)]
    if mode == "fuzz":
        words += ["mmiodemo_fuzz_s=%d" % fuzz_s, "mmiodemo_seed=%s" % seed]
    if filt:
        words.append("mmiodemo_filter=" + filt)
    guest.boot(kernel, mode, words, on_line=on_line, fuzz_s=fuzz_s, gdb=gdb,
               side_by_side=side_by_side)
    t_checks = time.monotonic()
    phases = [("build", t_guest - t0),
              ("guest boot and suite", t_checks - t_guest)]
    # The negative control (tests/negative), on the kernel that builds it:
    # a second boot loads mmiodemo-negative.ko, the driver with its
    # registers mapped as Normal memory, instead of mmiodemo.ko, and runs
    # the audit and the tool's tests; tests/guest/audit_test.host.py
    # judges it.
    if mode == "test" and not filt and os.path.exists(os.path.join(
            REPO, "build", kernel.name, "modules", "mmiodemo-negative.ko")):
        guest.boot(kernel, "negative", words[:1], side_by_side=side_by_side)
        phases.append(("negative control boot", time.monotonic() - t_checks))
    # The keys boot: QEMU's gpio-keys node enabled (mmiodemo-virt-keys.dtb)
    # on mmiodemo's gpiochip, and keys_test alone; tests/guest/
    # keys_test.host.py judges it.
    if mode == "test" and (not filt or "keys" in filt):
        t_keys = time.monotonic()
        guest.boot(kernel, "keys", words[:1], side_by_side=side_by_side)
        phases.append(("keys boot", time.monotonic() - t_keys))
    log = guest.log_path(REPO, kernel.name, mode)
    return judged(log, out, write=True, phases=phases)


# make check compiles the driver against these kernels' headers.
CHECK_KERNELS = ("debian-6.1", "debian-6.12", "debian-7.3")
# make test: the matrix. The -swiotlb entries boot debian-6.1's and
# debian-7.3's kernels with swiotlb=force: the device works on bounce
# buffers. debug: every checker on (machine/kernels/debug.config).
MATRIX = ("debian-6.1", "debian-6.12", "debian-6.12-16k", "debian-7.3",
          "debian-7.3-16k", "debian-6.1-swiotlb", "debian-7.3-swiotlb",
          "debug")


def check(names, out):
    """The static checks (tests/host/check.sh) against the kernels NAMES;
    its status (BROKEN if a kernel cannot be set up)."""
    return guarded(out, BROKEN, _check, names, out)


def _check(names, out):
    kernels = [setup(n) for n in names]
    first = kernels[0]
    if make(first, ["dtb"], out) != 0:
        return UNBUILT
    dtb = os.path.join(REPO, "build", first.name, "mmiodemo-virt.dtb")
    specs = ["%s,%s,%s" % (k.name, k.kdir, k.toolchain or "")
             for k in kernels]
    out.flush()
    return subprocess.run(
        [os.path.join(REPO, "tests", "host", "check.sh"), dtb, first.ksrc]
        + specs, stdout=out, stderr=subprocess.STDOUT, cwd=REPO,
        check=False).returncode


def demo(name, mode, out, gdb=None):
    """make run (MODE run: the demo) or make bench: boot with the console
    shown as it comes, then what the boot made; the status."""
    kernel, status = prepare(name, out, mode)
    if kernel is None:
        return status
    if guarded(out, None, lambda: guest.boot(kernel, mode, echo=True,
                                             gdb=gdb)) is None:
        return BROKEN
    log = guest.log_path(REPO, name, mode)
    rel = os.path.relpath(log, REPO)
    with open(log, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    ok = "mmiodemo-guest: %s end rc=0" % mode in lines
    if mode == "bench":
        subprocess.run([os.path.join(REPO, "tests", "host", "bench-plots.sh"),
                        log, os.path.join(REPO, "build", "bench", name)],
                       cwd=REPO, check=False)
        out.write("make bench: the targets on %s:\n" % name)
        out.write("".join(x + "\n" for x in lines if x.startswith("VERDICT")))
        if not ok:
            out.write("make bench: a target was missed or the benchmark "
                      "failed; console: %s\n" % rel)
        return PASSED if ok else FAILED
    if not ok:
        out.write("make run: the demo failed; console: %s\n" % rel)
        return FAILED
    png = os.path.join("build", name + "-picture.png")
    ppm.write_png(os.path.join(REPO, "build", "logs",
                               "%s-run-picture.ppm" % name),
                  os.path.join(REPO, png))
    out.write("make run: ramfb's picture of the DMA buffer: %s\n" % png)
    out.write("make run: demo done; console: %s\n" % rel)
    return PASSED
