"""The self-check's question flow: which question comes next, and which are skipped.

The questions are data, in ``questions.yaml`` (read once, at import, and checked against the
fact table). Each answer is kept as a short *token* – the same text in the session and in the
results link (see ``answer_link.py``):

- a choice: the fact's value (``huyi``, ``physical``), ``y``/``n`` for yes/no, the number for
  a numbered choice (grade ``2``), and ``u`` for 不清楚 (the fact stays unknown);
- a number: its digits (``45``);
- several yes/no facts on one page (checkboxes): the codes chosen, joined by ``~``
  (``care~rehab``), or ``none``.

An answer never speaks for another fact, except through ``implications.yaml`` – the one
reviewed place where an answer settles another fact (``if`` earlier answers say this, ``then``
that fact is known), each backed by a declared contradiction
(``portal/eligibility/contradictions.yaml``): the implied value is the only one possible. An
answer that contradicts earlier ones is not taken (:func:`conflict` says why, politely).

:func:`walk` goes through the questions in order with the answers given so far. A question is
skipped when its ``when`` does not hold, when an earlier answer already settled its facts
(``implications.yaml``), or when no answer to it could change anything for a programme the person may
still qualify for – tried with :func:`portal.eligibility.evaluate` on the answers so far plus
each possible answer. Skipped questions' answers are kept in the session (the person may go back
and change an earlier answer) but are not used.
"""
from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.eligibility import FACTS, INELIGIBLE, Text, evaluate
from portal.eligibility.consistency import CONTRADICTIONS, Contradiction, contradiction
from portal.eligibility.loader import YamlFileError, read_yaml
from portal.eligibility.text import text_from

QUESTIONS_FILE = Path(__file__).resolve().parent / "questions.yaml"
IMPLICATIONS_FILE = Path(__file__).resolve().parent / "implications.yaml"

UNKNOWN = "u"          # the token for 不清楚
NONE_CHOSEN = "none"   # the token for "none of these" on a checkbox page
CODE_SEPARATOR = "~"   # between the codes chosen on a checkbox page
BOOLEAN_TOKENS = {True: "y", False: "n"}
_TOKEN = re.compile(r"^[a-z0-9_]+$")
# Words the routes use next to question ids in /check/<id>.
RESERVED_IDS = frozenset({"start", "results", "resume", "answers"})

CHOICE, NUMBER, CHECKBOXES = "choice", "number", "checkboxes"


class AnswerError(ValueError):
    """An answer token this question cannot take."""


@dataclass(frozen=True)
class Option:
    """One answer a choice or checkbox question offers: its token and the facts it gives."""

    token: str
    label: Text
    facts: Mapping[str, Any]
    hint: Text | None = None


@dataclass(frozen=True, eq=False)
class Question:
    """One page of the self-check (compared and hashed by identity)."""

    id: str
    kind: str                       # CHOICE, NUMBER or CHECKBOXES
    facts: tuple[str, ...]          # the facts it answers (one, except on checkbox pages)
    text: Text                      # the question: the page's <h1>
    hint: Text | None
    error: Text                     # said when the page is sent without an answer
    errors: Mapping[str, Text]      # other errors (for numbers: not_a_number, out_of_range)
    options: tuple[Option, ...]     # choices and checkboxes; the 不清楚 option last
    none_label: Text | None         # checkboxes: the "none of these" answer
    when: Mapping[str, Any]         # fact -> allowed values (tuple) or {"min":, "max":}
    unit: Text | None = None        # a number's unit, e.g. 周岁

    @property
    def fact(self) -> str:
        return self.facts[0]

    def applies(self, facts: Mapping[str, Any]) -> bool | None:
        """Whether ``when`` holds on the facts known so far: True, False, or None when it
        depends on a fact that is not known (the question is then not asked either)."""
        return _holds(self.when, facts)

    # -- tokens ---------------------------------------------------------------------------

    def check(self, token: str) -> str:
        """Return ``token`` if it is an answer to this question, else raise :class:`AnswerError`."""
        if not isinstance(token, str) or not _TOKEN.fullmatch(token.replace(CODE_SEPARATOR, "_")):
            raise AnswerError(f"{self.id}: {token!r} is not an answer")
        if self.kind == NUMBER:
            fact = FACTS[self.fact]
            if not token.isdigit() or (len(token) > 1 and token[0] == "0") or len(token) > 3:
                raise AnswerError(f"{self.id}: {token!r} is not a whole number")
            if not fact.minimum <= int(token) <= fact.maximum:
                raise AnswerError(f"{self.id}: {token} is out of range")
            return token
        if self.kind == CHECKBOXES:
            if token == NONE_CHOSEN:
                return token
            codes = token.split(CODE_SEPARATOR)
            known = [option.token for option in self.options]
            if not all(code in known for code in codes) or codes != sorted(set(codes), key=known.index):
                raise AnswerError(f"{self.id}: {token!r} is not a list of its options in order")
            return token
        if token not in {option.token for option in self.options}:
            raise AnswerError(f"{self.id}: {token!r} is not one of its answers")
        return token

    def facts_for(self, token: str) -> dict[str, Any]:
        """The facts an answer gives (with those it implies); 不清楚 gives none."""
        self.check(token)
        if self.kind == NUMBER:
            return {self.fact: int(token)}
        if self.kind == CHECKBOXES:
            chosen = set() if token == NONE_CHOSEN else set(token.split(CODE_SEPARATOR))
            return {next(iter(option.facts)): option.token in chosen for option in self.options}
        option = next(option for option in self.options if option.token == token)
        return dict(option.facts)

    def labels_for(self, token: str) -> list[Text]:
        """The answer in words, for the list of answers (several on a checkbox page)."""
        self.check(token)
        if self.kind == NUMBER:
            if self.unit is None:
                return [Text(token, token)]
            return [Text(f"{token}{self.unit.zh}", f"{token} {self.unit.en}")]
        if self.kind == CHECKBOXES and token != NONE_CHOSEN:
            chosen = token.split(CODE_SEPARATOR)
            return [option.label for option in self.options if option.token in chosen]
        if self.kind == CHECKBOXES:
            return [self.none_label]
        return [next(option.label for option in self.options if option.token == token)]

    def trials(self) -> list[dict[str, Any]]:
        """Facts to try when asking whether this question matters: one set per possible answer.

        Checkbox pages are tried one fact at a time (each yes and no), which is enough to see
        whether any of their facts matters.
        """
        if self.kind == CHECKBOXES:
            return [{fact: value} for fact in self.facts for value in (True, False)]
        if self.kind == NUMBER:
            fact = FACTS[self.fact]
            return [self.facts_for(str(value)) for value in range(fact.minimum, fact.maximum + 1)]
        return [self.facts_for(option.token) for option in self.options if option.token != UNKNOWN]

    def token_from_form(self, data: Any) -> str:
        """The token for what the question's form received (already validated by the form)."""
        if self.kind == CHECKBOXES:
            chosen = list(data or [])
            if not chosen or chosen == [NONE_CHOSEN]:
                return NONE_CHOSEN
            return self.check(CODE_SEPARATOR.join(o.token for o in self.options if o.token in chosen))
        if self.kind == NUMBER:
            return self.check(str(parse_number(data)))
        return self.check(data)

    def form_data(self, token: str | None) -> Any:
        """What to put back in the form for a token already given (``None``: nothing yet)."""
        if token is None:
            return None
        if self.kind == CHECKBOXES:
            return [NONE_CHOSEN] if token == NONE_CHOSEN else token.split(CODE_SEPARATOR)
        return token


def parse_number(text: Any) -> int:
    """A whole number as people type it: full-width digits and a trailing 岁/周岁 are fine.

    Raises ``ValueError`` for anything else (the form says so in words).
    """
    if text is None:
        raise ValueError("empty")
    cleaned = unicodedata.normalize("NFKC", str(text)).strip()
    for suffix in ("周岁", "岁"):
        cleaned = cleaned.removesuffix(suffix).strip()
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > 3:
        raise ValueError(f"not a whole number: {text!r}")
    return int(cleaned)


# -- reading questions.yaml -------------------------------------------------------------------

def _text(node, where: str) -> Text:
    try:
        return text_from(node)
    except ValueError as error:
        raise YamlFileError(QUESTIONS_FILE, where, str(error)) from error


def _options(node: dict, fact_name: str, where: str) -> tuple[Option, ...]:
    fact = FACTS[fact_name]
    values = node.get("values", list(fact.value_labels))
    options = []
    for value in values:
        if value not in fact.value_labels:
            raise YamlFileError(QUESTIONS_FILE, f"{where}.values", f"{value!r} is not a value of {fact_name}")
        token = BOOLEAN_TOKENS[value] if fact.type == "bool" else str(value)
        options.append(Option(token, fact.value_labels[value], {fact_name: value}))
    if node.get("unknown"):
        options.append(Option(UNKNOWN, UNKNOWN_LABEL, {}))
    return tuple(options)


UNKNOWN_LABEL = Text("不清楚", "I don't know")


def _read_question(node: Any, index: int, asked: dict[str, str]) -> Question:
    where = f"questions[{index}]"
    allowed = {"id", "fact", "facts", "text", "hint", "error", "errors", "unknown", "values",
               "when", "none", "option_hints", "unit"}
    if not isinstance(node, dict):
        raise YamlFileError(QUESTIONS_FILE, where, "must be a mapping")
    if moved := {"implies", "otherwise"} & set(node):
        raise YamlFileError(QUESTIONS_FILE, where, f"{sorted(moved)}: an answer that settles another "
                            "fact belongs in implications.yaml (the one reviewed place)")
    if extra := set(node) - allowed:
        raise YamlFileError(QUESTIONS_FILE, where, f"unknown field(s) {sorted(extra)}")
    qid = node.get("id")
    if not isinstance(qid, str) or not re.fullmatch(r"[a-z][a-z_]*", qid) or qid in RESERVED_IDS:
        raise YamlFileError(QUESTIONS_FILE, f"{where}.id", "must be lower-case letters and _ (not a reserved word)")
    where = f"{where} ({qid})"
    if ("fact" in node) == ("facts" in node):
        raise YamlFileError(QUESTIONS_FILE, where, "needs exactly one of 'fact' or 'facts'")

    option_hints = node.get("option_hints") or {}
    if "facts" in node:
        kind = CHECKBOXES
        boxes = node["facts"]
        if not isinstance(boxes, dict) or len(boxes) < 2 or "none" not in node:
            raise YamlFileError(QUESTIONS_FILE, where, "a checkbox page needs 'facts' {fact: code} (two or more) and 'none'")
        options = []
        for name, code in boxes.items():
            fact = FACTS.get(name)
            if fact is None or fact.type != "bool":
                raise YamlFileError(QUESTIONS_FILE, f"{where}.facts", f"{name!r} is not a yes/no fact")
            if not isinstance(code, str) or not re.fullmatch(r"[a-z]+", code) or code == NONE_CHOSEN:
                raise YamlFileError(QUESTIONS_FILE, f"{where}.facts", f"the code of {name} must be lower-case letters")
            hint = _text(option_hints[name], f"{where}.option_hints.{name}") if name in option_hints else None
            options.append(Option(code, fact.label, {name: True}, hint))
        facts = tuple(boxes)
        options = tuple(options)
        none_label = _text(node["none"], f"{where}.none")
    else:
        name = node["fact"]
        if name not in FACTS:
            raise YamlFileError(QUESTIONS_FILE, f"{where}.fact", f"{name!r} is not in the fact table")
        facts = (name,)
        none_label = None
        if FACTS[name].type == "int" and not FACTS[name].value_labels:
            kind, options = NUMBER, ()
        else:
            kind, options = CHOICE, _options(node, name, where)
        if option_hints:
            raise YamlFileError(QUESTIONS_FILE, f"{where}.option_hints", "only checkbox pages have option hints")
    for name in facts:
        if name in asked:
            raise YamlFileError(QUESTIONS_FILE, where, f"{name!r} is already asked by {asked[name]!r}")
        asked[name] = qid

    for name in node.get("when") or {}:
        if name not in asked or asked[name] == qid:
            raise YamlFileError(QUESTIONS_FILE, f"{where}.when", f"{name!r} must be asked by an earlier question")
    when = _condition(node.get("when") or {}, QUESTIONS_FILE, f"{where}.when")

    errors = {key: _text(value, f"{where}.errors.{key}") for key, value in (node.get("errors") or {}).items()}
    if kind == NUMBER and set(errors) != {"not_a_number", "out_of_range"}:
        raise YamlFileError(QUESTIONS_FILE, f"{where}.errors", "a number question needs not_a_number and out_of_range")
    return Question(
        id=qid, kind=kind, facts=facts,
        text=_text(node.get("text"), f"{where}.text"),
        hint=_text(node["hint"], f"{where}.hint") if "hint" in node else None,
        error=_text(node.get("error"), f"{where}.error"),
        errors=errors, options=options, none_label=none_label, when=when,
        unit=_text(node["unit"], f"{where}.unit") if "unit" in node else None,
    )


def _read_questions() -> tuple[Question, ...]:
    data = read_yaml(QUESTIONS_FILE)
    asked: dict[str, str] = {}
    questions = tuple(_read_question(node, i, asked) for i, node in enumerate(data.get("questions") or []))
    ids = [q.id for q in questions]
    if len(set(ids)) != len(ids):
        raise YamlFileError(QUESTIONS_FILE, "questions", "an id appears twice")
    return questions


def _condition(node: Any, path: Path, where: str) -> dict[str, Any]:
    """A ``when``/``if`` condition: {fact: [values]} or {number fact: {min:, max:}}."""
    if not isinstance(node, dict):
        raise YamlFileError(path, where, "must be a mapping of facts")
    condition = {}
    for name, allowed_values in node.items():
        if name not in FACTS:
            raise YamlFileError(path, f"{where}.{name}", "is not in the fact table")
        if isinstance(allowed_values, dict):
            if set(allowed_values) - {"min", "max"} or FACTS[name].type != "int":
                raise YamlFileError(path, f"{where}.{name}", "a range is {min:, max:} on a number")
            condition[name] = dict(allowed_values)
        else:
            try:
                condition[name] = tuple(FACTS[name].check(v) for v in allowed_values)
            except (TypeError, ValueError) as error:
                raise YamlFileError(path, f"{where}.{name}", str(error)) from error
    return condition


def _holds(condition: Mapping[str, Any], facts: Mapping[str, Any]) -> bool | None:
    """True, False, or None when it depends on a fact not known."""
    answer: bool | None = True
    for name, allowed in condition.items():
        value = facts.get(name)
        if value is None:
            answer = None
        elif isinstance(allowed, Mapping):
            if not allowed.get("min", value) <= value <= allowed.get("max", value):
                return False
        elif value not in allowed:
            return False
    return answer


#: Every question, in the order they are asked.
QUESTIONS: tuple[Question, ...] = _read_questions()
BY_ID: Mapping[str, Question] = {q.id: q for q in QUESTIONS}


# -- implications.yaml ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Implication:
    """``if`` the answers so far say this, ``then`` these facts are known without asking."""

    id: str
    condition: Mapping[str, Any]
    then: Mapping[str, Any]
    because: Text
    backed_by: Contradiction

    def applies(self, facts: Mapping[str, Any]) -> bool:
        return _holds(self.condition, facts) is True


def _read_implications() -> tuple[Implication, ...]:
    data = read_yaml(IMPLICATIONS_FILE)
    asked = {fact for q in QUESTIONS for fact in q.facts}
    by_id = {c.id: c for c in CONTRADICTIONS}
    found = []
    for i, node in enumerate(data.get("implications") or []):
        where = f"implications[{i}]"
        if not isinstance(node, dict) or set(node) != {"id", "if", "then", "because", "backed_by"}:
            raise YamlFileError(IMPLICATIONS_FILE, where, "needs exactly id, if, then, because and backed_by")
        condition = _condition(node["if"], IMPLICATIONS_FILE, f"{where}.if")
        then = node["then"]
        if not isinstance(then, dict) or len(then) != 1:
            raise YamlFileError(IMPLICATIONS_FILE, f"{where}.then", "must settle exactly one fact")
        (name, value), = then.items()
        if name not in asked:
            raise YamlFileError(IMPLICATIONS_FILE, f"{where}.then", f"{name!r} is not asked by any question")
        try:
            then = {name: FACTS[name].check(value)}
            because = text_from(node["because"])
        except ValueError as error:
            raise YamlFileError(IMPLICATIONS_FILE, where, str(error)) from error
        backing = by_id.get(node["backed_by"])
        if backing is None or name not in backing.facts:
            raise YamlFileError(IMPLICATIONS_FILE, f"{where}.backed_by",
                                f"must name a contradiction of contradictions.yaml about {name!r}")
        found.append(Implication(node["id"], condition, then, because, backing))
    return tuple(found)


#: Every implied answer, in file order.
IMPLICATIONS: tuple[Implication, ...] = _read_implications()


def _implied(facts: dict[str, Any]) -> None:
    """Add, in place, the facts the answers so far imply."""
    for implication in IMPLICATIONS:
        (name, value), = implication.then.items()
        if name not in facts and implication.applies(facts):
            facts[name] = value


def conflict(question: Question, token: str, facts: Mapping[str, Any]) -> Contradiction | None:
    """The contradiction an answer would make with the answers so far (``None``: it fits)."""
    return contradiction({**facts, **question.facts_for(token)})


# -- the walk -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Walk:
    """Where a set of answers has got to.

    ``answered``: the questions on the path that have an answer, in order, with their tokens;
    ``facts``: what those answers say; ``next``: the first question still to answer (``None``
    when the self-check is complete).
    """

    answered: tuple[tuple[Question, str], ...]
    facts: Mapping[str, Any]
    next: Question | None

    @property
    def complete(self) -> bool:
        return self.next is None

    @property
    def tokens(self) -> dict[str, str]:
        return {question.id: token for question, token in self.answered}

    def facts_before(self, question: Question) -> dict[str, Any]:
        """What the answers given before ``question`` on this path say (with what they imply)."""
        facts: dict[str, Any] = {}
        for asked, token in self.answered:
            if asked is question:
                break
            for name, value in asked.facts_for(token).items():
                facts.setdefault(name, value)
        _implied(facts)
        return facts

    def previous(self, question: Question | None) -> Question | None:
        """The question asked before ``question`` on this path (``None``: it is the first);
        before the results when ``question`` is ``None``."""
        earlier = None
        for asked, _ in self.answered:
            if asked is question:
                return earlier
            earlier = asked
        return earlier


def walk(answers: Mapping[str, str], on: datetime.date | None = None) -> Walk:
    """Follow the questions with ``answers`` ({question id: token}) and stop at the first one
    that still needs an answer. Answers must already be valid tokens (see ``Question.check``)."""
    on = on or datetime.date.today()
    facts: dict[str, Any] = {}
    answered = []
    for question in QUESTIONS:
        _implied(facts)
        if not asks(question, facts, on):
            continue
        token = answers.get(question.id)
        if token is None or conflict(question, token, facts) is not None:
            return Walk(tuple(answered), facts, question)  # (again, when it contradicts)
        for name, value in question.facts_for(token).items():
            facts.setdefault(name, value)
        answered.append((question, token))
    _implied(facts)
    return Walk(tuple(answered), facts, None)


def asks(question: Question, facts: Mapping[str, Any], on: datetime.date) -> bool:
    """Whether ``question`` is asked after answers that gave ``facts``."""
    if not question.applies(facts):  # False, or None: depends on something not known
        return False
    if all(name in facts for name in question.facts):
        return False  # an earlier answer already said (``implies``)
    return _matters(question.id, _frozen(facts), on)


def _frozen(facts: Mapping[str, Any]) -> frozenset:
    return frozenset(facts.items())


@functools.lru_cache(maxsize=4096)
def _outcomes(facts: frozenset, on: datetime.date):
    return evaluate(dict(facts), on=on)


@functools.lru_cache(maxsize=4096)
def _matters(question_id: str, facts: frozenset, on: datetime.date) -> bool:
    """Could some answer change a condition of a programme not already ruled out?"""
    question = BY_ID[question_id]
    now = _outcomes(facts, on)
    still_open = [i for i, outcome in enumerate(now) if outcome.result != INELIGIBLE]
    known = dict(facts)
    for trial in question.trials():
        if contradiction({**trial, **known}) is not None:
            continue  # an answer that cannot be given after these
        tried = _outcomes(_frozen({**trial, **known}), on)
        if any(tried[i].checks != now[i].checks for i in still_open):
            return True
    return False
