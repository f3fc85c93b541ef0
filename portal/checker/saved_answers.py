"""The self-check's answers in the visitor's session (a signed cookie): nothing on the server.

Only the answer tokens are kept ({question id: token}); never a name or an ID number. Answers
that are no longer valid (the questions changed since) are dropped when read.
"""
from __future__ import annotations

from flask import session

from portal.checker import flow

KEY = "checker_answers"


def load() -> dict[str, str]:
    stored = session.get(KEY)
    if not isinstance(stored, dict):
        return {}
    answers = {}
    for question_id, token in stored.items():
        question = flow.BY_ID.get(question_id)
        if question is None:
            continue
        try:
            answers[question_id] = question.check(token)
        except flow.AnswerError:
            continue
    return answers


def save(question: flow.Question, token: str) -> None:
    answers = load()
    answers[question.id] = question.check(token)
    session[KEY] = answers


def replace(answers: dict[str, str]) -> None:
    session[KEY] = dict(answers)


def clear() -> None:
    session.pop(KEY, None)
