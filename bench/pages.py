"""The pages the budgets are about, named once for the benchmark and the tests."""
from __future__ import annotations

from functools import cache

GUIDE = "/programmes/living_allowance"
LOOKUP = "/status/lookup"
QUEUE = "/staff/queue"


@cache
def results_link() -> str:
    """A finished self-check's results page: the first choice on every question (a resident
    of Huyi with a certificate), 40 years old, and every box ticked – many programmes on one
    page, so its weight is near the heaviest a results page gets."""
    from portal.checker import answer_link, flow

    answers: dict[str, str] = {}
    while not (walked := flow.walk(answers)).complete:
        question = walked.next
        if question.kind == flow.NUMBER:
            token = "40"
        elif question.kind == flow.CHECKBOXES:
            token = flow.CODE_SEPARATOR.join(o.token for o in question.options)
        else:
            token = question.options[0].token
        answers[question.id] = question.check(token)
    return "/check/results?a=" + answer_link.encode(flow.walk(answers).answered)


def question_link() -> str:
    """The self-check's first question, as a first visitor opens it."""
    from portal.checker import flow

    return f"/check/{flow.walk({}).next.id}"


def status_link(reference: str) -> str:
    """A signed-in resident's status page of one of their applications."""
    return f"/status/applications/{reference}/"


def resident_pages() -> dict[str, str]:
    """Pages anyone can open without signing in: {name: path}."""
    return {"home": "/", "service guide": GUIDE, "self-check results": results_link(),
            "family look-up": LOOKUP}
