"""Width and height of local images, read from their headers.

Pages give every <img> its size so that nothing jumps while it loads.
Only the first bytes of a file are read; an unknown format gives None.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path


def image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) in CSS pixels of a PNG, GIF, JPEG, WebP or SVG file, else None."""
    try:
        with path.open("rb") as file:
            head = file.read(64 * 1024)
    except OSError:
        return None
    for reader in (_png, _gif, _jpeg, _webp, _svg):
        try:
            size = reader(head)
        except (struct.error, ValueError, IndexError):
            size = None
        if size and size[0] > 0 and size[1] > 0:
            return size
    return None


def _png(data: bytes) -> tuple[int, int] | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    return None


def _gif(data: bytes) -> tuple[int, int] | None:
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    return None


def _jpeg(data: bytes) -> tuple[int, int] | None:
    if data[:2] != b"\xff\xd8":
        return None
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker = data[index + 1]
        length = struct.unpack(">H", data[index + 2:index + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return width, height
        index += 2 + length
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8 ":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    return None


_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)


def _svg(data: bytes) -> tuple[int, int] | None:
    tag = _SVG_TAG.search(data)
    if not tag:
        return None
    text = tag.group(0).decode("utf-8", "replace")

    def attribute(name: str) -> str | None:
        match = re.search(rf"\s{name}\s*=\s*[\"']([^\"']*)[\"']", text)
        return match.group(1).strip() if match else None

    def pixels(value: str | None) -> float | None:
        match = re.fullmatch(r"([0-9.]+)\s*(px)?", value or "")
        return float(match.group(1)) if match else None

    width, height = pixels(attribute("width")), pixels(attribute("height"))
    view_box = [float(n) for n in re.split(r"[\s,]+", attribute("viewBox") or "") if n]
    if len(view_box) == 4 and view_box[2] > 0 and view_box[3] > 0:
        ratio = view_box[2] / view_box[3]
        if width and not height:
            height = width / ratio
        elif height and not width:
            width = height * ratio
        elif not width and not height:
            width, height = view_box[2], view_box[3]
    if width and height:
        return round(width), round(height)
    return None
