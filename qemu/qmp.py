#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""qemu/qmp.py SOCKET COMMAND [NAME=VALUE...]: run QMP commands on QEMU.

The harness uses it to press virt's power button (system_powerdown), which
drives input line 3 of the PL061: a real interrupt raised by the host, and
to take a picture of ramfb (screendump filename=FILE). Prints QEMU's
answer; exits 1 if QEMU answered with an error.
"""
import json
import socket
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: qemu/qmp.py SOCKET COMMAND [NAME=VALUE...]")
    args = dict(a.split("=", 1) for a in sys.argv[3:])
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(sys.argv[1])
    stream = sock.makefile("rw")
    json.loads(stream.readline())  # the greeting
    for command, arguments in (("qmp_capabilities", {}),
                               (sys.argv[2], args)):
        request = {"execute": command}
        if arguments:
            request["arguments"] = arguments
        stream.write(json.dumps(request) + "\n")
        stream.flush()
        while True:  # skip asynchronous events up to the answer
            answer = json.loads(stream.readline())
            if "return" in answer or "error" in answer:
                break
        if "error" in answer:
            sys.exit("qmp: %s: %s" % (command, answer["error"]))
    print(json.dumps(answer))


if __name__ == "__main__":
    main()
