"""Spreadsheets the portal writes (the staff queue's export, the payment roll in the bank's
form): one place for their cell rules and for writing them in constant memory.

- No cell is ever run as a formula: a CSV cell that starts like one (= + - @, tab, CR) gets a
  leading ' (`neutralise`); an .xlsx cell is always text and such a one is quote-prefixed,
  so that Excel shows it as typed and keeps it text (`text_cell`).
- An .xlsx workbook is openpyxl's write-only kind: rows are spooled to a temporary file as they
  are appended, and the finished file is read back in chunks (`saved`).
"""
from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CHUNK = 64 * 1024
FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(cell) -> str:
    """A CSV cell a spreadsheet will not run as a formula: ' before = + - @ (and tab, CR)."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def dangerous(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def workbook():
    """A new write-only workbook (openpyxl)."""
    from openpyxl import Workbook

    return Workbook(write_only=True)


def sheet(book, title: str, widths: Sequence[int] = (), frozen_heading: bool = False):
    """A sheet of `book` named `title`, its columns A, B, … `widths` characters wide."""
    from openpyxl.utils import get_column_letter

    new = book.create_sheet(title)
    for number, width in enumerate(widths, start=1):
        new.column_dimensions[get_column_letter(number)].width = width
    if frozen_heading:
        new.freeze_panes = "A2"
    return new


def text_cell(in_sheet, value: str, bold: bool = False):
    """A cell holding `value` as text, never a formula (openpyxl would make "=…" one)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cell = WriteOnlyCell(in_sheet, value=value)
    cell.data_type = "s"
    if dangerous(value):
        cell.quotePrefix = True   # Excel shows it as typed, and keeps it text
    if bold:
        cell.font = Font(bold=True)
    return cell


def saved(book) -> Iterator[bytes]:
    """The finished workbook's bytes, in chunks (through a temporary file)."""
    with tempfile.TemporaryFile() as file:
        book.save(file)
        file.seek(0)
        while chunk := file.read(XLSX_CHUNK):
            yield chunk


def csv_parts(heading: Sequence[str], batches: Iterable[Sequence], cells: Callable,
              counter: list[int]) -> Iterator[bytes]:
    """A CSV (UTF-8 with a byte-order mark, so that Excel reads the Chinese), a batch of rows
    at a time: the heading, then `cells(row)` of every row of every batch, neutralised. Counts
    the rows written in counter[0]."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(heading)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    for found in batches:
        buffer.seek(0)
        buffer.truncate()
        for row in found:
            writer.writerow([neutralise(cell) for cell in cells(row)])
        yield buffer.getvalue().encode("utf-8")
        counter[0] += len(found)


def append_rows(to_sheet, heading: Sequence[str], batches: Iterable[Sequence],
                cells: Callable) -> int:
    """The bold heading, then `cells(row)` of every row of every batch, as text cells; returns
    how many rows."""
    to_sheet.append([text_cell(to_sheet, text, bold=True) for text in heading])
    rows = 0
    for found in batches:
        for row in found:
            to_sheet.append([text_cell(to_sheet, value) for value in cells(row)])
        rows += len(found)
    return rows
