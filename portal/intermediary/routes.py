"""代办 pages. Three sides, thin views over portal.accounts.consents and .intermediaries:

- the village worker (/intermediary/…): their residents, a consent by code or on paper, a
  resident's page (applications, changes, reviews, what is due), starting an application (the
  apply journey then does the rest);
- the street officer (/staff/intermediaries/…, /staff/consents/…): the street's workers (make,
  stop), paper consents to confirm or refuse, ending a consent at the office – all audited;
- the person or guardian (/account/consents/…): their consents, what workers did, ending one.

A worker's page about a person exists only while a consent stands: otherwise 404, as for an id
that does not exist.
"""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.account.access import resident_required, sign_in_redirect
from portal.account.pages import page_locale
from portal.accounts import consents, family_lookup, intermediaries, person_links
from portal.accounts import sign_in as accounts
from portal.accounts import staff as staff_accounts
from portal.applications import documents
from portal.applications.filing import DuplicateApplication
from portal.apply import programmes
from portal.intermediary import forms
from portal.labels import programme_name
from portal.staff_auth.access import staff_required
from portal.web.delivery import private_file
from portal.web.i18n import localized
from portal.web.rate_limits import limit

bp = Blueprint("intermediary", __name__)

ASKED = "consent_asked"        # session: what the worker typed when asking for a code

ACCOUNT_PROBLEMS = {
    "phone": lambda: _("请输入正确的手机号码，例如 139 1234 5678"),
    "name": lambda: _("请输入姓名"),
    "village": lambda: _("请输入所在的村或社区"),
    "exists": lambda: _("这个手机号码已经有账号了。请换一个号码，或联系系统管理员。"),
    "not_allowed": lambda: _("只有街道工作人员可以开通代办员账号。"),
}
TERMS_PROBLEMS = {
    "scopes": lambda: _("请至少选一项"),
    "until": lambda: _("日期不对，请重新填写。"),
    "not_allowed": lambda: _("请选择是居民本人还是监护人同意"),
}


def _me():
    return current_user._get_current_object()


def worker_required(view):
    """The village worker's own pages: signed in (with the second factor) as a worker; anyone
    else signed in gets 403, nobody signed in goes to the staff sign-in page."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return sign_in_redirect("staff_auth.sign_in")
        if not current_user.is_intermediary:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def _labels() -> dict:
    from portal.benefits import reviews as yearly
    from portal.labels import review_label
    from portal.status import display

    return {**display.helpers(), "next_step": display.next_step,
            "review_state_label": lambda review: review_label("state", yearly.state(review)),
            "scope_labels": consents.SCOPES, "state_labels": consents.STATES,
            "method_labels": consents.METHODS, "giver_labels": consents.GIVERS,
            "consent_state": consents.state, "scope_text": consents.scope_text}


@bp.context_processor
def _context():
    return _labels()


# ── the worker ────────────────────────────────────────────────────────────────────────────

@bp.get("/intermediary/")
@worker_required
def home():
    mine = consents.of_worker(_me())
    return render_template("intermediary/home.html",
                           active=[c for c in mine if consents.state(c) == "active"],
                           pending=[c for c in mine if c.status == "pending"])


def _terms_problem(form, problem: consents.ConsentError) -> None:
    field = form.scopes if problem.reason == "scopes" else \
        form.until if problem.reason == "until" else form.given_by
    field.errors.append(TERMS_PROBLEMS[problem.reason]())


@bp.route("/intermediary/consents/code", methods=["GET", "POST"])
@worker_required
@limit("RATE_LIMIT_SEND_CODE")
def consent_by_code():
    form = forms.ConsentTermsForm()
    if form.validate_on_submit():
        try:
            with family_lookup.paced():     # the same time whether or not a code was sent
                asked = consents.ask_code(_me(), full_name=form.full_name.data,
                                          id_number=form.id_number.data,
                                          scopes=form.scopes.data, until=form.until.data,
                                          given_by=form.given_by.data, locale=page_locale())
        except consents.ConsentError as problem:
            _terms_problem(form, problem)
        else:
            session[ASKED] = asked.to_json()
            return redirect(url_for("intermediary.consent_code"), 303)
    return render_template("intermediary/consent_code_ask.html", form=form,
                           latest=consents.latest_until())


@bp.route("/intermediary/consents/code/verify", methods=["GET", "POST"])
@worker_required
@limit("RATE_LIMIT_VERIFY_CODE")
def consent_code():
    asked = consents.Asked.from_json(session.get(ASKED))
    if asked is None:
        return redirect(url_for("intermediary.consent_by_code"), 303)
    form = forms.CodeForm()
    if form.validate_on_submit():
        with family_lookup.paced():
            consent = consents.give_by_code(_me(), asked, form.code.data)
        if consent is not None:
            session.pop(ASKED, None)
            flash(_("居民已经同意，您现在可以帮他办理了。我们已发短信告诉他。"), "success")
            return redirect(url_for("intermediary.resident", person_id=consent.person_id), 303)
        form.code.errors.append(_("验证码不对，或者已经过期。请核对后再输入；也可以回上一步重新发送。"))
    return render_template("intermediary/consent_code_verify.html", form=form, asked=asked)


@bp.route("/intermediary/consents/paper", methods=["GET", "POST"])
@worker_required
def consent_on_paper():
    form = forms.PaperConsentForm()
    if form.validate_on_submit():
        try:
            consents.give_on_paper(_me(), full_name=form.full_name.data,
                                   id_number=form.id_number.data, scopes=form.scopes.data,
                                   until=form.until.data, given_by=form.given_by.data,
                                   upload=form.form_photo.data)
        except consents.ConsentError as problem:
            _terms_problem(form, problem)
        except documents.UploadRefused as refused:
            form.form_photo.errors.append(documents.refusal_message(refused.reason))
        else:
            flash(_("同意书已经交给街道。街道工作人员确认以后，您才能帮这位居民办理。"), "success")
            return redirect(url_for("intermediary.home"), 303)
    return render_template("intermediary/consent_paper.html", form=form,
                           latest=consents.latest_until())


def _resident_or_404(person_id: int):
    found = intermediaries.resident(_me(), person_id)
    if found is None:
        abort(404)
    return found


def _programme_choices():
    return [(p.code, localized(p.name)) for _group, members in programmes.by_group()
            for p in members]


@bp.get("/intermediary/residents/<int:person_id>/")
@worker_required
def resident(person_id: int):
    found = _resident_or_404(person_id)
    return render_template("intermediary/resident.html", resident=found, person_id=person_id,
                           form=forms.StartApplicationForm(_programme_choices()))


@bp.post("/intermediary/residents/<int:person_id>/apply")
@worker_required
def start_application(person_id: int):
    found = _resident_or_404(person_id)
    form = forms.StartApplicationForm(_programme_choices())
    if form.validate_on_submit():
        try:
            draft = intermediaries.start_application(_me(), person_id, form.programme.data)
        except LookupError:
            abort(404)
        except DuplicateApplication as problem:
            form.programme.errors.append(_(
                "这位居民已经有一份正在办理的%(programme)s申请（受理编号%(reference)s），不用再申请。",
                programme=programme_name(problem.application.programme),
                reference=problem.application.reference))
        else:
            return redirect(url_for("apply.task_list", draft_id=draft.id), 303)
    return render_template("intermediary/resident.html", resident=found, person_id=person_id,
                           form=form), 422


# ── the street officer ────────────────────────────────────────────────────────────────────

def _staff_links():
    from portal.staff.display import staff_links

    return staff_links()


@bp.get("/staff/intermediaries/")
@staff_required("street_officer")
def workers():
    return render_template("intermediary/workers.html", staff_links=_staff_links(),
                           workers=intermediaries.of_street(_me()),
                           waiting=len(consents.worklist(_me())))


@bp.route("/staff/intermediaries/new", methods=["GET", "POST"])
@staff_required("street_officer")
def new_worker():
    form = forms.WorkerForm()
    if form.validate_on_submit():
        try:
            worker = intermediaries.create(_me(), display_name=form.display_name.data,
                                           phone=form.phone.data, village=form.village.data)
        except accounts.AccountError as problem:
            field = {"phone": form.phone, "exists": form.phone, "village": form.village}.get(
                problem.reason, form.display_name)
            field.errors.append(ACCOUNT_PROBLEMS[problem.reason]())
        else:
            flash(_("已为%(name)s开通代办员账号。设置密码的链接已用短信发到他的手机。",
                    name=worker.display_name), "success")
            return redirect(url_for("intermediary.workers"), 303)
    return render_template("intermediary/worker_new.html", form=form, staff_links=_staff_links())


@bp.route("/staff/intermediaries/<int:account_id>/deactivate", methods=["GET", "POST"])
@staff_required("street_officer")
def deactivate_worker(account_id: int):
    worker = intermediaries.find(_me(), account_id)
    if worker is None:
        abort(404)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        intermediaries.deactivate(_me(), worker)
        flash(_("%(name)s的代办员账号已停用。", name=worker.display_name), "success")
        return redirect(url_for("intermediary.workers"), 303)
    return render_template("intermediary/worker_deactivate.html", form=form, worker=worker,
                           staff_links=_staff_links())


@bp.route("/staff/intermediaries/<int:account_id>/password", methods=["GET", "POST"])
@staff_required("street_officer")
def reset_worker_password(account_id: int):
    worker = intermediaries.find(_me(), account_id)
    if worker is None or not worker.active:
        abort(404)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        intermediaries.reset_password(_me(), worker)
        flash(_("已给%(name)s发短信：请在链接里设置新密码。原来的密码已经不能用了。",
                name=worker.display_name), "success")
        return redirect(url_for("intermediary.workers"), 303)
    return render_template("intermediary/worker_password.html", form=form, worker=worker,
                           hours=staff_accounts.link_hours(), staff_links=_staff_links())


@bp.get("/staff/consents/")
@staff_required("street_officer")
def consent_worklist():
    return render_template("intermediary/consent_worklist.html", staff_links=_staff_links(),
                           waiting=consents.worklist(_me()),
                           standing=consents.standing_in_street(_me()))


def _officer_consent(consent_id: int):
    consent = consents.find_for_officer(_me(), consent_id)
    if consent is None:
        abort(404)
    return consent


@bp.get("/staff/consents/<int:consent_id>/")
@staff_required("street_officer")
def consent_case(consent_id: int):
    consent = _officer_consent(consent_id)
    form = forms.ConfirmForm()
    return render_template("intermediary/consent_case.html", consent=consent, form=form,
                           masked_id=consents.masked_id(consent), staff_links=_staff_links())


@bp.get("/staff/consents/<int:consent_id>/form")
@staff_required("street_officer")
def consent_form_file(consent_id: int):
    consent = _officer_consent(consent_id)
    document = consents.reveal_form(_me(), consent)
    if document is None:
        abort(404)
    return private_file(documents.path_of(document), document.content_type,
                        document.original_name, inline=True)


@bp.post("/staff/consents/<int:consent_id>/decide")
@staff_required("street_officer")
def decide_consent(consent_id: int):
    from flask import request

    consent = _officer_consent(consent_id)
    form = forms.ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    action = request.form.get("action")
    try:
        if action == "confirm":
            consents.confirm(_me(), consent)
            flash(_("同意书已确认，代办员现在可以帮这位居民办理了。"), "success")
        elif action == "refuse":
            consents.refuse(_me(), consent)
            flash(_("同意书已退回，代办员不能代办。"), "success")
        elif action == "end":
            consents.end(_me(), consent, "office")
            flash(_("代办同意已结束。我们已发短信告诉居民。"), "success")
        else:
            abort(400)
    except consents.ConsentError:
        flash(_("这份同意书已经处理过了。"), "success")
    return redirect(url_for("intermediary.consent_worklist"), 303)


# ── the person (or guardian) ──────────────────────────────────────────────────────────────

def _my_people():
    """The people the signed-in resident is proven to be or to be the guardian of."""
    return person_links.linked_person_ids(_me().id)


@bp.get("/account/consents/")
@resident_required
def my_consents():
    mine = consents.of_people(_my_people()) if _me().is_resident else []
    people = sorted({c.person_id for c in mine if c.person_id})
    return render_template("intermediary/my_consents.html", consents=mine,
                           history={pid: consents.consent_events(pid) for pid in people},
                           names={c.person_id: c.full_name for c in reversed(mine)})


@bp.route("/account/consents/<int:consent_id>/end", methods=["GET", "POST"])
@resident_required
def end_my_consent(consent_id: int):
    consent = consents.find_among(_my_people(), consent_id) if _me().is_resident else None
    if consent is None or consents.state(consent) not in ("active", "pending"):
        abort(404)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        consents.end(_me(), consent, "person")
        flash(_("已经结束。%(name)s不能再帮您办事，也看不到您的申请了。",
                name=consent.worker.display_name), "success")
        return redirect(url_for("intermediary.my_consents"), 303)
    return render_template("intermediary/my_consent_end.html", consent=consent, form=form)
