"""在线咨询: /ask/ (anyone asks in writing), /ask/q/<token> (the private answer page),
/ask/mine (a signed-in resident's questions).

A question about an application is asked signed in, about one of the account's own
applications (access_grants.applications_for, those it may act on); its page then opens only
for the account that asked – anyone else, with or without its link, gets the same 404 as for
a link that does not exist.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.account.access import resident_required
from portal.accounts import access_grants
from portal.ask.forms import QuestionForm
from portal.questions import questions
from portal.questions.models import Question
from portal.web import i18n
from portal.web.rate_limits import limit

bp = Blueprint("ask", __name__, url_prefix="/ask")

REFUSALS = {
    "application": lambda: _("请选择您自己的一份申请；如果还没有登录，请先登录"),
    "programme": lambda: _("请选择哪一项服务或补贴"),
    "phone": lambda: _("请输入正确的手机号码，例如 139 1234 5678"),
}


def _resident():
    user = current_user._get_current_object()
    return user if user.is_authenticated and not user.is_staff else None


def _own_applications(account):
    if account is None:
        return []
    listed = access_grants.applications_for(account)
    return [a for a in (*listed.own, *listed.for_others) if access_grants.can_act(account, a)]


@bp.route("/", methods=["GET", "POST"])
@limit("RATE_LIMIT_QUESTION")
def new():
    account = _resident()
    own = _own_applications(account)
    form = QuestionForm(own)
    if request.method == "GET":
        form.programme.data = request.args.get("programme", "")
    if form.validate_on_submit():
        application = next((a for a in own if a.reference == form.application.data), None)
        try:
            asked = questions.ask(
                about=form.about.data, text=form.text.data,
                programme=form.programme.data or None, application=application,
                account=account, phone=form.phone.data or None,
                video=form.video.data or None, locale=i18n.current_language().locale)
        except questions.QuestionRefused as refused:
            field = {"application": form.application, "programme": form.programme,
                     "phone": form.phone, "video": form.video}.get(refused.reason, form.text)
            field.errors = [refused.message or REFUSALS.get(refused.reason,
                                                            REFUSALS["programme"])()]
        else:
            return redirect(url_for(".question", token=asked.token, new=1), 303)
    return render_template("ask/new.html", form=form, signed_in=account is not None,
                           has_applications=bool(own))


def _shown(question: Question | None) -> Question:
    """A question for this visitor: one about an application only to the account that asked."""
    if question is None:
        abort(404)
    if question.application_id is not None:
        account = _resident()
        if account is None or account.id != question.asker_account_id:
            abort(404)
    return question


@bp.get("/q/<token>")
def question(token: str):
    found = _shown(questions.by_token(token))
    return render_template("ask/question.html", question=found,
                           new=request.args.get("new") == "1",
                           link=url_for(".question", token=token, _external=True))


@bp.get("/mine")
@resident_required
def mine():
    return render_template("ask/mine.html", asked=questions.of_account(_resident()))


@bp.get("/mine/<int:asked_id>")
@resident_required
def mine_one(asked_id: int):
    found = next((q for q in questions.of_account(_resident()) if q.id == asked_id), None)
    if found is None:
        abort(404)
    return render_template("ask/question.html", question=found, new=False, link=None)
