"""The application journey page by page: start, whom for, relationship, the task list, each
section with its errors, change links that return to the check page, and resuming a draft."""
import re
from datetime import date
from urllib.parse import unquote

from sqlalchemy import select

from portal.applications import answers
from portal.applications.models import Draft
from portal.apply import programmes
from portal.people import identity
from tests.support.apply import (
    CARD,
    MOTHER_CERTIFICATE,
    MOTHER_ID,
    answer_questions,
    draft_id_from,
    fill_all,
    personal,
    post,
    start_for_other,
)
from tests.support.accounts import APPLICANT, make_account, sign_in
from tests.support.pages import text

# ── start ─────────────────────────────────────────────────────────────────────────────────

def test_the_start_page_lists_every_online_programme_and_refers_the_others(client):
    response = client.get("/apply/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    online = programmes.online()
    assert len(online) == 17
    for programme in online:
        assert f'href="/apply/{programme.code}/"' in html
    for programme in programmes.offline():
        assert f"/apply/{programme.code}/" not in html
        assert str(programme.name) in html
    assert "需要到现场办理的事项" in html


def test_the_start_page_is_in_english_too(english_client):
    html = english_client.get("/apply/").get_data(as_text=True)
    assert "Nursing allowance for people with severe disabilities" in html


def test_applying_needs_a_signed_in_account(client):
    for path in ("/apply/nursing_allowance/", "/apply/drafts/1/", "/apply/drafts/1/personal",
                 "/apply/documents/1", "/apply/applications/HY-2026-AAAAAA/"):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["Location"].startswith("/account/sign-in?next=")
        assert "/apply/" in unquote(response.headers["Location"])


def test_a_programme_that_is_not_online_or_unknown_cannot_be_applied_for(client):
    sign_in(client, make_account(**APPLICANT))
    assert client.get("/apply/dibao_single/").status_code == 404
    assert client.get("/apply/no_such_programme/").status_code == 404


# ── whom for, relationship ────────────────────────────────────────────────────────────────

def test_choosing_whom_for_is_required(client):
    sign_in(client, make_account(**APPLICANT))
    response = post(client, "/apply/nursing_allowance/", {})
    assert response.status_code == 200
    assert "请选择您在为谁申请。" in text(response)
    assert "<title>错误：您在为谁申请？" in response.get_data(as_text=True)


def test_applying_for_someone_else_asks_the_relationship(client, db):
    sign_in(client, make_account(**APPLICANT))
    response = post(client, "/apply/nursing_allowance/", {"who": "other"})
    draft_id = draft_id_from(response)
    assert response.headers["Location"].endswith(f"/apply/drafts/{draft_id}/relationship")
    page = client.get(f"/apply/drafts/{draft_id}/relationship")
    for label in ("监护人", "家属", "委托代理人", "村（社区）工作人员"):
        assert label in text(page)
    assert "本人" not in re.findall(r'<label class="choice__label"[^>]*>([^<]+)<',
                                   page.get_data(as_text=True))
    response = post(client, f"/apply/drafts/{draft_id}/relationship", {})
    assert "请选择您和申请对象的关系。" in text(response)
    response = post(client, f"/apply/drafts/{draft_id}/relationship", {"relationship": "family"})
    assert response.headers["Location"].endswith(f"/apply/drafts/{draft_id}/")
    assert db.session.get(Draft, draft_id).answers["relationship"] == "family"


def test_applying_for_oneself_records_self_and_prefills_name_and_phone(client, db):
    account = sign_in(client, make_account(phone="13922223333", name="赵军"))
    response = post(client, "/apply/assistive_devices/", {"who": "self"})
    draft_id = draft_id_from(response)
    assert response.headers["Location"].endswith(f"/apply/drafts/{draft_id}/")
    assert answers.read(db.session.get(Draft, draft_id)) == answers.Answers(relationship="self")
    page = client.get(f"/apply/drafts/{draft_id}/personal").get_data(as_text=True)
    assert 'value="赵军"' in page and f'value="{account.phone}"' in page
    assert 'autocomplete="name"' in page
    # The same choice again opens the same draft.
    again = post(client, "/apply/assistive_devices/", {"who": "self"})
    assert draft_id_from(again) == draft_id


# ── the task list ─────────────────────────────────────────────────────────────────────────

def statuses(client, draft_id) -> dict:
    html = client.get(f"/apply/drafts/{draft_id}/").get_data(as_text=True)
    return dict(re.findall(r'id="status-(\w+)">([^<]+)<', html))


def test_the_task_list_shows_each_section_with_its_status(client):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    assert statuses(client, draft_id) == {
        "who": "已完成", "personal": "未开始", "certificate": "未开始", "household": "未开始",
        "payment": "未开始", "questions": "未开始", "documents": "未开始", "consent": "未开始",
        "check": "暂不能开始",
    }
    client.get(f"/apply/drafts/{draft_id}/certificate")  # opened, not yet answered
    assert statuses(client, draft_id)["certificate"] == "进行中"
    fill_all(client, draft_id)
    assert set(statuses(client, draft_id).values()) == {"已完成", "未开始"}
    assert statuses(client, draft_id)["check"] == "未开始"


def test_money_programmes_ask_for_an_account_and_others_do_not(client):
    sign_in(client, make_account(**APPLICANT))
    assert programmes.pays_money("nursing_allowance")
    assert not programmes.pays_money("assistive_devices")
    draft_id = start_for_other(client, "assistive_devices")
    assert "payment" not in statuses(client, draft_id)
    assert client.get(f"/apply/drafts/{draft_id}/payment").status_code == 404


def test_the_programme_questions_are_the_facts_its_rules_read_that_nothing_else_answers(client):
    sign_in(client, make_account(**APPLICANT))
    asked = [fact.name for fact in programmes.question_facts("nursing_allowance")]
    assert asked == ["hukou", "needs_long_term_care", "work_injury_nursing"]
    assert not set(asked) & {"age", "sex", "disability_grade", "household"}
    draft_id = start_for_other(client)
    page = text(client.get(f"/apply/drafts/{draft_id}/questions"))
    assert "需要他人长期照护（6个月以上）" in page and "户籍所在地" in page
    response = post(client, f"/apply/drafts/{draft_id}/questions", {"hukou": "huyi"})
    assert "请回答：需要他人长期照护（6个月以上）" in text(response)
    assert re.search(r'checked[^>]*value="huyi"', response.get_data(as_text=True))  # kept


# ── personal details ──────────────────────────────────────────────────────────────────────

def test_personal_details_errors_keep_what_was_typed(client):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    path, data = personal(draft_id, full_name="Wang", id_number="11010519491231002",
                          phone="139", address="", street="")
    response = post(client, path, data)
    page = text(response)
    for expected in ("姓名请用汉字填写", "身份证号码应为18位，您输入了17位。",
                     "手机号码应为11位数字，例如 139 1234 5678", "请输入居住地址。",
                     "请选择户籍所在的街道（镇）。"):
        assert expected in page
    html = response.get_data(as_text=True)
    assert 'value="11010519491231002"' in html and 'value="Wang"' in html
    assert 'href="#full_name"' in html and 'href="#street-0"' in html  # the summary links


def test_birth_date_and_sex_are_read_from_the_id_number_and_never_asked(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    page = client.get(f"/apply/drafts/{draft_id}/personal").get_data(as_text=True)
    assert "出生日期" not in re.sub(r'<div class="hint".*?</div>', "", page)
    assert 'name="sex"' not in page and 'name="birth_date"' not in page
    path, data = personal(draft_id)
    assert post(client, path, data).status_code == 303
    saved = db.session.get(Draft, draft_id).answers["personal"]
    # Nothing readable derived from the number is kept: read from the encrypted number.
    assert not {"birth_date", "sex", "id_masked"} & set(saved)
    assert MOTHER_ID[-4:] not in str(saved) and "1950" not in str(saved)
    number = identity.read(saved["id_encrypted"])
    assert (number.birth_date, number.sex) == (date(1950, 4, 8), "female")


def test_a_saved_id_number_need_not_be_typed_again(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    path, data = personal(draft_id)
    post(client, path, data)
    page = client.get(path).get_data(as_text=True)
    assert f"已保存的号码：尾号{MOTHER_ID[-4:]}。" in page and MOTHER_ID[:6] not in page
    response = post(client, path, {**data, "id_number": "", "address": "鄠邑区新地址8号"})
    assert response.status_code == 303
    saved = db.session.get(Draft, draft_id).answers["personal"]
    assert saved["address"] == "鄠邑区新地址8号"
    assert identity.read(saved["id_encrypted"]).value == MOTHER_ID


# ── certificate ───────────────────────────────────────────────────────────────────────────

def certificate(draft_id, **changes):
    data = {"has_certificate": "yes", "certificate_number": MOTHER_CERTIFICATE,
            "category": "physical", "grade": "1", "valid_until": "", **changes}
    return f"/apply/drafts/{draft_id}/certificate", data


def test_the_certificate_is_cross_checked_with_the_id_number_and_the_choices(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    post(client, *personal(draft_id))
    response = post(client, *certificate(draft_id, category="visual"))
    assert "残疾人证号的第19位表示残疾类别，您的证号显示为肢体残疾，但您选择了视力残疾。请核对。" \
        in text(response)
    response = post(client, *certificate(draft_id, grade="2"))
    assert "您的证号显示为一级，但您选择了二级" in text(response)
    response = post(client, *certificate(draft_id, certificate_number="11010519491231002X41"))
    assert "残疾人证号的前18位应与申请对象的身份证号码相同" in text(response)
    response = post(client, *certificate(draft_id, category="", grade=""))
    assert "请选择残疾类别。" in text(response) and "请选择残疾等级。" in text(response)
    response = post(client, *certificate(draft_id, valid_until="2030-02-30"))
    assert "这个日期不存在" in text(response)
    assert post(client, *certificate(draft_id, valid_until="2031年5月1日")).status_code == 303
    saved = db.session.get(Draft, draft_id).answers["certificate"]
    # The number is the ID number and the category and grade digits: none of it is kept.
    assert saved == {"has_certificate": True, "id_hash": identity.lookup_hash(MOTHER_ID),
                     "category": "physical", "grade": 1, "valid_until": "2031-05-01"}
    assert MOTHER_CERTIFICATE[-4:] not in str(saved)


def test_without_a_certificate_nothing_else_is_asked(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    response = post(client, *certificate(draft_id, has_certificate="no", certificate_number="",
                                         category="", grade=""))
    assert response.status_code == 303
    assert db.session.get(Draft, draft_id).answers["certificate"] == {"has_certificate": False}
    assert "请选择申请对象是否有残疾人证。" in text(post(client, *certificate(
        draft_id, has_certificate="")))


def test_a_saved_certificate_number_is_kept_and_still_cross_checked(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    post(client, *personal(draft_id))
    post(client, *certificate(draft_id))
    page = client.get(f"/apply/drafts/{draft_id}/certificate").get_data(as_text=True)
    assert f"已保存的证号：尾号{MOTHER_CERTIFICATE[-4:]}。" in page
    assert MOTHER_CERTIFICATE[:6] not in page
    response = post(client, *certificate(draft_id, certificate_number="", category="visual"))
    assert "您的证号显示为肢体残疾，但您选择了视力残疾" in text(response)
    response = post(client, *certificate(draft_id, certificate_number=""))
    assert response.status_code == 303
    saved = db.session.get(Draft, draft_id).answers["certificate"]
    assert saved["id_hash"] == identity.lookup_hash(MOTHER_ID) and saved["category"] == "physical"
    assert "尾号" + MOTHER_CERTIFICATE[-4:] in text(client.get(f"/apply/drafts/{draft_id}/check"))


# ── household, payment ────────────────────────────────────────────────────────────────────

def test_household_and_payment(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    path = f"/apply/drafts/{draft_id}/household"
    assert "请选择申请对象家庭的情况。" in text(post(client, path, {}))
    assert post(client, path, {"household": "dibao"}).status_code == 303
    path = f"/apply/drafts/{draft_id}/payment"
    response = post(client, path, {"method": "bank_card", "bank_name": "",
                                   "account_holder": "王", "card_number": CARD[:-1] + "0"})
    page = text(response)
    assert "请输入开户银行的名称。" in page and "姓名应为2至30个字" in page
    assert "这个卡号不正确" in page or CARD.endswith("0")
    response = post(client, path, {"method": "social_security_card", "bank_name": "西安银行",
                                   "account_holder": "王秀英",
                                   "card_number": " ".join([CARD[:4], CARD[4:8], CARD[8:]])})
    assert response.status_code == 303
    stored = db.session.get(Draft, draft_id).answers["payment"]["card_number"]
    assert CARD not in stored  # encrypted at rest (tests/security/test_encryption.py)
    from portal.people import crypto
    assert crypto.decrypt(stored) == CARD


# ── check answers and coming back to it ───────────────────────────────────────────────────

def test_change_links_return_to_the_check_page(client):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    page = client.get(f"/apply/drafts/{draft_id}/check").get_data(as_text=True)
    for section in ("relationship", "personal", "certificate", "household", "payment",
                    "questions", "documents", "consent"):
        assert f'href="/apply/drafts/{draft_id}/{section}?return=check"' in page
    form = client.get(f"/apply/drafts/{draft_id}/household?return=check").get_data(as_text=True)
    assert f'action="/apply/drafts/{draft_id}/household?return=check"' in form
    response = post(client, f"/apply/drafts/{draft_id}/household?return=check",
                    {"household": "dibao"})
    assert response.headers["Location"].endswith(f"/apply/drafts/{draft_id}/check")
    response = post(client, f"/apply/drafts/{draft_id}/household", {"household": "dibao"})
    assert response.headers["Location"].endswith(f"/apply/drafts/{draft_id}/")
    response = post(client, f"/apply/drafts/{draft_id}/household?return=elsewhere",
                    {"household": "dibao"})
    assert response.headers["Location"].endswith(f"/apply/drafts/{draft_id}/")


def test_the_check_page_shows_every_answer_masked_where_sensitive(client):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    page = text(client.get(f"/apply/drafts/{draft_id}/check"))
    age = identity.age_on(date(1950, 4, 8), date.today())
    for expected in ("王秀英", f"尾号{MOTHER_ID[-4:]}", f"{age}周岁", "女", "甘亭街道",
                     "肢体残疾", "一级", "2031年5月1日", "低收入家庭", "中国农业银行鄠邑支行",
                     CARD[:4] + " **** **** " + CARD[-4:], "身份证.png", "家属", "已同意"):
        assert expected in page, expected
    assert MOTHER_ID not in page and CARD not in page
    # at most the last four, and an age, never the area code or the birth date
    assert MOTHER_ID[:6] not in page and "1950年" not in page and "4月8日" not in page


# ── drafts are kept and resumed ───────────────────────────────────────────────────────────

def test_a_draft_is_resumed_on_another_day_from_another_device(app, client, db):
    account = sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    post(client, *personal(draft_id))
    client.get(f"/apply/drafts/{draft_id}/household")  # where the applicant left off
    with app.test_client() as other_device:
        other_device.get(f"/_test/sign-in/{account.phone}")
        start = text(other_device.get("/apply/"))
        assert "继续填写" in start and "重度残疾人护理补贴" in start
        assert "申请对象：王秀英。" in start and "上次填到：“家庭经济情况”。" in start
        tasks = other_device.get(f"/apply/drafts/{draft_id}/").get_data(as_text=True)
        assert "上次您填到了“家庭经济情况”。" in tasks
        assert f'href="/apply/drafts/{draft_id}/household"' in tasks
        assert 'value="王秀英"' in other_device.get(
            f"/apply/drafts/{draft_id}/personal").get_data(as_text=True)


def test_nobody_else_sees_a_draft(app, client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    with app.test_client() as stranger:
        sign_in(stranger, make_account(phone="13900000009", name="陌生人"))
        for page in ("", "personal", "check", "documents", "delete"):
            assert stranger.get(f"/apply/drafts/{draft_id}/{page}").status_code == 404
        assert "王秀英" not in stranger.get("/apply/").get_data(as_text=True)


def test_a_draft_can_be_deleted(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    assert "确定要删除这份草稿吗？" in text(client.get(f"/apply/drafts/{draft_id}/delete"))
    response = post(client, f"/apply/drafts/{draft_id}/delete")
    assert response.status_code == 303
    assert db.session.get(Draft, draft_id) is None
    assert db.session.scalars(select(Draft)).all() == []


def test_every_section_page_has_its_question_and_a_back_link(client):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    answer_questions(client, draft_id, "nursing_allowance")
    for section, heading in (("personal", "基本信息"), ("certificate", "残疾人证"),
                             ("household", "申请对象的家庭属于哪种情况？"),
                             ("payment", "收款账户"), ("questions", "本事项需要了解的情况"),
                             ("documents", "上传材料"), ("consent", "同意处理敏感个人信息"),
                             ("relationship", "您和申请对象是什么关系？")):
        html = client.get(f"/apply/drafts/{draft_id}/{section}").get_data(as_text=True)
        assert re.search(r"<h1[^>]*>\s*" + re.escape(heading), html), section
        assert 'class="back-link"' in html
