#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""qemu/ppmcheck.py PPM SPEC | --png PPM PNG

Checks a QMP screendump of ramfb against the picture the guest drew, pixel
by pixel; exits 0 if every pixel matches, else 1, naming the first that
differs and how many do. SPEC is:
  gradient:WxH[:row=Y:RRGGBB]  the tool's "fb draw gradient": red x, green
                               y, blue x + y, each modulo 256; line Y, if
                               given, all RRGGBB
  color:WxH:RRGGBB             one color
With --png, writes the screendump as a PNG instead (standard library only).
"""
import struct
import sys
import zlib


def read_ppm(path):
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
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or fields[3] != b"255":
        sys.exit("%s: not a binary 8-bit PPM" % path)
    width, height = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:pos + 1 + 3 * width * height]
    if len(pixels) != 3 * width * height:
        sys.exit("%s: short pixel data" % path)
    return width, height, pixels


def expected(spec):
    parts = spec.split(":")
    width, height = (int(v) for v in parts[1].split("x"))
    if parts[0] == "color":
        rgb = bytes.fromhex(parts[2])
        return width, height, lambda x, y: rgb
    if parts[0] != "gradient":
        sys.exit("unknown SPEC %s" % spec)
    row, rgb = -1, None
    if len(parts) == 4:
        row, rgb = int(parts[2].split("=")[1]), bytes.fromhex(parts[3])

    def pixel(x, y):
        if y == row:
            return rgb
        return bytes((x & 0xFF, y & 0xFF, (x + y) & 0xFF))
    return width, height, pixel


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


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--png":
        write_png(sys.argv[2], sys.argv[3])
        return
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    width, height, pixels = read_ppm(sys.argv[1])
    want_w, want_h, pixel = expected(sys.argv[2])
    if (width, height) != (want_w, want_h):
        sys.exit("%s is %dx%d, expected %dx%d" %
                 (sys.argv[1], width, height, want_w, want_h))
    bad, first = 0, None
    for y in range(height):
        for x in range(width):
            got = pixels[3 * (width * y + x):3 * (width * y + x) + 3]
            if got != pixel(x, y):
                bad += 1
                first = first or (x, y, got.hex(), pixel(x, y).hex())
    if bad:
        sys.exit("%s: %d of %d pixels differ; first at (%d, %d): %s, expected %s"
                 % ((sys.argv[1], bad, width * height) + first))
    print("%s: all %d pixels as expected" % (sys.argv[1], width * height))


if __name__ == "__main__":
    main()
