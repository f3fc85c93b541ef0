"""The programme file schema: read one ``programmes/<code>.yaml``, check every field, build a Programme.

Any fault raises :class:`ProgrammeFileError` (a ``ValueError``) naming the file and the field,
e.g. ``nursing_allowance.yaml: conditions[2].rule.any[1].fact: 'grade' is not in the fact table``.

Top-level fields (all required unless marked optional)::

    code          the file name without .yaml
    group         a group code from catalogue.yaml
    name, summary {zh, en}
    online        true / false
    plan_clauses  list of {zh, en} – the clauses of 《规划》 the programme rests on
    references    optional list of {citation: {zh, en}, title: {zh, en} (optional), confidence}
    parameters    optional mapping name -> {label, values: [dated yes/no/null entries]}
    conditions    list of {id, text, fail, unknown, citation, reads, rule, easy_read, confidence
                  (optional), from/until (optional)}: ``fail`` is required when the rule can
                  fail, ``unknown`` when it has an assessment, a parameter or a weak part;
                  ``easy_read`` is the condition in very short words (the easy-read page's
                  "who can apply" is made of them). ``from``/``until`` are the first and last
                  day it is in force; two conditions may share an id (versions of one rule)
                  when their periods do not overlap. ``confidence`` (default confirmed) is
                  required – and must be weak, or the rule must mark its weak part
                  ``{weak: ...}``, or it must say which stronger source carries it – when the
                  citation names a reference marked weak (see ``_check_weak_sources``).
    amounts       list of {id, label, unit, values: [dated entries]} (may be empty)
    documents     list of {kind, label: {zh, en}, and exactly one of upload: true /
                  online_form: true}. ``kind`` is a stable lower-case code (id_card, hukou,
                  bank_card, application_form ...), the same for the same document in every
                  programme and used once per programme: uploads are stored under it, so the
                  label can be reworded freely. ``online_form: true`` is the application form
                  filled in on the portal (only in an ``online`` programme); ``upload: true``
                  a document the applicant uploads. Nothing is read from the label's words.
    pays_into_account  optional, true / false (default false): the programme pays money into
                  the applicant's account, so the online application asks for a bank card or
                  社保卡 (its payment section)
    rates         optional, only with ``pays_into_account: true``: a programme that pays monthly
                  cash, as the payment roll pays it (portal.benefits). ``{higher_of: [programme
                  codes], bands: [{id, values: [rate entries]}]}``. A band's id is the id of an
                  ``amounts`` entry (that shows it). A rate entry is ``{from: the first day of a
                  month, amount, source: {zh, en}, confidence, note (optional)}``: ``amount`` is
                  yuan a month as an integer or a quoted decimal with at most two places
                  ("82.50") – never a bare decimal number (a float) – or null (not known: the note
                  says 以区民政局/区残联最新公布为准). Entries are in month order, and each must
                  say what the ``amounts`` entry says in force on its date (one fact, two uses).
                  ``higher_of`` names similar allowances of which only the higher is paid (择高).
    office        {name, address (or null), phone, hours (or null), note}
    steps         list of {zh, en}
    time_limit    {working_days (or null), note}
    easy_read     list of {zh, en} – very short sentences

A dated entry is ``{from: date (optional on the first entry only), value, source: {zh, en},
confidence: confirmed|plan|weak|unknown, note: {zh, en}}``; entries are in date order. An amount
whose value is not known is ``value: null`` with a note that says 以区民政局/区残联最新公布为准.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection
from pathlib import Path
from typing import Any

from portal.eligibility.facts import FACTS
from portal.eligibility.groups import GROUPS
from portal.eligibility.loader import YamlFileError, read_yaml
from portal.eligibility.model import (
    CONFIDENCE,
    WEAK_CONFIDENCE,
    Amount,
    Condition,
    DatedValue,
    Document,
    Office,
    Parameter,
    Programme,
    RateBand,
    Rates,
    RateValue,
    Reference,
    TimeLimit,
)
from portal.eligibility.rules import RuleError, compile_rule
from portal.eligibility.text import Text, text_from

UNKNOWN_AMOUNT_NOTE = "以区民政局/区残联最新公布为准"
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")

_TOP = {
    "code": True, "group": True, "name": True, "summary": True, "online": True,
    "plan_clauses": True, "references": False, "parameters": False, "conditions": True,
    "amounts": True, "documents": True, "office": True, "steps": True, "time_limit": True,
    "easy_read": True, "pays_into_account": False, "rates": False, "text_name": False,
}


class ProgrammeFileError(YamlFileError):
    """A programme file breaks the schema; ``.path`` and ``.field`` say where."""


class _File:
    """Field readers that know which file they read, so every error names file and field."""

    def __init__(self, path: Path):
        self.path = path

    def fail(self, field: str, message: str) -> ProgrammeFileError:
        return ProgrammeFileError(self.path, field, message)

    def mapping(self, node: Any, field: str, fields: dict[str, bool]) -> dict:
        """``node`` as a mapping with only the given fields (name -> required)."""
        if not isinstance(node, dict):
            raise self.fail(field, "must be a mapping")
        if extra := sorted(map(str, set(node) - set(fields))):
            raise self.fail(field, f"unknown field(s) {extra}")
        for name, required in fields.items():
            if required and name not in node:
                raise self.fail(f"{field}.{name}" if field else name, "is required")
        return node

    def list(self, node: Any, field: str, *, empty_ok: bool = False) -> list:
        if not isinstance(node, list) or (not node and not empty_ok):
            raise self.fail(field, "must be a list" + ("" if empty_ok else " with at least one item"))
        return node

    def text(self, node: Any, field: str) -> Text:
        try:
            return text_from(node)
        except ValueError as error:
            raise self.fail(field, str(error)) from error

    def optional_text(self, node: Any, field: str) -> Text | None:
        return None if node is None else self.text(node, field)

    def texts(self, node: Any, field: str) -> tuple[Text, ...]:
        return tuple(self.text(item, f"{field}[{i}]") for i, item in enumerate(self.list(node, field)))

    def identifier(self, node: Any, field: str) -> str:
        if not isinstance(node, str) or not _IDENTIFIER.match(node):
            raise self.fail(field, f"must be a lower-case identifier like 'grade_1', not {node!r}")
        return node

    def new_identifier(self, node: Any, field: str, seen: set[str]) -> str:
        """An identifier that is not in ``seen`` yet (and is added to it)."""
        ident = self.identifier(node, field)
        if ident in seen:
            raise self.fail(field, f"{ident!r} is used twice")
        seen.add(ident)
        return ident

    def choice(self, node: Any, field: str, allowed: Collection[str]) -> str:
        if node not in allowed:
            raise self.fail(field, f"must be one of {list(allowed)}, not {node!r}")
        return node


def validate_programme_file(path: Path | str, groups: Collection[str] | None = None) -> Programme:
    """Read and check one programme file; return the :class:`Programme` or raise naming file and field.

    ``groups`` are the allowed group codes (by default those of ``catalogue.yaml``).
    """
    if groups is None:
        groups = GROUPS
    path = Path(path)
    file = _File(path)
    try:
        data = read_yaml(path)
    except YamlFileError as error:
        raise ProgrammeFileError(path, None, error.message) from error
    file.mapping(data, "", _TOP)

    code = file.identifier(data["code"], "code")
    if code != path.stem:
        raise file.fail("code", f"{code!r} must match the file name {path.stem!r}")
    for flag in ("online", "pays_into_account"):
        if not isinstance(data.get(flag, False), bool):
            raise file.fail(flag, "must be true or false")

    parameters = _parameters(file, data.get("parameters") or {})
    conditions = _conditions(file, data["conditions"], parameters)
    references = tuple(
        _reference(file, node, f"references[{i}]")
        for i, node in enumerate(file.list(data.get("references") or [], "references", empty_ok=True))
    )
    _check_weak_sources(file, data["conditions"], conditions, references)
    amounts = _amounts(file, data["amounts"])
    return Programme(
        code=code,
        group=file.choice(data["group"], "group", groups),
        name=file.text(data["name"], "name"),
        text_name=file.optional_text(data.get("text_name"), "text_name"),
        summary=file.text(data["summary"], "summary"),
        online=data["online"],
        plan_clauses=file.texts(data["plan_clauses"], "plan_clauses"),
        references=references,
        conditions=conditions,
        parameters=parameters,
        amounts=amounts,
        documents=_documents(file, data["documents"], online=data["online"]),
        office=_office(file, data["office"]),
        steps=file.texts(data["steps"], "steps"),
        time_limit=_time_limit(file, data["time_limit"]),
        easy_read=file.texts(data["easy_read"], "easy_read"),
        path=path,
        pays_into_account=data.get("pays_into_account", False),
        rates=_rates(file, data, amounts),
    )


def _reference(file: _File, node: Any, field: str) -> Reference:
    file.mapping(node, field, {"citation": True, "title": False, "confidence": True})
    return Reference(
        citation=file.text(node["citation"], f"{field}.citation"),
        title=file.optional_text(node.get("title"), f"{field}.title"),
        confidence=file.choice(node["confidence"], f"{field}.confidence", CONFIDENCE),
    )


def _dated(file: _File, node: Any, field: str, kind: str) -> tuple[DatedValue, ...]:
    entries = []
    previous: datetime.date | None = None
    for i, item in enumerate(file.list(node, field)):
        at = f"{field}[{i}]"
        file.mapping(item, at, {"from": False, "value": True, "source": True, "confidence": True, "note": False})
        since = item.get("from")
        if since is None and i > 0:
            raise file.fail(f"{at}.from", "only the first entry may leave out its start date")
        if since is not None:
            if not isinstance(since, datetime.date) or isinstance(since, datetime.datetime):
                raise file.fail(f"{at}.from", f"must be a date like 2021-01-01, not {since!r}")
            if previous is not None and since <= previous:
                raise file.fail(f"{at}.from", "entries must be in date order, each later than the one before")
            previous = since
        value = item["value"]
        note = file.optional_text(item.get("note"), f"{at}.note")
        if kind == "parameter":
            if value is not None and not isinstance(value, bool):
                raise file.fail(f"{at}.value", "a parameter is true, false or null (not yet known)")
        else:
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
                raise file.fail(f"{at}.value", "an amount is a number or null (not known)")
        if value is None and (note is None or (kind == "amount" and UNKNOWN_AMOUNT_NOTE not in note)):
            needed = f"that says {UNKNOWN_AMOUNT_NOTE}" if kind == "amount" else "that explains it"
            raise file.fail(f"{at}.note", f"a null value needs a note {needed}")
        entries.append(
            DatedValue(
                since=since,
                value=value,
                source=file.text(item["source"], f"{at}.source"),
                confidence=file.choice(item["confidence"], f"{at}.confidence", CONFIDENCE),
                note=note,
            )
        )
    return tuple(entries)


def _parameters(file: _File, node: Any) -> dict[str, Parameter]:
    if not isinstance(node, dict):
        raise file.fail("parameters", "must be a mapping of name -> parameter")
    parameters = {}
    for name, item in node.items():
        field = f"parameters.{name}"
        file.identifier(name, field)
        file.mapping(item, field, {"label": True, "values": True})
        parameters[name] = Parameter(
            values=_dated(file, item["values"], f"{field}.values", "parameter"),
            name=name,
            label=file.text(item["label"], f"{field}.label"),
        )
    return parameters


def _conditions(file: _File, node: Any, parameters: dict[str, Parameter]) -> tuple[Condition, ...]:
    conditions = []
    periods: dict[str, list[tuple[datetime.date, datetime.date]]] = {}
    fields = {"id": True, "text": True, "fail": False, "unknown": False, "citation": True, "reads": True,
              "rule": True, "easy_read": True, "confidence": False, "from": False, "until": False}
    for i, item in enumerate(file.list(node, "conditions")):
        at = f"conditions[{i}]"
        if isinstance(item, dict) and "easy_read" not in item and "id" in item:
            raise file.fail(f"{at} ({item['id']}).easy_read",
                            "is required: say the condition in very short words for the easy-read page")
        file.mapping(item, at, fields)
        ident = file.identifier(item["id"], f"{at}.id")
        at = f"conditions[{i}] ({ident})"
        since, until = _day(file, item.get("from"), f"{at}.from"), _day(file, item.get("until"), f"{at}.until")
        if since and until and until < since:
            raise file.fail(f"{at}.until", "is before its 'from' date")
        period = (since or datetime.date.min, until or datetime.date.max)
        for other in periods.get(ident, []):
            if period[0] <= other[1] and other[0] <= period[1]:
                raise file.fail(f"{at}.id", f"{ident!r} is used twice with periods that overlap "
                                "(give each version 'from'/'until' dates that do not)")
        periods.setdefault(ident, []).append(period)
        try:
            rule = compile_rule(item["rule"], "rule", parameters)
        except RuleError as error:
            raise file.fail(f"{at}.{error.where}", error.message) from error
        reads = file.list(item["reads"], f"{at}.reads", empty_ok=True)
        if unknown_facts := [name for name in reads if not isinstance(name, str) or name not in FACTS]:
            raise file.fail(f"{at}.reads", f"{unknown_facts} not in the fact table")
        if set(reads) != rule.reads or len(reads) != len(set(reads)):
            raise file.fail(
                f"{at}.reads", f"must list each fact the rule reads once: {sorted(rule.reads)}"
            )
        text = file.text(item["text"], f"{at}.text")
        unknown = file.optional_text(item.get("unknown"), f"{at}.unknown")
        if not rule.settled_by_facts and unknown is None:
            raise file.fail(f"{at}.unknown", "needed when the rule has an assessment or a parameter: say who decides")
        fail = file.optional_text(item.get("fail"), f"{at}.fail")
        if rule.can_fail and fail is None:
            raise file.fail(f"{at}.fail", "is required: say what it means and what to do instead")
        if not rule.can_fail and fail is not None:
            raise file.fail(f"{at}.fail", "this rule can never fail, so it needs no fail text")
        conditions.append(
            Condition(
                id=ident,
                text=text,
                fail=fail,
                unknown=unknown or text,
                citation=file.text(item["citation"], f"{at}.citation"),
                reads=tuple(reads),
                rule=rule,
                easy_read=file.text(item["easy_read"], f"{at}.easy_read"),
                confidence=file.choice(item.get("confidence", "confirmed"), f"{at}.confidence", CONFIDENCE),
                since=since,
                until=until,
            )
        )
    return tuple(conditions)


def _day(file: _File, value: Any, field: str) -> datetime.date | None:
    if value is not None and (not isinstance(value, datetime.date) or isinstance(value, datetime.datetime)):
        raise file.fail(field, f"must be a date like 2021-01-01, not {value!r}")
    return value


def _check_weak_sources(file: _File, nodes: list, conditions: tuple[Condition, ...],
                        references: tuple[Reference, ...]) -> None:
    """A weak source can give "maybe", never "eligible" – checked for every condition.

    A condition whose citation names a reference marked weak (or unknown) must say how it
    stands: ``confidence: weak`` (the engine never lets it hold), a rule that wraps the part
    resting on the weak source in ``{weak: ...}``, or an explicit stronger ``confidence`` –
    the reviewer's statement that another source cited there carries the whole condition.
    """
    weak = [str(r.citation) for r in references if r.confidence in WEAK_CONFIDENCE]
    for i, (node, condition) in enumerate(zip(nodes, conditions)):
        cited = [name for name in weak if name in condition.citation]
        if cited and "confidence" not in node and not _has_weak_part(node["rule"]):
            raise file.fail(
                f"conditions[{i}] ({condition.id}).confidence",
                f"the citation names {cited}, marked weak: set confidence: weak, mark the weak "
                "part of the rule {weak: ...}, or state the stronger source's confidence")


def _has_weak_part(rule: Any) -> bool:
    if isinstance(rule, dict):
        return "weak" in rule or any(_has_weak_part(v) for v in rule.values())
    if isinstance(rule, list):
        return any(_has_weak_part(v) for v in rule)
    return False


def _amounts(file: _File, node: Any) -> tuple[Amount, ...]:
    amounts = []
    seen: set[str] = set()
    for i, item in enumerate(file.list(node, "amounts", empty_ok=True)):
        at = f"amounts[{i}]"
        file.mapping(item, at, {"id": True, "label": True, "unit": True, "values": True})
        ident = file.new_identifier(item["id"], f"{at}.id", seen)
        amounts.append(
            Amount(
                values=_dated(file, item["values"], f"{at}.values", "amount"),
                id=ident,
                label=file.text(item["label"], f"{at}.label"),
                unit=file.text(item["unit"], f"{at}.unit"),
            )
        )
    return tuple(amounts)


_MONEY = re.compile(r"^\d{1,7}(\.\d{1,2})?$")


def _fen(file: _File, value: Any, field: str) -> int | None:
    """Yuan as written in the file -> integer fen; floats refused (money is never a float)."""
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, float):
        raise file.fail(field, "write money as a whole number of yuan (100) or a quoted "
                               f"decimal ('82.50'), never a bare decimal number: {value!r}")
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise file.fail(field, f"an amount is yuan a month or null, not {value!r}")
    if not _MONEY.match(text):
        raise file.fail(field, f"an amount is yuan with at most two decimal places, not {value!r}")
    yuan, _, cents = text.partition(".")
    return int(yuan) * 100 + int((cents + "00")[:2])


def _rates(file: _File, data: dict, amounts: tuple[Amount, ...]) -> Rates | None:
    node = data.get("rates")
    if node is None:
        return None
    if not data.get("pays_into_account", False):
        raise file.fail("rates", "only a programme that pays into an account "
                                 "(pays_into_account: true) has rates")
    file.mapping(node, "rates", {"bands": True, "higher_of": False})
    higher_of = tuple(
        file.identifier(code, f"rates.higher_of[{i}]")
        for i, code in enumerate(file.list(node.get("higher_of") or [], "rates.higher_of",
                                           empty_ok=True)))
    if data["code"] in higher_of:
        raise file.fail("rates.higher_of", "a programme is not similar to itself")
    shown = {amount.id: amount for amount in amounts}
    bands, seen = [], set()
    for i, item in enumerate(file.list(node["bands"], "rates.bands")):
        at = f"rates.bands[{i}]"
        file.mapping(item, at, {"id": True, "values": True})
        ident = file.new_identifier(item["id"], f"{at}.id", seen)
        if ident not in shown:
            raise file.fail(f"{at}.id", f"{ident!r} is not the id of an entry of 'amounts'")
        values: list[RateValue] = []
        for j, entry in enumerate(file.list(item["values"], f"{at}.values")):
            where = f"{at}.values[{j}]"
            file.mapping(entry, where, {"from": True, "amount": True, "source": True,
                                        "confidence": True, "note": False})
            since = entry["from"]
            if not isinstance(since, datetime.date) or isinstance(since, datetime.datetime) \
                    or since.day != 1:
                raise file.fail(f"{where}.from", "must be the first day of a month like "
                                                 f"2021-01-01, not {since!r}")
            if values and since <= values[-1].since:
                raise file.fail(f"{where}.from", "entries must be in month order, each later "
                                                 "than the one before")
            fen = _fen(file, entry["amount"], f"{where}.amount")
            note = file.optional_text(entry.get("note"), f"{where}.note")
            if fen is None and (note is None or UNKNOWN_AMOUNT_NOTE not in note):
                raise file.fail(f"{where}.note",
                                f"a null amount needs a note that says {UNKNOWN_AMOUNT_NOTE}")
            displayed = shown[ident].on(since)
            displayed_fen = None if displayed is None or displayed.value is None \
                else round(displayed.value * 100)
            if displayed is None or displayed_fen != fen:
                raise file.fail(f"{where}.amount", f"says {entry['amount']!r} from {since}, "
                                f"but amounts '{ident}' says "
                                f"{None if displayed is None else displayed.value!r}")
            values.append(RateValue(
                since=since, amount_fen=fen, note=note,
                source=file.text(entry["source"], f"{where}.source"),
                confidence=file.choice(entry["confidence"], f"{where}.confidence", CONFIDENCE),
            ))
        bands.append(RateBand(id=ident, values=tuple(values)))
    return Rates(bands=tuple(bands), higher_of=higher_of)


def _documents(file: _File, node: Any, *, online: bool) -> tuple[Document, ...]:
    """The documents: each with its stable kind code, its label, and how it is provided – said
    by a flag, never by words in the label."""
    documents = []
    seen: set[str] = set()
    for i, item in enumerate(file.list(node, "documents")):
        at = f"documents[{i}]"
        file.mapping(item, at, {"kind": True, "label": True, "upload": False, "online_form": False})
        kind = file.new_identifier(item["kind"], f"{at}.kind", seen)
        flags = [name for name in ("upload", "online_form") if name in item]
        for name in flags:
            if item[name] is not True:
                raise file.fail(f"{at}.{name}", "must be true (leave it out otherwise)")
        if len(flags) != 1:
            raise file.fail(at, "needs exactly one of 'upload: true' or 'online_form: true'")
        if "online_form" in item and not online:
            raise file.fail(f"{at}.online_form", "only a programme applied for online has an online form")
        documents.append(Document(kind, file.text(item["label"], f"{at}.label"),
                                  online_form="online_form" in item))
    return tuple(documents)


def _office(file: _File, node: Any) -> Office:
    file.mapping(node, "office", {"name": True, "address": True, "phone": True, "hours": True, "note": False})
    phone = node["phone"]
    if not isinstance(phone, str) or not re.fullmatch(r"[0-9][0-9-]{2,}", phone):
        raise file.fail("office.phone", "must be a telephone number written as text, e.g. '12385'")
    office = Office(
        name=file.text(node["name"], "office.name"),
        address=file.optional_text(node["address"], "office.address"),
        phone=phone,
        hours=file.optional_text(node["hours"], "office.hours"),
        note=file.optional_text(node.get("note"), "office.note"),
    )
    if (office.address is None or office.hours is None) and office.note is None:
        raise file.fail("office.note", "needed when address or hours are not given: say who confirms them")
    return office


def _time_limit(file: _File, node: Any) -> TimeLimit:
    file.mapping(node, "time_limit", {"working_days": True, "note": False})
    days = node["working_days"]
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days <= 0):
        raise file.fail("time_limit.working_days", "must be a positive whole number or null (not published)")
    note = file.optional_text(node.get("note"), "time_limit.note")
    if days is None and note is None:
        raise file.fail("time_limit.note", "needed when working_days is null: say it is not published")
    return TimeLimit(working_days=days, note=note)
