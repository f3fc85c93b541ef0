"""在线咨询 (issue 20): asked anonymously and answered by text; asked signed in about an
application and seen only by its owner and the responsible staff; with a sign-language video
(content-checked, size-limited) answered in writing; published on the programme's guide."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from portal.content.media import samples
from portal.messages import sms
from portal.questions import questions
from portal.questions.models import Question
from tests.support.accounts import make_account, messages_to, sign_in, submit
from tests.support.pages import main_text
from tests.support.status import family

WEBM = samples.VIDEO.read_bytes()


def _ask(client, data, files=None):
    html = client.get("/ask/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    return client.post("/ask/", data={**data, **(files or {}), "csrf_token": token},
                       content_type="multipart/form-data")


def test_an_anonymous_question_is_answered_by_text(client, db):
    response = _ask(client, {"about": "programme", "programme": "nursing_allowance",
                             "text": "护理补贴每月什么时候发？", "phone": "139 0000 1234"})
    assert response.status_code == 303
    private = response.headers["Location"].split("?")[0]
    assert "/ask/q/" in private
    question = db.session.scalars(select(Question)).one()
    assert question.asker_account_id is None
    assert "13900001234" not in (question.phone_encrypted or "")      # kept encrypted
    page = client.get(private)
    assert "还没有答复" in main_text(page)

    district = make_account("district_reviewer", phone="13800000055")
    sign_in(client, district)
    assert f"/staff/questions/{question.id}" in client.get("/staff/questions").get_data(
        as_text=True)
    response = submit(client, f"/staff/questions/{question.id}",
                      {"step": "answer", "answer": "每月15日前发放到社保卡。"})
    assert response.status_code == 303

    texts = [sms.readable_text(m) for m in messages_to("13900001234")]
    assert len(texts) == 1 and private in texts[0]
    assert "15日" not in texts[0] and "护理补贴每月" not in texts[0]   # only the link
    client.delete_cookie("session")
    answered = main_text(client.get(private))
    assert "每月15日前发放到社保卡。" in answered and "答复是文字" in answered


def test_a_question_about_an_application_is_seen_only_by_its_owner_and_its_staff(client, db):
    f = family(status="accepted")
    sign_in(client, f.daughter)
    form = client.get("/ask/").get_data(as_text=True)
    assert f.application.reference in form
    response = _ask(client, {"about": "application", "application": f.application.reference,
                             "text": "我母亲的申请还缺什么材料吗？"})
    assert response.status_code == 303
    private = response.headers["Location"].split("?")[0]
    question = db.session.scalars(select(Question)).one()
    assert question.application_id == f.application.id and question.street == "ganting"
    assert client.get(private).status_code == 200
    assert client.get(f"/ask/mine/{question.id}").status_code == 200
    assert f"/ask/mine/{question.id}" in client.get("/ask/mine").get_data(as_text=True)

    # anyone else – signed out with the link, another resident
    client.delete_cookie("session")
    assert client.get(private).status_code == 404
    sign_in(client, f.stranger)
    assert client.get(private).status_code == 404
    assert client.get(f"/ask/mine/{question.id}").status_code == 404
    # a stranger cannot link a question to someone else's application by typing its reference
    response = _ask(client, {"about": "application", "application": f.application.reference,
                             "text": "试试别人的申请"})
    assert response.status_code == 200
    assert db.session.scalar(select(Question.id).where(Question.text == "试试别人的申请")) is None

    # staff: the street's officer sees it; another street's officer and 区民政 for a programme
    # it does not decide get the same 404 as for a missing question
    sign_in(client, f.officer)
    assert client.get(f"/staff/questions/{question.id}").status_code == 200
    other_street = make_account("street_officer", street="yuxia", phone="13800000066")
    sign_in(client, other_street)
    assert client.get(f"/staff/questions/{question.id}").status_code == 404
    assert client.get("/staff/questions/999999").status_code == 404
    editor = make_account("content_editor", phone="13800000067")
    sign_in(client, editor)
    assert client.get(f"/staff/questions/{question.id}").status_code == 404


def test_a_sign_language_video_question_is_checked_and_answered_in_writing(client, db, app):
    response = _ask(client, {"about": "accessibility", "text": "视频里是我的问题。"},
                    {"video": (io.BytesIO(b"not a video at all"), "question.webm")})
    assert response.status_code == 200
    assert "不是WebM或MP4视频" in main_text(response)
    assert db.session.scalar(select(Question.id)) is None
    limit = app.config["QUESTION_VIDEO_MAX_BYTES"]
    app.config["QUESTION_VIDEO_MAX_BYTES"] = len(WEBM) - 1
    try:
        response = _ask(client, {"about": "accessibility", "text": "视频里是我的问题。"},
                        {"video": (io.BytesIO(WEBM), "question.webm")})
        assert "不能超过" in main_text(response)
    finally:
        app.config["QUESTION_VIDEO_MAX_BYTES"] = limit
    response = _ask(client, {"about": "accessibility", "text": "视频里是我的问题。"},
                    {"video": (io.BytesIO(WEBM), "anything.txt")})
    assert response.status_code == 303
    private = response.headers["Location"].split("?")[0]
    question = db.session.scalars(select(Question)).one()
    assert question.video_type == "video/webm" and question.video_name.endswith(".webm")
    # the video is not public: not through the media files, nor to a resident
    assert client.get(f"/media/files/{question.video_name}").status_code == 404
    editor = make_account("content_editor", phone="13800000068")
    sign_in(client, editor)
    video = client.get(f"/staff/questions/{question.id}/video")
    assert video.status_code == 200 and video.data == WEBM
    submit(client, f"/staff/questions/{question.id}",
           {"step": "answer", "answer": "平台的文字可以放大，在页面顶部的“显示设置”里。"})
    client.delete_cookie("session")
    page = main_text(client.get(private))
    assert "答复是文字，没有手语视频" in page and "显示设置" in page


def test_a_frequent_question_is_published_on_the_guide(client, db):
    asked = questions.ask(about="programme", programme="nursing_allowance",
                          text="我叫张三，护理补贴能和生活补贴一起领吗？")
    district = make_account("district_reviewer", phone="13800000056")
    questions.answer(asked.question, district, "可以，两项补贴可以同时领取。")
    editor = make_account("content_editor", phone="13800000057")
    sign_in(client, editor)
    response = submit(client, f"/staff/questions/{asked.question.id}", {
        "step": "publish", "published_question": "护理补贴能和生活补贴一起领吗？",
        "published_answer": "可以，两项补贴可以同时领取。"})
    assert response.status_code == 303
    client.delete_cookie("session")
    guide = main_text(client.get("/programmes/nursing_allowance"))
    assert "常见问题" in guide and "护理补贴能和生活补贴一起领吗？" in guide
    assert "张三" not in guide
    # only a content editor publishes
    sign_in(client, district)
    submit(client, f"/staff/questions/{asked.question.id}", {
        "step": "publish", "published_question": "改掉", "published_answer": "改掉"})
    db.session.expire_all()
    assert db.session.get(Question, asked.question.id).published_question != "改掉"


def test_every_sentence_the_code_writes_with_12385_offers_the_written_channel_beside_it(
        client, db):
    """Error pages and the next steps of an application (Python's sentences, not templates')."""
    from tests.support.staff import make_application

    resident = make_account("resident")
    sign_in(client, resident)
    forbidden = client.get("/staff/queue")
    assert forbidden.status_code == 403
    html = forbidden.get_data(as_text=True)
    assert "拨打12385" in html and 'href="/ask/"' in html
    refused = make_application(resident, status="rejected")
    html = client.get(f"/status/applications/{refused.reference}/").get_data(as_text=True)
    sentence = html[html.find("如果对结果有疑问，请拨打12385咨询。"):][:200]
    assert 'href="/ask/"' in sentence
    listing = client.get("/status/").get_data(as_text=True)
    assert 'href="/ask/"' in listing[listing.find("如果对结果有疑问"):][:200]
    # …and a sentence without the number gets no link.
    missing = client.get("/no-such-page").get_data(as_text=True)
    assert "找不到此页面" in missing and 'href="/ask/"' not in missing.split("<main")[1].split(
        "</main>")[0]


def test_every_text_message_that_says_to_call_12385_offers_the_written_channel_too():
    """A Deaf resident reads the text: "call 12385" alone is a wall (issue 20)."""
    import ast
    from pathlib import Path

    source = Path(__file__).parents[2] / "portal" / "messages" / "templates.py"
    texts = [node.args[0].value for node in ast.walk(ast.parse(source.read_text("utf-8")))
             if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "_l"
             and node.args and isinstance(node.args[0], ast.Constant)]
    calling = [text for text in texts if "12385" in text]
    assert calling and all("在线咨询" in text for text in calling), \
        [text for text in calling if "在线咨询" not in text]
