"""Just enough CBOR (RFC 8949) to reorder Pagefind's index files: integers,
strings, arrays, maps, simple values and floats; definite lengths only."""

from __future__ import annotations

import struct
from typing import Any


class Simple(int):
    """A CBOR simple value (false, true, null ...) kept as its number."""


def decode(data: bytes) -> Any:
    value, end = _item(data, 0)
    if end != len(data):
        raise ValueError(f"{len(data) - end} bytes after the CBOR value")
    return value


def _argument(data: bytes, pos: int) -> tuple[int, int, int]:
    major, info = data[pos] >> 5, data[pos] & 31
    pos += 1
    if info < 24:
        return major, info, pos
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise ValueError(f"unsupported CBOR length {info} at byte {pos - 1}")
    return major, int.from_bytes(data[pos:pos + size], "big"), pos + size


def _item(data: bytes, pos: int) -> tuple[Any, int]:
    start = data[pos]
    if start >> 5 == 7:  # simple values and floats
        info = start & 31
        if info == 25:
            return struct.unpack(">e", data[pos + 1:pos + 3])[0], pos + 3
        if info == 26:
            return struct.unpack(">f", data[pos + 1:pos + 5])[0], pos + 5
        if info == 27:
            return struct.unpack(">d", data[pos + 1:pos + 9])[0], pos + 9
    major, arg, pos = _argument(data, pos)
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major == 2:
        return bytes(data[pos:pos + arg]), pos + arg
    if major == 3:
        return data[pos:pos + arg].decode("utf-8"), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = _item(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        pairs = []
        for _ in range(arg):
            key, pos = _item(data, pos)
            value, pos = _item(data, pos)
            pairs.append((key, value))
        return dict(pairs), pos
    if major == 7:
        return {20: False, 21: True, 22: None}.get(arg, Simple(arg)), pos
    raise ValueError(f"unsupported CBOR type {major} (tags)")


def encode(value: Any) -> bytes:
    """The shortest encoding of `value`, as `decode` gives it."""
    if isinstance(value, Simple):
        return _head(7, int(value))
    if isinstance(value, bool) or value is None:
        return bytes([{False: 0xF4, True: 0xF5, None: 0xF6}[value]])
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, float):
        return b"\xfb" + struct.pack(">d", value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, dict):
        return _head(5, len(value)) + b"".join(encode(k) + encode(v) for k, v in value.items())
    raise TypeError(f"cannot encode {type(value).__name__} as CBOR")


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise ValueError("integer too large for CBOR")
