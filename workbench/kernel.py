# SPDX-License-Identifier: GPL-2.0-only
"""The kernel model: the kernel a build and a boot use, as resolved on
this machine, and setting it up.

A kernel NAME is machine/kernels/NAME.conf, lines KEY=value ("#" comments;
BASE=OTHER: OTHER.conf's keys first, this file's over them). setup()
resolves it through Debian's metapackages (or builds it from Debian's
source and a config fragment), downloads and unpacks what build/cache
lacks, and writes build/NAME/kernel.json, rewritten only on change so an
unchanged kernel rebuilds nothing; Kernel.load() reads it.
"""
import dataclasses
import glob
import hashlib
import json
import os
import re
import threading

from . import apt
from . import conf
from .apt import say

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEYS = ("KERNEL_SUITE", "KERNEL_IMAGE_META", "KERNEL_HEADERS_META",
        "KERNEL_TOOLCHAIN", "KERNEL_SOURCE_META", "KERNEL_FRAGMENT",
        "KERNEL_APPEND", "QEMU_TIMEOUT")
# The kernel source of the anchors: the selftest harness, checkpatch, and
# the tree the 6.1 debug kernel is built from.
ANCHOR_SOURCE = "linux-source-6.1"
MAKE_VARS = ("kdir", "vmlinuz", "busybox", "gpiod_root", "gpiod_api", "ksrc",
             "kheaders", "kmodules")
PAGE_SIZES = {"CONFIG_ARM64_%dK_PAGES=y" % k: k * 1024 for k in (4, 16, 64)}


class KernelError(Exception):
    """A kernel that cannot be set up or loaded; the text says why."""


def names(top):
    """The known kernel names: those of machine/kernels/*.conf."""
    return sorted(os.path.basename(p)[:-len(".conf")] for p in
                  glob.glob(os.path.join(top, "machine", "kernels", "*.conf")))


def read_conf(top, name, _seen=()):
    """The keys of machine/kernels/NAME.conf as a dict: its BASE's first,
    then its own; every key is there ("" if unset)."""
    path = os.path.join(top, "machine", "kernels", name + ".conf")
    if not os.path.isfile(path):
        raise KernelError("unknown kernel '%s': no %s (have: %s)" % (
            name, path, " ".join(names(top))))
    if name in _seen:
        raise KernelError("%s: BASE=%s comes back to it" % (path, _seen[0]))
    try:
        own = conf.read(path, KEYS + ("BASE",))
    except conf.ConfError as e:
        raise KernelError(str(e)) from e
    if not own.get("QEMU_TIMEOUT", "0").isdigit():
        raise KernelError("%s: QEMU_TIMEOUT is not a number of seconds" % path)
    out = read_conf(top, own["BASE"], _seen + (name,)) if "BASE" in own \
        else dict.fromkeys(KEYS, "")
    out.update(own)
    out.pop("BASE", None)
    return out


@dataclasses.dataclass
class Kernel:
    """A kernel as resolved on this machine (paths absolute)."""
    name: str
    package: str        # its image package (or source + fragment)
    version: str        # the package's (built here: +the build's stamp)
    release: str        # uname -r
    kdir: str           # where modules are built against it
    vmlinuz: str
    busybox: str
    gpiod_root: str     # libgpiod's tools, library, headers and libc
    gpiod_api: int      # 1 or 2
    ksrc: str           # the anchors' kernel source
    kheaders: str
    kmodules: str       # its modules' tree
    packages: list      # its Debian packages, for a guest; [] if built
    toolchain: str | None       # the build root its modules need, if any
    append: str         # added to its command line
    timeout: int | None         # seconds a boot may take, if not the usual
    page_size: int
    top: str = dataclasses.field(default=REPO, compare=False, repr=False)

    @classmethod
    def load(cls, top, name):
        """The kernel NAME as setup() last wrote it."""
        path = json_path(top, name)
        try:
            with open(path, encoding="utf-8") as f:
                return cls(top=os.path.abspath(top), **json.load(f))
        except FileNotFoundError:
            raise KernelError("no %s: run setup first (setup %s)"
                              % (path, name)) from None
        except (TypeError, ValueError) as e:
            raise KernelError("%s: %s; run setup again" % (path, e)) from e

    def save(self):
        """Writes build/NAME/kernel.json if it changed; True if it did."""
        data = dataclasses.asdict(self)
        del data["top"]
        return apt.write_if_changed(json_path(self.top, self.name),
                                    json.dumps(data, indent=2) + "\n")


def json_path(top, name):
    return os.path.join(top, "build", name, "kernel.json")


def make_vars(kernel):
    """The kernel's variables for make's command line."""
    tc = "%s %s" % (os.path.join(kernel.top, "machine", "toolchain.sh"),
                    kernel.toolchain) if kernel.toolchain else ""
    return ["%s=%s" % (v.upper(), getattr(kernel, v)) for v in MAKE_VARS] + \
        ["TOOLCHAIN=" + tc]


def page_size(kdir):
    """The page size KDIR/.config chose."""
    path = os.path.join(kdir, ".config")
    config = apt.read(path) or ""
    for line, size in PAGE_SIZES.items():
        if re.search("^%s$" % line, config, re.M):
            return size
    raise KernelError("%s: no CONFIG_ARM64_*K_PAGES=y" % path)


# Setups side by side (the matrix's two threads) hold it but while they
# build: apt runs one step at a time, a build beside other downloads.
SETTING_UP = threading.Lock()


def setup(top, name):
    """Sets the kernel NAME up (all a build and a boot need); the Kernel."""
    try:
        with SETTING_UP:
            kernel = _Setup(top, name).run()
    except (apt.AptError, OSError) as e:
        raise KernelError(str(e)) from e
    say("kernel %s: %s %s" % (name, kernel.package, kernel.version))
    return kernel


def _field(text, pattern):
    """Group 1 of @pattern on the first line of @text it matches, or ""."""
    m = re.search(pattern, text, re.M)
    return m.group(1) if m else ""


class _Setup:
    """One setup of the kernel NAME: its conf, its apt configurations
    (the system's, and its suite's), and its resolution (.r)."""

    def __init__(self, top, name):
        self.top, self.name = os.path.abspath(top), name
        self.conf = read_conf(top, name)
        self.cache = os.path.join(top, "build", "cache")
        self.log = os.path.join(top, "build", "logs", "setup-%s.log" % name)
        self.sys = self.kapt = apt.Apt(self.log)
        self.resolved = os.path.join(self.cache, "resolved-%s.json" % name)
        self.r = {}

    def run(self):
        self.sys.install_host_packages(
            os.path.join(self.top, "workbench", "host-packages"))
        self.sys.add_arm64()
        suite = self.conf["KERNEL_SUITE"]
        if suite:
            # A kernel of another suite (a backports one) comes with its
            # base suite, for what backports lack (the guest's libc).
            self.kapt = apt.Apt.local(self.cache, suite, [
                suite, suite.removesuffix("-backports")], self.log)
        try:
            self.r = json.loads(apt.read(self.resolved) or "{}")
        except ValueError:
            self.r = {}
        # apt rebuilds its cache on every query (over a second each): a
        # resolution is kept while its lists, program and conf are.
        if self.r.get("stamp") != self.stamp() and not self.resolve() and \
                not self.refresh():
            raise KernelError("cannot resolve %s through %s and %s" % (
                self.name, self.conf["KERNEL_IMAGE_META"],
                self.conf["KERNEL_HEADERS_META"]))
        # The lists may name an ABI gone from the mirror: refresh once.
        if not self.fetch() and not (self.refresh() and self.fetch()):
            raise KernelError("cannot download the packages of %s: %s" % (
                self.name, " ".join(self.r["kpkgs"] + self.r["spkgs"])))
        return self.unpack()

    def stamp(self):
        """What a resolution depends on: apt's lists, this program, the
        conf."""
        h = hashlib.md5(json.dumps(self.conf, sort_keys=True).encode())
        for d in (apt.SYSTEM_LISTS, self.kapt.lists):
            for path in sorted(glob.glob(os.path.join(d, "*_Packages*"))):
                st = os.stat(path)
                h.update(b"%s %d %d\n" % (path.encode(), st.st_mtime,
                                          st.st_size))
        for src in (__file__, apt.__file__):
            h.update(apt.read(src, need=True).encode())
        return h.hexdigest()

    def refresh(self):
        """Fresh lists (the system's once a run, the kernel suite's) and
        a resolution from them; True if that found everything."""
        self.sys.update()
        if self.kapt is not self.sys:
            self.kapt.update()
        return self.resolve()

    def resolve(self):
        """Names the packages of this kernel, the guest's busybox and
        libgpiod, the anchors' kernel source, and their .deb files, from
        apt's lists alone; True (and kept) if the lists have them all."""
        c, spkgs = self.conf, ["busybox-static:arm64", ANCHOR_SOURCE]
        # libgpiod of the kernel's own suite (v1 with bookworm, v2 after),
        # by soname; the kernel's packages (or source) by metapackage.
        dep = self.kapt.depends({
            "gpiod:arm64": r"libgpiod[0-9]*",
            c["KERNEL_IMAGE_META"]: r"linux-image-[^:]*",
            c["KERNEL_HEADERS_META"]: r"linux-headers-[^:]*",
            c["KERNEL_SOURCE_META"]: r"linux-source-[0-9][^:]*"})
        libgpiod = dep["gpiod:arm64"]
        gpkgs = ["gpiod:arm64", libgpiod + ":arm64", "libgpiod-dev:arm64",
                 "libc6:arm64"]
        if c["KERNEL_FRAGMENT"]:
            # Built here from Debian's kernel source: the source package,
            # named by its metapackage in the kernel's suite, or 6.1's.
            src = dep[c["KERNEL_SOURCE_META"]] if c["KERNEL_SOURCE_META"] \
                else ANCHOR_SOURCE
            r = src and {"kpkgs": [src]}
        else:
            r = self.resolve_packages(dep[c["KERNEL_IMAGE_META"]],
                                      dep[c["KERNEL_HEADERS_META"]])
        r = r and libgpiod and dict(r, spkgs=spkgs, sdebs=self.sys.uris(
            spkgs), gpkgs=gpkgs, libgpiod=libgpiod, kdebs=self.kapt.uris(
                r["kpkgs"] + gpkgs), stamp=self.stamp())
        if not (r and r["sdebs"] and r["kdebs"]):
            return False
        self.r = r
        apt.write_if_changed(self.resolved, json.dumps(r, indent=1) + "\n")
        return True

    def resolve_packages(self, image, headers):
        """A Debian kernel: its image, headers, their common tree and
        the host's kbuild tools, from its @image and @headers."""
        show = image and headers and \
            self.kapt.show([image + ":arm64", headers + ":arm64"]) or ""
        r = dict(image=image, headers=headers, imgpkg=image,
                 version=_field(show, r"^Version: (.*)"),
                 common=_field(show, r"^Depends: .*(linux-headers-[^ ,\n]*"
                               r"-common)"),
                 kbuild=_field(show, r"^Depends: .*(linux-kbuild-[^ ,\n]*)"))
        if not (r["version"] and r["common"] and r["kbuild"]):
            return None
        release = image[len("linux-image-"):]
        # Since 7.x the image package is small and depends on
        # linux-binary-* (signed); unsigned: linux-binary-unsigned-*.
        if re.search(r"^Depends: .*linux-binary-", show, re.M):
            r["imgpkg"] = "linux-binary-unsigned-" + release
        # kbuild without an architecture: the host's (amd64) build tools.
        r["kpkgs"] = [r["imgpkg"] + ":arm64", headers + ":arm64",
                      r["common"], "%s=%s" % (r["kbuild"], r["version"])]
        # 7.x ships the modules apart: the guest loads a few (KMODULES).
        if r["imgpkg"] != image:
            r["kpkgs"].append("linux-modules-%s:arm64" % release)
        return r

    def fetch(self):
        """Downloads the resolved .debs that build/cache/debs lacks."""
        debs = os.path.join(self.cache, "debs")
        return self.kapt.fetch(self.r["kdebs"], debs) and \
            self.sys.fetch(self.r["sdebs"], debs)

    def deb(self, prefix):
        """The cached .deb of the package named @prefix."""
        for f in self.r["kdebs"] + self.r["sdebs"]:
            if f.startswith(prefix + "_"):
                return os.path.join(self.cache, "debs", f)
        raise KernelError("no .deb for " + prefix)

    def source(self, pkg):
        """build/cache/PKG: the linux-source-VERSION package @pkg's tree."""
        d = os.path.join(self.cache, pkg)
        apt.unpack_source(self.deb(pkg), pkg, d, self.log)
        return d

    def unpack(self):
        """Everything unpacked (or built); the Kernel, saved."""
        c, r, conf_ = self.cache, self.r, self.conf
        apt.unpack(os.path.join(c, "busybox"), [self.deb("busybox-static")])
        # libgpiod's tools, library, headers and the arm64 C library.
        gpiod = self.deb("gpiod")
        gpiod_root = os.path.join(c, "gpiod", os.path.basename(gpiod)[:-4])
        apt.unpack(gpiod_root, [gpiod, self.deb(r["libgpiod"]),
                                self.deb("libgpiod-dev"), self.deb("libc6")])
        ksrc = self.source(ANCHOR_SOURCE)
        toolchain = self.toolchain()
        k = self.built(toolchain) if conf_["KERNEL_FRAGMENT"] else \
            self.packaged()
        kernel = Kernel(
            name=self.name, busybox=os.path.join(c, "busybox/bin/busybox"),
            gpiod_root=gpiod_root, ksrc=ksrc, toolchain=toolchain,
            # libgpiod2 is the v1 API, libgpiod3 the v2 API.
            gpiod_api=int(r["libgpiod"][len("libgpiod"):] or 0) - 1,
            append=conf_["KERNEL_APPEND"], page_size=page_size(k["kdir"]),
            timeout=int(conf_["QEMU_TIMEOUT"] or 0) or None, top=self.top,
            **k)
        kernel.save()
        return kernel

    def toolchain(self):
        """The build root (made once) of a kernel built by a newer
        compiler than the host's (7.x: gcc-14), for its modules, or None."""
        suite = self.conf["KERNEL_TOOLCHAIN"]
        if not suite:
            return None
        root = os.path.join(self.cache, "toolchain", suite)
        if not os.path.isfile(os.path.join(root, ".made")):
            apt.build_root(self.cache, suite, root, self.log)
        os.makedirs(root + self.top, exist_ok=True)   # machine/toolchain.sh's
        return root

    def built(self, toolchain):
        """The kernel built from Debian's source and the fragment, by
        machine/build-kernel.sh (which does nothing if it is up to date)."""
        pkg, fragment = self.r["kpkgs"][0], self.conf["KERNEL_FRAGMENT"]
        ksrc = self.source(pkg)
        kdir, mach = os.path.join(self.cache, "kbuild", self.name), \
            os.path.join(self.top, "machine")
        SETTING_UP.release()    # the build needs no apt: others may go on
        try:
            apt.must([os.path.join(mach, "build-kernel.sh"), ksrc,
                      os.path.join(mach, "kernels", fragment), kdir],
                     "building the %s kernel failed" % self.name,
                     TOOLCHAIN=toolchain or "")
        finally:
            SETTING_UP.acquire()
        release = apt.read(os.path.join(kdir, "include/config/kernel.release"),
                           need=True)
        version = re.sub(r"^linux-source-[^_]*_([^_]*)_.*", r"\1", apt.read(
            os.path.join(ksrc, ".unpacked"), need=True), flags=re.M)
        # The build's stamp in the version: a kernel built again changes
        # kernel.json, so its modules are built again.
        stamp = apt.read(os.path.join(kdir, ".built"), need=True)[:8]
        return dict(package="%s + machine/kernels/%s" % (pkg, fragment),
                    version="%s+%s" % (version.rstrip("\n"), stamp),
                    release=release.rstrip("\n"),
                    kdir=kdir, vmlinuz=kdir + "/arch/arm64/boot/Image",
                    kheaders=ksrc, kmodules=kdir, packages=[])

    def packaged(self):
        """The Debian kernel's packages, unpacked into build/cache/kernels/
        IMAGE-VERSION (on 7.x, its modules into IMAGE-VERSION.modules)."""
        r = self.r
        kroot = "%s/kernels/%s-%s" % (self.cache, r["image"], r["version"])
        apt.unpack(kroot, [self.deb(r["imgpkg"]), self.deb(r["headers"]),
                           self.deb(r["common"]), self.deb(r["kbuild"])])
        kdir = os.path.join(kroot, "usr/src", r["headers"])
        kheaders = os.path.join(kroot, "usr/src", r["common"])
        self.fix_headers(kroot, kdir, kheaders)
        release = r["image"][len("linux-image-"):]
        vmlinuz = os.path.join(kroot, "boot", "vmlinuz-" + release)
        kmodules = os.path.join(kroot, "lib/modules", release, "kernel")
        # 7.x: the unsigned image, and the modules in a package apart.
        if not os.path.isfile(vmlinuz):
            modules = "usr/lib/modules/" + release
            vmlinuz = os.path.join(kroot, modules, "vmlinuz.unsigned")
            apt.unpack(kroot + ".modules",
                       [self.deb("linux-modules-" + release)])
            kmodules = os.path.join(kroot + ".modules", modules, "kernel")
        if not os.path.isfile(vmlinuz):
            raise KernelError("no kernel image in " + self.deb(r["imgpkg"]))
        return dict(package=r["image"], version=r["version"],
                    release=release, kdir=kdir, vmlinuz=vmlinuz,
                    kheaders=kheaders, kmodules=kmodules, packages=[
                        r["image"] + ":arm64", r["headers"] + ":arm64",
                        r["common"], r["kbuild"] + ":arm64"])

    def fix_headers(self, kroot, kdir, kheaders):
        """The arm64 headers name the common tree, and on 7.x themselves,
        by absolute path: make those paths the unpacked ones. Debian's 7.x
        kbuild tools lack the script C=2 runs to accept sparse: install
        machine/checker-valid.sh in its place."""
        makefile = os.path.join(kdir, "Makefile")
        apt.write_if_changed(makefile, re.sub(
            r"^(include |KBUILD_OUTPUT=)/usr/src/",
            lambda m: m.group(1) + kroot + "/usr/src/",
            apt.read(makefile, need=True), flags=re.M))
        checker = os.path.join(kheaders, "scripts/checker-valid.sh")
        kbuild = apt.read(os.path.join(kheaders, "Makefile"), need=True)
        if "checker-valid.sh" in kbuild and not os.path.exists(checker):
            apt.must(["install", "-m", "0755", os.path.join(
                self.top, "machine/checker-valid.sh"), checker],
                "cannot install " + checker)
