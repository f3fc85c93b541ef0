"""进度查询: the signed-in resident's applications with their timelines, withdrawing, answering
requests for more information (补正), giving a family member access, and the family look-up
without an account (reference number + ID number + a code texted to the applicant's phone).

Every page that takes a reference, a document or a grant finds it through
portal.accounts.access_grants: what the account may not see is "not found" (404).
"""
from __future__ import annotations

import time
from datetime import datetime, timezone

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal import dates
from portal.account.access import resident_required
from portal.accounts import access_grants, family_lookup, person_links
from portal.applications import documents, information_requests, status_changes
from portal.benefits import recipients
from portal.people import identity, phone_numbers
from portal.ratings import ratings
from portal.status import display, forms, reviews
from portal.status.limits import (
    PENDING,
    grant_per_ip,
    lookup_per_ip,
    lookup_per_pair,
    prove_per_account,
    prove_verify_per_account,
    verify_per_ip,
    verify_per_pair,
)
from portal.web import i18n
from portal.web.delivery import private_file

bp = Blueprint("status", __name__, url_prefix="/status")

VIEW = "lookup_view"      # session: the application a family look-up may show, and until when

PROVING = "proving"       # session: the person whose link the account is proving, and since
# Only about the granter's own number and own grants: nothing about whether a number is
# registered (the grant works for whoever registers with it).
GRANT_PROBLEMS = {
    "self": lambda: _("这是您自己的手机号码。请输入家人的手机号码。"),
    "exists": lambda: _("您已经授权过这个手机号码查看这个人的申请了。"),
}


@bp.context_processor
def _context():
    return display.helpers()


def _me():
    return current_user._get_current_object()


def _locale() -> str:
    return i18n.current_language().locale


# ── helpers: finding what the account may see or act on ──────────────────────────────────

def _visible(reference: str):
    application = access_grants.find_visible(_me(), reference)
    if application is None:
        abort(404)
    return application


def _own(reference: str):
    """An application the signed-in account may act on (it made it); else 404."""
    application = _visible(reference)
    if not access_grants.can_act(_me(), application):
        abort(404)
    return application


def _allowed(application, action_code: str) -> bool:
    return any(action.code == action_code
               for action in status_changes.available_actions(application, _me()))


def _to_application(application):
    return redirect(url_for("status.application", reference=application.reference), 303)


# ── my applications ───────────────────────────────────────────────────────────────────────

@bp.get("/")
def index():
    if not current_user.is_authenticated or current_user.is_staff:
        return render_template("status/start.html")
    me = _me()
    listed = access_grants.applications_for(me)
    return render_template("status/index.html", listed=listed, can_grant=listed.can_grant,
                           can_prove=listed.can_prove, next_step=display.next_step)


@bp.get("/applications/<reference>/")
@resident_required
def application(reference: str):
    application = _visible(reference)
    me = _me()
    own = access_grants.can_act(me, application)
    benefit = recipients.statement(application)
    return render_template(
        "status/application.html", application=application,
        timeline=display.timeline(application), step=display.next_step(application),
        documents=[d for d in application.documents if d.removed_at is None],
        document_labels=display.document_labels(application),
        readable_size=documents.readable_size,
        can_withdraw=own and _allowed(application, "withdraw"),
        can_answer=own and _allowed(application, "resubmit"),
        asked=information_requests.open_request(application),
        granted=not own and access_grants.is_granted(me, application),
        benefit=benefit, review=reviews.review_for(application) if benefit else None,
        rated=ratings.for_application(application, me) if own else [])


@bp.get("/applications/<reference>/documents/<int:document_id>")
@resident_required
def document(reference: str, document_id: int):
    application = _visible(reference)
    found = next((d for d in application.documents
                  if d.id == document_id and d.removed_at is None), None)
    if found is None:
        abort(404)
    return private_file(documents.path_of(found), found.content_type, found.original_name)


@bp.route("/applications/<reference>/withdraw", methods=["GET", "POST"])
@resident_required
def withdraw(reference: str):
    application = _own(reference)
    if not _allowed(application, "withdraw"):
        flash(_("这份申请现在已经不能撤回了。"), "info")
        return _to_application(application)
    form = forms.VersionForm()
    if request.method == "GET":
        form.version.data = str(application.version)
    if form.validate_on_submit():
        return _change_status(
            application,
            lambda: status_changes.apply_action(application, "withdraw", _me(),
                                                expected_version=form.version_number()),
            stale=_("这份申请刚刚有了新的进展。请先看看最新情况，再决定是否撤回。"),
            refused=_("这份申请现在已经不能撤回了。"),
            done=_("您已撤回这份申请。我们已发短信告诉您。"))
    return render_template("status/withdraw.html", application=application, form=form)


def _change_status(application, change, *, stale: str, refused: str, done: str):
    """Make a change the resident asked for (`change()`), and back to the application with
    what became of it: done, or not because it had moved on meanwhile (StaleApplication) or
    may not be changed so (ActionError)."""
    try:
        change()
    except status_changes.StaleApplication:
        flash(stale, "info")
    except status_changes.ActionError:
        flash(refused, "info")
    else:
        flash(done, "success")
    return _to_application(application)


# ── answering a request for more information (补正) ───────────────────────────────────────

@bp.route("/applications/<reference>/answer", methods=["GET", "POST"])
@resident_required
def answer(reference: str):
    """One form holds the uploads and the written answer, so nothing typed is lost while files
    are added or taken out: "上传文件" and "删除" show the page again; "提交" resubmits."""
    application = _own(reference)
    asked = information_requests.open_request(application)
    if asked is None or not _allowed(application, "resubmit"):
        flash(_("这份申请现在不需要补充材料。"), "info")
        return _to_application(application)
    form = forms.AnswerForm()
    upload = forms.UploadForm(meta={"csrf": False})
    notice = None
    if request.method == "GET":
        form.version.data = str(application.version)
    elif form.validate_on_submit():
        removing = request.form.get("remove", type=int)
        if removing is not None:
            found = information_requests.removable(application, removing)
            if found is not None:
                name = found.original_name
                information_requests.remove_document(found)
                notice = _("已删除%(name)s。", name=name)
        else:
            stored = _store_upload(application, upload)
            if stored is not None:
                notice = _("已上传%(name)s。", name=stored.original_name)
            if "send" in request.form and not upload.file.errors:
                sent = _send_answer(application, form)
                if sent is not None:
                    return sent
    if upload.file.errors:  # so that the page's title starts with "错误："
        form.form_errors.extend(upload.file.errors)
    return render_template(
        "status/answer.html", application=application, asked=asked, form=form, upload=upload,
        uploaded=information_requests.uploaded_since(application, asked), notice=notice,
        readable_size=documents.readable_size, accept=documents.ACCEPT,
        step=display.next_step(application))


def _store_upload(application, upload):
    chosen = upload.file.data
    if chosen is None or not getattr(chosen, "filename", ""):
        if "upload" in request.form:
            upload.file.errors = [_("请选择要上传的文件。")]
        return None
    try:
        return information_requests.add_document(application, chosen, _me())
    except documents.UploadRefused as problem:
        upload.file.errors = [documents.refusal_message(problem.reason)]
        return None


def _send_answer(application, form):
    try:
        return _change_status(
            application,
            lambda: information_requests.answer(application, _me(), form.answer.data,
                                                expected_version=form.version_number()),
            stale=_("这份申请刚刚有了新的进展。请先看看最新情况。"),
            refused=_("这份申请现在不需要补充材料。"),
            done=_("您补充的材料已提交，申请回到了原来的办理环节。我们已发短信告诉您。"))
    except information_requests.NothingToSend:
        form.answer.errors.append(_("请上传补充的材料，或写下您的答复。"))
        return None


# ── family access ─────────────────────────────────────────────────────────────────────────

@bp.get("/access/")
@resident_required
def grants():
    me = _me()
    return render_template("status/grants.html", people=access_grants.grantable_people(me),
                           given=access_grants.grants_given(me),
                           received=access_grants.grants_received(me),
                           mask_phone=phone_numbers.mask)


@bp.route("/access/new", methods=["GET", "POST"])
@resident_required
@grant_per_ip
def grant():
    me = _me()
    people = access_grants.grantable_people(me)
    if not people:
        flash(_("您还没有可以授权家人查看的申请。"), "info")
        return redirect(url_for("status.grants"), 303)
    form = forms.GrantForm(people, data={"person": str(people[0].id)} if len(people) == 1
                           else None)
    if form.validate_on_submit():
        try:
            access_grants.grant(me, int(form.person.data), form.phone.data, locale=_locale())
        except access_grants.GrantError as problem:
            if problem.reason == "not_allowed":
                abort(404)
            form.phone.errors.append(GRANT_PROBLEMS[problem.reason]())
        else:
            flash(_("已授权手机尾号%(tail)s。家人用这个号码登录（还没有账户的，先用这个号码注册）后，"
                    "就可以在“我的申请”中查看。我们已发短信告诉您和您的家人。",
                    tail=form.phone.data[-4:]), "success")
            return redirect(url_for("status.grants"), 303)
    return render_template("status/grant.html", form=form, people=people)


@bp.route("/access/<int:grant_id>/end", methods=["GET", "POST"])
@resident_required
def revoke(grant_id: int):
    me = _me()
    access = access_grants.revocable(me, grant_id)
    if access is None:
        abort(404)
    mine = access.grantee_phone == me.phone
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        access_grants.revoke(me, access, locale=_locale())
        flash(_("已不再查看这位家人的申请。") if mine else _("已取消授权。我们已发短信告诉您和您的家人。"),
              "success")
        return redirect(url_for("status.grants"), 303)
    row = next((r for r in (access_grants.grants_received(me) if mine
                            else access_grants.grants_given(me)) if r.grant.id == access.id))
    return render_template("status/revoke.html", form=form, row=row, mine=mine,
                           mask_phone=phone_numbers.mask)


# ── proving "this is me": a code to the phone on record ───────────────────────────────────

@bp.route("/prove/", methods=["GET", "POST"])
@resident_required
@prove_per_account
def prove():
    """The people the account applied for "for myself" and is not yet linked to. Sending a code
    answers the same, in the same time, whether or not one was sent."""
    me = _me()
    people = person_links.provable(me)
    form = forms.ProveForm(people)
    if form.validate_on_submit():
        person_id = int(form.person.data)
        with family_lookup.paced():
            person_links.send_code(me, person_id, locale=_locale())
        session[PROVING] = {"person": person_id, "at": time.time()}
        return redirect(url_for("status.prove_code"), 303)
    return render_template("status/prove.html", form=form, people=people,
                           minutes=current_app.config["ONE_TIME_CODE_MINUTES"])


@bp.route("/prove/code", methods=["GET", "POST"])
@resident_required
@prove_verify_per_account
def prove_code():
    proving = session.get(PROVING) or {}
    minutes = current_app.config["ONE_TIME_CODE_MINUTES"]
    if not proving.get("person") or time.time() - float(proving.get("at", 0)) > minutes * 60:
        session.pop(PROVING, None)
        return redirect(url_for("status.prove"), 303)
    form = forms.CodeForm()
    if form.validate_on_submit():
        with family_lookup.paced():
            link = person_links.prove(_me(), int(proving["person"]), form.code.data,
                                      locale=_locale())
        if link is not None:
            session.pop(PROVING, None)
            flash(_("验证成功。以您名义办理的所有申请，现在都会显示在“我的申请”中。"), "success")
            return redirect(url_for("status.index"), 303)
        form.code.errors.append(_("验证码不正确，或者已经失效。请核对短信里的验证码；"
                                  "如果还是不行，请返回上一步重新获取，或者带上身份证到街道办理。"))
    return render_template("status/prove_code.html", form=form, minutes=minutes)


# ── the family look-up ────────────────────────────────────────────────────────────────────

@bp.route("/lookup", methods=["GET", "POST"])
@lookup_per_ip
@lookup_per_pair
def lookup():
    form = forms.LookupForm()
    if request.method == "GET":
        form.reference.data = form.reference.data or \
            (session.get(PENDING) or {}).get("reference") or \
            family_lookup.parse_reference(request.args.get("reference"))
    if form.validate_on_submit():
        with family_lookup.paced():
            family_lookup.start(form.reference.data, form.id_number.data, locale=_locale())
        session[PENDING] = {"reference": form.reference.data,
                            "id_hashes": identity.lookup_hashes(form.id_number.data),
                            "at": time.time()}
        session.pop(VIEW, None)
        return redirect(url_for("status.lookup_code"), 303)
    return render_template("status/lookup.html", form=form)


def _pending() -> dict | None:
    pending = session.get(PENDING) or {}
    minutes = current_app.config["ONE_TIME_CODE_MINUTES"]
    if not pending.get("reference") or time.time() - float(pending.get("at", 0)) > minutes * 60:
        return None
    return pending


@bp.route("/lookup/code", methods=["GET", "POST"])
@verify_per_ip
@verify_per_pair
def lookup_code():
    pending = _pending()
    if pending is None:
        return redirect(url_for("status.lookup"), 303)
    form = forms.CodeForm()
    if form.validate_on_submit():
        with family_lookup.paced():
            found = family_lookup.verify(pending["reference"], pending.get("id_hashes") or [],
                                         form.code.data)
        if found is not None:
            session.pop(PENDING, None)
            minutes = current_app.config["LOOKUP_VIEW_MINUTES"]
            session[VIEW] = {"application_id": found.id, "until": time.time() + minutes * 60}
            return redirect(url_for("status.lookup_result"), 303)
        form.code.errors.append(_("验证码不正确，或者已经失效。请核对短信里的验证码；"
                                  "如果还是不行，请返回上一步重新获取。"))
    return render_template("status/lookup_code.html", form=form, reference=pending["reference"],
                           minutes=current_app.config["ONE_TIME_CODE_MINUTES"])


@bp.get("/lookup/result")
def lookup_result():
    shown = session.get(VIEW) or {}
    until = float(shown.get("until") or 0)
    found = family_lookup.view(int(shown["application_id"])) \
        if shown.get("application_id") and until > time.time() else None
    if found is None:
        session.pop(VIEW, None)
        if shown:
            flash(_("为了保护个人信息，查询结果只保留%(minutes)s分钟，现在已经关闭。"
                    "如需再看，请重新查询。", minutes=current_app.config["LOOKUP_VIEW_MINUTES"]),
                  "info")
        return redirect(url_for("status.lookup"), 303)
    application = found.application
    return render_template(
        "status/lookup_result.html", found=found, application=application,
        timeline=display.timeline(application, with_messages=False),
        step=display.next_step(application), form=forms.ConfirmForm(),
        until=dates.time_text(datetime.fromtimestamp(until, timezone.utc)),
        minutes=current_app.config["LOOKUP_VIEW_MINUTES"])


@bp.post("/lookup/end")
def lookup_end():
    if not forms.ConfirmForm().validate_on_submit():
        abort(400)
    session.pop(VIEW, None)
    session.pop(PENDING, None)
    flash(_("查询已结束，页面上的信息已关闭。"), "success")
    return redirect(url_for("status.lookup"), 303)
