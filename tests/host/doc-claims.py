#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""tests/host/doc-claims.py: what the documentation says of the code,
checked against the code (make check, host.docs_say_what_the_code_does).
Prints each contradiction, nothing when there is none.

1. Markup in the reStructuredText pages, comments that render as nothing:
     .. uses: NAME...      the driver calls or names each NAME: it must
                           occur in driver/
     .. avoids: NAME...    the docs say the driver does not use NAME: it
                           must not occur in driver/
     .. vm-flags: REGION FLAG...
                           the flags the docs say a region's mappings get:
                           exactly those the driver sets for it (f_op->mmap
                           and f_op->mmap_prepare paths alike)
   A sentence that says the driver uses or avoids a kernel function puts
   the markup beside it; the check then holds the sentence to the code.
2. Retired words (RETIRED below): phrases of designs the driver left, in
   the README, Documentation/, the uAPI header, the man page and the
   driver's comments. Each says what is true now.
3. The uAPI header's paragraph of each ioctl whose handler is listed in
   EINVAL_HANDLERS names every errno the handler returns itself, and its
   EINVAL sentence every field of its struct that the handler's EINVAL
   conditions test.
4. make help names every variable a Makefile lets the user set (NAME ?=,
   and O): "make help lists every variable" stays true.
5. Only driver/mmiodemo-compat.h tests the kernel's version
   (Documentation/mmiodemo.rst, "Kernels and page sizes").
6. Every T=PATTERN the Makefile and the README give as an example picks a
   guest program.
"""
import glob
import os
import re
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))

# (phrase, regular expression, what is true instead[, a sentence that
# matches this is about something else: left alone]). Matched case-
# insensitively, across line breaks, in DOCS and the driver's comments.
OTHERS = r"PAGEMAP_SCAN|uffd|userfaultfd|mapping_wrprotect_range|folio_mkclean"
RETIRED = [
    ("write-protects them again",
     r"write-protects?\s+(them|the\s+pages?|it)\s+again",
     "a take cleans the dirty entries and leaves them writable "
     "(clean_record_shared_mapping_range())", OTHERS),
    ("one address_space for every mapping",
     r"every\s+(user\s+)?mapping[^.]{0,80}?\s(is\s+in|joins)\s+(that|one)"
     r"\s+``?address_space",
     "files opened for writing and read-only files have an address_space "
     "each (md->inode, md->ro_inode)"),
    ("noop_dirty_folio", r"noop_dirty_folio",
     ".dirty_folio is mmiodemo_dma_dirty_folio(), which records the page"),
    ("the take unmaps what it took",
     r"take\s+(then\s+)?unmaps\s+(the\s+pages\s+it\s+took|its\s+range)",
     "a take unmaps only pages whose entries it found clean (demotion)"),
    ("the gpiochip has no irqchip", r"has\s+no\s+irqchip",
     "the gpiochip has an irqchip (mmiodemo-gpio.c)"),
    ("line events are refused", r"line\s+events?\s+(requests?\s+)?"
     r"(are|is)\s+refused",
     "gpiomon's line events work through the irqchip"),
    ("the driver never changes IS, IBE or IEV",
     r"never\s+changes\s+``?IS",
     "the irqchip sets IS, IBE and IEV of the lines gpiolib holds"),
    ("seqno counts interrupts", r"interrupts\s+since\s+probe",
     "seqno counts events: interrupts of lines gpiolib does not hold"),
]

DOCS = (["README.md", "driver/uapi/mmiodemo.h", "userspace/mmiodemo.1"]
        + sorted(glob.glob("Documentation/**/*.rst", recursive=True)))

# ioctl: (handler file, handler function, its struct's variable).
EINVAL_HANDLERS = {
    "MMIODEMO_IOC_REG_UPDATE": ("driver/mmiodemo-mmio.c",
                                "mmiodemo_mmio_update", "u"),
    "MMIODEMO_IOC_GET_DIRTY": ("driver/mmiodemo-dma.c",
                               "mmiodemo_dma_get_dirty", "arg"),
    "MMIODEMO_IOC_DMA_RUN": ("driver/mmiodemo-dma.c",
                             "mmiodemo_dma_run", "arg"),
    "MMIODEMO_IOC_LOAD": ("driver/mmiodemo-fwcfg.c",
                          "mmiodemo_fwcfg_load", "arg"),
    "MMIODEMO_IOC_FB_SHOW": ("driver/mmiodemo-fwcfg.c",
                             "mmiodemo_fb_show", "fb"),
}

# The kernel's names of the flags, as the two mmap paths spell them.
VM_FLAG_BITS = {"VM_DONTEXPAND": "VMA_DONTEXPAND_BIT",
                "VM_MIXEDMAP": "VMA_MIXEDMAP_BIT", "VM_IO": "VMA_IO_BIT",
                "VM_PFNMAP": "VMA_PFNMAP_BIT",
                "VM_DONTDUMP": "VMA_DONTDUMP_BIT"}
# REGION: (file, the f_op->mmap function, the f_op->mmap_prepare one).
VM_FLAG_SITES = {
    "dma": ("driver/mmiodemo-dma.c", "mmiodemo_dma_mmap",
            "mmiodemo_dma_mmap_prepare"),
}


MARKUP = r"\s*\.\. (uses|avoids|vm-flags): (.*)$"


def read(path):
    with open(os.path.join(TOP, path), encoding="utf-8") as f:
        return f.read()


def driver_text():
    return "\n".join(read(os.path.relpath(p, TOP)) for p in sorted(
        glob.glob(os.path.join(TOP, "driver", "*.[ch]"))))


def function(text, name):
    """The body of C function @name in @text, or None."""
    m = re.search(r"\n[^\n;]*\b%s\([^;{]*\)\s*\{" % re.escape(name), text)
    if not m:
        return None
    depth, i = 0, m.end() - 1
    for j in range(i, len(text)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i:j + 1]
    return None


def comments(text):
    return "\n".join(re.findall(r"/\*.*?\*/", text, re.S))


def markup(problems, code):
    words = set(re.findall(r"\w+", code))
    for rst in sorted(glob.glob(os.path.join(TOP, "Documentation", "**",
                                             "*.rst"), recursive=True)):
        rel = os.path.relpath(rst, TOP)
        for n, line in enumerate(read(rel).splitlines(), 1):
            m = re.match(MARKUP, line)
            if not m:
                continue
            kind, args = m.group(1), m.group(2).split()
            where = "%s:%d" % (rel, n)
            if kind == "uses":
                for name in args:
                    if name not in words:
                        problems.append("%s says the driver uses %s; "
                                        "driver/ has no %s"
                                        % (where, name, name))
            elif kind == "avoids":
                for name in args:
                    if name in words:
                        problems.append("%s says the driver does not use "
                                        "%s; driver/ has it"
                                        % (where, name))
            else:
                vm_flags(problems, where, args[0], set(args[1:]))


def vm_flags(problems, where, region, said):
    if region not in VM_FLAG_SITES:
        problems.append("%s: no region %s in doc-claims.py's "
                        "VM_FLAG_SITES" % (where, region))
        return
    path, old, new = VM_FLAG_SITES[region]
    text = read(path)
    got_old = set(re.findall(r"\bVM_[A-Z]+\b", function(text, old) or ""))
    got_new = {f for f, bit in VM_FLAG_BITS.items()
               if bit in (function(text, new) or "")}
    for hook, got in (("f_op->mmap", got_old),
                      ("f_op->mmap_prepare", got_new)):
        if got != said:
            problems.append("%s says %s mappings get %s; %s sets %s"
                            % (where, region, " ".join(sorted(said)),
                               hook, " ".join(sorted(got)) or "nothing"))


def retired(problems, code_comments):
    # The markup names retired things on purpose: not read here.
    texts = [(p, "\n".join("" if re.match(MARKUP, line) else line
                           for line in read(p).split("\n")))
             for p in DOCS] + [("driver/ comments", code_comments)]
    for phrase, rx, now, *unless in RETIRED:
        for path, text in texts:
            for m in re.finditer(rx, text, re.I | re.S):
                start = max(text.rfind(". ", 0, m.start()),
                            text.rfind("\n\n", 0, m.start()))
                if unless and re.search(unless[0],
                                        text[start + 1:m.end()]):
                    continue
                line = text.count("\n", 0, m.start()) + 1
                where = path if path.endswith("comments") else \
                    "%s:%d" % (path, line)
                problems.append("%s: \"%s\" (retired: %s); now %s"
                                % (where, " ".join(m.group(0).split()),
                                   phrase, now))


def einval(problems):
    header = read("driver/uapi/mmiodemo.h")
    for ioctl, (path, func, var) in EINVAL_HANDLERS.items():
        body = function(read(path), func)
        if body is None:
            problems.append("%s: no function %s (doc-claims.py's "
                            "EINVAL_HANDLERS)" % (path, func))
            continue
        fields = set()
        for cond in re.findall(r"if\s*\((.*?)\)\s*\n?\s*return\s+-EINVAL",
                               body, re.S):
            fields |= set(re.findall(r"\b%s\.(\w+)" % re.escape(var), cond))
        # The header's comment that documents the ioctl, up to its struct.
        m = re.search(r"/\*(?:(?!\*/).)*?\* %s:(?:(?!\*/).)*?\*/" % ioctl,
                      header, re.S)
        doc = m.group(0) if m else ""
        for errno in sorted(set(re.findall(r"return\s+-(E[A-Z]+)", body))):
            if errno != "EFAULT" and not re.search(r"\b%s\b" % errno, doc):
                problems.append("driver/uapi/mmiodemo.h: %s's paragraph "
                                "does not name %s, which %s returns (%s)"
                                % (ioctl, errno, func, path))
        sentence = re.search(r"EINVAL(.*?)(?:;|\.\s)", doc, re.S)
        said = sentence.group(1) if sentence else ""
        for field in sorted(fields):
            if not re.search(r"\b%s\b" % field, said):
                problems.append("driver/uapi/mmiodemo.h: %s's EINVAL "
                                "sentence does not name %s, which %s "
                                "tests (%s)" % (ioctl, field, func, path))


def make_help(problems):
    out = subprocess.run(["make", "--no-print-directory", "-s", "help"],
                         cwd=TOP, capture_output=True, text=True,
                         check=False).stdout
    names = {"O"}
    for mk in ["Makefile", "userspace/Makefile"] + sorted(
            glob.glob(os.path.join(TOP, "*", "*.mk"))):
        rel = os.path.relpath(os.path.join(TOP, mk), TOP)
        names |= set(re.findall(r"^(\w+)\s*\?=", read(rel), re.M))
    for name in sorted(names):
        if not re.search(r"\b%s=" % re.escape(name), out):
            problems.append("make help does not name %s=, which a Makefile "
                            "lets the user set" % name)


def versions(problems):
    for path in sorted(glob.glob(os.path.join(TOP, "driver", "*.[ch]"))):
        rel = os.path.relpath(path, TOP)
        if rel == "driver/mmiodemo-compat.h":
            continue
        for n, line in enumerate(read(rel).splitlines(), 1):
            if re.search(r"LINUX_VERSION_CODE|KERNEL_VERSION\(", line):
                problems.append("%s:%d tests the kernel's version; the "
                                "docs say only mmiodemo-compat.h does"
                                % (rel, n))


def test_patterns(problems):
    programs = [os.path.basename(p).split(".")[0] for p in glob.glob(
        os.path.join(TOP, "tests", "guest", "*_test.*"))]
    programs += ["fuzz", "fuzz_unbind", "stress", "kunit"]
    for path in ("Makefile", "README.md"):
        for pat in re.findall(r"\bT=([\w*?,.-]+)", read(path)):
            for p in pat.rstrip(".").split(","):
                if not p.strip(".") or p.isupper() or p == "PATTERN":
                    continue
                rx = re.escape(p).replace(r"\*", ".*").replace(r"\?", ".")
                if not any(re.search(rx, name) for name in programs):
                    problems.append("%s: T=%s picks no guest program"
                                    % (path, p))


def main():
    problems = []
    code = driver_text()
    markup(problems, code)
    retired(problems, comments(code))
    einval(problems)
    make_help(problems)
    versions(problems)
    test_patterns(problems)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
