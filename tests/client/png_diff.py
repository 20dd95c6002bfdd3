#!/usr/bin/python3
"""Compares two PNG screenshots of the same size, pixel by pixel.

Prints one JSON object: how many pixels differ (any channel by more than
--threshold), in all and in the left and right halves of the image.
Standard library only (zlib), 8-bit RGB or RGBA, non-interlaced: what
medverse writes.
"""
import json
import struct
import sys
import zlib


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            channels = {2: 3, 6: 4}.get(colour, 0)
            if depth != 8 or channels == 0 or interlace != 0:
                sys.exit(f"{path}: only 8-bit RGB/RGBA non-interlaced PNGs are supported")
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        ftype, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b = prev[i]
            c = prev[i - channels] if i >= channels else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(line)
        prev = line
    return width, height, channels, rows


def main():
    args = sys.argv[1:]
    threshold = 8
    if len(args) == 4 and args[0] == "--threshold":
        threshold = int(args[1])
        args = args[2:]
    if len(args) != 2:
        sys.exit("usage: png_diff.py [--threshold N] A.png B.png")
    wa, ha, ca, ra = read_png(args[0])
    wb, hb, cb, rb = read_png(args[1])
    if (wa, ha) != (wb, hb):
        sys.exit(f"sizes differ: {wa}x{ha} and {wb}x{hb}")
    changed = left = right = 0
    for y in range(ha):
        la, lb = ra[y], rb[y]
        for x in range(wa):
            pa, pb = la[x * ca:x * ca + 3], lb[x * cb:x * cb + 3]
            if max(abs(pa[k] - pb[k]) for k in range(3)) > threshold:
                changed += 1
                if x < wa // 2:
                    left += 1
                else:
                    right += 1
    print(json.dumps({"width": wa, "height": ha, "changed": changed, "changed_left": left,
                      "changed_right": right}))


if __name__ == "__main__":
    main()
