"""A kept page compressed once with each visitor's text appended (portal/precompressed.py):
the result must be an ordinary gzip or brotli stream that the reference decoders read back
exactly – whatever the sizes, including tails longer than one stored block."""
import gzip
import random
import zlib

import brotli
import pytest

from portal.precompressed import MAX_TAIL, Precompressed

MARK = "@@token@@"


def _page(size: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("鄠邑区残疾人 <p>abc</p>\n") for _ in range(size))


@pytest.mark.parametrize("head_size", [0, 1, 5_000, 300_000])
@pytest.mark.parametrize("tail", ["", '">\n</body>\n</html>\n', "尾" * 300])
@pytest.mark.parametrize("text", ["", "IjI3Mjk4.awu8NA.EF1GEV2", "é" * 70_000])
def test_both_encodings_decode_to_the_page_with_the_text_in_place(head_size, tail, text):
    head = _page(head_size)
    kept = Precompressed.of(head + MARK + tail, MARK)
    expected = (head + text + tail).encode()
    assert gzip.decompress(kept.gzip(text)) == expected
    assert brotli.decompress(kept.brotli(text)) == expected


def test_the_gzip_stream_is_one_member_with_the_right_checksum_and_length():
    head, tail, text = _page(4_000), "</body></html>", "token"
    body = Precompressed.of(head + MARK + tail, MARK).gzip(text)
    whole = (head + text + tail).encode()
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert decoder.decompress(body) == whole
    assert decoder.eof and decoder.unused_data == b""          # nothing after the one member
    assert int.from_bytes(body[-8:-4], "little") == zlib.crc32(whole)
    assert int.from_bytes(body[-4:], "little") == len(whole)


def test_the_head_is_compressed_and_only_the_visitors_part_travels_as_it_is():
    head = _page(20_000)
    kept = Precompressed.of(head + MARK + "</html>", MARK)
    plain = len(head.encode())
    assert len(kept.brotli("t")) < plain / 2 and len(kept.gzip("t")) < plain / 2
    # The head is not compressed again: two visitors' pages share its bytes.
    assert kept.brotli("first").startswith(kept.brotli_head)
    assert kept.brotli("second").startswith(kept.brotli_head)


@pytest.mark.parametrize("html", [
    "no marker here",
    f"{MARK} twice {MARK}",
    f"<p>{MARK}</p>" + "x" * (MAX_TAIL + 1),                   # too far from the end
])
def test_pages_it_cannot_split_are_left_to_ordinary_compression(html):
    assert Precompressed.of(html, MARK) is None
