# SPDX-License-Identifier: GPL-2.0-only
"""The exit statuses git bisect run reads: 1 a test failed, 125 the tree
did not build, 128 the workbench failed; for one kernel, for check and
make test-debian's steps, and for the matrix."""
import concurrent.futures
import io
import threading

import pytest

from workbench import matrix, runner
from workbench.boot import Boot
from workbench.tests.test_kernel import kernel


@pytest.fixture
def built(monkeypatch, tmp_path):
    """A kernel that sets up, in a tree whose make exits with .status."""
    state = type("State", (), {"status": 0, "steps": []})()
    k = kernel(str(tmp_path))
    monkeypatch.setattr(runner, "setup", lambda name: k)
    monkeypatch.setattr(runner, "link_tree", lambda name: None)
    monkeypatch.setattr(runner, "make", lambda *a, **kw: state.status)
    monkeypatch.setattr(runner, "script",
                        lambda kern, argv, out: state.steps.pop(0))
    return state


def fails(want, says, call, name, *args):
    """call(name, out, *args) returns want and prints says."""
    out = io.StringIO()
    assert call(name, out, *args) == want
    assert says in out.getvalue()


def test_a_tree_that_does_not_build_is_125(built):
    built.status = 2
    fails((None, runner.UNBUILT), "FAIL host.make_test_finished",
          runner.prepare, "k")
    assert runner.check(["k"], io.StringIO()) == runner.UNBUILT


def test_a_kernel_that_cannot_be_set_up_is_128(monkeypatch):
    def fail(name):
        raise runner.WorkbenchError("unknown kernel '%s'" % name)
    monkeypatch.setattr(runner, "setup", fail)
    fails(runner.BROKEN, "workbench: unknown kernel 'nosuch'",
          runner.test_kernel, "nosuch")
    assert runner.check(["nosuch"], io.StringIO()) == runner.BROKEN


def test_a_failing_debian_step_is_128(built):
    built.steps = [0, 1]    # deb.sh builds, the Debian image does not
    fails((None, runner.BROKEN), "packaging/debian-guest.sh image failed",
          runner.prepare, "k", "debian")


def test_no_qemu_is_128(tmp_path):
    boot = Boot(["/nonexistent/qemu-system-aarch64"],
                str(tmp_path / "k-test.log"), 10)
    with pytest.raises(FileNotFoundError, match="qemu-system-arm"):
        boot.run()
    out = io.StringIO()
    assert runner.guarded(out, runner.BROKEN, boot.run) == runner.BROKEN


@pytest.mark.parametrize("rows, unbuilt, status, want", [
    ([("k", "4K", 9, 1, 0, "clean")], set(), 1, 1),     # a test failed
    ([("k", "4K", 0, 1, 0, "none")], {"k"}, 125, 125),  # only unbuilt
    ([("(static checks)", "-", 18, 1, 0, "-"), ("k", "4K", 0, 1, 0, "none")],
     {"k"}, 125, 1),                                   # a check failed too
    ([("k", "4K", 9, 0, 0, "clean")], set(), 128, 128),  # the workbench
])
def test_the_matrix_status(tmp_path, rows, unbuilt, status, want):
    logs = str(tmp_path)
    assert matrix._report(rows, [], logs, status, unbuilt) == want


def test_the_longest_kernel_set_up_is_built_first(tmp_path, monkeypatch):
    logs = str(tmp_path)
    (tmp_path / matrix.TIMES).write_text('{"slow": 170.5, "fast": 60.0}')
    last = matrix.last_times(logs)
    ks = [matrix.Kernel(n, logs) for n in ("new", "fast", "slow")]
    pending = sorted(ks, key=lambda k: -last.get(k.name, 0.0))
    assert [k.name for k in pending] == ["slow", "fast", "new"]
    ahead = {n: concurrent.futures.Future() for n in ("fast", "slow")}
    monkeypatch.setattr(runner, "AHEAD", ahead)
    ahead["fast"].set_result(None)     # slow's setup (a build) goes on
    assert matrix.next_kernel(pending).name == "fast"
    threading.Timer(0.2, ahead["slow"].set_result, (None,)).start()
    assert matrix.next_kernel(pending[:1]).name == "slow"
    for k in ks:
        k.out.close()
