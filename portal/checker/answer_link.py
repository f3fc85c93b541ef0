"""The results link: the self-check's answers in a short text, and back, checked strictly.

``/check/results?a=hukou.huyi-age.45-certificate.y-category.visual-needs.care~rehab``

Each answer is ``<question id>.<token>`` (tokens as in ``flow.py``), the answers joined by
``-`` in the order they were asked. Only the answers are in it: no name, no ID number, nothing
that says who the person is. Anything that is not exactly such a text – an unknown question, an
answer the question cannot take, a question twice, an overlong or cut-off link – raises
:class:`LinkError`, which the results page turns into a polite explanation (never an error 500).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from portal.checker import flow

PAIR_SEPARATOR = "-"
KEY_SEPARATOR = "."
MAX_LENGTH = 1000
_SHAPE = re.compile(r"^[a-z0-9_~.\-]+$")


class LinkError(ValueError):
    """The link's answers cannot be read, or do not finish the self-check."""


def encode(answered: Iterable[tuple[flow.Question, str]]) -> str:
    """The link text for answers given as (question, token) pairs, in the order asked."""
    return PAIR_SEPARATOR.join(f"{question.id}{KEY_SEPARATOR}{token}" for question, token in answered)


def decode(text: str | None) -> dict[str, str]:
    """{question id: token} from a link text; :class:`LinkError` for anything else."""
    if not text or len(text) > MAX_LENGTH or not _SHAPE.fullmatch(text):
        raise LinkError("empty, too long, or has characters a link never has")
    answers: dict[str, str] = {}
    for pair in text.split(PAIR_SEPARATOR):
        key, separator, token = pair.partition(KEY_SEPARATOR)
        question = flow.BY_ID.get(key)
        if not separator or question is None:
            raise LinkError(f"{pair!r} is not an answer to a known question")
        if key in answers:
            raise LinkError(f"{key!r} is answered twice")
        try:
            answers[key] = question.check(token)
        except flow.AnswerError as error:
            raise LinkError(str(error)) from error
    return answers


def finished_walk(answers: Mapping[str, str], on=None) -> flow.Walk:
    """The walk for a link's answers; :class:`LinkError` when it does not reach the results
    (the link was cut short). Answers to questions the walk skips are not used."""
    walked = flow.walk(answers, on)
    if not walked.complete:
        raise LinkError(f"the answers stop before {walked.next.id!r}")
    return walked
