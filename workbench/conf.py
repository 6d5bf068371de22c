# SPDX-License-Identifier: GPL-2.0-only
"""The workbench's data files: lines NAME=VALUE, "#" comments.

A VALUE may be double-quoted; a quoted value may span lines (the newlines
are kept). That is all the syntax there is: the files are data, read here
alone, never run by a shell.
"""


class ConfError(ValueError):
    """A data file that does not parse: names the file and the line."""


def read(path, keys=None):
    """PATH's assignments as a dict, in file order. KEYS, if given, are the
    only names allowed: another one is an error naming its line."""
    out = {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        line, where = lines[i].strip(), "%s:%d" % (path, i + 1)
        i += 1
        if not line or line.startswith("#"):
            continue
        name, eq, value = line.partition("=")
        if not eq or not name.isidentifier():
            raise ConfError("%s: not NAME=VALUE: %s" % (where, line))
        if keys is not None and name not in keys:
            raise ConfError("%s: unknown name %s (known: %s)" %
                            (where, name, " ".join(sorted(keys))))
        if value.startswith('"'):
            value = value[1:]
            while not value.endswith('"'):
                if i == len(lines):
                    raise ConfError("%s: unterminated quote" % where)
                value += "\n" + lines[i].rstrip()
                i += 1
            value = value[:-1]
        out[name] = value
    return out
