#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/host/doc-build.sh [OUTDIR]: the documentation builds and is whole.
#
#   PASS|FAIL host.documentation_builds
#       Documentation/ built into OUTDIR (default build/docs) as HTML with
#       sphinx-build -W --keep-going (any warning fails); without
#       sphinx-build, each .rst is built on its own with docutils, Sphinx's
#       directives (toctree, glossary, code-block, literalinclude) and
#       roles (term, ref, doc) stood in for, toctree entries and :term:
#       references checked.
#   PASS|FAIL host.readme_tables_are_whole
#       every Markdown table of README.md has its header and delimiter row,
#       and every row as many cells as the header: a table split by a blank
#       line leaves rows without a header.
#
# A FAIL line is followed by its findings, each indented by four spaces (as
# tests/host/dt-check.sh prints them). Exit status 0 when both pass, 1 when one
# fails, 2 on a usage error. Debian packages: python3-sphinx, or at least
# python3-docutils; python3.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
if [ $# -gt 1 ]; then
	echo "usage: $0 [OUTDIR]" >&2
	exit 2
fi
out_dir=${1:-build/docs}
failed=0

# report NAME OUTPUT: empty OUTPUT means PASS, else FAIL + indented OUTPUT
report() {
	if [ -z "$2" ]; then
		echo "PASS host.$1"
	else
		echo "FAIL host.$1"
		while IFS= read -r line; do echo "    $line"; done <<<"$2"
		failed=1
	fi
}

# A python3 that has docutils (Debian's, not necessarily the first on PATH).
docutils_python() {
	local py
	for py in python3 /usr/bin/python3; do
		if "$py" -c 'import docutils' 2>/dev/null; then
			echo "$py"
			return 0
		fi
	done
	return 1
}

# Documentation/*.rst with docutils alone, one HTML file each.
docutils_build() {
	"$1" - "$out_dir" Documentation <<'EOF'
import io, os, re, sys
from docutils import nodes
from docutils.core import publish_doctree, publish_from_doctree
from docutils.parsers.rst import Directive, directives, roles
from docutils.parsers.rst.directives.body import CodeBlock
from docutils.parsers.rst.directives.misc import Include
from docutils.statemachine import StringList

out_dir, src = sys.argv[1], sys.argv[2]
terms, term_refs, toc_refs = set(), [], []

class TocTree(Directive):
    has_content = True
    option_spec = {"maxdepth": directives.nonnegative_int,
                   "caption": directives.unchanged, "hidden": directives.flag,
                   "numbered": directives.unchanged, "glob": directives.flag}
    def run(self):
        src_file, line = self.state_machine.get_source_and_line(self.lineno)
        for entry in self.content:
            entry = entry.strip()
            m = re.match(r".*<(.+)>$", entry)
            toc_refs.append((src_file, line, m.group(1) if m else entry))
        return []

class Glossary(Directive):
    has_content = True
    option_spec = {"sorted": directives.flag}
    def run(self):
        # A definition list, once the lines of an entry's terms are one.
        content, prev = StringList(), ""
        for i, l in enumerate(self.content):
            if l and not l[0].isspace():
                terms.add(l.strip().lower())
                if prev and not prev[0].isspace():
                    content[-1] += ", " + l.strip()
                    prev = l
                    continue
            content.append(l, *self.content.info(i))
            prev = l
        node = nodes.container()
        self.state.nested_parse(content, self.content_offset, node)
        return [node]

class LiteralInclude(Include):
    # Sphinx's literalinclude as docutils' include of a literal block.
    option_spec = dict(Include.option_spec, language=directives.unchanged)
    def run(self):
        self.options.pop("language", None)
        self.options["literal"] = None
        return super().run()

def term_role(name, rawtext, text, lineno, inliner, options={}, content=[]):
    m = re.match(r"(.*?)\s*<(.+)>$", text, re.S)
    target = (m.group(2) if m else text).replace("\n", " ")
    src_file, line = inliner.reporter.get_source_and_line(lineno)
    term_refs.append((src_file, line, target.lower()))
    return [nodes.emphasis(rawtext, m.group(1) if m else text)], []

def text_role(name, rawtext, text, lineno, inliner, options={}, content=[]):
    return [nodes.literal(rawtext, text)], []

directives.register_directive("toctree", TocTree)
directives.register_directive("glossary", Glossary)
directives.register_directive("code-block", CodeBlock)
directives.register_directive("literalinclude", LiteralInclude)
roles.register_local_role("term", term_role)
for r in ("ref", "doc"):
    roles.register_local_role(r, text_role)

warnings = io.StringIO()
settings = {"report_level": 2, "halt_level": 5, "warning_stream": warnings,
            "syntax_highlight": "none", "output_encoding": "utf-8"}
docs = []
for root, dirs, files in os.walk(src):
    dirs[:] = [d for d in dirs if d != "devicetree"]  # YAML, not rst
    for f in sorted(files):
        if f.endswith(".rst"):
            path = os.path.join(root, f)
            with open(path, encoding="utf-8") as fh:
                tree = publish_doctree(fh.read(), source_path=path,
                                       settings_overrides=settings)
            docs.append((os.path.relpath(path, src)[:-4], tree))
names = {name for name, _ in docs}
for src_file, line, entry in toc_refs:
    if entry not in names:
        print(f"{src_file}:{line}: toctree names a missing document '{entry}'")
for src_file, line, target in term_refs:
    if target not in terms:
        print(f"{src_file}:{line}: term not in any glossary: '{target}'")
for name, _ in docs:
    if name != "index" and name not in {e for _, _, e in toc_refs}:
        print(f"{src}/{name}.rst: document isn't included in any toctree")
sys.stdout.write(warnings.getvalue())
for name, tree in docs:
    dest = os.path.join(out_dir, name + ".html")
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "wb") as fh:
        fh.write(publish_from_doctree(tree, writer_name="html",
                                      settings_overrides=settings))
EOF
}

# 1. Documentation/ builds without a warning. -E: read every file every time,
# so that a warning of an unchanged file is not forgotten by a second run.
mkdir -p "$out_dir"
if command -v sphinx-build >/dev/null; then
	out=$(sphinx-build -W --keep-going -E -b html -q \
		-d "$out_dir/.doctrees" Documentation "$out_dir" 2>&1) ||
		out=${out:-sphinx-build failed without a message}
elif py=$(docutils_python); then
	out=$(docutils_build "$py" 2>&1) ||
		out="$out${out:+$'\n'}docutils build failed"
else
	out="neither sphinx-build nor docutils: apt-get install python3-sphinx"
fi
report documentation_builds "$out"

# 2. README.md's Markdown tables are whole.
out=$(python3 - README.md <<'EOF' 2>&1
import re, sys

path = sys.argv[1]
row = re.compile(r"^ {0,3}\|")
delim_cell = re.compile(r"^\s*:?-+:?\s*$")

def cells(line):
    # GFM splits a row at every pipe not escaped, inside code spans too.
    s = line.strip()
    s = s[1:] if s.startswith("|") else s
    s = s[:-1] if s.endswith("|") and not s.endswith("\\|") else s
    return re.split(r"(?<!\\)\|", s)

with open(path, encoding="utf-8") as f:
    lines = f.read().split("\n")
blocks, fence, start, last_end = [], None, None, None
for i, line in enumerate(lines + [""], 1):
    m = re.match(r"^ {0,3}(```|~~~)", line)
    if m and (fence is None or m.group(1) == fence):
        fence = None if fence else m.group(1)
    is_row = fence is None and bool(row.match(line))
    if is_row and start is None:
        start = i
    elif not is_row and start is not None:
        blocks.append((start, lines[start - 1:i - 1]))
        start = None
prev_end = None
for start, rows in blocks:
    if len(rows) < 2 or not all(delim_cell.match(c) for c in cells(rows[1])):
        hint = ""
        if prev_end is not None and start - prev_end <= 3:
            hint = f" (a table split by a blank line: it continues line {prev_end})"
        print(f"{path}:{start}: table rows without a header and delimiter row{hint}")
    else:
        n = len(cells(rows[0]))
        for k, r in enumerate(rows[1:], start + 1):
            if len(cells(r)) != n:
                print(f"{path}:{k}: {len(cells(r))} cells, the header has {n}")
    prev_end = start + len(rows) - 1
EOF
)
report readme_tables_are_whole "$out"

exit "$failed"
