"""The roll in the bank's form: a CSV and an .xlsx workbook (openpyxl, write-only), written in
constant memory however many lines – read in keyset batches of plain columns (never ORM
objects), the workbook's rows spooled to a temporary file by openpyxl and the finished file
read back in chunks, as the queue export does (portal/spreadsheets.py: the same cell rules –
no cell is ever run as a formula).

Columns (the bank's form): 参考号 (the line's id – the bank's result file names it), 姓名
(the account holder), 卡类型, 开户银行, 账号 (decrypted here, for the bank only), 金额（元）,
发放月份, 月数, 街道. The workbook's second sheet: lines and amount per street, and the total.
Only a confirmed (or locked) roll is written (`rolls.NotConfirmed`).
"""
from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext as _
from sqlalchemy import select

from portal import spreadsheets
from portal.benefits import rolls
from portal.benefits.models import PaymentRoll, Recipient
from portal.content.streets import by_code as street_by_code
from portal.extensions import db
from portal.labels import PAYMENT_METHODS, yuan
from portal.people import crypto
from portal.people.models import Person

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
    """The roll's lines in id order, a batch at a time, each batch its own short query: the
    batch's lines are chosen first (rolls.batch_of_lines), then joined to their recipients and
    people – never the rest of the roll joined and sorted for each batch."""
    after = 0
    while True:
        batch = rolls.batch_of_lines(roll_id, after, BATCH)
        found = db.session.execute(
            select(batch.c.id, Recipient.card_holder, Person.full_name,
                   Recipient.card_method, Recipient.card_bank_name,
                   Recipient.card_number_encrypted, batch.c.amount_fen,
                   batch.c.first_month, batch.c.last_month, batch.c.months, batch.c.street)
            .join(Recipient, Recipient.id == batch.c.recipient_id)
            .join(Person, Person.id == batch.c.person_id)
            .order_by(batch.c.id)).all()
        db.session.rollback()   # no transaction stays open between batches
        if not found:
            return
        yield found
        after = found[-1][0]


def _street(code: str, locale: str) -> str:
    street = street_by_code(code)
    return street.name(locale) if street is not None else code


def cells(row, locale: str, methods: dict[str, str]) -> list[str]:
    """A line's cells; `methods`: the card types' labels, translated once (method_labels)."""
    (line_id, holder, name, method, bank, encrypted, fen, first, last, months, street) = row
    return [str(line_id), holder or name, methods.get(method, ""),
            bank or "", crypto.decrypt(encrypted) or "", yuan(fen), month_span(first, last),
            str(months), _street(street, locale)]


def method_labels() -> dict[str, str]:
    return {code: str(label) for code, label in PAYMENT_METHODS.items()}


def csv_parts(roll_id: int, locale: str, counter: list[int]) -> Iterator[bytes]:
    methods = method_labels()
    yield from spreadsheets.csv_parts(headings(), raw_rows(roll_id),
                                      lambda row: cells(row, locale, methods), counter)


def xlsx_parts(roll_id: int, locale: str, counter: list[int]) -> Iterator[bytes]:
    methods = method_labels()
    book = spreadsheets.workbook()
    lines = spreadsheets.sheet(book, _("发放明细"), (10, 12, 14, 22, 24, 12, 18, 8, 12),
                               frozen_heading=True)
    rows = spreadsheets.append_rows(lines, headings(), raw_rows(roll_id),
                                    lambda row: cells(row, locale, methods))
    totals = spreadsheets.sheet(book, _("按街道合计"))
    street_totals = rolls.street_totals(roll_id)
    spreadsheets.append_rows(totals, (_("街道"), _("人数"), _("金额（元）")), [street_totals],
                             lambda total: (_street(total.street, locale), str(total.lines),
                                            yuan(total.amount_fen)))
    all_lines = sum(total.lines for total in street_totals)
    all_fen = sum(total.amount_fen for total in street_totals)
    totals.append([spreadsheets.text_cell(totals, text, bold=True)
                   for text in (_("合计"), str(all_lines), yuan(all_fen))])
    yield from spreadsheets.saved(book)
    counter[0] = rows


PARTS = {"csv": csv_parts, "xlsx": xlsx_parts}
