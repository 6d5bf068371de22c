# SPDX-License-Identifier: GPL-2.0-only
"""The kernel model on made-up trees: the conf files, kernel.json, the
page size, make's variables, and the apt helpers that need no network."""
import os

import pytest

from workbench import apt
from workbench import kernel as K

BASE = """# SPDX-License-Identifier: GPL-2.0-only
# A base kernel.
KERNEL_IMAGE_META=linux-image-arm64:arm64
KERNEL_HEADERS_META=linux-headers-arm64:arm64
KERNEL_APPEND=base
"""


def tree(tmp_path, **confs):
    """TMP/machine/kernels/NAME.conf for each NAME=TEXT; returns TMP."""
    d = tmp_path / "machine" / "kernels"
    d.mkdir(parents=True, exist_ok=True)
    for name, text in confs.items():
        (d / (name.replace("_", "-") + ".conf")).write_text(text)
    return str(tmp_path)


def kernel(top, **kw):
    values = dict(name="k", package="linux-image-1-arm64", version="1-1",
                  release="1-arm64", kdir="/c/kdir", vmlinuz="/c/vmlinuz",
                  busybox="/c/busybox", gpiod_root="/c/gpiod", gpiod_api=2,
                  ksrc="/c/src", kheaders="/c/common", kmodules="/c/mods",
                  packages=[], toolchain=None, append="", timeout=None, page_size=4096)
    values.update(kw)
    return K.Kernel(top=top, **values)


# --- the conf files -----------------------------------------------------

def test_conf_base_first_then_own_keys(tmp_path):
    top = tree(tmp_path, base=BASE, derived="""# SPDX-License-Identifier: x
# Derived: comments and blank lines are nothing.

BASE=base
KERNEL_APPEND="swiotlb=16384,force"
QEMU_TIMEOUT=480
""")
    c = K.read_conf(top, "derived")
    assert c["KERNEL_IMAGE_META"] == "linux-image-arm64:arm64"
    assert c["KERNEL_APPEND"] == "swiotlb=16384,force"     # quotes gone
    assert c["QEMU_TIMEOUT"] == "480"
    assert c["KERNEL_SUITE"] == ""                          # every key
    assert "BASE" not in c
    assert K.read_conf(top, "base")["KERNEL_APPEND"] == "base"


def test_conf_own_key_wins_wherever_base_is(tmp_path):
    top = tree(tmp_path, base=BASE, late="KERNEL_APPEND=own\nBASE=base\n")
    assert K.read_conf(top, "late")["KERNEL_APPEND"] == "own"


@pytest.mark.parametrize("text, error", [
    # an unknown key: the file, the line and the key named
    ("# a comment\nKERNEL_SUITE=sid\nKERNEL_APEND=x\n",
     "bad.conf:3.*KERNEL_APEND"),
    # a line that is no assignment (the old shell sourcing)
    ('. "${BASH_SOURCE[0]%/*}/base.conf"\n', "bad.conf:1"),
    # a timeout that is no number of seconds
    ("QEMU_TIMEOUT=8m\n", "QEMU_TIMEOUT"),
])
def test_a_bad_conf_is_named(tmp_path, text, error):
    top = tree(tmp_path, bad=text)
    with pytest.raises(K.KernelError, match=error):
        K.read_conf(top, "bad")


def test_unknown_kernel_lists_the_known_ones(tmp_path):
    top = tree(tmp_path, base=BASE, debug="KERNEL_FRAGMENT=debug.config\n")
    assert K.names(top) == ["base", "debug"]
    with pytest.raises(K.KernelError) as e:
        K.read_conf(top, "nosuch")
    assert "unknown kernel 'nosuch'" in str(e.value)
    assert "have: base debug" in str(e.value)


def test_unknown_or_looping_base(tmp_path):
    top = tree(tmp_path, orphan="BASE=gone\n", a="BASE=b\n", b="BASE=a\n")
    with pytest.raises(K.KernelError, match="unknown kernel 'gone'"):
        K.read_conf(top, "orphan")
    with pytest.raises(K.KernelError, match="comes back"):
        K.read_conf(top, "a")


def test_every_kernel_of_the_tree_reads():
    for name in K.names(K.REPO):
        c = K.read_conf(K.REPO, name)
        assert c["KERNEL_IMAGE_META"] or c["KERNEL_FRAGMENT"], name


# --- kernel.json, the page size, make's variables -----------------------

def test_json_rewritten_only_on_change(tmp_path):
    top = str(tmp_path)
    k = kernel(top)
    assert k.save()
    path = K.json_path(top, "k")
    before = os.stat(path)
    assert not kernel(top).save()
    after = os.stat(path)
    assert (after.st_ino, after.st_mtime_ns) == \
        (before.st_ino, before.st_mtime_ns)
    assert kernel(top, append="swiotlb=force").save()
    assert K.Kernel.load(top, "k").append == "swiotlb=force"


def test_load_reads_back_what_was_saved(tmp_path):
    top = str(tmp_path)
    k = kernel(top, toolchain="/c/root", timeout=480, page_size=16384)
    k.save()
    assert K.Kernel.load(top, "k") == k
    with open(K.json_path(top, "k"), encoding="utf-8") as f:
        assert '"toolchain": "/c/root"' in f.read()


def test_load_without_setup_says_so(tmp_path):
    with pytest.raises(K.KernelError, match="run setup first"):
        K.Kernel.load(str(tmp_path), "debian-6.1")


@pytest.mark.parametrize("config,size", [
    ("CONFIG_ARM64_4K_PAGES=y\n# CONFIG_ARM64_16K_PAGES is not set\n", 4096),
    ("# CONFIG_ARM64_4K_PAGES is not set\nCONFIG_ARM64_16K_PAGES=y\n", 16384),
])
def test_page_size_from_config(tmp_path, config, size):
    (tmp_path / ".config").write_text("CONFIG_ARM64=y\n" + config)
    assert K.page_size(str(tmp_path)) == size


def test_page_size_missing(tmp_path):
    (tmp_path / ".config").write_text("# CONFIG_ARM64_4K_PAGES is not set\n")
    with pytest.raises(K.KernelError, match="PAGES"):
        K.page_size(str(tmp_path))


def test_make_vars(tmp_path):
    top = str(tmp_path)
    assert K.make_vars(kernel(top)) == [
        "KDIR=/c/kdir", "VMLINUZ=/c/vmlinuz", "BUSYBOX=/c/busybox",
        "GPIOD_ROOT=/c/gpiod", "GPIOD_API=2", "KSRC=/c/src",
        "KHEADERS=/c/common", "KMODULES=/c/mods", "TOOLCHAIN="]
    assert K.make_vars(kernel(top, toolchain="/c/root"))[-1] == \
        "TOOLCHAIN=%s/machine/toolchain.sh /c/root" % top


def test_an_unknown_kernel_is_named_with_the_known_ones():
    with pytest.raises(K.KernelError,
                       match="unknown kernel 'no-such-kernel'.*debian-6.1"):
        K.setup(K.REPO, "no-such-kernel")


# --- apt helpers that need no network ------------------------------------

def test_tick_logs_and_reports_failure(tmp_path, capsys):
    log = str(tmp_path / "logs" / "x.log")
    assert apt.tick("ok", log, ["printf", "a\\nb\\n"], ["tail", "-n", "1"])
    assert open(log, encoding="utf-8").read() == "b\n"
    assert not apt.tick("bad", log, ["sh", "-c", "echo why; exit 3"])
    err = capsys.readouterr().err
    assert "setup: bad: failed (status 3)" in err and "why" in err
    with pytest.raises(apt.AptError, match="it failed"):
        apt.tick("bad", log, ["no-such-command-here"], failure="it failed")
    assert "status 127" in capsys.readouterr().err


def test_mirror_from_deb822_then_sources_list(tmp_path, monkeypatch):
    d = tmp_path / "sources.list.d"
    d.mkdir()
    d.joinpath("debian.sources").write_text(
        "Types: deb\nURIs: http://security.example/debian-security\n"
        "Suites: bookworm-security\n\n"
        "Types: deb\n# a comment\nURIs: http://m.example/debian\n"
        "Suites: bookworm bookworm-updates\nComponents: main\n")
    listed = tmp_path / "sources.list"
    listed.write_text("deb [arch=amd64] http://old.example/debian bookworm "
                      "main\n")
    monkeypatch.setattr(apt, "SOURCES_D", str(d))
    monkeypatch.setattr(apt, "SOURCES_LIST", str(listed))
    assert apt.mirror() == "http://m.example/debian"
    (d / "debian.sources").unlink()
    assert apt.mirror() == "http://old.example/debian"
    listed.write_text("")
    with pytest.raises(apt.AptError, match="no Debian bookworm mirror"):
        apt.mirror()


def test_apt_queries_parse_apt_output(monkeypatch):
    out = {"depends": "gpiod:arm64\n  Depends: libc6:arm64\n"
                      "  Depends: libgpiod3:arm64\nlinux-source\n"
                      "  Depends: linux-source-7.3\n",
           "download": "'http://m/p/a_1_arm64.deb' a_1_arm64.deb 12 S\n"}
    monkeypatch.setattr(apt, "query", lambda argv: (out[argv[1]], 0))
    a = apt.Apt("/dev/null")
    assert a.depends({"gpiod:arm64": r"libgpiod[0-9]*",
                      "linux-source": r"linux-source-[0-9][^:]*",
                      "absent": "x"}) == {
        "gpiod:arm64": "libgpiod3", "linux-source": "linux-source-7.3",
        "absent": ""}
    assert a.uris(["a:arm64"]) == ["a_1_arm64.deb"]
    assert a.uris(["a:arm64", "b:arm64"]) is None


def test_fetch_asks_only_for_what_is_missing(tmp_path, monkeypatch):
    (tmp_path / "a_1_arm64.deb").write_text("")
    asked = []

    def fake_tick(_what, _log, argv, cwd):
        asked.extend(argv[argv.index("download") + 3:])
        (tmp_path / "b_2_all.deb").write_text("")
        return True
    monkeypatch.setattr(apt, "tick", fake_tick)
    a = apt.Apt("/dev/null")
    assert a.fetch(["a_1_arm64.deb"], str(tmp_path)) and not asked
    assert a.fetch(["a_1_arm64.deb", "b_2_all.deb"], str(tmp_path))
    assert asked == ["b:all"]
