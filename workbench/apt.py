# SPDX-License-Identifier: GPL-2.0-only
"""What setting a kernel up (workbench/kernel.py) asks of Debian's tools:
the host's missing packages, the system's mirror, project-local apt
configurations (build/cache/apt/NAME; the system's sources stay as they
are), queries of apt's lists, downloads, unpacking, a build root. Long
steps run under tick(): their output into a log, a line every 10 s.
Messages go to stderr prefixed "setup: "; a failed step raises AptError.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import time

from . import results

SYSTEM_LISTS = "/var/lib/apt/lists"
SOURCES_D = "/etc/apt/sources.list.d"
SOURCES_LIST = "/etc/apt/sources.list"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
TICK_S = 10  # seconds between two progress lines of a long step
# What a kernel built by the build root's compiler needs there.
ROOT_PACKAGES = "gcc-aarch64-linux-gnu,gcc,make,libc6-dev,bc,flex,bison," \
    "libelf-dev,libssl-dev,dwarves,kmod,cpio"
# apt-get download as root, not its sandbox user, who may not write here.
AS_ROOT = ["-o", "APT::Sandbox::User=root"]


class AptError(Exception):
    """A setup step failed; the text says which and why."""


def say(msg):
    print("setup: " + msg, file=sys.stderr, flush=True)


def env():
    """The environment of every tool run here: apt and dpkg never ask."""
    return dict(os.environ, DEBIAN_FRONTEND="noninteractive")


def query(argv):
    """@argv's output (its messages dropped) and status."""
    p = subprocess.run(argv, capture_output=True, text=True, env=env(),
                       check=False)
    return p.stdout, p.returncode


def ran(argv, cwd=None, **kw):
    """True if @argv (its output shown; @kw in its environment) exits 0."""
    return subprocess.run(argv, cwd=cwd, env=dict(env(), **kw),
                          check=False).returncode == 0


def must(argv, failure, **kw):
    """Runs @argv as ran() does; AptError(@failure) unless it exits 0."""
    if not ran(argv, **kw):
        raise AptError(failure)


def read(path, need=False):
    """@path's text; None if there is no such file, unless @need."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        if need:
            raise
        return None


def write_if_changed(path, text):
    """Writes @text to @path (through a temporary file) unless it holds
    that already, so what depends on it stays up to date; True if so."""
    if read(path) == text:
        return False
    os.makedirs(os.path.dirname(path), exist_ok=True)
    results.write(path, text)
    return True


def tick(what, log, *cmds, cwd=None, failure=None):
    """Runs the pipeline @cmds (argv lists) with its output into @log,
    printing "setup: WHAT: N s, LAST LINE OF LOG" every 10 s meanwhile, so
    that a long step is never minutes of silence. True if every command
    exited 0; else the end of @log follows, then AptError(@failure) if
    given."""
    label = "setup: " + what
    os.makedirs(os.path.dirname(log), exist_ok=True)
    start = time.monotonic()
    procs = []
    with open(log, "wb") as out:
        try:
            _start(cmds, out, cwd, procs)
            _wait(procs, label, log, start)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
    # A command that is not there: 127, as the shell says.
    status = next((p.returncode for p in procs if p.returncode),
                  0 if len(procs) == len(cmds) else 127)
    if status == 0:
        return True
    print("%s: failed (status %d) after %d s; the end of %s:\n%s" % (
        label, status, time.monotonic() - start, log,
        "\n".join(_tail(log, 30))), file=sys.stderr, flush=True)
    if failure:
        raise AptError(failure)
    return False


def _start(cmds, out, cwd, procs):
    """Starts the pipeline @cmds into @procs, each one's messages into
    @out, the last one's output too."""
    pipe = subprocess.DEVNULL
    try:
        for i, argv in enumerate(cmds):
            p = subprocess.Popen(argv, stdin=pipe, stderr=out, cwd=cwd,
                                 stdout=out if i == len(cmds) - 1 else
                                 subprocess.PIPE, env=env())
            if pipe is not subprocess.DEVNULL:
                pipe.close()    # the next command's now, not ours
            pipe = p.stdout
            procs.append(p)
    except OSError as e:
        out.write(("%s: %s\n" % (argv[0], e.strerror)).encode())


def _wait(procs, label, log, start):
    """Waits for @procs, with a progress line every TICK_S seconds."""
    next_tick = start + TICK_S
    while True:
        try:
            for p in procs:
                p.wait(timeout=max(0.0, next_tick - time.monotonic()))
            return
        except subprocess.TimeoutExpired:
            next_tick += TICK_S
            last = (_tail(log, 1) or [""])[0].replace("\r", "")
            print("%s: %d s, %s" % (label, time.monotonic() - start,
                                    last[:100]), file=sys.stderr, flush=True)


def _tail(path, n):
    """The last @n lines of the file @path (of its last 64 KiB)."""
    with open(path, "rb") as f:
        f.seek(max(0, os.path.getsize(path) - 65536))
        text = f.read().decode("utf-8", "replace")
    return text.rstrip("\n").split("\n")[-n:] if text else []


def missing_packages(pkgs):
    """The packages of @pkgs (NAME, or NAME:ARCH for one architecture)
    that dpkg does not have installed, in their order."""
    out, _ = query(["dpkg-query", "-W",
                    "-f=${Package} ${Architecture} ${Status}\n", *pkgs])
    installed = set()
    for line in out.splitlines():
        name, arch, status = (line.split(" ", 2) + ["", ""])[:3]
        if "ok installed" in status:
            installed.update((name, "%s:%s" % (name, arch)))
    return [p for p in pkgs if p not in installed]


def mirror(suite="bookworm"):
    """The URI of the system's Debian mirror of @suite, whichever it is,
    from its deb822 sources, else from its sources.list."""
    names = re.compile(r"(^|\n)Suites:[^\n]*[ \t]%s([ \t\n]|$)"
                       % re.escape(suite))
    for path in sorted(glob.glob(os.path.join(SOURCES_D, "*.sources"))):
        for stanza in re.split(r"\n\n+", read(path) or ""):
            if names.search(stanza):
                m = re.search(r"URIs:[ \t]*([^ \t\n]+)", stanza)
                if m:
                    return m.group(1)
    for line in (read(SOURCES_LIST) or "").splitlines():
        urls = [w for w in line.split()[1:] if re.match(r"[a-z]+://", w)]
        if line.startswith("deb ") and " %s " % suite in line and urls:
            return urls[0]
    raise AptError("no Debian %s mirror in the system's apt sources" % suite)


def apt_opts(d, suite):
    """apt's options for the project-local configuration in the absolute
    directory @d, preferring @suite; the system's sources stay out."""
    return ["-o", "Dir::Etc::SourceList=%s/sources.list" % d,
            "-o", "Dir::Etc::SourceParts=/dev/null",
            "-o", "Dir::State::Lists=%s/lists" % d,
            "-o", "Dir::Cache=%s/cache" % d,
            "-o", "APT::Default-Release=%s" % suite]


class Apt:
    """One apt configuration: the system's (no options), or a
    project-local one (Apt.local) whose sources name SUITES, the first
    preferred. Its long steps log into LOG."""

    def __init__(self, log, opts=(), suites=(), lists=SYSTEM_LISTS):
        self.log, self.opts, self.suites = log, list(opts), list(suites)
        self.lists, self.updated = lists, False

    @classmethod
    def local(cls, cache, name, suites, log):
        """The configuration @cache/apt/@name of @suites; its lists are
        fetched if missing or if the suites changed."""
        d = os.path.join(cache, "apt", name)
        os.makedirs(os.path.join(d, "lists", "partial"), exist_ok=True)
        os.makedirs(os.path.join(d, "cache"), exist_ok=True)
        apt = cls(log, apt_opts(d, suites[0]), suites,
                  os.path.join(d, "lists"))
        url = mirror()
        sources = "".join("deb [arch=arm64,amd64 signed-by=%s] %s %s main\n"
                          % (KEYRING, url, s) for s in suites)
        if write_if_changed(os.path.join(d, "sources.list"), sources) or \
                not glob.glob(os.path.join(d, "lists", "*_Packages*")):
            apt.update(" ".join(suites))
        return apt

    def update(self, what=None):
        """apt-get update: the system's once a run (until .updated is
        cleared), a project-local one each time (@what: its suites)."""
        if self.opts:
            what = what or self.suites[0]
            say("apt-get update (%s, project-local)" % what)
            failure = "apt-get update of %s failed" % what
        elif self.updated:
            return
        else:
            say("apt-get update")
            failure = "apt-get update failed"
        tick("apt-get update", self.log, ["apt-get", *self.opts, "update"],
             failure=failure)
        self.updated = True

    def install_host_packages(self, path):
        """Installs the missing ones of the packages @path lists (one a
        line, "#" comments)."""
        with open(path, encoding="utf-8") as f:
            self.install([w.strip() for w in f
                          if w.strip() and not w.startswith("#")])

    def install(self, wanted):
        """Installs the missing ones of the packages @wanted (NAME or
        NAME:ARCH); only root may."""
        missing = missing_packages(wanted)
        if not missing:
            return
        names = " ".join(missing)
        if os.geteuid() != 0:
            raise AptError("missing host packages (%s): run as root or "
                           "install them" % names)
        self.update()
        say("installing " + names)
        tick("installing", self.log, ["apt-get", "install", "-y",
                                      "--no-install-recommends", *missing],
             failure="apt-get install %s failed" % names)

    def add_arm64(self):
        """arm64 packages are only downloaded and unpacked, never
        installed, but apt must know the architecture to resolve them."""
        out, _ = query(["dpkg", "--print-foreign-architectures"])
        if "arm64" in out.split():
            return
        say("adding the arm64 architecture to dpkg")
        must(["dpkg", "--add-architecture", "arm64"],
             "dpkg --add-architecture arm64 failed")
        self.updated = False
        self.update()

    # Queries, from the lists alone (apt rebuilds its cache each time:
    # over a second a call).

    def depends(self, wanted):
        """{package: the first target of its "Depends:" lines that the
        regular expression wanted[package] matches, as matched, or ""}."""
        out, _ = query(["apt-cache", *self.opts, "depends",
                        *filter(None, wanted)])
        found, pkg = dict.fromkeys(wanted, ""), None
        for line in out.splitlines():
            m = re.match(r" +Depends: (.*)", line)
            if not line[:1].isspace():
                pkg = line.strip()
            elif m and not found.get(pkg, "-"):
                hit = re.match(wanted[pkg], m.group(1))
                found[pkg] = hit.group(0) if hit else ""
        return found

    def show(self, pkgs):
        """apt-cache show --no-all-versions of @pkgs, or None if apt
        fails."""
        out, status = query(["apt-cache", *self.opts, "show",
                             "--no-all-versions", *pkgs])
        return None if status else out

    def uris(self, pkgs):
        """The .deb file names apt would download for @pkgs, or None
        unless it names one for each."""
        out, _ = query(["apt-get", *self.opts, "download", "--print-uris",
                        *pkgs])
        files = [w[1] for w in map(str.split, out.splitlines()) if len(w) > 1]
        return files if len(files) == len(pkgs) else None

    def fetch(self, debs, dest):
        """Downloads those of @debs (NAME_VERSION_ARCH.deb) that @dest
        lacks, as NAME:ARCH (that very package); True if it has them all."""
        need = [f.split("_", 1)[0] + ":" + f.rsplit("_", 1)[-1][:-len(".deb")]
                for f in debs if not os.path.isfile(os.path.join(dest, f))]
        if not need:
            return True
        os.makedirs(dest, exist_ok=True)
        say("downloading " + " ".join(need))
        return tick("downloading", self.log,
                    ["apt-get", *self.opts, "download", *AS_ROOT, *need],
                    cwd=dest) and \
            all(os.path.isfile(os.path.join(dest, f)) for f in debs)


def _fresh(d):
    """True if the directory @d was unpacked already; else empties it."""
    if os.path.isfile(os.path.join(d, ".unpacked")):
        return True
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return False


def unpack(d, debs):
    """The directory @d holds the files of the .debs @debs (once)."""
    if _fresh(d):
        return
    for deb in debs:
        say("unpacking " + os.path.basename(deb))
        must(["dpkg-deb", "-x", deb, d], "unpacking %s failed" % deb)
    write_if_changed(os.path.join(d, ".unpacked"), "")


def unpack_source(deb, name, d, log):
    """The tree of the linux-source-VERSION package @name (its .deb @deb
    holds /usr/src/NAME.tar.xz) in the directory @d, unpacked once;
    d/.unpacked names the .deb (machine/build-kernel.sh's stamp reads it)."""
    if _fresh(d):
        return
    say("unpacking " + os.path.basename(deb))
    tick("unpacking", log, ["dpkg-deb", "--fsys-tarfile", deb],
         ["tar", "-xO", "./usr/src/%s.tar.xz" % name],
         ["tar", "-xJv", "-C", d, "--strip-components=1"],
         failure="unpacking %s failed" % deb)
    write_if_changed(os.path.join(d, ".unpacked"),
                     os.path.basename(deb) + "\n")


def build_root(cache, suite, root, log):
    """Makes the build root @root of @suite once (mmdebstrap, all amd64,
    no emulation), with sid's sparse in /usr/local/bin: 7.x headers use
    __typeof_unqual__, which needs sparse 0.6.5."""
    tmp = root + ".tmp"
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.dirname(root), exist_ok=True)
    say("making the %s build root (mmdebstrap)" % suite)
    tick("mmdebstrap", log, ["mmdebstrap", "--mode=root", "--variant=apt",
                             "--include=" + ROOT_PACKAGES, suite,
                             tmp, "deb [signed-by=%s] %s %s main"
                             % (KEYRING, mirror(), suite)],
         failure="mmdebstrap of %s failed" % suite)
    sid = Apt.local(cache, "sid", ["sid"], log)
    if not _sparse(sid, tmp):
        raise AptError("no sparse from sid")
    write_if_changed(os.path.join(tmp, ".made"), "")
    os.rename(tmp, root)


def _sparse(sid, root):
    """Installs sid's sparse (through the configuration @sid) into the
    tree @root; True if it did."""
    work = os.path.join(root, "tmp")
    tree = os.path.join(work, "sparse")
    if not ran(["apt-get", *sid.opts, "download", "-qq", *AS_ROOT,
                "sparse:amd64"], cwd=work):
        return False
    debs = glob.glob(os.path.join(work, "sparse_*.deb"))
    if not (debs and ran(["dpkg-deb", "-x", debs[0], tree]) and
            ran(["install", "-m", "0755", os.path.join(tree, "usr/bin/sparse"),
                 os.path.join(root, "usr/local/bin/sparse")])):
        return False
    shutil.rmtree(tree)
    for deb in debs:
        os.remove(deb)
    return True
