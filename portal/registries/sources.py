"""Where a registry's rows come from – behind one small interface, so that a live API can
replace the files later without touching validation, import or discovery.

A source is anything with ``kind`` ("certificates" or "households"), ``label`` (where from,
kept on the import) and ``rows()``: the registry's rows, each a :class:`SourceRow` – its line
(as the admin's report names it) and its cells under the portal's field names (FIELDS). A
source may be read more than once (a preview, then the import): ``rows()`` starts again.

- :class:`FileSource`: an .xlsx workbook (openpyxl read-only: constant memory) or a CSV file
  (UTF-8, with or without a byte-order mark, or GB18030 as Excel saves it in China), its first
  row the headings (Chinese as the registries write them, or the field names).
- :class:`ApiSource`: a stand-in for the registries' API: ``GET {base}/{kind}?page=N`` answers
  JSON ``{"rows": [{field: value, …}], "next": N or null}``.
"""
from __future__ import annotations

import csv
import io
import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# The fields of each registry, and the headings a file may give them.
FIELDS = {
    "certificates": ("id_number", "name", "category", "grade", "valid_until", "address",
                     "street", "phone"),
    "households": ("id_number", "name", "household", "street", "phone"),
}
HEADINGS = {
    "身份证号": "id_number", "身份证号码": "id_number", "公民身份号码": "id_number",
    "姓名": "name",
    "残疾类别": "category", "类别": "category",
    "残疾等级": "grade", "等级": "grade",
    "有效期至": "valid_until", "证件有效期": "valid_until", "有效期": "valid_until",
    "地址": "address", "住址": "address", "现住址": "address",
    "街道": "street", "街道（镇）": "street", "所属街道": "street", "镇街": "street",
    "电话": "phone", "联系电话": "phone", "手机号码": "phone",
    "救助类别": "household", "保障类别": "household", "户类别": "household",
}


@dataclass(frozen=True)
class SourceRow:
    line: int                 # the row's number as the admin sees it (a file's line; heading = 1)
    cells: dict[str, str]     # field name -> text ("" when empty)


class RegistrySource(Protocol):
    kind: str
    label: str

    def rows(self) -> Iterator[SourceRow]: ...


class SourceError(Exception):
    """The source cannot be read at all (not a workbook, no headings, the API not answering):
    ``problem`` is a code the admin's page words."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem


def field_of(heading: str, kind: str) -> str | None:
    text = (heading or "").strip()
    field = HEADINGS.get(text, text if text in FIELDS[kind] else None)
    if kind == "households" and field == "category":
        return "household"     # a roll's "类别" is the household's kind
    return field if field in FIELDS[kind] else None


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):   # a datetime from a workbook
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(table: Iterator[tuple], kind: str) -> Iterator[SourceRow]:
    heading = next(table, None)
    if heading is None:
        raise SourceError("empty")
    fields = [field_of(_text(cell), kind) for cell in heading]
    if "id_number" not in fields:
        raise SourceError("headings")
    for line, values in enumerate(table, start=2):
        cells = {field: "" for field in FIELDS[kind]}
        for field, value in zip(fields, values):
            if field is not None:
                cells[field] = _text(value)
        if any(cells.values()):
            yield SourceRow(line, cells)


@dataclass
class FileSource:
    """An .xlsx or CSV file of the registry `kind`."""
    kind: str
    path: Path
    label: str = ""

    def __post_init__(self):
        self.path = Path(self.path)
        self.label = self.label or self.path.name

    def rows(self) -> Iterator[SourceRow]:
        if self.path.suffix.lower() == ".xlsx":
            yield from self._xlsx()
        else:
            yield from self._csv()

    def _xlsx(self) -> Iterator[SourceRow]:
        from openpyxl import load_workbook

        try:
            book = load_workbook(self.path, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 – any unreadable workbook is the same to the admin
            raise SourceError("unreadable") from None
        try:
            yield from _rows(book.worksheets[0].iter_rows(values_only=True), self.kind)
        finally:
            book.close()

    def _csv(self) -> Iterator[SourceRow]:
        raw = self.path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise SourceError("unreadable")
        yield from _rows(iter(csv.reader(io.StringIO(text))), self.kind)


@dataclass
class ApiSource:
    """The registries' API (a stand-in until the real one is agreed): pages of JSON rows."""
    kind: str
    base_url: str
    timeout: float = 10.0
    label: str = ""

    def __post_init__(self):
        self.url = f"{self.base_url.rstrip('/')}/{self.kind}"
        self.label = self.label or self.url

    def rows(self) -> Iterator[SourceRow]:
        page, line = 1, 1
        while page is not None:
            body = self._get(page)
            for item in body.get("rows") or ():
                line += 1
                if not isinstance(item, dict):
                    raise SourceError("unreadable")
                cells = {field: _text(item.get(field)) for field in FIELDS[self.kind]}
                yield SourceRow(line, cells)
            page = body.get("next")

    def _get(self, page: int) -> dict:
        url = f"{self.url}?{urllib.parse.urlencode({'page': page})}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310
                body = json.loads(response.read().decode("utf-8"))
        except (OSError, ValueError):
            raise SourceError("api") from None
        if not isinstance(body, dict):
            raise SourceError("api")
        return body
