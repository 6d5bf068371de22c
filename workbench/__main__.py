# SPDX-License-Identifier: GPL-2.0-only
"""python3 -m workbench COMMAND ...: the workbench's command line; the
make targets call it (make help). KERNEL is a name of machine/kernels/*.conf.

  test [KERNEL...] [--jobs N] [-T PATTERN] [--gdb [PORT]]
      the suite on KERNEL (make test KERNEL=...); with none or several, make
      check then the matrix (or those kernels), N booted side by side.
      --gdb: QEMU waits for gdb on PORT (1234) before the kernel's first
      instruction, with no time limit; the command to attach is printed.
  run|bench|stress|fuzz [KERNEL] [--gdb [PORT]]
                                      make run, bench, stress, fuzz
  test-debian [KERNEL]                make test-debian
  check [KERNEL...]                   the static checks (make check)
  setup [KERNEL...]                   resolve and fetch the kernels
  build [KERNEL]                      build what a boot needs (make all)
  exec [--no-build] [--kernel KERNEL] CMD...
      run CMD with the kernel's variables (KDIR, VMLINUZ, ...) in its
      environment, after building what a boot needs unless --no-build.
  boot --image FILE [--initrd FILE] [--drive ID=FILE]... [--append TEXT]
       --log LOG [--timeout S]
      boot the machine (machine/machine.conf) on FILE, its console into LOG.
  packages PKG...                     install the missing Debian packages
  kernels                             the matrix's kernels
  dumpdtb OUT                         QEMU virt's own device tree
  parse LOG [--write]
      judge a boot from its files in build/logs (LOG is its console,
      build/logs/KERNEL-MODE.log): a line per test and "N passed, N
      failed, N skipped"; --write also writes build/logs/RUN.results,
      RUN.tap and RUN.junit.xml (RUN is KERNEL, or KERNEL-MODE for other
      modes than test).
  junit OUT.xml SUITE=FILE...
      the result lines of each FILE as one JUnit testsuite SUITE.
  png PPM PNG                         a screendump as PNG.
  compare OLD.xml NEW.xml [--renamed OLD=NEW]...
      every test that passed in OLD (a build/logs/junit.xml) must pass in
      NEW under the same name (or the one --renamed gives), on the same
      kernel; lists those that do not, the renamed ones and the tests NEW
      adds; exits 1 if a test stopped passing.

Exit status: 0 nothing failed, 1 a test failed, 125 the tree did not
build, 128 or more the workbench failed (as git bisect run reads them).
T=PATTERN, FUZZ_S and SEED are read from the environment too.
"""
import argparse
import os
import subprocess
import sys

from . import apt as A
from . import compare as C
from . import kernel as K
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
    name = one(args, "debug" if mode in ("stress", "fuzz") else "debian-6.1")
    if mode in ("run", "bench"):
        return runner.demo(name, mode, sys.stdout, gdb=args.gdb)
    return runner.test_kernel(name, sys.stdout, mode, fuzz_s=args.fuzz_s,
                              seed=args.seed, gdb=args.gdb)


def cmd_check(args):
    return runner.check(args.kernels or runner.CHECK_KERNELS, sys.stdout)


def cmd_setup(args):
    for name in args.kernels or ["debian-6.1"]:
        try:
            K.setup(runner.REPO, name)
        except K.KernelError as e:
            print("setup: error: %s" % e, file=sys.stderr)
            return runner.BROKEN
    return 0


def cmd_build(args):
    kernel, status = runner.prepare(one(args), sys.stdout)
    return status if kernel is None else 0


def cmd_exec(args):
    name = args.kernel or "debian-6.1"
    if args.no_build:
        try:
            kernel = runner.setup(name, sys.stdout)
        except runner.WorkbenchError as e:
            print("workbench: %s" % e, file=sys.stderr)
            return runner.BROKEN
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


def cmd_packages(args):
    host = A.Apt(os.path.join(runner.REPO, "build", "logs", "packages.log"))
    try:
        if any(p.endswith(":arm64") for p in args.packages):
            host.add_arm64()
        host.install(args.packages)
    except A.AptError as e:
        print("packages: %s" % e, file=sys.stderr)
        return runner.BROKEN
    return 0


def cmd_kernels(_args):
    print("\n".join(runner.MATRIX))
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


def gdb_option(parser):
    parser.add_argument("--gdb", type=int, nargs="?", const=1234,
                        metavar="PORT")


def main(argv):
    p = argparse.ArgumentParser(prog="python3 -m workbench",
                                description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    env = os.environ
    s = sub.add_parser("test", help="the suite on one kernel, or the matrix")
    s.add_argument("kernels", nargs="*")
    s.add_argument("--jobs", "-j", type=int, default=None)
    s.add_argument("-T", "--filter", default=env.get("T", ""))
    gdb_option(s)
    s.set_defaults(func=cmd_test)
    for name in ("run", "bench", "stress", "fuzz", "test-debian"):
        s = sub.add_parser(name, help="make " + name)
        s.add_argument("kernels", nargs="*")
        s.add_argument("--fuzz-s", type=int, default=int(env.get("FUZZ_S") or 600))
        s.add_argument("--seed", default=env.get("SEED") or "0")
        gdb_option(s)
        s.set_defaults(func=cmd_mode)
    for name, func in (("check", cmd_check), ("setup", cmd_setup),
                       ("build", cmd_build)):
        s = sub.add_parser(name, help="make " + name)
        s.add_argument("kernels", nargs="*")
        s.set_defaults(func=func)
    s = sub.add_parser("exec", help="a command with a kernel's variables")
    s.add_argument("--no-build", action="store_true")
    s.add_argument("--kernel")
    s.add_argument("cmd", nargs=argparse.REMAINDER)
    s.set_defaults(func=cmd_exec)
    s = sub.add_parser("boot", help="boot the machine on a kernel image")
    s.add_argument("--image", required=True)
    s.add_argument("--initrd")
    s.add_argument("--drive", action="append", default=[])
    s.add_argument("--append", default="")
    s.add_argument("--log", required=True)
    s.add_argument("--timeout", type=int, default=3600)
    s.set_defaults(func=cmd_boot)
    s = sub.add_parser("packages", help="install missing Debian packages")
    s.add_argument("packages", nargs="+")
    s.set_defaults(func=cmd_packages)
    s = sub.add_parser("kernels", help="the matrix's kernels")
    s.set_defaults(func=cmd_kernels)
    s = sub.add_parser("dumpdtb", help="QEMU virt's own device tree")
    s.add_argument("out")
    s.set_defaults(func=cmd_dumpdtb)
    s = sub.add_parser("parse", help="judge a boot from its saved files")
    s.add_argument("log")
    s.add_argument("--write", action="store_true")
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
