"""A kept page, compressed once, that still ends with each visitor's own text.

A kept page (portal/web/page_cache.py) is the same for every visitor except one short string near
its end: the visitor's CSRF token. Compressing the whole page again for every request costs
more than everything else in serving it, so the part before the token is compressed once,
flushed to a byte boundary, and each response is that stream with the token and the few
bytes after it appended *uncompressed*:

- gzip (RFC 1951/1952): the kept deflate stream ends with a sync flush; the visitor's bytes
  follow as a final stored block, then the CRC-32 and length of the whole page;
- brotli (RFC 7932): the kept stream ends with a flush; the visitor's bytes follow as an
  uncompressed meta-block, then the empty last meta-block.

Both are single, ordinary streams that every decoder reads: nothing here depends on a
client's tolerance. The per-request cost is a CRC over the tail and a few byte copies.
The tail must be short (it travels uncompressed): `of()` refuses pages whose marker is not
near the end, and the caller then compresses the usual way.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

import brotli

MAX_TAIL = 1024          # bytes after the marker that may travel uncompressed
GZIP_LEVEL = 9           # done once per kept page, so the smallest output is worth it
BROTLI_QUALITY = 11
BROTLI_WINDOW = 18       # 256 KB: the window a decoder must hold
_STORED_MAX = 65535      # a stored deflate block holds at most this many bytes
_META_MAX = 65536        # an uncompressed brotli meta-block with 4 length nibbles


@dataclass(frozen=True)
class Precompressed:
    """The page up to the marker, compressed both ways, and the text after it."""
    gzip_head: bytes     # gzip header + deflate stream of the head, sync-flushed
    head_crc: int        # CRC-32 of the head's bytes
    head_length: int
    brotli_head: bytes   # brotli stream of the head, flushed
    tail: str            # the page after the marker

    @classmethod
    def of(cls, html: str, marker: str) -> Precompressed | None:
        """Split `html` at its one `marker`; None when the marker is missing, repeated, or
        too far from the end to leave only a short tail."""
        at = html.find(marker)
        if at < 0 or html.find(marker, at + 1) >= 0:
            return None
        head, tail = html[:at].encode(), html[at + len(marker):]
        if len(tail.encode()) > MAX_TAIL:
            return None
        deflate = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        gzip_head = deflate.compress(head) + deflate.flush(zlib.Z_SYNC_FLUSH)
        encoder = brotli.Compressor(quality=BROTLI_QUALITY, lgwin=BROTLI_WINDOW,
                                    mode=brotli.MODE_TEXT)
        brotli_head = encoder.process(head) + encoder.flush()
        return cls(gzip_head, zlib.crc32(head), len(head), brotli_head, tail)

    def gzip(self, text: str) -> bytes:
        """The whole page, gzip-encoded, with `text` where the marker was."""
        rest = (text + self.tail).encode()
        blocks = [rest[i:i + _STORED_MAX] for i in range(0, len(rest), _STORED_MAX)] or [b""]
        out = [self.gzip_head]
        for number, block in enumerate(blocks, 1):
            final = 1 if number == len(blocks) else 0       # BFINAL, BTYPE 00: stored
            out.append(struct.pack("<BHH", final, len(block), len(block) ^ 0xFFFF))
            out.append(block)
        size = (self.head_length + len(rest)) & 0xFFFFFFFF
        out.append(struct.pack("<II", zlib.crc32(rest, self.head_crc), size))
        return b"".join(out)

    def brotli(self, text: str) -> bytes:
        """The whole page, brotli-encoded, with `text` where the marker was."""
        rest = (text + self.tail).encode()
        out = [self.brotli_head]
        for i in range(0, len(rest), _META_MAX):
            block = rest[i:i + _META_MAX]
            # ISLAST 0, MNIBBLES 0 (4 nibbles), MLEN-1 in 16 bits, ISUNCOMPRESSED 1; the
            # 20 bits are padded with zeros to 3 bytes, then the bytes themselves.
            header = (len(block) - 1) << 3 | 1 << 19
            out.append(header.to_bytes(3, "little"))
            out.append(block)
        out.append(b"\x03")                                  # ISLAST 1, ISLASTEMPTY 1
        return b"".join(out)
