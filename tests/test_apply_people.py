"""Whom an application is for: guardians for minors and for intellectual or mental disability,
and what the portal already knows is pre-filled, never asked again."""
import re
from datetime import date

from sqlalchemy import select

from portal.accounts import person_links
from portal.accounts.models import Account, PersonLink
from portal.applications.models import Application, Draft
from portal.cli.demo_content import make_id_number
from portal.people import crypto, identity
from portal.people.identity import age_on
from portal.people.models import Person
from tests.support.apply import CHILD_ID, MOTHER_ID, fill_all, personal, post, start_for_other
from tests.support.staff import make_link
from tests.support.accounts import APPLICANT, make_account, sign_in
from tests.support.pages import text

# ── guardians ─────────────────────────────────────────────────────────────────────────────

def test_a_minor_needs_a_guardian_and_the_reason_is_given(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client, "child_rehab", relationship="family")
    response = post(client, *personal(draft_id, full_name="王小明", id_number=CHILD_ID))
    assert response.headers["Location"].endswith(f"/apply/drafts/{draft_id}/relationship")
    page = text(client.get(f"/apply/drafts/{draft_id}/relationship"))
    assert "申请对象未满18周岁。为了保护未成年人的权益，申请需要由监护人（一般是父母）提出。" in page
    response = post(client, f"/apply/drafts/{draft_id}/relationship", {"relationship": "family"})
    assert response.status_code == 200
    assert "如果您是申请对象的监护人，请选择“监护人”" in text(response)
    tasks = client.get(f"/apply/drafts/{draft_id}/").get_data(as_text=True)
    assert re.search(r'id="status-who">进行中<', tasks)
    response = post(client, f"/apply/drafts/{draft_id}/relationship",
                    {"relationship": "guardian"})
    assert response.status_code == 303
    assert re.search(r'id="status-who">已完成<',
                     client.get(f"/apply/drafts/{draft_id}/").get_data(as_text=True))


def test_intellectual_or_mental_disability_needs_a_guardian(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client, relationship="agent")
    post(client, *personal(draft_id))
    response = post(client, f"/apply/drafts/{draft_id}/certificate",
                    {"has_certificate": "yes", "certificate_number": MOTHER_ID + "62",
                     "category": "mental", "grade": "2"})
    assert response.headers["Location"].endswith(f"/apply/drafts/{draft_id}/relationship")
    assert "智力残疾或精神残疾" in text(client.get(f"/apply/drafts/{draft_id}/relationship"))


def test_an_unmet_guardian_rule_stops_the_submission(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    draft = db.session.get(Draft, draft_id)
    draft.answers = {**draft.answers, "certificate": {**draft.answers["certificate"],
                                                      "category": "intellectual"}}
    db.session.commit()
    response = post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})
    assert response.status_code == 200
    assert "智力残疾或精神残疾" in text(response)
    assert db.session.scalar(select(Application)) is None


def test_a_minor_cannot_apply_alone(client, db):
    sign_in(client, make_account(**APPLICANT))
    response = post(client, "/apply/child_rehab/", {"who": "self"})
    draft_id = int(re.search(r"/drafts/(\d+)/", response.headers["Location"]).group(1))
    post(client, *personal(draft_id, full_name="王小明", id_number=CHILD_ID))
    page = text(client.get(f"/apply/drafts/{draft_id}/"))
    assert "申请对象未满18周岁" in page and "请由监护人登录自己的账户，为您申请。" in page


def test_age_in_whole_years_turns_on_the_birthday():
    born = date(2008, 11, 28)
    assert age_on(born, date(2026, 11, 27)) == 17
    assert age_on(born, date(2026, 11, 28)) == 18
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


# ── never asked twice ─────────────────────────────────────────────────────────────────────

def test_someone_applied_for_before_is_offered_and_their_details_are_filled_in(client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})
    person = db.session.scalar(select(Person))

    page = client.get("/apply/living_allowance/").get_data(as_text=True)
    assert f'value="person-{person.id}"' in page
    assert f"为王秀英申请（身份证号码尾号{MOTHER_ID[-4:]}）" in page
    response = post(client, "/apply/living_allowance/", {"who": f"person-{person.id}"})
    new_id = int(re.search(r"/drafts/(\d+)/", response.headers["Location"]).group(1))
    assert response.headers["Location"].endswith(f"/apply/drafts/{new_id}/")  # no relationship
    statuses = dict(re.findall(r'id="status-(\w+)">([^<]+)<',
                               client.get(f"/apply/drafts/{new_id}/").get_data(as_text=True)))
    for section in ("who", "personal", "certificate", "household", "payment"):
        assert statuses[section] == "已完成", section
    assert statuses["documents"] == "未开始" and statuses["consent"] == "未开始"
    draft = db.session.get(Draft, new_id)
    assert draft.person_id == person.id and draft.answers["relationship"] == "family"
    # The same person and programme again opens the same draft.
    again = post(client, "/apply/living_allowance/", {"who": f"person-{person.id}"})
    assert f"/apply/drafts/{new_id}/" in again.headers["Location"]


def test_only_this_accounts_own_earlier_applications_are_offered(app, client, db):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})
    person = db.session.scalar(select(Person))
    with app.test_client() as neighbour:
        sign_in(neighbour, make_account(phone="13900000009", name="邻居"))
        page = neighbour.get("/apply/living_allowance/").get_data(as_text=True)
        assert "王秀英" not in page
        response = post(neighbour, "/apply/living_allowance/", {"who": f"person-{person.id}"})
        assert response.status_code == 200  # not one of the choices offered
        assert db.session.scalar(select(Draft).where(Draft.person_id == person.id)) is None


def test_applying_for_oneself_uses_what_the_account_knows(client, db):
    account = make_account(phone="13922223333", name="赵军")
    born = date(1970, 3, 3)
    own_id = make_id_number("610118", born, 11)
    person = Person(full_name="赵军", **identity.stored_fields(own_id), street="yuxia", address="鄠邑区余下街道1号", phone="13922223333")
    db.session.add(person)
    db.session.flush()
    make_link(account, person)
    sign_in(client, make_account(phone="13922223333", name="赵军"))
    response = post(client, "/apply/assistive_devices/", {"who": "self"})
    draft_id = int(re.search(r"/drafts/(\d+)/", response.headers["Location"]).group(1))
    statuses = dict(re.findall(r'id="status-(\w+)">([^<]+)<',
                               client.get(f"/apply/drafts/{draft_id}/").get_data(as_text=True)))
    assert statuses["personal"] == "已完成"
    assert "申请对象：本人" in client.get(f"/apply/drafts/{draft_id}/").get_data(as_text=True)
    saved = db.session.get(Draft, draft_id).answers["personal"]
    assert saved["street"] == "yuxia" and crypto.decrypt(saved["id_encrypted"]) == own_id
    assert not {"id_masked", "birth_date", "sex"} & set(saved)


def test_a_self_application_proves_nothing(client, db):
    """Typing an ID number "for myself" links the account to no one: it sees what it submitted,
    and proving it is that person is a separate step (portal.accounts.person_links)."""
    account = sign_in(client, make_account(phone="13922223333", name="赵军"))
    response = post(client, "/apply/nursing_allowance/", {"who": "self"})
    draft_id = int(re.search(r"/drafts/(\d+)/", response.headers["Location"]).group(1))
    fill_all(client, draft_id)
    assert post(client, f"/apply/drafts/{draft_id}/check",
                {"declaration": "y"}).status_code == 303
    assert db.session.scalars(select(PersonLink)).all() == []
    assert [p.name for p in person_links.provable(db.session.get(Account, account.id))] == [
        db.session.scalar(select(Application)).answers["personal"]["full_name"]]


def test_an_existing_persons_record_is_completed_not_overwritten(client, db):
    person = Person(full_name="王秀英", id_number_hash=identity.lookup_hash(MOTHER_ID),
                    address="原来的地址")
    db.session.add(person)
    db.session.commit()
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    fill_all(client, draft_id)
    post(client, f"/apply/drafts/{draft_id}/check", {"declaration": "y"})
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.address == "原来的地址"  # kept
    assert person.street == "ganting" and person.disability_grade == 1  # filled in
    application = db.session.scalar(select(Application))
    assert application.person_id == person.id
    assert application.answers["personal"]["address"] == "鄠邑区甘亭街道东街社区5号"
