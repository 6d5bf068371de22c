# SPDX-License-Identifier: GPL-2.0-only
"""Screendumps: a QMP screendump of ramfb (binary PPM) against the picture
the guest drew, pixel by pixel, and a PPM written as PNG (standard
library only).

A picture SPEC is:
  gradient:WxH[:row=Y:RRGGBB]  the tool's "fb draw gradient": red x, green
                               y, blue x + y, each modulo 256; line Y, if
                               given, all RRGGBB
  color:WxH:RRGGBB[:row=Y:RRGGBB]  one color; line Y, if given, all
                               the second
"""
import struct
import zlib

from . import results as R


class PPMError(Exception):
    pass


def read_ppm(path):
    """(width, height, pixels) of a binary 8-bit PPM."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:  # magic, width, height, maxval
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos)
            continue
        end = pos
        while end < len(data) and not data[end:end + 1].isspace():
            end += 1
        if end == pos:
            raise PPMError("%s: not a binary 8-bit PPM" % path)
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        raise PPMError("%s: not a binary 8-bit PPM" % path)
    try:
        width, height = int(fields[1]), int(fields[2])
    except ValueError:
        raise PPMError("%s: not a binary 8-bit PPM" % path) from None
    pixels = data[pos + 1:pos + 1 + 3 * width * height]
    if len(pixels) != 3 * width * height:
        raise PPMError("%s: short pixel data" % path)
    return width, height, pixels


def expected(spec):
    """(width, height, pixel(x, y) -> RGB bytes) of a picture SPEC."""
    parts = spec.split(":")
    width, height = (int(v) for v in parts[1].split("x"))
    if parts[0] not in ("color", "gradient"):
        raise ValueError("unknown picture %s" % spec)
    tail = parts[3:] if parts[0] == "color" else parts[2:]
    row, rgb = -1, None
    if len(tail) == 2:
        row, rgb = int(tail[0].split("=")[1]), bytes.fromhex(tail[1])
    elif tail:
        raise ValueError("bad picture %s" % spec)
    fill = bytes.fromhex(parts[2]) if parts[0] == "color" else None

    def pixel(x, y):
        if y == row:
            return rgb
        if fill is not None:
            return fill
        return bytes((x & 0xFF, y & 0xFF, (x + y) & 0xFF))
    return width, height, pixel


def mismatch(path, spec):
    """"" if the screendump @path is the picture @spec, else why not."""
    try:
        width, height, pixels = read_ppm(path)
    except FileNotFoundError:
        return "no screendump %s" % path
    except PPMError as e:
        return str(e)
    want_w, want_h, pixel = expected(spec)
    if (width, height) != (want_w, want_h):
        return "%s is %dx%d, expected %dx%d" % (path, width, height, want_w,
                                                 want_h)
    bad, first = 0, None
    for y in range(height):
        row = pixels[3 * width * y:3 * width * (y + 1)]
        for x in range(width):
            got = row[3 * x:3 * x + 3]
            if got != pixel(x, y):
                bad += 1
                first = first or (x, y, got.hex(), pixel(x, y).hex())
    if bad:
        return "%s: %d of %d pixels differ; first at (%d, %d): %s, " \
            "expected %s" % ((path, bad, width * height) + first)
    return ""


def screendump(run, name, spec, test):
    """The verdict host.@test: @run's screendump @name is picture @spec."""
    why = mismatch(run.file("-%s.ppm" % name), spec)
    return R.check("host." + test, not why, why)


def write_png(ppm, png):
    width, height, pixels = read_ppm(ppm)
    raw = b"".join(b"\0" + pixels[3 * width * y:3 * width * (y + 1)]
                   for y in range(height))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    with open(png, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                           0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
