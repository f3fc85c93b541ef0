"""/staff/questions: the written questions' queue (portal.questions.questions says whose), one
question (its view audited) with the answer form, its sign-language video, and – for a content
editor – publishing an answered question about a programme on its guide."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.content.media import storage
from portal.questions import questions
from portal.staff import display
from portal.staff.access import staff_required
from portal.staff.outcomes import done_or_refused
from portal.staff.question_forms import AnswerForm, PublishForm
from portal.web.delivery import private_file

bp = Blueprint("staff_questions", __name__, url_prefix="/staff/questions")
ROLES = ("street_officer", "district_reviewer", "civil_affairs", "content_editor")


@bp.context_processor
def _context():
    return {**display.helpers(), "staff_links": display.staff_links(),
            "question_application": questions.application_of}


def _found(asked_id: int):
    found = questions.find_for_staff(current_user, asked_id)
    if found is None:
        abort(404)
    return found


@bp.get("")
@staff_required(*ROLES)
def queue():
    answered = request.args.get("answered") == "1"
    return render_template("staff/questions.html", answered=answered,
                           rows=questions.queue(current_user, answered=answered))


@bp.route("/<int:asked_id>", methods=["GET", "POST"])
@staff_required(*ROLES)
def question(asked_id: int):
    found = _found(asked_id)
    answer = AnswerForm()
    publish = PublishForm()
    step = request.form.get("step")
    back = url_for(".question", asked_id=found.id)
    if step == "answer" and answer.validate_on_submit():
        return done_or_refused(
            lambda: questions.answer(found, current_user, answer.answer.data),
            questions.QuestionRefused, done=_("已答复。留了手机号码的，我们已发短信告诉提问人。"),
            refused_text=_("这个问题已经答复过了。"), back=back)
    if step == "publish" and current_user.role == "content_editor" \
            and publish.validate_on_submit():
        return done_or_refused(
            lambda: questions.publish(found, current_user, publish.published_question.data,
                                      publish.published_answer.data),
            questions.QuestionRefused,
            done=_("已发布到这项服务的办事指南的“常见问题”中，几分钟内显示。"),
            refused_text=_("只有已经答复的、关于某项服务的问题可以发布。"), back=back)
    if request.method == "GET":
        questions.viewed(current_user, found)
        if found.published:
            publish.published_question.data = found.published_question
            publish.published_answer.data = found.published_answer
    return render_template(
        "staff/question.html", question=found, answer=answer, publish=publish, step=step,
        phone=questions.phone_of(found),
        can_publish=current_user.role == "content_editor" and found.answered_at is not None
        and found.about == "programme")


@bp.get("/<int:asked_id>/video")
@staff_required(*ROLES)
def video(asked_id: int):
    found = _found(asked_id)
    path = storage.path_for(found.video_name) if found.video_name else None
    if path is None:
        abort(404)
    return private_file(path, found.video_type, inline=True, conditional=True)
