"""The application journey's pages. Thin views: build the form, validate, call one service
operation, redirect; otherwise render with the form. The journey's logic is in journey.py,
the operations in portal.applications.filing and portal.applications.documents."""
from __future__ import annotations

from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import dates
from portal.applications import answers as stored
from portal.applications import documents, status_machine
from portal.applications import filing as applications
from portal.applications.answers import Household, Payment, Questions
from portal.applications.answers import SectionKey as K
from portal.applications.filing import (
    DraftExists,
    DraftGone,
    DuplicateApplication,
    NotConsented,
)
from portal.apply import forms as forms
from portal.apply import programmes
from portal.apply.journey import BY_KEY, STATUS_LABELS, Journey
from portal.apply.next_steps import next_steps
from portal.apply.relationships import ON_BEHALF
from portal.content.streets import by_code as street_by_code
from portal.labels import programme_name, street_name
from portal.people import crypto, phone_numbers
from portal.web import i18n
from portal.web.delivery import private_file
from portal.web.i18n import localized

bp = Blueprint("apply", __name__, url_prefix="/apply")

RESULT_LABELS = {
    "eligible": _l("符合条件"),
    "maybe": _l("可能符合，还需要确认"),
    "ineligible": _l("暂不符合条件"),
}


@bp.before_request
def _sign_in_first():
    """Everything but the list of programmes is for signed-in residents."""
    if request.endpoint != "apply.start" and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # to the sign-in page, and back here
    return None


@bp.context_processor
def _journey_context():
    return {
        "sections": BY_KEY,
        "status_labels": STATUS_LABELS,
        "result_labels": RESULT_LABELS,
        "relationship_hints": dict(ON_BEHALF),
    }


# ── helpers ───────────────────────────────────────────────────────────────────────────────

def _draft(draft_id: int):
    """The signed-in account's draft; a draft already submitted leads to its confirmation."""
    draft = applications.draft_of(current_user.id, draft_id)
    if draft is None:
        submitted = applications.submitted_from_draft(current_user.id, draft_id)
        if submitted is not None:
            abort(redirect(url_for("apply.confirmation", reference=submitted.reference), 303))
        abort(404)
    return draft


def _after_draft_gone(draft_id: int):
    """The confirmation of the application the draft became; the start page when the draft
    was deleted instead."""
    submitted = applications.submitted_from_draft(current_user.id, draft_id)
    if submitted is None:
        return redirect(url_for("apply.start"), 303)
    return redirect(url_for("apply.confirmation", reference=submitted.reference), 303)


def _journey(draft) -> Journey:
    return Journey(draft, documents.of_draft(draft.id))


def _with_draft(view):
    """A page of one of the signed-in resident's drafts: the view is given the draft (see
    _draft) and its journey instead of the draft's id."""
    @wraps(view)
    def page(draft_id: int):
        draft = _draft(draft_id)
        return view(draft, _journey(draft))
    return page


def _returning() -> bool:
    return request.args.get("return") == "check"


def _action(endpoint: str, **values) -> str:
    if _returning():
        values["return"] = "check"
    return url_for(endpoint, **values)


def _back(draft) -> str:
    """Where a section page leads back to: the check page when opened from it, else the list."""
    return url_for("apply.check" if _returning() else "apply.task_list", draft_id=draft.id)


def _next_page(draft):
    return redirect(_back(draft), 303)


def _section(step: str, draft, journey: Journey, form, save, **context):
    """A section's question page: a valid answer is saved (`save()`) and the applicant goes
    on; otherwise the page is shown, with any errors."""
    if form.validate_on_submit():
        save()
        return _next_page(draft)
    return _section_page(step, draft, journey, form, **context)


def _after_person(draft, journey: Journey):
    """After the personal details or the certificate: to the relationship page when the
    answers now call for a guardian (and the applicant is not the person), else on."""
    if _journey(draft).guardian_missing and not journey.for_self:
        return redirect(url_for("apply.relationship", draft_id=draft.id), 303)
    return _next_page(draft)


def _section_page(step: str, draft, journey: Journey, form, **context):
    """Render a section's question page and remember that the applicant is on it."""
    template = "apply/relationship.html" if step == K.WHO else f"apply/{step}.html"
    applications.note_step(draft, step)
    return render_template(template, form=form, draft=draft, journey=journey,
                           programme_name=programme_name(draft.programme),
                           action=_action(request.endpoint, draft_id=draft.id),
                           back=_back(draft), **context)


def _duplicate_message(problem: DuplicateApplication, programme: str) -> str:
    """Only about an application the account may see anyway (no oracle: see
    applications._check_not_duplicate)."""
    return _("申请对象已经有一份“%(programme)s”的申请正在办理（受理编号%(reference)s），"
             "同一事项不能重复申请。", programme=programme_name(programme),
             reference=problem.application.reference)


def _language() -> str:
    return i18n.current_language().code


# ── start ─────────────────────────────────────────────────────────────────────────────────

@bp.get("/")
def start():
    drafts = []
    if current_user.is_authenticated:
        drafts = [Journey(d) for d in applications.drafts_of(current_user.id)
                  if programmes.get(d.programme) is not None]
    login_view = current_app.login_manager.login_view
    sign_in_url = None
    if not current_user.is_authenticated and login_view:
        sign_in_url = url_for(login_view, next=request.full_path.rstrip("?"))
    return render_template("apply/start.html", groups=programmes.by_group(),
                           offline=programmes.offline(), drafts=drafts,
                           programme_names={d.draft.programme: programme_name(d.draft.programme)
                                            for d in drafts},
                           section_titles={k: s.title for k, s in BY_KEY.items()},
                           sign_in_url=sign_in_url)


@bp.route("/<programme>/", methods=["GET", "POST"])
def choose_person(programme: str):
    found = programmes.get(programme)
    if found is None:
        abort(404)
    if current_user.is_intermediary and request.method == "POST":
        # A village worker starts from the resident's page (portal.intermediary), never here.
        return redirect(url_for("intermediary.home"), 303)
    form = forms.WhoForm(applications.known_people(current_user))
    duplicate = None
    if form.validate_on_submit():
        who = form.who.data
        who = int(who.removeprefix("person-")) if who.startswith("person-") else who
        try:
            draft = applications.start_draft(current_user, programme, who)
        except DuplicateApplication as problem:
            duplicate = problem
            form.who.errors.append(_duplicate_message(problem, programme))
        else:
            if not stored.read(draft).relationship:
                return redirect(url_for("apply.relationship", draft_id=draft.id), 303)
            return redirect(url_for("apply.task_list", draft_id=draft.id), 303)
    return render_template("apply/choose_person.html", form=form, programme=found,
                           programme_name=localized(found.name), duplicate=duplicate,
                           documents=programmes.to_upload(programme))


# ── the task list ─────────────────────────────────────────────────────────────────────────

@bp.get("/drafts/<int:draft_id>/")
@_with_draft
def task_list(draft, journey: Journey):
    return render_template("apply/task_list.html", draft=draft, journey=journey,
                           programme_name=programme_name(draft.programme),
                           completed_keys=[s.key for s in journey.sections()
                                           if journey.complete(s.key)],
                           resume=BY_KEY.get(draft.current_step or ""))


@bp.route("/drafts/<int:draft_id>/relationship", methods=["GET", "POST"])
@_with_draft
def relationship(draft, journey: Journey):
    if journey.for_self:
        return redirect(url_for("apply.task_list", draft_id=draft.id))
    form = forms.RelationshipForm(data={"relationship": journey.relationship},
                                  guardian_reason=journey.guardian_reason)
    return _section(K.WHO, draft, journey, form,
                    lambda: applications.save_relationship(draft, form.relationship.data))


@bp.route("/drafts/<int:draft_id>/personal", methods=["GET", "POST"])
@_with_draft
def personal(draft, journey: Journey):
    saved = journey.personal
    initial = {"full_name": saved.full_name, "phone": saved.phone, "address": saved.address,
               "street": saved.street}
    if journey.for_self:
        initial["full_name"] = initial["full_name"] or current_user.display_name
        initial["phone"] = initial["phone"] or current_user.phone
    form = forms.PersonalDetailsForm(data=initial, language=_language(),
                                     id_saved=bool(saved.id_encrypted))
    duplicate = None
    if form.validate_on_submit():
        try:
            applications.save_personal(
                draft, full_name=form.full_name.data, id_number=form.id_number.data,
                phone=form.phone.data, address=form.address.data, street=form.street.data)
        except DraftExists:
            form.id_number.errors.append(_("您已经为这个人填写过一份这项申请的草稿。请回到"
                                           "“网上申请”首页，在“继续填写”中打开那一份。"))
        except DuplicateApplication as problem:
            duplicate = problem
            form.id_number.errors.append(_duplicate_message(problem, draft.programme))
        else:
            return _after_person(draft, journey)
    return _section_page(K.PERSONAL, draft, journey, form, saved=saved,
                         duplicate=duplicate)


@bp.route("/drafts/<int:draft_id>/certificate", methods=["GET", "POST"])
@_with_draft
def certificate(draft, journey: Journey):
    saved = journey.certificate
    initial = {}
    if saved.answered:
        initial = {"has_certificate": "yes" if saved.has_certificate else "no",
                   "category": saved.category,
                   "grade": str(saved.grade) if saved.grade else None,
                   "valid_until": saved.valid_until}
    form = forms.CertificateForm(data=initial, id_number_hash=journey.personal.id_hash,
                                 saved_number=journey.certificate_last_four())
    if form.validate_on_submit():
        has = form.has_certificate.data == "yes"
        applications.save_certificate(
            draft, has_certificate=has, certificate=form.certificate if has else None,
            category=form.category.data, grade=int(form.grade.data) if has else None,
            valid_until=form.valid_until.data if has else None)
        return _after_person(draft, journey)
    return _section_page(K.CERTIFICATE, draft, journey, form, saved=saved)


@bp.route("/drafts/<int:draft_id>/household", methods=["GET", "POST"])
@_with_draft
def household(draft, journey: Journey):
    form = forms.HouseholdForm(data=journey.answers.household.to_json())
    return _section(K.HOUSEHOLD, draft, journey, form, lambda: applications.save_section(
        draft, K.HOUSEHOLD, Household(household=form.household.data)))


@bp.route("/drafts/<int:draft_id>/payment", methods=["GET", "POST"])
@_with_draft
def payment(draft, journey: Journey):
    if not programmes.pays_money(draft.programme):
        abort(404)
    initial = journey.answers.payment.to_json()
    initial["card_number"] = crypto.decrypt(initial.get("card_number"))  # the resident's own
    if not initial and journey.person_name:
        initial["account_holder"] = journey.person_name
    form = forms.PaymentForm(data=initial)
    return _section(K.PAYMENT, draft, journey, form, lambda: applications.save_section(
        draft, K.PAYMENT, Payment(
            method=form.method.data, bank_name=form.bank_name.data.strip(),
            account_holder=form.account_holder.data, card_number=form.card_number.data)))


@bp.route("/drafts/<int:draft_id>/questions", methods=["GET", "POST"])
@_with_draft
def questions(draft, journey: Journey):
    facts = programmes.question_facts(draft.programme)
    if not facts:
        abort(404)
    form = forms.questions_form(facts, journey.answers.questions.to_json())

    def save():
        answers = {fact.name: forms.question_value(fact, form[fact.name].data) for fact in facts}
        applications.save_section(draft, K.QUESTIONS, Questions(answers))
    return _section(K.QUESTIONS, draft, journey, form, save, facts=facts)


# ── documents ─────────────────────────────────────────────────────────────────────────────

@bp.route("/drafts/<int:draft_id>/documents", methods=["GET", "POST"])
@_with_draft
def documents_page(draft, journey: Journey):
    required = journey.required_documents()
    kinds = {d.kind for d in required if d.to_upload}
    kind = request.args.get("kind")
    # One upload box per document; the app-wide CSRF check covers them (their fields are
    # prefixed, so the page carries the token itself).
    upload_forms = {d.kind: forms.UploadForm(prefix=d.kind, formdata=None, meta={"csrf": False})
                    for d in required if d.to_upload}
    failed = None
    if request.method == "POST":
        if kind:
            if kind not in kinds:
                abort(404)
            form = upload_forms[kind] = forms.UploadForm(prefix=kind, meta={"csrf": False})
            if form.validate_on_submit():
                try:
                    documents.store(form.file.data, kind=kind, account_id=current_user.id,
                                    draft_id=draft.id)
                except documents.UploadRefused as problem:
                    form.file.errors.append(documents.refusal_message(problem.reason))
                else:
                    return redirect(_action("apply.documents_page", draft_id=draft.id)
                                    + f"#{kind}", 303)
            failed = form
        else:
            done = forms.DocumentsDoneForm()
            if done.validate_on_submit():
                applications.save_section(draft, K.DOCUMENTS_DONE, True)
                return _next_page(draft)
            abort(400)
    applications.note_step(draft, K.DOCUMENTS)
    return render_template(
        "apply/documents.html", draft=draft, journey=journey, required=required,
        upload_forms=upload_forms, form=failed, done_form=forms.DocumentsDoneForm(),
        remove_form=forms.RemoveDocumentForm(), uploaded=journey.uploaded_by_kind(),
        programme_name=programme_name(draft.programme), accept=documents.ACCEPT,
        readable_size=documents.readable_size, back=_back(draft),
        returning=_returning())


def _draft_document(draft, document_id: int):
    document = documents.owned_by(document_id, current_user.id)
    if document is None or document.draft_id != draft.id:
        abort(404)
    return document


@bp.route("/drafts/<int:draft_id>/documents/<int:document_id>/replace", methods=["GET", "POST"])
def replace_document(draft_id: int, document_id: int):
    draft = _draft(draft_id)
    document = _draft_document(draft, document_id)
    form = forms.UploadForm()
    if form.validate_on_submit():
        try:
            documents.replace(document, form.file.data, account_id=current_user.id)
        except documents.UploadRefused as problem:
            form.file.errors.append(documents.refusal_message(problem.reason))
        else:
            return redirect(_action("apply.documents_page", draft_id=draft.id)
                            + f"#{document.kind}", 303)
    label = programmes.document_label(draft.programme, document.kind) or ""
    return render_template("apply/replace_document.html", form=form, draft=draft,
                           document=document, label=label, accept=documents.ACCEPT,
                           programme_name=programme_name(draft.programme),
                           action=_action("apply.replace_document", draft_id=draft.id,
                                          document_id=document.id),
                           back=_action("apply.documents_page", draft_id=draft.id))


@bp.post("/drafts/<int:draft_id>/documents/<int:document_id>/remove")
def remove_document(draft_id: int, document_id: int):
    draft = _draft(draft_id)
    document = _draft_document(draft, document_id)
    if not forms.RemoveDocumentForm().validate_on_submit():
        abort(400)
    kind = document.kind
    documents.remove(document)
    return redirect(_action("apply.documents_page", draft_id=draft.id) + f"#{kind}", 303)


@bp.get("/documents/<int:document_id>")
def download_document(document_id: int):
    document = documents.owned_by(document_id, current_user.id)
    if document is None:
        abort(404)
    return private_file(documents.path_of(document), document.content_type,
                        document.original_name)


# ── consent, check answers, submit ────────────────────────────────────────────────────────

@bp.route("/drafts/<int:draft_id>/consent", methods=["GET", "POST"])
@_with_draft
def consent(draft, journey: Journey):
    form = forms.ConsentForm(data={"consent": journey.complete(K.CONSENT)})
    street = street_by_code(journey.personal.street or "")
    return _section(K.CONSENT, draft, journey, form, lambda: applications.give_consent(draft),
                    decider_name=status_machine.decider_body(draft.programme),
                    street_name=street.name(_language()) if street else None)


@bp.route("/drafts/<int:draft_id>/check", methods=["GET", "POST"])
def check(draft_id: int):
    draft = _draft(draft_id)
    journey = _journey(draft)
    form = forms.DeclarationForm()
    problems = []
    if request.method == "POST":
        declared = form.validate()
        problems = journey.problems()
        if declared and not problems:
            try:
                application = applications.submit(draft.id, current_user,
                                                  locale=i18n.current_language().locale)
            except DraftGone:
                # Sent a moment ago by the other click of a double click (the draft object
                # is gone with it: only the id from the URL is used) – its confirmation.
                return _after_draft_gone(draft_id)
            except DuplicateApplication as problem:
                problems = [(K.PERSONAL, _duplicate_message(problem, draft.programme))]
            except NotConsented:
                problems = [(K.PERSONAL, _(
                    "这个身份证号码的居民没有同意您代办申请，或者同意已经结束。"
                    "请先请居民同意，再提交。"))]
            else:
                return redirect(url_for("apply.confirmation",
                                        reference=application.reference), 303)
        form.form_errors.extend(message for _key, message in problems)
    applications.note_step(draft, "check")
    return render_template("apply/check.html", form=form, draft=draft, journey=journey,
                           problems=problems, precheck=journey.precheck(),
                           programme_name=programme_name(draft.programme),
                           uploaded=journey.uploaded_by_kind(),
                           not_uploaded=journey.documents_not_uploaded())


@bp.route("/drafts/<int:draft_id>/delete", methods=["GET", "POST"])
def delete_draft(draft_id: int):
    draft = _draft(draft_id)
    form = forms.RemoveDocumentForm()
    if form.validate_on_submit():
        applications.delete_draft(draft)
        return redirect(url_for("apply.start"), 303)
    return render_template("apply/delete_draft.html", form=form, draft=draft,
                           journey=_journey(draft),
                           programme_name=programme_name(draft.programme))


# ── after submitting ──────────────────────────────────────────────────────────────────────

def _own_application(reference: str):
    application = applications.application_of(current_user, reference)
    if application is None:
        abort(404)
    return application


def _application_context(application) -> dict:
    # Labels of codes (programme, relationship, status, street) are every template's
    # (portal.labels).
    return {
        "application": application,
        "steps": next_steps(street_name(application.street)),
        "person_name": stored.read(application).personal.full_name
        or application.person.full_name,
        "masked_phone": phone_numbers.mask(application.applicant.phone),
        "submitted_at": dates.date_time_text(application.submitted_at),
    }


@bp.get("/applications/<reference>/")
def confirmation(reference: str):
    application = _own_application(reference)
    return render_template("apply/confirmation.html", **_application_context(application))


@bp.get("/applications/<reference>/receipt")
def receipt(reference: str):
    application = _own_application(reference)
    uploaded = [d for d in application.documents if d.removed_at is None]
    return render_template("apply/receipt.html", uploaded=uploaded,
                           **_application_context(application))
