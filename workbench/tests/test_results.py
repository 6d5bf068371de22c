# SPDX-License-Identifier: GPL-2.0-only
"""The verdicts on made-up consoles: each way a run can go wrong."""
import os
import xml.etree.ElementTree as ET

from workbench import judge as J
from workbench import ppm
from workbench import results as R

CMDLINE = "[    0.000000] Kernel command line: console=ttyAMA0 " \
    "mmiodemo_mode=%s mmiodemo_nonce=0x1234"
DRIVER = ["mmiodemo-guest: driver loaded, /dev/mmiodemo present",
          "[    1.000000] mmiodemo 9030000.pl061: PL061 at 0x9030000 "
          "offered as /dev/mmiodemo"]


def console(tmp_path, body, mode="fuzz", status="0", kernel="k"):
    """Writes a boot's files under tmp_path/build/logs; returns the log."""
    logs = tmp_path / "build" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / ("%s-%s.log" % (kernel, mode))
    log.write_text("\n".join([CMDLINE % mode] + DRIVER + body) + "\n")
    (logs / ("%s-%s.status" % (kernel, mode))).write_text(status + "\n")
    return str(log)


def program(name, *lines, rc=0):
    return ["mmiodemo-guest: program %s begin" % name, *lines,
            "mmiodemo-guest: program %s end rc=%d" % (name, rc)]


def suite(*lines, rc=0):
    return ["mmiodemo-guest: tests begin", *lines,
            "mmiodemo-guest: tests end rc=%d" % rc]


def verdicts(log):
    return {r.name: r for r in J.judge(log)[1]}


def one_program(tmp_path, name, *lines, rc=0, suite_rc=0):
    """The verdicts on a console whose suite ran one program."""
    return verdicts(console(tmp_path, suite(*program(name, *lines, rc=rc),
                                            rc=suite_rc)))


def says(result, verdict, *detail):
    assert result.verdict == verdict
    assert result.detail == list(detail)


def test_pass_fail_skip_and_plans(tmp_path):
    v = one_program(tmp_path, "a_test", "TAP version 13", "1..3",
                    "ok 1 a.first", "# the reason", "not ok 2 a.second",
                    "ok 3 a.third # SKIP no ramfb", rc=1, suite_rc=1)
    assert v["guest.a.first"].verdict == R.PASS
    says(v["guest.a.second"], R.FAIL, "# the reason")
    says(v["guest.a.third"], R.SKIP, "no ramfb")
    # A failed test explains the non-zero exit: the plan is met.
    assert v["guest.a_test.plan_met"].verdict == R.PASS
    assert v["guest.suite_ran_to_the_end"].verdict == R.FAIL
    assert v["host.console_has_no_kernel_complaint"].verdict == R.PASS


def test_plan_not_met(tmp_path):
    v = one_program(tmp_path, "b_test", "1..3", "ok 1 b.one", "ok 2 b.two")
    says(v["guest.b_test.plan_met"], R.FAIL, "planned 3 tests, reported 2")


def test_a_plan_of_no_test_with_its_reason(tmp_path):
    v = one_program(tmp_path, "z_test", "1..0 # SKIP no fault injection")
    assert v["guest.z_test.plan_met"].verdict == R.PASS
    v = one_program(tmp_path, "y_test", "1..0 # SKIP why", "ok 1 y.one")
    says(v["guest.y_test.plan_met"], R.FAIL, "planned 0 tests, reported 1")


def test_a_kernel_message_glued_to_a_result_line(tmp_path):
    """The console is shared: a printk may land inside a TAP line."""
    v = one_program(tmp_path, "g_test", "1..2",
                    "ok 1 g.rebinds[    3.729813] mmiodemo 9030000.pl061: "
                    "PL061 0x0000000009030000 offered as /dev/mmiodemo", "",
                    "not ok 2 g.second[    3.8] x[    3.900000] BUG: y")
    # Cut at the kernel's timestamp only: "[    3.8]" is not one.
    assert [(r.name, r.verdict) for r in v.values()
            if r.name.startswith("guest.g.")] == [
        ("guest.g.rebinds", R.PASS), ("guest.g.second[    3.8] x", R.FAIL)]
    assert v["host.console_has_no_kernel_complaint"].verdict == R.FAIL


def test_a_kernel_message_glued_to_a_plan_line(tmp_path):
    v = one_program(tmp_path, "p_test", "1..2[   64.853308] stress (3232): "
                    "drop_caches: 3", "ok 1 p.one", "ok 2 p.two")
    assert v["guest.p_test.plan_met"].verdict == R.PASS


def test_a_kernel_message_glued_to_a_frame_line(tmp_path):
    log = console(tmp_path, [
        "mmiodemo-guest: tests begin",
        "mmiodemo-guest: program f_test begin[    5.100000] virtio_blk x",
        "1..1", "ok 1 f.one",
        "mmiodemo-guest: program f_test end rc=0[    6.200000] y",
        "mmiodemo-guest: tests end rc=0"])
    v = verdicts(log)
    assert v["guest.f_test.plan_met"].verdict == R.PASS


def test_program_killed_mid_test(tmp_path):
    log = console(tmp_path, ["mmiodemo-guest: tests begin",
                             "mmiodemo-guest: program c_test begin", "1..2",
                             "ok 1 c.one", "Killed",
                             "mmiodemo-guest: tests end rc=1"])
    plan = verdicts(log)["guest.c_test.plan_met"]
    assert plan.verdict == R.FAIL
    assert "planned 2 tests, reported 1" in plan.detail
    assert any("never ended" in d for d in plan.detail)


def test_console_cut_off(tmp_path):
    v = verdicts(console(tmp_path, ["mmiodemo-guest: tests begin",
                                    "mmiodemo-guest: program d_test begin",
                                    "1..1"]))
    assert v["guest.d_test.plan_met"].verdict == R.FAIL
    assert v["guest.suite_ran_to_the_end"].verdict == R.FAIL
    assert v["guest.suite_ran_to_the_end"].detail[0] == \
        "no end marker; console tail:"


def test_exit_status_without_a_failed_test(tmp_path):
    v = one_program(tmp_path, "e_test", "1..1", "ok 1 e.one", rc=2)
    says(v["guest.e_test.plan_met"], R.FAIL,
         "exited with status 2, and no test failed")


def test_skip_named_by_the_run_line(tmp_path):
    """The 6.1 kselftest harness names a skipped test only in "#  RUN"."""
    v = one_program(tmp_path, "f_test", "1..1",
                    "#  RUN           regs.write ...",
                    "#      SKIP      the registers cannot be mapped",
                    "ok 1 # SKIP the registers cannot be mapped")
    says(v["guest.regs.write"], R.SKIP, "the registers cannot be mapped")


def test_nested_ktap(tmp_path):
    v = verdicts(console(tmp_path, [
        "[    2.000000] KTAP version 1",
        "[    2.000001] 1..1",
        "[    2.000002]     KTAP version 1",
        "[    2.000003]     # Subtest: mmiodemo",
        "[    2.000004]     1..3",
        "[    2.000005]     ok 1 decode_is_exact",
        "[    2.000006]     # encode: EXPECTATION FAILED at x.c:10",
        "[    2.000007]     not ok 2 encode",
        "[    2.000008]     ok 3 wide # SKIP not on 16K pages",
        "[    2.000009] ok 1 mmiodemo"] + suite()))
    assert v["kunit.mmiodemo.decode_is_exact"].verdict == R.PASS
    says(v["kunit.mmiodemo.encode"], R.FAIL,
         "    # encode: EXPECTATION FAILED at x.c:10")
    says(v["kunit.mmiodemo.wide"], R.SKIP, "not on 16K pages")


def test_a_complaint_after_every_test_passed(tmp_path):
    log = console(tmp_path, suite(*program("g_test", "1..1", "ok 1 g.one")) +
                  ["[    9.000000] WARNING: CPU: 1 PID: 77 at mm/gup.c:1 x",
                   "[    9.000001] Call trace:"])
    v = verdicts(log)
    assert v["guest.g.one"].verdict == R.PASS
    c = v["host.console_has_no_kernel_complaint"]
    assert c.verdict == R.FAIL and "WARNING: CPU: 1" in c.detail[0]


def test_each_checker_complains(tmp_path):
    for line in ("BUG: KASAN: use-after-free in x", "UBSAN: shift-out-of-bounds",
                 "kmemleak: unreferenced object 0x1 (size 8):",
                 "Unable to handle kernel paging request at virtual address 0"):
        assert R.complaints(["ok", line]), line
    assert not R.complaints(["mmiodemo-debian: WARNING: dpkg said so"])


def test_an_injected_failures_stack_is_not_a_complaint():
    dump = ["[    5.000000] FAULT_INJECTION: forcing a failure.",
            "[    5.000000] name failslab, interval 1, probability 0, "
            "space 0, times -1",
            "[    5.000001] CPU: 1 PID: 90 Comm: faults_test Not tainted",
            "[    5.000001] Hardware name: linux,dummy-virt (DT)",
            "[    5.000002] Call trace:",
            "[    5.000002]  dump_backtrace+0x0/0x1e0"]
    assert not R.complaints(dump)
    # One stack per injection: a second trace is a complaint, and so is
    # a warning inside the dump.
    assert R.complaints(dump + ["[    6.000000] Call trace:"])
    assert R.complaints(dump[:2] + ["[    5.1] WARNING: CPU: 1 at x.c:3"]
                        + dump[2:])


def test_boot_timeout(tmp_path):
    v = verdicts(console(tmp_path, ["mmiodemo-guest: tests begin"],
                         status="124"))
    assert v["guest.boot_finished_in_time"].verdict == R.FAIL


def test_junit_escapes_what_a_console_prints():
    cases = R.parse_lines([
        "setup: noise", "PASS guest.a.b", "FAIL guest.c",
        "     | <tag> & ]]> \"q\" \x1b[0m \x00", "     | second",
        "SKIP host.d", "     | why", "PASS kunit.s.e"])
    root = ET.fromstring(R.junit([("k", cases)]).encode())
    got = [(c.get("classname"), c.get("name"))
           for c in root.findall("./testsuite/testcase")]
    assert got == [("k.guest", "a.b"), ("k.guest", "c"), ("k.host", "d"),
                   ("k.kunit", "s.e")]
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) \
        == ("4", "1", "1")
    failure = root.findall("./testsuite/testcase")[1].find("failure")
    assert failure.text == "<tag> & ]]> \"q\" ?[0m ?\nsecond"


def write_ppm(path, spec):
    w, h, pixel = ppm.expected(spec)
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        f.write(b"".join(pixel(x, y) for y in range(h) for x in range(w)))


def test_screendump_mismatch_names_the_first_pixel(tmp_path):
    path = str(tmp_path / "a.ppm")
    write_ppm(path, "color:4x2:00ff00")
    assert ppm.mismatch(path, "color:4x2:00ff00") == ""
    why = ppm.mismatch(path, "color:4x2:0000ff")
    assert "8 of 8 pixels differ; first at (0, 0): 00ff00, expected 0000ff" \
        in why
    assert ppm.mismatch(str(tmp_path / "none.ppm"), "color:4x2:000000") \
        .startswith("no screendump")


def test_a_recorded_console_gets_its_recorded_verdicts(tmp_path):
    """A real console of debian-6.1 (make test), with the files its host
    checks read made again: the same set of verdicts its run gave (but the
    negative control's, a second boot not recorded here; the keys boot's
    console is a real one too)."""
    data = os.path.join(os.path.dirname(__file__), "data")
    with open(os.path.join(data, "debian-6.1-test.log")) as f:
        text = f.read()
    lines = text.splitlines()
    logs = tmp_path / "build" / "logs"
    logs.mkdir(parents=True)
    (logs / "debian-6.1-test.log").write_text(text)
    with open(os.path.join(data, "debian-6.1-keys.log")) as f:
        (logs / "debian-6.1-keys.log").write_text(f.read())
    nonce = [w for w in lines[33].split() if w.startswith("mmiodemo_nonce")]
    nonce = nonce[0].split("=")[1]
    dev = "pl061_write /machine/unattached/device[7] offset"
    (logs / "debian-6.1-test.trace").write_text(
        "%s 0x400 value %s\n%s 0x40c value 0x3b\n%s 0x40c value 0xc4\n"
        % (dev, nonce, dev, dev))
    for name, spec in (("gradient", "gradient:640x480"),
                       ("row", "gradient:640x480:row=100:ffffff"),
                       ("unbound", "color:16x16:000000"),
                       ("doc-example", "color:640x480:000000:row=100:ffffff"),
                       ("bounce-unsynced", "color:16x16:00ff00"),
                       ("bounce-synced", "color:16x16:00ff00")):
        write_ppm(str(logs / ("debian-6.1-test-%s.ppm" % name)), spec)
    sha = [x.split()[-1] for x in lines if x.startswith("mmiodemo-sha256: ")]
    (tmp_path / "build" / "blobs").mkdir()
    (tmp_path / "build" / "blobs" / "random.sha256").write_text(sha[-1])
    inc = tmp_path / "headers" / "include" / "linux"
    inc.mkdir(parents=True)
    (inc / "fs.h").write_text("int (*mmap) (struct file *);\n")
    (tmp_path / "build" / "debian-6.1").mkdir()
    (tmp_path / "build" / "debian-6.1" / "kernel.json").write_text(
        '{"kheaders": "%s"}\n' % (tmp_path / "headers"))
    got = ["%s %s" % (r.verdict, r.name)
           for r in J.judge(str(logs / "debian-6.1-test.log"))[1]]
    with open(os.path.join(data, "debian-6.1.verdicts")) as f:
        want = [" ".join(line.split()) for line in f]
    assert sorted(got) == sorted(want)


def test_a_host_check_is_found_by_name(tmp_path):
    """A file NAME.host.py beside the tests runs unless T= leaves program
    NAME out, with no edit of the runner; one that raises is a failed
    check, not a crashed judge."""
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "h_test.host.py").write_text(
        "from workbench import results as R\n"
        "def check(run):\n"
        "    yield R.check('host.h_saw_its_line', run.grep('^h-said: yes'),\n"
        "                  'no h-said line')\n")
    (checks / "boot.host.py").write_text("def check(run):\n    return []\n")
    log = console(tmp_path, suite(*program("h_test", "1..1", "ok 1 h.one")) +
                  ["h-said: no"])
    got = {r.name: r for r in J.judge(log, str(checks))[1]}
    assert got["host.h_saw_its_line"].verdict == R.FAIL
    assert got["host.h_saw_its_line"].detail == ["no h-said line"]
    # Filtered out by T=: its host check does not run either.
    with open(log) as f:
        text = f.read().replace("mmiodemo_nonce", "mmiodemo_filter=other "
                                "mmiodemo_nonce")
    with open(log, "w") as f:
        f.write(text)
    got = {r.name for r in J.judge(log, str(checks))[1]}
    assert "host.h_saw_its_line" not in got
    (checks / "other.host.py").write_text("def check(run):\n    1 / 0\n")
    got = {r.name: r for r in J.judge(log, str(checks))[1]}
    assert got["host.other_host_check_ran"].verdict == R.FAIL
    assert "ZeroDivisionError" in got["host.other_host_check_ran"].detail[0]


def test_compare_names_what_stopped_passing(tmp_path):
    from workbench import compare as C
    old, new = str(tmp_path / "old.xml"), str(tmp_path / "new.xml")
    with open(old, "w") as f:
        f.write(R.junit([("k", R.parse_lines(
            ["PASS guest.a", "PASS guest.b", "PASS host.c", "SKIP guest.d"]))]))
    with open(new, "w") as f:
        f.write(R.junit([("k", R.parse_lines(
            ["PASS guest.a", "SKIP guest.b", "FAIL guest.d",
             "PASS guest.e"]))]))
    lines, bad = C.compare(old, new)
    assert bad == 2
    assert lines == ["k guest.b: passed, now SKIP",
                     "k host.c: passed, now missing", "k guest.e: new, PASS"]
    lines, bad = C.compare(old, new, {"host.c": "guest.e"})
    assert bad == 1 and "k host.c: renamed guest.e, PASS" in lines
