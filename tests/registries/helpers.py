"""Small registries written for the tests: CSV and .xlsx files of certificate holders and of
the 低保/低收入/特困 rolls."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from portal.cli.demo_content import make_id_number

CERTIFICATE_HEADINGS = ["身份证号码", "姓名", "残疾类别", "残疾等级", "有效期至", "地址",
                        "街道", "联系电话"]
HOUSEHOLD_HEADINGS = ["身份证号码", "姓名", "救助类别", "街道", "联系电话"]


def id_number(born: date = date(1980, 5, 1), sequence: int = 11) -> str:
    return make_id_number("610118", born, sequence)


def write_csv(path: Path, headings: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(headings)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, headings: list[str], rows: list[list]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def certificate_row(number: str, name: str = "张建国", category: str = "肢体", grade: str = "一级",
                    valid: str = "2030-06-30", street: str = "甘亭街道",
                    phone: str = "13912345678") -> list[str]:
    return [number, name, category, grade, valid, "甘亭街道某村1号", street, phone]
