# SPDX-License-Identifier: GPL-2.0-only
"""A Boot: QEMU run once, its console kept whole and watched.

The console (QEMU's stdout and stderr, CR LF made LF) goes line by line to
the log file as it comes, and to stdout too with echo=True. A line
"mmiodemo-qmp: COMMAND" is served over QMP as it is read (workbench/qmp.py),
what QEMU answered going to the QMP log. A boot that outlives its limit is
killed and its status is 124, as timeout(1) says. The status is also
written beside the log (LOG with .status for .log), which the judge reads,
and how long each guest program ran, as the host saw its frame lines come
(.times: "NAME SECONDS" a line).
"""
import os
import re
import subprocess
import sys
import threading
import time

from . import qmp

TIMED_OUT = 124
FRAME = re.compile(r"mmiodemo-guest: program (\S+) (begin|end)")


class Boot:
    """One run of ARGV (QEMU's command line, from a Machine). LOG is the
    console's file; its siblings are the status (.status), the QMP log
    (.qmp.log), the programs' times (.times) and the QMP socket (.qmp),
    which ARGV must listen on for the console's requests to be served;
    screendumps are LOG's name without .log, then -NAME.ppm."""

    def __init__(self, argv, log, timeout, echo=False, on_line=None):
        self.argv, self.log, self.timeout = argv, log, timeout
        self.echo, self.on_line = echo, on_line
        base = log[:-len(".log")] if log.endswith(".log") else log
        self.status_file = base + ".status"
        self.times_file = base + ".times"
        self.begun, self.times = {}, []
        self.qmp_log = base + ".qmp.log"
        self.socket = base + ".qmp"
        self.prefix = base
        self.timed_out = False

    def _kill(self, proc):
        self.timed_out = True
        proc.kill()

    def run(self):
        """Boot, watch the console to its end; QEMU's exit status (124 if
        killed at the limit). Raises OSError if QEMU cannot be run."""
        for f in (self.status_file, self.times_file, self.qmp_log,
                  self.socket):
            if os.path.lexists(f):
                os.unlink(f)
        os.makedirs(os.path.dirname(os.path.abspath(self.log)), exist_ok=True)
        with open(self.log, "wb") as log, open(self.qmp_log, "w") as qlog:
            try:
                proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT)
            except FileNotFoundError as e:
                raise FileNotFoundError(
                    "cannot run %s: not installed (Debian: qemu-system-arm)"
                    % self.argv[0]) from e
            timer = threading.Timer(self.timeout or 0, self._kill, (proc,))
            timer.daemon = True
            if self.timeout:  # none while a debugger holds the machine
                timer.start()
            try:
                for raw in proc.stdout:
                    self._line(raw.replace(b"\r", b""), log, qlog)
            finally:
                proc.stdout.close()
                status = proc.wait()
                timer.cancel()
        if self.timed_out:
            status = TIMED_OUT
        elif status < 0:  # killed by a signal, as a shell reports it
            status = 128 - status
        with open(self.status_file, "w") as f:
            f.write("%d\n" % status)
        with open(self.times_file, "w") as f:
            f.write("".join("%s %.1f\n" % t for t in self.times))
        return status

    def _line(self, raw, log, qlog):
        log.write(raw)
        log.flush()
        if self.echo:
            sys.stdout.buffer.write(raw)
            sys.stdout.flush()
        line = raw.decode("utf-8", "replace").rstrip("\n")
        frame = FRAME.match(line)
        if frame and frame[2] == "begin":
            self.begun[frame[1]] = time.monotonic()
        elif frame and frame[1] in self.begun:
            self.times.append((frame[1], time.monotonic() -
                               self.begun.pop(frame[1])))
        if line.startswith(qmp.PREFIX):
            qlog.write("\n".join(qmp.host_action(
                line, self.socket, self.prefix)) + "\n")
            qlog.flush()
        if self.on_line:
            self.on_line(line)
