"""Regenerate the hostile and malformed inputs in this folder: ``.venv/bin/python make_resources.py``.

Every file is tiny on disk; the bombs only *declare* or *decompress to* large sizes.
See README.md for what each file is and what ingest must do with it.
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib
from pathlib import Path

import pypdf
from PIL import Image

HERE = Path(__file__).resolve().parent


def tiny_png() -> bytes:
    """A 40 x 20 white grey-scale PNG (a valid scan file, not worth OCR)."""
    buf = io.BytesIO()
    Image.new("L", (40, 20), 255).save(buf, "PNG")
    return buf.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG whose header declares ``width`` x ``height`` grey pixels, with a tiny IDAT."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(
        b"IEND", b""
    )


def many_pages_pdf(n: int = 3000) -> bytes:
    """A valid PDF with ``n`` blank A4 pages, every page object in one compressed object stream."""
    kids = " ".join(f"{i} 0 R" for i in range(3, n + 3))
    objs = {2: f"<</Type/Pages/Count {n}/Kids[{kids}]>>".encode()}
    for i in range(3, n + 3):
        objs[i] = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"
    header, body = [], b""
    for num in sorted(objs):
        header.append(f"{num} {len(body)}")
        body += objs[num] + b"\n"
    head = (" ".join(header) + "\n").encode()
    stream = zlib.compress(head + body, 9)
    ostm, xref_num, size = n + 3, n + 4, n + 5
    out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    offsets = {1: len(out)}
    out += b"1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n"
    offsets[ostm] = len(out)
    out += (
        f"{ostm} 0 obj\n<</Type/ObjStm/N {len(objs)}/First {len(head)}/Filter/FlateDecode/Length {len(stream)}>>\n"
        "stream\n"
    ).encode() + stream + b"\nendstream\nendobj\n"
    offsets[xref_num] = len(out)
    rows = b""
    for num in range(size):
        if num == 0:
            rows += struct.pack(">BIH", 0, 0, 65535)
        elif num in objs:
            rows += struct.pack(">BIH", 2, ostm, num - 2)
        else:
            rows += struct.pack(">BIH", 1, offsets[num], 0)
    xs = zlib.compress(rows, 9)
    out += (
        f"{xref_num} 0 obj\n<</Type/XRef/Size {size}/W[1 4 2]/Root 1 0 R/Filter/FlateDecode/Length {len(xs)}>>\n"
        "stream\n"
    ).encode() + xs + b"\nendstream\nendobj\n"
    return out + f"startxref\n{offsets[xref_num]}\n%%EOF\n".encode()


def encrypted_pdf() -> bytes:
    """A one-page PDF that needs a password to open."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def corrupt_pdf() -> bytes:
    """A PDF header followed by garbage: no objects poppler can read."""
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog" + b"\x00garbage\xff" * 20


def traversal_zip() -> bytes:
    """A ZIP with one good scan, escaping names, a link, a nested ZIP and a side file."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("good/page.png", tiny_png())
        z.writestr("../escape.png", tiny_png())
        z.writestr("/etc/absolute.png", tiny_png())
        z.writestr("good/../../up.png", tiny_png())
        link = zipfile.ZipInfo("good/link.png")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "/etc/passwd")
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as nested:
            nested.writestr("inner.png", tiny_png())
        z.writestr("nested.zip", inner.getvalue())
        z.writestr("readme.txt", "side file, skipped")
    return buf.getvalue()


def ratio_bomb_zip(size: int = 16 * 1024 * 1024) -> bytes:
    """A ZIP whose one entry inflates ``size`` zero bytes from a few kilobytes (ratio ~1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("scan.png", b"\x00" * size)
    return buf.getvalue()


def encrypted_entry_zip() -> bytes:
    """A ZIP whose entry has the 'encrypted' flag set (Python cannot write real ZipCrypto)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("secret.png", tiny_png())
    data = bytearray(buf.getvalue())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    data[local + 6] |= 0x1  # general purpose bit flag of the local header
    data[central + 8] |= 0x1  # ... and of the central directory entry
    return bytes(data)


FILES = {
    "pages-3000.pdf": many_pages_pdf,
    "bomb.png": png_bomb,
    "encrypted.pdf": encrypted_pdf,
    "corrupt.pdf": corrupt_pdf,
    "letter.doc": lambda: b"\xd0\xcf\x11\xe0 not a scan, an old Word file\n",
    "traversal.zip": traversal_zip,
    "ratio-bomb.zip": ratio_bomb_zip,
    "encrypted-entry.zip": encrypted_entry_zip,
    "corrupt.zip": lambda: b"PK\x03\x04" + b"\x13garbage" * 10,
}


def main() -> None:
    """Write every file of :data:`FILES` next to this script."""
    for name, make in FILES.items():
        (HERE / name).write_bytes(make())
        print(f"{name}: {(HERE / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
