"""The roll in the bank's form: a CSV and an .xlsx workbook (openpyxl, write-only), written in
constant memory however many lines – read in keyset batches of plain columns (never ORM
objects), the workbook's rows spooled to a temporary file by openpyxl and the finished file
read back in chunks, as the queue export does (portal/staff/export.py, whose cell rules are
reused: no cell is ever run as a formula).

Columns (the bank's form): 参考号 (the line's id – the bank's result file names it), 姓名
(the account holder), 卡类型, 开户银行, 账号 (decrypted here, for the bank only), 金额（元）,
发放月份, 月数, 街道. The workbook's second sheet: lines and amount per street, and the total.
Only a confirmed (or locked) roll is written (`rolls.NotConfirmed`).
"""
from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator

from flask_babel import gettext as _
from sqlalchemy import select

from portal.benefits import rolls
from portal.benefits.models import PaymentLine, PaymentRoll, Recipient
from portal.content.streets import by_code as street_by_code
from portal.extensions import db
from portal.labels import PAYMENT_METHODS, yuan
from portal.people import crypto
from portal.people.models import Person
from portal.staff.export import XLSX_CHUNK, dangerous, neutralise

BATCH = 1000


def month_span(first, last) -> str:
    return first.strftime("%Y-%m") if first == last else \
        f"{first.strftime('%Y-%m')}—{last.strftime('%Y-%m')}"


def headings() -> list[str]:
    return [_("参考号"), _("姓名"), _("卡类型"), _("开户银行"), _("账号"), _("金额（元）"),
            _("发放月份"), _("月数"), _("街道")]


def exportable(roll_id: int) -> PaymentRoll:
    roll = db.session.get(PaymentRoll, roll_id)
    if roll is None or roll.status == "draft":
        raise rolls.NotConfirmed(str(roll_id))
    return roll


def raw_rows(roll_id: int) -> Iterator[list]:
    """The roll's lines in id order, a batch at a time, each batch its own short query."""
    after = 0
    while True:
        found = db.session.execute(
            select(PaymentLine.id, Recipient.card_holder, Person.full_name,
                   Recipient.card_method, Recipient.card_bank_name,
                   Recipient.card_number_encrypted, PaymentLine.amount_fen,
                   PaymentLine.first_month, PaymentLine.last_month, PaymentLine.months,
                   PaymentLine.street)
            .join(Recipient, Recipient.id == PaymentLine.recipient_id)
            .join(Person, Person.id == PaymentLine.person_id)
            .where(PaymentLine.roll_id == roll_id, PaymentLine.id > after)
            .order_by(PaymentLine.id).limit(BATCH)).all()
        db.session.rollback()   # no transaction stays open between batches
        if not found:
            return
        yield found
        after = found[-1][0]


def _street(code: str, locale: str) -> str:
    street = street_by_code(code)
    return street.name(locale) if street is not None else code


def cells(row, locale: str) -> list[str]:
    (line_id, holder, name, method, bank, encrypted, fen, first, last, months, street) = row
    method_label = PAYMENT_METHODS.get(method)
    return [str(line_id), holder or name, str(method_label) if method_label else "",
            bank or "", crypto.decrypt(encrypted) or "", yuan(fen), month_span(first, last),
            str(months), _street(street, locale)]


def csv_parts(roll_id: int, locale: str, counter: list[int]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headings())
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    for found in raw_rows(roll_id):
        buffer.seek(0)
        buffer.truncate()
        for row in found:
            writer.writerow([neutralise(cell) for cell in cells(row, locale)])
        yield buffer.getvalue().encode("utf-8")
        counter[0] += len(found)


def xlsx_parts(roll_id: int, locale: str, counter: list[int]) -> Iterator[bytes]:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    lines = workbook.create_sheet(_("发放明细"))
    for letter, width in zip("ABCDEFGHI", (10, 12, 14, 22, 24, 12, 18, 8, 12)):
        lines.column_dimensions[letter].width = width
    lines.freeze_panes = "A2"
    bold = Font(bold=True)

    def text_cell(sheet, value: str, font=None):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"          # text, never a formula
        if dangerous(value):
            cell.quotePrefix = True
        if font is not None:
            cell.font = font
        return cell

    lines.append([text_cell(lines, text, bold) for text in headings()])
    rows = 0
    for found in raw_rows(roll_id):
        for row in found:
            lines.append([text_cell(lines, value) for value in cells(row, locale)])
        rows += len(found)
    totals = workbook.create_sheet(_("按街道合计"))
    totals.append([text_cell(totals, text, bold)
                   for text in (_("街道"), _("人数"), _("金额（元）"))])
    all_lines = all_fen = 0
    for total in rolls.street_totals(roll_id):
        totals.append([text_cell(totals, _street(total.street, locale)),
                       text_cell(totals, str(total.lines)),
                       text_cell(totals, yuan(total.amount_fen))])
        all_lines += total.lines
        all_fen += total.amount_fen
    totals.append([text_cell(totals, _("合计"), bold), text_cell(totals, str(all_lines), bold),
                   text_cell(totals, yuan(all_fen), bold)])
    with tempfile.TemporaryFile() as file:
        workbook.save(file)
        file.seek(0)
        while chunk := file.read(XLSX_CHUNK):
            yield chunk
    counter[0] = rows


PARTS = {"csv": csv_parts, "xlsx": xlsx_parts}
