"""Checking uploaded sign-language media before anything is stored.

- the video's type comes from its first bytes (WebM's EBML header with DocType "webm", or an
  MP4 "ftyp" box with a known brand) – never from the file name or what the browser claims;
- sizes are limited;
- the WebVTT captions are parsed: the WEBVTT header, every cue's timings (start before end,
  in order), and cue text – anything else is refused with a message that says where.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import gettext as _

VIDEO_TYPES = {"video/webm": ".webm", "video/mp4": ".mp4"}  # content type → file extension
MAX_VIDEO_BYTES = 20 * 1024 * 1024
MAX_CAPTIONS_BYTES = 512 * 1024
MAX_TRANSCRIPT_CHARS = 20_000

EBML_MAGIC = b"\x1a\x45\xdf\xa3"
EBML_DOCTYPE_WEBM = b"\x42\x82\x84webm"      # element DocType, size 4, "webm"
MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
              b"dash", b"M4V ", b"MSNV"}


class MediaProblem(ValueError):
    """What is wrong with an uploaded file, in words for the editor."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def size_of(stream: BinaryIO) -> int:
    position = stream.tell()
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(position)
    return size


def video_type(head: bytes) -> str | None:
    """The content type the first bytes show, or None when they are not WebM or MP4."""
    if head.startswith(EBML_MAGIC) and EBML_DOCTYPE_WEBM in head[:64]:
        return "video/webm"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS:
        box_size = int.from_bytes(head[:4], "big")
        if 16 <= box_size <= 256:
            return "video/mp4"
    return None


def check_video(stream: BinaryIO, max_bytes: int = MAX_VIDEO_BYTES) -> str:
    """Return the video's content type; raise MediaProblem if it is empty, too big or not video."""
    size = size_of(stream)
    if size == 0:
        raise MediaProblem(_("您选择的视频文件是空的，请重新选择。"))
    if size > max_bytes:
        raise MediaProblem(_("视频文件不能超过%(size)sMB，请压缩后再上传。",
                             size=max_bytes // (1024 * 1024)))
    stream.seek(0)
    head = stream.read(64)
    stream.seek(0)
    kind = video_type(head)
    if kind is None:
        raise MediaProblem(_("这个文件不是WebM或MP4视频，请选择WebM或MP4格式的视频文件。"))
    return kind


# --- WebVTT -------------------------------------------------------------------------------------

_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIME}[ \t]+-->[ \t]+{_TIME}(?:[ \t]+\S.*)?$")
_HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")


@dataclass(frozen=True)
class Cue:
    start: float   # seconds
    end: float
    text: str


def _seconds(hours, minutes, seconds, millis) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def parse_captions(data: bytes, max_bytes: int = MAX_CAPTIONS_BYTES) -> list[Cue]:
    """The cues of a WebVTT file; raise MediaProblem for anything that is not valid WebVTT."""
    if not data:
        raise MediaProblem(_("您选择的字幕文件是空的，请重新选择。"))
    if len(data) > max_bytes:
        raise MediaProblem(_("字幕文件不能超过%(size)sKB。", size=max_bytes // 1024))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise MediaProblem(_("字幕文件必须是UTF-8编码的WebVTT文件。")) from None
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise MediaProblem(_("字幕文件必须是UTF-8编码的WebVTT文件。"))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not _HEADER.match(lines[0]):
        raise MediaProblem(_("字幕文件的第一行必须是“WEBVTT”，请上传WebVTT格式的字幕。"))

    blocks, block = [], []
    for line in lines[1:]:
        if line.strip():
            block.append(line)
        elif block:
            blocks.append(block)
            block = []
    if block:
        blocks.append(block)
    # The header block may have more lines (metadata) up to the first blank line.
    if lines[1:2] and lines[1].strip() and blocks:
        if any("-->" in line for line in blocks[0]):
            raise MediaProblem(_("字幕文件的“WEBVTT”一行后面要空一行，再写第一条字幕。"))
        blocks = blocks[1:]

    cues: list[Cue] = []
    for block in blocks:
        first = block[0]
        if first == "NOTE" or first.startswith(("NOTE ", "NOTE\t")):
            continue
        if first in ("STYLE", "REGION") and not cues:
            continue
        number = len(cues) + 1
        if "-->" not in first:
            block = block[1:]  # a cue identifier
        if not block:
            raise MediaProblem(_("字幕文件第%(number)s条字幕缺少时间。", number=number))
        match = _TIMING.match(block[0])
        if not match:
            raise MediaProblem(_(
                "字幕文件第%(number)s条字幕的时间格式不对，应写成“00:00:01.000 --> 00:00:04.000”。",
                number=number))
        start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:])
        if end <= start:
            raise MediaProblem(_("字幕文件第%(number)s条字幕的结束时间必须晚于开始时间。",
                                 number=number))
        if cues and start < cues[-1].start:
            raise MediaProblem(_("字幕文件第%(number)s条字幕的开始时间早于上一条，请按时间顺序排列。",
                                 number=number))
        body = block[1:]
        if not body:
            raise MediaProblem(_("字幕文件第%(number)s条字幕没有文字。", number=number))
        if any("-->" in line for line in body):
            raise MediaProblem(_("字幕文件第%(number)s条字幕缺少空行分隔。", number=number))
        cues.append(Cue(start, end, "\n".join(body)))
    if not cues:
        raise MediaProblem(_("字幕文件里没有字幕内容。"))
    return cues


def clean_transcript(text: str) -> str:
    """The transcript with tidy line ends and no trailing spaces."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip()

