"""资格自测 – the self-check: a start page, one question a page, the results.

Anonymous: no sign-in, and only the answers are kept, in the session cookie. The results page's
address carries the answers (``?a=...``, see ``answer_link.py``) so it can be saved, printed,
shared and reopened; it never carries a name or an ID number.

Its forms carry no CSRF token (portal/web/same_origin.py refuses another site's POSTs): so for
a visitor with no answers yet – every visitor's first two pages, the start page and the first
question – nothing on the page is theirs, and the page is kept whole (portal/web/page_cache.py).
"""
from __future__ import annotations

import datetime

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.checker import answer_link, flow, report, saved_answers
from portal.checker.forms import ResumeForm, StartForm, question_form
from portal.web import same_origin
from portal.web.i18n import localized
from portal.web.page_cache import cached_page

bp = Blueprint("checker", __name__, url_prefix="/check")
same_origin.tokenless(bp)


@bp.get("")
def start():
    if not flow.walk(saved_answers.load()).answered:
        return _fresh_start()
    return render_template("checker/start.html", form=StartForm(), has_answers=True)


@cached_page("checker/start.html")
def _fresh_start():
    return {"form": StartForm(), "has_answers": False}


@bp.post("/start")
def begin():
    if StartForm().validate_on_submit():
        saved_answers.clear()
    return redirect(_next_step(flow.walk({})), 303)


@bp.route("/<question_id>", methods=["GET", "POST"])
def question(question_id: str):
    asked = flow.BY_ID.get(question_id) or abort(404)
    walked = flow.walk(saved_answers.load())
    tokens = walked.tokens
    if asked is not walked.next and asked.id not in tokens:
        return redirect(_next_step(walked), 303)  # not (or not yet) a question for these answers
    if request.method == "GET" and not walked.answered:
        return _first_question(asked.id)
    form = question_form(asked, tokens.get(asked.id))
    if form.validate_on_submit():
        token = asked.token_from_form(form.answer.data)
        clash = flow.conflict(asked, token, walked.facts_before(asked))
        if clash is None:
            saved_answers.save(asked, token)
            return redirect(_next_step(flow.walk(saved_answers.load())), 303)
        # Facts that cannot both be true (contradictions.yaml): say which, keep the answer shown.
        form.answer.errors.append(_("这个回答和前面的回答对不上：%(why)s请检查这个回答，或者返回修改前面的回答。",
                                    why=localized(clash.text)))
    return render_template("checker/question.html", **_question_page(asked, walked, form))


@cached_page("checker/question.html")
def _first_question(question_id: str):
    """The first question as a visitor with no answers yet opens it: the same for everyone."""
    asked = flow.BY_ID[question_id]
    return _question_page(asked, flow.walk({}), question_form(asked))


def _question_page(asked: flow.Question, walked: flow.Walk, form) -> dict:
    changing = request.args.get("change") == "results" and walked.complete
    previous = walked.previous(asked)
    if changing:  # opened from the results page: back goes there
        back = _next_step(walked)
    elif previous:
        back = url_for(".question", question_id=previous.id)
    else:
        back = url_for(".start")
    action = url_for(".question", question_id=asked.id, change="results" if changing else None)
    number, total = _progress(walked, asked)
    return {"question": asked, "form": form, "back": back, "action": action, "number": number,
            "total": total}


def _progress(walked: flow.Walk, asked: flow.Question) -> tuple[int, int]:
    """Where the question is on this person's path, and about how many there will be: the
    questions before it, it, and the later ones that would be asked on what is known so far –
    "about", as later answers can add or skip some."""
    path = [question for question, _ in walked.answered]
    number = path.index(asked) + 1 if asked in path else len(path) + 1
    facts = walked.facts
    later = [question for question in flow.QUESTIONS[flow.QUESTIONS.index(asked) + 1:]
             if question not in path and flow.asks(question, facts, datetime.date.today())]
    return number, max(number + len(later), len(path) + (1 if walked.next else 0))


@bp.get("/results")
def results():
    if "a" not in request.args:
        walked = flow.walk(saved_answers.load())
        if not walked.answered:
            return redirect(url_for(".start"), 303)
        return redirect(_next_step(walked), 303)
    link = request.args.get("a", "")
    try:
        walked = answer_link.finished_walk(answer_link.decode(link))
    except answer_link.LinkError:
        return render_template("checker/bad_link.html"), 400
    mine = flow.walk(saved_answers.load()).tokens == walked.tokens
    shown = report.build(walked)
    share = url_for(".results", a=answer_link.encode(walked.answered), _external=True)
    return render_template("checker/results.html", report=shown, mine=mine, share=share,
                           link=answer_link.encode(walked.answered), resume=ResumeForm(a=link))


@bp.post("/resume")
def resume():
    form = ResumeForm()
    try:
        walked = answer_link.finished_walk(answer_link.decode(form.a.data))
    except answer_link.LinkError:
        return render_template("checker/bad_link.html"), 400
    if form.validate_on_submit():
        saved_answers.replace(walked.tokens)
    return redirect(url_for(".results", a=answer_link.encode(walked.answered)), 303)


def _next_step(walked: flow.Walk) -> str:
    if walked.complete:
        return url_for(".results", a=answer_link.encode(walked.answered))
    return url_for(".question", question_id=walked.next.id)
