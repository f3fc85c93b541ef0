"""The rule vocabulary: compile a condition's ``rule`` (data) into a function, in three-valued logic.

A rule is one of these (all written in YAML in the programme files)::

    {fact: age, between: [16, 59]}       # whole numbers, both ends included
    {fact: age, min: 16}                  # at least
    {fact: disability_grade, max: 2}      # at most
    {fact: has_certificate, is: true}     # equal to
    {fact: hukou, in: [huyi, xian]}       # one of
    {fact: household, not_in: [tekun]}    # none of
    {all: [rule, rule, ...]}              # every one holds
    {any: [rule, rule, ...]}              # at least one holds
    {not: rule}
    {param: extension_grade_3_4}          # a dated yes/no parameter of the programme
    {assessment: 需经定点康复机构评估}      # something only an assessment can settle
    {weak: rule}                          # this part rests on a weak source: it can fail, or
                                          # leave the whole unknown, but never make it hold

Each rule answers ``True``, ``False`` or ``None`` (unknown) – Kleene's three-valued logic:
a fact that is not given is unknown, ``all`` is false as soon as one part is false, ``any`` is
true as soon as one part is true, and otherwise an unknown part makes the whole unknown. An
``assessment`` is always unknown, and so is a parameter whose value is ``null`` (not yet known);
a ``weak`` part that holds is unknown too (a weak source can give "maybe", never "eligible").
So a rule never answers ``False`` just because a fact is missing.

Alongside the answer, a compiled rule returns the facts whose absence left it unknown (the facts
that would settle it).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from portal.eligibility.facts import FACTS, FactError

Answer = tuple[bool | None, frozenset[str]]
Run = Callable[[Mapping[str, Any], Mapping[str, bool | None]], Answer]

_NOTHING: frozenset[str] = frozenset()
_TESTS = ("is", "in", "not_in", "min", "max", "between")
_NUMERIC_TESTS = ("min", "max", "between")


class RuleError(ValueError):
    """A rule is malformed; ``.where`` is the path to the faulty part, e.g. ``rule.any[1].fact``."""

    def __init__(self, where: str, message: str):
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Rule:
    """A compiled rule: ``run(facts, params) -> (answer, missing facts)``.

    ``can_pass``/``can_fail`` say whether some facts could make it true/false at all (an
    assessment can do neither); ``settled_by_facts`` is False when it contains an assessment or
    a parameter, so that it may stay unknown whatever the facts.
    """

    run: Run
    reads: frozenset[str]
    params: frozenset[str]
    can_pass: bool
    can_fail: bool
    settled_by_facts: bool

    def __call__(self, facts: Mapping[str, Any], params: Mapping[str, bool | None]) -> Answer:
        return self.run(facts, params)


def compile_rule(expression: Any, where: str, parameters: Collection[str]) -> Rule:
    """Check ``expression`` against the vocabulary and the fact table and compile it.

    ``parameters`` are the names of the programme's parameters that ``{param: ...}`` may use.
    Raises :class:`RuleError` naming the faulty part.
    """
    reads: set[str] = set()
    params: set[str] = set()
    run = _compile(expression, where, parameters, reads, params)
    can_pass, can_fail, assessed = _reach(expression)
    return Rule(run, frozenset(reads), frozenset(params), can_pass, can_fail, not (assessed or params))


def _reach(node: dict) -> tuple[bool, bool, bool]:
    """(can be true, can be false, contains an assessment) for an already checked rule."""
    if "fact" in node or "param" in node:
        return True, True, False
    if "assessment" in node:
        return False, False, True
    if "weak" in node:
        _, can_fail, _ = _reach(node["weak"])
        return False, can_fail, True
    if "not" in node:
        can_pass, can_fail, assessed = _reach(node["not"])
        return can_fail, can_pass, assessed
    parts = [_reach(part) for part in next(iter(node.values()))]
    assessed = any(part[2] for part in parts)
    if "all" in node:
        return all(p[0] for p in parts), any(p[1] for p in parts), assessed
    return any(p[0] for p in parts), all(p[1] for p in parts), assessed


def _compile(node: Any, where: str, parameters: Collection[str], reads: set, params: set) -> Run:
    if not isinstance(node, dict) or not node:
        raise RuleError(where, f"a rule must be a mapping, not {node!r}")
    if "fact" in node:
        return _compile_test(node, where, reads)
    if len(node) != 1:
        raise RuleError(where, f"expected one of fact/all/any/not/param/assessment/weak, got {sorted(node)}")
    (key, value), = node.items()
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise RuleError(f"{where}.{key}", "must be a non-empty list of rules")
        parts = tuple(
            _compile(part, f"{where}.{key}[{i}]", parameters, reads, params)
            for i, part in enumerate(value)
        )
        return _combine(parts, decisive=(key == "any"))
    if key == "not":
        return _not(_compile(value, f"{where}.not", parameters, reads, params))
    if key == "weak":
        return _weak(_compile(value, f"{where}.weak", parameters, reads, params))
    if key == "param":
        if value not in parameters:
            raise RuleError(f"{where}.param", f"{value!r} is not a parameter of this programme")
        params.add(value)
        return _param(value)
    if key == "assessment":
        if not isinstance(value, str) or not value.strip():
            raise RuleError(f"{where}.assessment", "must say, in words, who assesses what")
        return _assessment
    raise RuleError(where, f"unknown rule {key!r}; expected fact/all/any/not/param/assessment/weak")


def _compile_test(node: dict, where: str, reads: set) -> Run:
    name = node["fact"]
    fact = FACTS.get(name) if isinstance(name, str) else None
    if fact is None:
        raise RuleError(f"{where}.fact", f"{name!r} is not in the fact table")
    tests = [key for key in node if key != "fact"]
    if len(tests) != 1 or tests[0] not in _TESTS:
        raise RuleError(where, f"a fact test needs exactly one of {_TESTS}, got {tests}")
    test, operand = tests[0], node[tests[0]]
    at = f"{where}.{test}"
    if test in _NUMERIC_TESTS and fact.type != "int":
        raise RuleError(at, f"{test!r} needs a number fact; {name!r} is {fact.type}")

    def value(item: Any, place: str) -> Any:
        try:
            return fact.check(item)
        except FactError as error:
            raise RuleError(place, str(error)) from error

    if test == "is":
        expected = value(operand, at)
        check = lambda v: v == expected  # noqa: E731
    elif test in ("in", "not_in"):
        if not isinstance(operand, list) or not operand:
            raise RuleError(at, "must be a non-empty list of values")
        chosen = frozenset(value(item, f"{at}[{i}]") for i, item in enumerate(operand))
        check = (lambda v: v in chosen) if test == "in" else (lambda v: v not in chosen)
    elif test == "min":
        low = value(operand, at)
        check = lambda v: v >= low  # noqa: E731
    elif test == "max":
        high = value(operand, at)
        check = lambda v: v <= high  # noqa: E731
    else:
        if not isinstance(operand, list) or len(operand) != 2:
            raise RuleError(at, "must be a list [lowest, highest]")
        low, high = value(operand[0], f"{at}[0]"), value(operand[1], f"{at}[1]")
        if low > high:
            raise RuleError(at, f"lowest {low} is above highest {high}")
        check = lambda v: low <= v <= high  # noqa: E731
    reads.add(name)
    return _fact_test(name, check)


def _fact_test(name: str, check: Callable[[Any], bool]) -> Run:
    missing = frozenset([name])

    def run(facts, params):
        value = facts.get(name)
        if value is None:
            return None, missing
        return check(value), _NOTHING

    return run


def _combine(parts: tuple[Run, ...], decisive: bool) -> Run:
    """``all`` (decisive answer False) or ``any`` (decisive answer True).

    The decisive answer of any part settles the whole; otherwise the whole is unknown if a part
    is, carrying the facts that part misses; otherwise it is the other answer.
    """

    def run(facts, params):
        missing = _NOTHING
        unknown = False
        for part in parts:
            answer, gaps = part(facts, params)
            if answer is decisive:
                return decisive, _NOTHING
            if answer is None:
                unknown = True
                missing = missing | gaps
        return (None, missing) if unknown else (not decisive, _NOTHING)

    return run


def _not(part: Run) -> Run:
    def run(facts, params):
        answer, gaps = part(facts, params)
        return (None, gaps) if answer is None else (not answer, _NOTHING)

    return run


def _weak(part: Run) -> Run:
    def run(facts, params):
        answer, gaps = part(facts, params)
        return (None, gaps) if answer is not False else (False, _NOTHING)

    return run


def _param(name: str) -> Run:
    def run(facts, params):
        return params.get(name), _NOTHING

    return run


def _assessment(facts, params) -> Answer:
    return None, _NOTHING
