"""Eligibility rules for the 鄠邑区残疾人服务网上办事平台, as data, with a small evaluator.

Pure Python: imports neither Flask nor any database, so the self-check, the application journey,
the staff console, tests and outside auditors all call the same rules. The contract is
``docs/eligibility.md``.

Evaluating::

    from portal.eligibility import evaluate, programmes

    outcomes = evaluate({"age": 40, "hukou": "huyi", "disability_grade": 1}, on=date(2026, 11, 28))
    for o in outcomes:           # one per programme in programmes(), in catalogue order
        o.programme              # code, e.g. "nursing_allowance"
        o.result                 # "eligible" | "maybe" | "ineligible"
        o.reasons                # list of (text, citation, passed); passed is True/False/None
        o.missing                # fact names that would settle a "maybe"
        o.checks                 # condition id -> True/False/None, in the order of reasons

``evaluate(facts, on=None)``
    ``facts`` is partial (absent or ``None`` = unknown). An unknown fact name or a value a fact
    cannot take raises ``ValueError`` (a :class:`FactError`, with ``.fact``) naming the fact;
    two facts that contradict each other (``contradictions.yaml``: employed and an unemployed
    recent graduate, 70 and in primary school ...) raise a :class:`FactError` naming both
    (``.facts``). ``on`` is a ``datetime.date`` (default today); it picks the conditions and
    parameters in force that day. A condition resting on a weak source never holds ("maybe" at
    most). ``parent_disabled_household`` is a documented addition to the contract's facts
    (``parent_disabled_in_dibao: true`` is read as its ``dibao``).

Texts: every human-readable value (reason texts, citations, names, labels ...) is a
:class:`Text` – a ``str`` whose value is the Chinese, carrying the English: ``str(t)`` or
``t.zh`` for Chinese, ``t.en`` or ``t.in_locale("en")`` for English.

What the web app needs besides ``evaluate``:

``programmes() -> tuple[Programme, ...]``
    All programmes in catalogue order (the order of the outcomes).
``programme(code) -> Programme``
    Look one up by code; ``KeyError`` if there is none. A :class:`Programme` has ``code``,
    ``group`` (a key of ``GROUPS``), ``name``, ``summary``, ``online`` (False: refer to the
    office), ``plan_clauses``, ``references``, ``conditions`` (every version; each with ``id``,
    ``text``, ``fail`` (``None`` for a condition that cannot fail), ``unknown`` (said while it
    cannot be settled), ``citation``, ``reads``, ``easy_read``, ``confidence``, ``since``/``until``),
    ``conditions_on(date)`` (those in force that day), ``parameters``, ``amounts``, ``documents``
    (each a :class:`Document`: ``kind``, a stable code such as ``id_card`` or ``bank_card``, the
    same for the same document in every programme; ``label``; ``online_form``, True for the
    application form filled in on the portal; look one up with ``document(kind)``),
    ``pays_into_account`` (pays money into the applicant's account: the application asks for
    one), ``office``
    (``name``, ``address``, ``phone``, ``hours``, ``note``; address and hours are ``None`` where
    not confirmed – show the note), ``steps``, ``time_limit`` (``working_days`` or ``None``, and
    ``note``) and ``easy_read`` (very short sentences, 易读).
``Programme.amounts_on(on=None) -> list[AmountInForce]``
    The amounts in force on a date: ``label``, ``value`` (``None`` where not known – show the
    ``note``, which says 以区民政局/区残联最新公布为准), ``unit``, ``since``, ``source``,
    ``confidence``.
``Programme.rates -> Rates | None``
    A programme that pays monthly cash: ``bands`` (each ``id`` – an ``amounts`` id – and dated
    ``values``: ``since`` (first of a month), ``amount_fen`` (int, or ``None``: not known),
    ``source``, ``confidence``, ``note``; ``band.on(month)`` gives the one in force) and
    ``higher_of`` (similar allowances of which the higher is paid, 择高). ``None`` otherwise.
``Programme.parameters_on(on=None) -> dict[str, bool | None]``
    The local choices in force on a date (e.g. the nursing allowance's extension).
``GROUPS: Mapping[str, Group]``
    The catalogue groups in display order (``living``, ``devices``, ``employment``, ``rehab``,
    ``education``, ``other``), each with ``code`` and ``name``.
``FACTS: Mapping[str, Fact]``
    The fact table in contract order; each :class:`Fact` has ``name``, ``type`` ("int", "bool",
    "choice"), ``label``, ``values`` (every allowed value), ``value_labels`` (value -> label),
    and ``minimum``/``maximum`` for numbers. ``validate_facts(facts)`` checks facts on their own.

Data: ``facts.yaml`` (the fact table), ``catalogue.yaml`` (groups and order),
``programmes/<code>.yaml`` (one per programme; the schema is described in ``schema.py`` and
checked by :func:`validate_programme_file`), ``cases/<code>.yaml`` (test cases, run by
``python -m portal.eligibility.casefile``). ``README.md`` explains the files to policy reviewers. Files are read once, on first use. ``python -m bench.eligibility``
prints the time per ``evaluate`` call.
"""

from portal.eligibility.catalogue import GROUPS, programme, programmes
from portal.eligibility.engine import (
    ELIGIBLE,
    INELIGIBLE,
    MAYBE,
    Outcome,
    Reason,
    evaluate,
)
from portal.eligibility.facts import FACTS, Fact, FactError, validate_facts
from portal.eligibility.model import AmountInForce, Document, Group, Programme
from portal.eligibility.schema import ProgrammeFileError, validate_programme_file
from portal.eligibility.text import Text

__all__ = [
    "ELIGIBLE", "FACTS", "GROUPS", "INELIGIBLE", "MAYBE",
    "AmountInForce", "Document", "Fact", "FactError", "Group", "Outcome", "Programme", "ProgrammeFileError",
    "Reason", "Text",
    "evaluate", "programme", "programmes", "validate_facts", "validate_programme_file",
]
