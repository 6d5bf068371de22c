# SPDX-License-Identifier: GPL-2.0-only
"""python3 -m workbench COMMAND ...: the workbench's command line; the
make targets call it (make help). KERNEL is a name of machine/kernels/*.conf.

  test [KERNEL...] [--jobs N] [-T PATTERN] [--gdb [PORT]]
      the suite on KERNEL (make test KERNEL=...); with none or several, make
      check beside the matrix (or those kernels), N booted side by side.
      --gdb: QEMU waits for gdb on PORT (1234) before the kernel's first
      instruction, with no time limit; the command to attach is printed.
  run|bench|stress|fuzz|faults [KERNEL] [--gdb [PORT]]
                                      make run, bench, stress, fuzz, faults
  test-debian [KERNEL] [--gdb [PORT]]  make test-debian
  bench-ci
      make bench-ci: CI=true bash .ci/run in a fresh clone of HEAD
      (build/bench-ci/clone), cold then warm, timed; exit 1 if a run fails
      or misses its target (15 and 6 min).
  bench-loop [--runs N]
      make bench-loop: a driver file edited, then make test T=dma
      KERNEL=debian-6.1, timed N times; fails if the median is over 12 s.
  check [KERNEL...]                   the static checks (make check)
  setup [KERNEL...]                   resolve and fetch the kernels
  build [KERNEL]                      build what a boot needs (make all)
  exec [--no-build] [--kernel KERNEL] -- CMD...
      run CMD with the kernel's variables (KDIR, VMLINUZ, ...) in its
      environment, after building what a boot needs unless --no-build.
  boot --image FILE [--initrd FILE] [--drive ID=FILE]... [--append TEXT]
       --log LOG [--timeout S]
      boot the machine (machine/machine.conf) on FILE, its console into LOG.
  packages PKG...                     install the missing Debian packages
  kernels [--all]                     the matrix's kernels (or every one)
  dumpdtb OUT                         QEMU virt's own device tree
  parse LOG [--write]
      judge a boot from its files in build/logs (LOG is its console,
      build/logs/KERNEL-MODE.log): a line per test, the slowest programs
      (from its .times) and "N passed, N failed, N skipped"; --write also
      writes build/logs/RUN.results, RUN.tap and RUN.junit.xml (RUN is
      KERNEL, or KERNEL-MODE for other modes than test).
  junit OUT.xml SUITE=FILE...
      the result lines of each FILE as one JUnit testsuite SUITE.
  png PPM PNG                         a screendump as PNG.
  compare OLD.xml NEW.xml [--renamed OLD=NEW]...
      every test that passed in OLD (a build/logs/junit.xml) must pass in
      NEW under the same name (or the one --renamed gives), on the same
      kernel; lists those that do not, the renamed ones and the tests NEW
      adds; exits 1 if a test stopped passing.

Exit status of test KERNEL, run, bench, stress, fuzz, faults, test-debian, build
and check: 0 nothing failed, 1 a test failed, 125 the tree did not build,
128 or more the workbench failed (as git bisect run reads them; the
matrix says 125 only if no test failed).
T=PATTERN, FUZZ_S and SEED are read from the environment too (run ...
test-debian also take --fuzz-s N and --seed S).
"""
import argparse
import os
import subprocess
import sys

from . import apt as A
from . import citime
from . import compare as C
from . import kernel as K
from . import loop
from . import matrix
from . import ppm
from . import results as R
from . import runner
from .boot import Boot
from .machine import Drive, Machine


def cmd_parse(args):
    return runner.judged(args.log, sys.stdout, write=args.write)


def one(args, default="debian-6.1"):
    if len(args.kernels) > 1:
        sys.exit("%s: one kernel, not %s" % (args.command,
                                              " ".join(args.kernels)))
    return args.kernels[0] if args.kernels else default


def cmd_test(args):
    if len(args.kernels) == 1:
        return runner.test_kernel(args.kernels[0], sys.stdout,
                                  filt=args.filter, gdb=args.gdb)
    if args.gdb:
        sys.exit("test: --gdb needs one kernel")
    return matrix.run(args.kernels or runner.MATRIX, args.jobs, args.filter)


def cmd_mode(args):
    mode = {"test-debian": "debian"}.get(args.command, args.command)
    name = one(args, "debug" if mode in ("stress", "fuzz", "faults")
               else "debian-6.1")
    if mode in ("run", "bench"):
        return runner.demo(name, mode, sys.stdout, gdb=args.gdb)
    return runner.test_kernel(name, sys.stdout, mode, fuzz_s=args.fuzz_s,
                              seed=args.seed, gdb=args.gdb)


def cmd_check(args):
    return runner.check(args.kernels or runner.CHECK_KERNELS, sys.stdout)


def cmd_setup(args):
    ok = all(runner.guarded(sys.stderr, None, runner.setup, name)
             for name in args.kernels or ["debian-6.1"])
    return 0 if ok else runner.BROKEN


def cmd_build(args):
    kernel, status = runner.prepare(one(args), sys.stdout)
    return status if kernel is None else 0


def cmd_exec(args):
    name = args.kernel or "debian-6.1"
    if args.no_build:
        kernel = runner.guarded(sys.stderr, None, runner.setup, name)
        status = runner.BROKEN
    else:
        kernel, status = runner.prepare(name, sys.stdout)
    if kernel is None:
        return status
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        sys.exit("exec: no command")
    return runner.script(kernel, cmd, sys.stdout)


def cmd_boot(args):
    m = Machine()
    drives = [Drive(*d.split("=", 1)) for d in args.drive]
    argv = m.command(args.image, m.append(args.append), args.initrd,
                     drives=drives, blobs=False)
    return Boot(argv, args.log, args.timeout).run()


def install(packages):
    host = A.Apt(os.path.join(runner.REPO, "build", "logs", "packages.log"))
    if any(p.endswith(":arm64") for p in packages):
        host.add_arm64()
    host.install(packages)
    return 0


def cmd_packages(args):
    return runner.guarded(sys.stderr, runner.BROKEN, install, args.packages)


def cmd_loop(args):
    return loop.run(runs=args.runs)


def cmd_ci(_args):
    return citime.run()


def cmd_kernels(args):
    print("\n".join(K.names(runner.REPO) if args.all else runner.MATRIX))
    return 0


def cmd_dumpdtb(args):
    return subprocess.run(Machine().dumpdtb(args.out), check=False,
                          stderr=subprocess.DEVNULL).returncode


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


def arg(*names, **kw):
    """One argument of a command, as argparse's add_argument takes it."""
    return names, kw


ENV = os.environ
KERNELS = arg("kernels", nargs="*")
GDB = arg("--gdb", type=int, nargs="?", const=1234, metavar="PORT")
MODE = [KERNELS, GDB,
        arg("--fuzz-s", type=int, default=int(ENV.get("FUZZ_S") or 600)),
        arg("--seed", default=ENV.get("SEED") or "0")]
# Each command: its name, what runs it, its help line, its arguments.
COMMANDS = [
    ("test", cmd_test, "the suite on one kernel, or the matrix",
     [KERNELS, GDB, arg("--jobs", "-j", type=int, default=None),
      arg("-T", "--filter", default=ENV.get("T", ""))]),
] + [(m, cmd_mode, "make " + m, MODE)
     for m in ("run", "bench", "stress", "fuzz", "faults",
               "test-debian")] + [
    ("check", cmd_check, "make check", [KERNELS]),
    ("setup", cmd_setup, "make setup", [KERNELS]),
    ("build", cmd_build, "make all", [KERNELS]),
    ("exec", cmd_exec, "a command with a kernel's variables",
     [arg("--no-build", action="store_true"), arg("--kernel"),
      arg("cmd", nargs=argparse.REMAINDER)]),
    ("boot", cmd_boot, "boot the machine on a kernel image",
     [arg("--image", required=True), arg("--initrd"),
      arg("--drive", action="append", default=[]),
      arg("--append", default=""), arg("--log", required=True),
      arg("--timeout", type=int, default=3600)]),
    ("bench-ci", cmd_ci, "make bench-ci", []),
    ("bench-loop", cmd_loop, "make bench-loop",
     [arg("--runs", type=int, default=3)]),
    ("packages", cmd_packages, "install missing Debian packages",
     [arg("packages", nargs="+")]),
    ("kernels", cmd_kernels, "the matrix's kernels (or all)",
     [arg("--all", action="store_true")]),
    ("dumpdtb", cmd_dumpdtb, "QEMU virt's own device tree", [arg("out")]),
    ("parse", cmd_parse, "judge a boot from its saved files",
     [arg("log"), arg("--write", action="store_true")]),
    ("junit", cmd_junit, "result lines as JUnit XML",
     [arg("out"), arg("suites", nargs="+")]),
    ("png", cmd_png, "a screendump as PNG", [arg("ppm"), arg("png")]),
    ("compare", cmd_compare, "two runs' verdicts side by side",
     [arg("old"), arg("new"), arg("--renamed", action="append",
                                  default=[])]),
]


def main(argv):
    p = argparse.ArgumentParser(prog="python3 -m workbench",
                                description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    for name, func, text, args in COMMANDS:
        s = sub.add_parser(name, help=text)
        for names, kw in args:
            s.add_argument(*names, **kw)
        s.set_defaults(func=func)
    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
