"""Image sizes read from headers, for width and height on <img>."""

import struct
import zlib

import pytest

from advocacy.images import image_size


def _png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk


def _jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0


@pytest.mark.parametrize("data, size", [
    (_png(640, 480), (640, 480)),
    (b"GIF89a" + struct.pack("<HH", 120, 40) + b"\x00" * 8, (120, 40)),
    (_jpeg(1200, 630), (1200, 630)),
    (b'<svg xmlns="http://www.w3.org/2000/svg" width="160" height="48"></svg>', (160, 48)),
    (b'<svg viewBox="0 0 320 96" xmlns="http://www.w3.org/2000/svg"></svg>', (320, 96)),
    (b'<svg width="80" viewBox="0 0 320 96"></svg>', (80, 24)),
    (b'<?xml version="1.0"?>\n<svg\n  height="30px"\n  viewBox="0,0,100,50"></svg>', (60, 30)),
])
def test_size_is_read_from_the_header(tmp_path, data, size):
    path = tmp_path / "image"
    path.write_bytes(data)
    assert image_size(path) == size


@pytest.mark.parametrize("data", [b"", b"not an image", b"\x89PNG\r\n\x1a\n", b'<svg width="100%" height="auto">'])
def test_unknown_or_broken_images_have_no_size(tmp_path, data):
    path = tmp_path / "image"
    path.write_bytes(data)
    assert image_size(path) is None


def test_a_missing_file_has_no_size(tmp_path):
    assert image_size(tmp_path / "nothing.png") is None
