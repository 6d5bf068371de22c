# SPDX-License-Identifier: GPL-2.0-only
"""The one Machine: the QEMU options of a test boot, the Debian guest and a
LAVA job are the same; a Boot on the real QEMU: its limit, QMP, and the
console's requests."""
import os
import shlex
import subprocess
import sys

import pytest

from workbench import qmp
from workbench import results as R
from workbench.boot import TIMED_OUT, Boot
from workbench.machine import Drive, Machine

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lava"))
import mkjobs  # noqa: E402  pylint: disable=wrong-import-position


def pairs(argv):
    """A QEMU command line's options as a sorted list of (option, value)
    (options without a value: None), "-machine" spelled "-M"."""
    out, i = [], 0
    while i < len(argv):
        opt = {"-machine": "-M"}.get(argv[i], argv[i])
        takes = i + 1 < len(argv) and not argv[i + 1].startswith("-")
        out.append((opt, argv[i + 1] if takes else None))
        i += 2 if takes else 1
    return sorted(out)


def machine_part(argv):
    """The options that make the machine (not what it boots)."""
    boots = {"-kernel", "-initrd", "-append", "-dtb", "-drive", "-device",
             "-fw_cfg", "-qmp", "-trace", "-D", "-monitor"}
    keep = [p for p in pairs(argv[1:]) if p[0] not in boots]
    # ramfb is a -device of the machine, not a disk.
    keep += [p for p in pairs(argv[1:]) if p == ("-device", "ramfb")]
    return sorted(keep)


def test_a_test_boot_the_debian_guest_and_a_lava_job_boot_one_machine(
        monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 64)   # a thread a vCPU
    m = Machine()
    test = m.command("/vmlinuz", m.append("mmiodemo_mode=test"), "/i.cpio",
                     "/t.dtb", [m.test_disk()], qmp="/q", trace="/t")
    debian = m.command("/vmlinuz", m.append("root=LABEL=debian"), "/initrd",
                       "/p.dtb", [Drive("root", "/root.img")])
    stage2 = m.command("/vmlinuz", m.append(), "/s.cpio",
                       drives=[Drive("root", "/s.img")], blobs=False)
    dev = mkjobs.device(m, None)["actions"]["boot"]["methods"]["qemu"]
    params = dev["parameters"]
    lava = [params["command"]] + shlex.split(" ".join(params["options"])) \
        + params["extra"]
    want = machine_part(test)
    assert ("-M", "virt") in want and ("-cpu", m.conf["QEMU_CPU"]) in want
    assert machine_part(debian) == want
    assert machine_part(stage2) == want
    # LAVA's template adds "-monitor none" and says -nographic twice.
    assert sorted(set(machine_part(lava))) == sorted(set(want))
    job = mkjobs.job("debian-6.1", "file:///x", "0x1234")
    assert job["context"] == m.lava_context()
    assert m.conf["QEMU_APPEND"] in \
        job["actions"][0]["deploy"]["images"]["kernel"]["image_arg"]


def test_guests_that_share_the_cores_run_their_vcpus_on_one_thread(
        monkeypatch):
    m = Machine()
    smp = int(m.conf["QEMU_SMP"])
    monkeypatch.setattr(os, "cpu_count", lambda: 2 * smp)
    assert m.accel(1) == [] and m.accel(2) == []
    one = ["-accel", "tcg,thread=single"]
    assert m.accel(3) == one
    argv = m.command("/vmlinuz", "x", side_by_side=3)
    assert argv[argv.index("-accel"):argv.index("-accel") + 2] == one
    assert "-accel" not in m.command("/vmlinuz", "x")
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert m.accel(1) == one


def test_the_dumped_tree_uses_the_machine_options():
    m = Machine()
    argv = m.dumpdtb("/o.dtb")
    assert argv[2] == "virt,dumpdtb=/o.dtb"
    assert argv[3:] == m.options()


def paused_qemu(tmp_path):
    """A real QEMU virt that never runs (-S): for QMP and the limit."""
    sock = str(tmp_path / "b.qmp")
    return Machine().command("/dev/null", "x", blobs=False, qmp=sock) + \
        ["-S"], sock


def test_a_boot_that_outlives_its_limit_is_killed_with_status_124(tmp_path):
    argv, _ = paused_qemu(tmp_path)
    log = str(tmp_path / "k-test.log")
    assert Boot(argv, log, timeout=2).run() == TIMED_OUT
    with open(str(tmp_path / "k-test.status")) as f:
        assert f.read() == "124\n"


def test_a_qmp_command_reaches_qemu(tmp_path):
    argv, sock = paused_qemu(tmp_path)
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            subprocess.run(["sleep", "0.05"], check=True)
        assert qmp.command(sock, "query-status")["status"] == "prelaunch"
        with pytest.raises(qmp.QMPError, match="no-such-command"):
            qmp.command(sock, "no-such-command")
        qmp.command(sock, "quit")
        assert proc.wait(timeout=10) == 0
    finally:
        proc.kill()


def test_the_console_is_kept_whole_and_only_listed_requests_are_served(
        tmp_path):
    script = ("printf 'line one\\r\\nmmiodemo-qmp: reboot\\r\\n"
              "mmiodemo-qmp: screendump ../x\\r\\nlast\\n'; exit 3")
    log = str(tmp_path / "k-test.log")
    seen = []
    assert Boot(["sh", "-c", script], log, 10, on_line=seen.append).run() == 3
    with open(log) as f:
        assert f.read() == ("line one\nmmiodemo-qmp: reboot\n"
                            "mmiodemo-qmp: screendump ../x\nlast\n")
    with open(str(tmp_path / "k-test.qmp.log")) as f:
        assert f.read() == "refused: reboot\nrefused: screendump ../x\n"
    assert seen[-1] == "last"


def test_each_programs_time_is_kept_beside_the_console(tmp_path):
    script = ("echo 'mmiodemo-guest: program a_test begin'; sleep 0.3; "
              "echo 'mmiodemo-guest: program a_test end rc=0'; "
              "echo 'mmiodemo-guest: program cut_test begin'")
    log = str(tmp_path / "k-test.log")
    assert Boot(["sh", "-c", script], log, 10).run() == 0
    got = R.times(str(tmp_path / "k-test.times"))
    assert [n for n, _ in got] == ["a_test"]  # cut_test never ended
    assert 0.3 <= got[0][1] < 5
    assert R.times(str(tmp_path / "none.times")) == []
