"""The programme data model: what a programme file becomes once it has been read and checked."""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.eligibility.rules import Rule
from portal.eligibility.text import Text

CONFIDENCE = ("confirmed", "plan", "weak", "unknown")


def as_date(on: datetime.date | None) -> datetime.date:
    """``on`` as a date (today when ``None``); raises ``ValueError`` for anything else."""
    if on is None:
        return datetime.date.today()
    if isinstance(on, datetime.datetime):
        return on.date()
    if isinstance(on, datetime.date):
        return on
    raise ValueError(f"'on' must be a date, not {on!r}")


@dataclass(frozen=True)
class Group:
    """A catalogue group, e.g. ``living`` – 生活补贴与救助."""

    code: str
    name: Text


@dataclass(frozen=True)
class Reference:
    """A legal or policy reference: document number or plan clause, its title, how sure we are."""

    citation: Text
    title: Text | None
    confidence: str


@dataclass(frozen=True)
class DatedValue:
    """A value in force from ``since`` (``None``: from the start of the record) until the next one.

    ``value`` is ``None`` when it is not known for 鄠邑; ``note`` then says where to find it.
    """

    since: datetime.date | None
    value: Any
    source: Text
    confidence: str
    note: Text | None


@dataclass(frozen=True)
class Dated:
    """A series of :class:`DatedValue` in date order; ``on(date)`` gives the one in force."""

    values: tuple[DatedValue, ...]
    _starts: tuple[datetime.date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        starts = tuple(v.since or datetime.date.min for v in self.values)
        object.__setattr__(self, "_starts", starts)

    def on(self, on: datetime.date | None = None) -> DatedValue | None:
        """The entry in force on ``on`` (today by default), or ``None`` before the first one."""
        position = bisect.bisect_right(self._starts, as_date(on))
        return self.values[position - 1] if position else None


@dataclass(frozen=True, kw_only=True)
class Parameter(Dated):
    """A local choice with effective dates (yes/no, or ``None`` while not known)."""

    name: str
    label: Text


@dataclass(frozen=True, kw_only=True)
class Amount(Dated):
    """One amount of a programme (e.g. the allowance for grade 1) with its dated values."""

    id: str
    label: Text
    unit: Text


@dataclass(frozen=True)
class AmountInForce:
    """An amount as it stands on a given date – what a service guide or result page shows."""

    id: str
    label: Text
    unit: Text
    value: Any  # a number, or None: not known – show the note (以区民政局/区残联最新公布为准)
    since: datetime.date | None
    source: Text
    confidence: str
    note: Text | None


@dataclass(frozen=True)
class RateValue:
    """One dated monthly rate of a band: in force from the first day of ``since``'s month.

    ``amount_fen`` is the amount a month in fen (integer: never a float for money); ``None``
    when the amount for 鄠邑 is not known – the note then says 以区民政局/区残联最新公布为准, and
    a recipient is paid what their approval recorded (typed by civil affairs with its source).
    """

    since: datetime.date
    amount_fen: int | None
    source: Text
    confidence: str
    note: Text | None


@dataclass(frozen=True)
class RateBand:
    """A band of a monthly rate (e.g. the living allowance under 18); ``id`` is the id of the
    programme's ``amounts`` entry that shows it."""

    id: str
    values: tuple[RateValue, ...]

    def on(self, month: datetime.date) -> RateValue | None:
        """The rate in force in the month of ``month`` (any day of it), or None before any."""
        first = month.replace(day=1)
        found = None
        for value in self.values:
            if value.since <= first:
                found = value
        return found


@dataclass(frozen=True)
class Rates:
    """What a programme that pays monthly cash pays: bands with dated rates, and the similar
    allowances of which only the higher is paid (择高, 国发〔2015〕52号)."""

    bands: tuple[RateBand, ...]
    higher_of: tuple[str, ...]

    def band(self, band_id: str) -> RateBand | None:
        return next((b for b in self.bands if b.id == band_id), None)


#: Sources too weak to say "eligible" on: a condition resting on one can give "maybe" at most.
WEAK_CONFIDENCE = ("weak", "unknown")


@dataclass(frozen=True)
class Condition:
    """One condition of a programme: what must be true, what to do if not, and the rule itself.

    ``since``/``until`` (either may be ``None``: open-ended) are the first and last day the
    condition is in force; a changed rule is a new version of the condition (same ``id``, a
    later period), so a decision can be re-explained as of its own date. ``confidence`` is how
    sure its source is: a ``weak`` or ``unknown`` source never lets it say "holds" (the engine
    answers "to be confirmed" instead). ``easy_read`` is the condition in very short words, for
    the easy-read page's "who can apply".
    """

    id: str
    text: Text  # what must be true
    fail: Text | None  # what it means when it is not, what to do instead (None: it cannot fail)
    unknown: Text  # what to say while it cannot be settled (defaults to ``text``)
    citation: Text
    reads: tuple[str, ...]
    rule: Rule
    easy_read: Text
    confidence: str = "confirmed"
    since: datetime.date | None = None
    until: datetime.date | None = None

    @property
    def weak(self) -> bool:
        return self.confidence in WEAK_CONFIDENCE

    def in_force(self, on: datetime.date) -> bool:
        return (self.since is None or self.since <= on) and (self.until is None or on <= self.until)


@dataclass(frozen=True)
class Office:
    """Where to apply or ask. ``address``/``hours`` are ``None`` when not confirmed; see ``note``."""

    name: Text
    address: Text | None
    phone: str
    hours: Text | None
    note: Text | None


@dataclass(frozen=True)
class TimeLimit:
    """How long handling takes, in working days; ``None`` when not published (see ``note``)."""

    working_days: int | None
    note: Text | None


@dataclass(frozen=True)
class Document:
    """A document the applicant provides. ``kind`` is a stable code (``id_card``, ``hukou``,
    ``bank_card`` ...), the same for the same document in every programme: uploads are stored
    under it, so the ``label`` can be reworded without losing them. ``online_form``: the
    programme's application form, filled in on the portal (nothing to upload); otherwise the
    document is uploaded."""

    kind: str
    label: Text
    online_form: bool = False


@dataclass(frozen=True, eq=False)
class Programme:
    """One programme, as read from ``programmes/<code>.yaml`` (compared and hashed by identity)."""

    code: str
    group: str  # a key of GROUPS
    name: Text
    summary: Text
    online: bool  # can be applied for online; otherwise a referral to ``office``
    plan_clauses: tuple[Text, ...]
    references: tuple[Reference, ...]
    conditions: tuple[Condition, ...]  # every version; conditions_on(date) gives those in force
    parameters: dict[str, Parameter]
    amounts: tuple[Amount, ...]
    documents: tuple[Document, ...]
    office: Office
    steps: tuple[Text, ...]
    time_limit: TimeLimit
    easy_read: tuple[Text, ...]
    path: Path
    pays_into_account: bool = False  # pays money into the applicant's bank or 社保卡 account
    rates: Rates | None = None       # monthly cash: the rates the payment roll pays
    # The name in a text message where `name` is longer than an SMS gateway's template
    # variable allows (35 characters: portal/messages/templates.py).
    text_name: Text | None = None

    def document(self, kind: str) -> Document | None:
        """The document of this kind, or None when the programme asks for none."""
        return next((d for d in self.documents if d.kind == kind), None)

    def conditions_on(self, on: datetime.date | None = None) -> tuple[Condition, ...]:
        """The conditions in force on ``on`` (today by default), in file order."""
        on = as_date(on)
        return tuple(c for c in self.conditions if c.in_force(on))

    def amounts_on(self, on: datetime.date | None = None) -> list[AmountInForce]:
        """The amounts in force on ``on`` (today by default), in file order."""
        shown = []
        for amount in self.amounts:
            entry = amount.on(on)
            if entry is not None:
                shown.append(
                    AmountInForce(
                        amount.id, amount.label, amount.unit, entry.value, entry.since,
                        entry.source, entry.confidence, entry.note,
                    )
                )
        return shown

    def parameters_on(self, on: datetime.date | None = None) -> dict[str, bool | None]:
        """Each parameter's value on ``on``; ``None`` where not known or not yet in the record."""
        values = {}
        for name, parameter in self.parameters.items():
            entry = parameter.on(on)
            values[name] = entry.value if entry is not None else None
        return values
