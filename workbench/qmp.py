# SPDX-License-Identifier: GPL-2.0-only
"""QEMU's QMP, and the host's part of the tests: what a console line
"mmiodemo-qmp: COMMAND" asks of the machine.

The guest cannot press virt's power button (PL061 line 3) or photograph
ramfb itself: it prints the request, and whoever watches its console (a
Boot, lava/lava-run.py) passes it on with host_action(). Only these
requests are served:

  system_powerdown   press virt's power button;
  screendump NAME    save ramfb's picture as PREFIX-NAME.ppm, then press
                     the power button: the guest's go-ahead.
"""
import json
import os
import re
import socket

PREFIX = "mmiodemo-qmp: "


class QMPError(RuntimeError):
    """QEMU answered a command with an error, or could not be reached."""


def command(sock_path, name, timeout=10, **arguments):
    """Run one QMP command on the QEMU listening on SOCK_PATH; its answer's
    "return" value. Raises QMPError."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(sock_path)
            stream = sock.makefile("rw")
            json.loads(stream.readline())  # the greeting
            for cmd, args in (("qmp_capabilities", {}), (name, arguments)):
                request = {"execute": cmd}
                if args:
                    request["arguments"] = args
                stream.write(json.dumps(request) + "\n")
                stream.flush()
                while True:  # asynchronous events come first
                    line = stream.readline()
                    if not line:
                        raise QMPError("%s: QEMU closed the socket" % cmd)
                    answer = json.loads(line)
                    if "return" in answer or "error" in answer:
                        break
                if "error" in answer:
                    raise QMPError("%s: %s" % (cmd, answer["error"]))
            return answer["return"]
    except (OSError, ValueError) as e:
        raise QMPError("%s: %s" % (name, e)) from e


def host_action(line, sock_path, prefix):
    """Serve a console LINE that starts with "mmiodemo-qmp: "; PREFIX is the
    path prefix of screendumps. Returns the lines to log."""
    words = line[len(PREFIX):].split()
    if words == ["system_powerdown"]:
        steps = [("system_powerdown", {})]
    elif len(words) == 2 and words[0] == "screendump" and \
            re.fullmatch(r"[a-z0-9-]+", words[1]):
        ppm = "%s-%s.ppm" % (prefix, words[1])
        if os.path.exists(ppm):
            os.unlink(ppm)
        steps = [("screendump", {"filename": ppm}), ("system_powerdown", {})]
    else:
        return ["refused: " + line[len(PREFIX):]]
    out = []
    for name, args in steps:
        try:
            out.append("%s: %s" % (name, json.dumps(
                {"return": command(sock_path, name, **args)})))
        except QMPError as e:
            out.append("qmp: %s" % e)
            break
    return out
