#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""lava/lava-run.py KERNEL RUNDIR QMP-SOCKET HARNESS-STATUS: make test-lava's
LAVA part (lava/test-lava.sh prepares everything first).

Runs LAVA's dispatcher, lava-run, on RUNDIR/KERNEL.yaml with the device
dictionary RUNDIR/device.yaml, and reads its log as it comes (one YAML
mapping a line). From it: the guest's console into build/logs/KERNEL-lava.log,
the results LAVA recorded into build/logs/KERNEL-lava.results, and the
host's part of the suite: a console line "mmiodemo-qmp: system_powerdown"
or "mmiodemo-qmp: screendump NAME" is passed to QEMU over QMP, as the
workbench's boots do (workbench/qmp.py). Then compares LAVA's results with
the harness's (build/logs/KERNEL.results, written by the workbench's run
just before): every
test the guest reported must be in both, with the same verdict.
Prints a line per check and "N passed, N failed"; exits 1 on a failure.

    lava/lava-run.py --compare HARNESS-RESULTS LAVA-RESULTS

only compares two such files (LAVA's as this writes them, "VERDICT NAME"
lines): make check's test of the comparison.
"""
import os
import subprocess
import sys

import yaml

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TOP)
# pylint: disable=wrong-import-position
from workbench import qmp as Q  # noqa: E402

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# The harness's results that are not the guest suite's: its boot, the
# driver's and the modules' loading as it sees them on the console, and
# its checks on the host's side (QEMU's trace, screendumps...).
HARNESS_ONLY = (
    "guest.boot_finished_in_time",
    "guest.driver_binds_to_the_pl061_node",
    "guest.driver_refuses_a_block_that_is_not_a_pl061",
    "guest.suite_ran_to_the_end",
    "guest.module_loads.",
    "guest.test_module_loads.",
    # The keys boot is a boot of the harness's own (gpio-keys enabled).
    "guest.keys_boot.",
    "host.",
    # The KUnit suite is not reported to LAVA (lava/lava-suite.sh).
    "kunit.",
)
# The harness's name of each LAVA test case (lava/lava-suite.sh).
RENAMED = {"kernel_log_has_no_complaint": "host.console_has_no_kernel_complaint"}
VERDICT = {"PASS": "pass", "FAIL": "fail", "SKIP": "skip"}


def harness_results(path):
    results = {}
    with open(path) as f:
        for line in f:
            verdict, _, name = line.rstrip("\n").partition(" ")
            if verdict in VERDICT:
                results[name.strip()] = VERDICT[verdict]
    return results


def comparable(name):
    if name in RENAMED.values():
        return True
    return not any(name == p or (p.endswith(".") and name.startswith(p))
                   for p in HARNESS_ONLY)


def compare(harness_path, lava_results):
    """The differences between the harness's results (its file) and LAVA's
    (case: verdict), and how many tests the harness had."""
    harness = {}
    if os.path.exists(harness_path):
        harness = {n: v for n, v in harness_results(harness_path).items() if comparable(n)}
    if not harness:
        return ["no result of the guest's suite in %s" % harness_path], 0
    # LAVA adds a case per definition, named after it: LAVA's own.
    lava = {}
    for name, verdict in lava_results.items():
        if name != "mmiodemo-suite":
            lava[RENAMED.get(name, "guest." + name)] = verdict
    differ = ["%s: the harness %s, LAVA %s" % (n, harness.get(n, "has no such test"),
                                             lava.get(n, "has no such test"))
              for n in sorted(set(harness) | set(lava)) if harness.get(n) != lava.get(n)]
    if differ:
        differ.insert(0, "%d tests in the harness's results, %d in LAVA's, %d differ:" %
                      (len(harness), len(lava), len(differ)))
    return differ, len(harness)


def qmp(sock, line, kernel):
    """The host's part of a test: what every boot of the workbench does
    for the line (workbench/qmp.py)."""
    prefix = os.path.join(TOP, "build", "logs", "%s-lava" % kernel)
    return "\n".join(Q.host_action(line, sock, prefix))


def main():
    if sys.argv[1:2] == ["--compare"] and len(sys.argv) == 4:
        with open(sys.argv[3]) as f:
            lava = dict(reversed(line.split()) for line in f if line.strip())
        differ, _ = compare(sys.argv[2], lava)
        print("\n".join(differ))
        return 1 if differ else 0
    if len(sys.argv) != 5:
        sys.exit(__doc__.split("\n\n")[0])
    kernel, rundir, sock, harness_rc = sys.argv[1:5]
    logs = os.path.join(TOP, "build", "logs")
    console_path = os.path.join(logs, "%s-lava.log" % kernel)
    results_path = os.path.join(logs, "%s-lava.results" % kernel)
    cmd = ["/usr/bin/lava-run", "--job-id", "mmiodemo-" + kernel,
           "--output-dir", os.path.join(rundir, "output"),
           "--device", os.path.join(rundir, "device.yaml"),
           os.path.join(rundir, kernel + ".yaml")]
    lava_results = {}
    job = None
    errors = []
    with open(os.path.join(logs, "%s-lava.yaml" % kernel), "w") as raw, \
            open(console_path, "w") as console, \
            open(os.path.join(logs, "%s-lava.qmp.log" % kernel), "w") as qlog:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, errors="replace", cwd=TOP)
        for line in proc.stdout:
            raw.write(line)
            try:
                rec = yaml.load(line, Loader=LOADER)
            except yaml.YAMLError:
                continue
            if not isinstance(rec, dict):
                continue
            msg = rec.get("msg")
            if rec.get("lvl") == "target" and isinstance(msg, str):
                console.write(msg + "\n")
                console.flush()
                if msg.startswith("mmiodemo-qmp: "):
                    qlog.write(qmp(sock, msg, kernel) + "\n")
                    qlog.flush()
            elif rec.get("lvl") == "results" and isinstance(msg, dict):
                if msg.get("definition") == "lava":
                    if msg.get("case") == "job":
                        job = msg
                elif "case" in msg:
                    lava_results[msg["case"]] = msg.get("result")
            elif rec.get("lvl") in ("error", "exception"):
                errors.append(str(msg))
        rc = proc.wait()
    with open(results_path, "w") as f:
        for name, verdict in sorted(lava_results.items()):
            f.write("%s %s\n" % (verdict, name))

    checks = []

    def check(name, ok, *detail):
        checks.append(ok)
        print("%-4s lava.%s" % ("PASS" if ok else "FAIL", name))
        if not ok:
            for d in detail:
                for line in str(d).splitlines():
                    print("     | " + line)

    check("harness_passed", harness_rc == "0",
          "the workbench's run on %s exited %s; see build/lava/%s/harness.out" % (kernel, harness_rc, kernel))
    check("job_completed", rc == 0 and job is not None and job.get("result") == "pass",
          "lava-run exited %d; the job: %s" % (rc, job), *errors[:5],
          "log: build/logs/%s-lava.yaml" % kernel)
    check("suite_reported_tests", len(lava_results) > 0,
          "LAVA recorded no test case of the suite; console: %s" % console_path)
    harness_path = os.path.join(logs, kernel + ".results")
    differ, n = compare(harness_path, lava_results)
    check("results_equal_the_harnesses", not differ, *differ[:40])
    print("lava: %d tests compared; LAVA's results: %s, console: %s" %
          (n, results_path, console_path))
    passed = sum(checks)
    print("%d passed, %d failed" % (passed, len(checks) - passed))
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(main())
