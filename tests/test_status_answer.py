"""补正: the applicant sees what staff asked for, uploads documents and/or writes an answer, and
resubmits; the application goes back to where it was and both sides show in the timeline."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from portal.applications import documents
from portal.applications.models import Application, Document, StatusEvent
from portal.extensions import db
from tests.support.status import PDF, PNG, family, file, messages_to, post, request_info
from tests.support.accounts import sign_in
from tests.support.pages import main_text


@pytest.fixture()
def asked(db):
    f = family(status="accepted")
    request_info(f.application, f.officer, message="请补充一张清晰的残疾人证照片。",
                 note="内部：照片模糊")
    return f


def _answer_page(f):
    return f"/status/applications/{f.application.reference}/answer"


def _send(client, f, data, **kwargs):
    return post(client, _answer_page(f), {"version": str(f.application.version), **data},
                page=_answer_page(f), content_type="multipart/form-data", **kwargs)


def test_the_applicant_sees_exactly_what_is_needed(client, asked):
    sign_in(client, asked.daughter)
    page = f"/status/applications/{asked.application.reference}/"
    text = main_text(client.get(page))
    assert "需要您补充的内容" in text and "请补充一张清晰的残疾人证照片。" in text
    assert "请在" in text and "前补充" in text
    assert "照片模糊" not in text
    answer = client.get(_answer_page(asked))
    assert answer.status_code == 200
    assert "请补充一张清晰的残疾人证照片。" in main_text(answer)
    assert "照片模糊" not in answer.get_data(as_text=True)


def test_the_list_points_to_the_answer(client, asked):
    sign_in(client, asked.daughter)
    assert f'href="{_answer_page(asked)}"' in client.get("/status/").get_data(as_text=True)


def test_uploading_keeps_the_file_and_what_was_typed(client, asked):
    sign_in(client, asked.daughter)
    response = _send(client, asked, {"upload": "1", "answer": "这是新拍的照片。",
                                     "file": file(PNG, "残疾人证.png")})
    assert response.status_code == 200
    text = main_text(response)
    assert "已上传残疾人证.png。" in text and "残疾人证.png" in text
    assert "这是新拍的照片。" in response.get_data(as_text=True)  # the answer is still there
    document = db.session.scalars(select(Document)).one()
    assert (document.application_id, document.kind, document.content_type) == (
        asked.application.id, "supplement", "image/png")
    assert Path(documents.path_of(document)).read_bytes().startswith(b"\x89PNG")  # re-saved, metadata stripped
    db.session.expire_all()
    assert db.session.get(Application, asked.application.id).status == "needs_info"


def test_uploads_are_checked_by_content(client, asked):
    sign_in(client, asked.daughter)
    response = _send(client, asked, {"upload": "1", "answer": "说明",
                                     "file": file(b"MZ\x90\x00 not a photo", "photo.jpg")})
    text = main_text(response)
    assert "只能上传照片（JPG、PNG格式）或PDF文件" in text
    assert "<title>错误：" in response.get_data(as_text=True)
    assert 'href="#file"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Document)).all() == []


def test_upload_without_a_file_says_so(client, asked):
    sign_in(client, asked.daughter)
    response = _send(client, asked, {"upload": "1", "answer": ""})
    assert "请选择要上传的文件。" in main_text(response)


def test_a_file_can_be_taken_out_before_sending(client, asked):
    sign_in(client, asked.daughter)
    _send(client, asked, {"upload": "1", "file": file(PDF, "证明.pdf")})
    document = db.session.scalars(select(Document)).one()
    path = documents.path_of(document)
    response = _send(client, asked, {"remove": str(document.id), "answer": "还在"})
    assert "已删除证明.pdf。" in main_text(response)
    assert db.session.scalars(select(Document)).all() == [] and not path.exists()
    assert "还在" in response.get_data(as_text=True)


def test_nothing_to_send_is_refused_politely(client, asked):
    sign_in(client, asked.daughter)
    response = _send(client, asked, {"send": "1", "answer": "   "})
    assert response.status_code == 200
    assert "请上传补充的材料，或写下您的答复。" in main_text(response)
    db.session.expire_all()
    assert db.session.get(Application, asked.application.id).status == "needs_info"


def test_an_answer_that_is_too_long_is_refused_and_kept(client, asked):
    sign_in(client, asked.daughter)
    long_answer = "很" * 2001
    response = _send(client, asked, {"send": "1", "answer": long_answer})
    assert "答复不能超过2000个字" in main_text(response)
    assert long_answer in response.get_data(as_text=True)


def test_resubmitting_returns_to_the_state_before_and_shows_both_sides(client, asked):
    sign_in(client, asked.daughter)
    _send(client, asked, {"upload": "1", "file": file(PNG, "新照片.png")})
    response = _send(client, asked, {"send": "1", "answer": "已重新拍了残疾人证。"})
    page = f"/status/applications/{asked.application.reference}/"
    assert response.status_code == 303 and response.headers["Location"].endswith(page)
    db.session.expire_all()
    application = db.session.get(Application, asked.application.id)
    assert application.status == "accepted"
    event = db.session.scalars(select(StatusEvent).order_by(StatusEvent.id.desc())).first()
    assert (event.from_status, event.to_status, event.actor_account_id,
            event.message_to_applicant) == ("needs_info", "accepted", asked.daughter.id,
                                            "已重新拍了残疾人证。")
    text = main_text(client.get(page))
    request_at = text.index("工作人员的说明：请补充一张清晰的残疾人证照片。")
    answer_at = text.index("申请人的答复：已重新拍了残疾人证。")
    assert request_at < answer_at < text.index("新照片.png", answer_at)
    assert "您补充的材料已提交" in text
    # The applicant was told, in a text without the staff's words or the answer.
    body = messages_to(asked.daughter.phone)[-1].body
    assert asked.application.reference in body and "补充的材料" in body
    assert "残疾人证" not in body


def test_a_file_chosen_but_not_uploaded_is_sent_with_the_answer(client, asked):
    sign_in(client, asked.daughter)
    response = _send(client, asked, {"send": "1", "file": file(PNG, "一起发.png")})
    assert response.status_code == 303
    assert db.session.scalars(select(Document.original_name)).one() == "一起发.png"
    db.session.expire_all()
    assert db.session.get(Application, asked.application.id).status == "accepted"


def test_staff_see_the_answer_as_the_applicants(client, asked):

    sign_in(client, asked.daughter)
    _send(client, asked, {"send": "1", "answer": "已重新拍了残疾人证。"})
    client.get("/_test/sign-out")
    sign_in(client, asked.officer)
    text = main_text(client.get(f"/staff/applications/{asked.application.reference}"))
    assert "已重新拍了残疾人证。" in text
    assert "给申请人的说明：已重新拍了残疾人证。" not in text


def test_a_stale_answer_changes_nothing(client, asked):
    sign_in(client, asked.daughter)
    response = post(client, _answer_page(asked),
                    {"version": str(asked.application.version - 1), "send": "1",
                     "answer": "晚了"}, page=_answer_page(asked))
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Application, asked.application.id).status == "needs_info"


def test_no_answer_page_when_nothing_is_asked(client, db):
    f = family(status="accepted")
    sign_in(client, f.daughter)
    response = client.get(f"/status/applications/{f.application.reference}/answer")
    assert response.status_code == 303
    assert "不需要补充材料" in main_text(client.get(response.headers["Location"]))


def test_documents_of_an_earlier_answer_cannot_be_removed_later(client, asked):
    sign_in(client, asked.daughter)
    _send(client, asked, {"upload": "1", "file": file(PNG, "第一次.png")})
    _send(client, asked, {"send": "1"})
    db.session.expire_all()
    application = db.session.get(Application, asked.application.id)
    request_info(application, asked.officer, message="还需要户口簿。")
    first = db.session.scalars(select(Document)).one()
    response = post(client, _answer_page(asked), {"version": str(application.version),
                                                  "remove": str(first.id)},
                    page=_answer_page(asked))
    assert response.status_code == 200
    assert db.session.scalars(select(Document)).one().id == first.id
