"""The administrator's staff accounts page: list, create with role and street, deactivate."""
import pytest
from flask import g
from sqlalchemy import select

from portal.accounts.models import Account
from portal.accounts.passwords import verify_password
from portal.audit.models import AuditEvent
from portal.extensions import db as _db
from tests.conftest import csrf_token
from tests.support.accounts import make_account, sign_in

GOOD_PASSWORD = "Quiet-Harbour-47"


@pytest.fixture()
def admin(db):
    return make_account("admin", name="孙伟")


def _create(client, **fields):
    data = {"display_name": "钱多多", "phone": "139 1111 2222", "role": "street_officer",
            "street": "yuxia", "password": GOOD_PASSWORD}
    data.update(fields)
    data["csrf_token"] = csrf_token(client, "/staff/accounts/new")
    return client.post("/staff/accounts/new", data=data)


def test_only_the_admin_manages_accounts(client, admin):
    officer = make_account("street_officer")
    sign_in(client, officer)
    for path in ("/staff/accounts", "/staff/accounts/new",
                 f"/staff/accounts/{admin.id}/deactivate"):
        assert client.get(path).status_code == 403


def test_the_admin_creates_a_street_officer(client, admin):
    sign_in(client, admin)
    response = _create(client)
    assert response.status_code == 303
    listing = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已为钱多多新建工作人员账号" in listing and "余下街道" in listing
    account = _db.session.scalar(select(Account).where(Account.phone == "13911112222"))
    assert (account.role, account.street, account.active) == ("street_officer", "yuxia", True)
    assert verify_password(account.password_hash, GOOD_PASSWORD)
    event = _db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.object_id, event.actor_account_id) == (
        "account.create", "13911112222", admin.id)
    assert GOOD_PASSWORD not in str(event.detail)


def test_only_street_officers_keep_a_street(client, admin):
    sign_in(client, admin)
    _create(client, role="district_reviewer", street="yuxia")
    account = _db.session.scalar(select(Account).where(Account.phone == "13911112222"))
    assert (account.role, account.street) == ("district_reviewer", None)


@pytest.mark.parametrize("fields, message", [
    ({"display_name": ""}, "请输入姓名"),
    ({"phone": "12345"}, "手机号码应为11位数字"),
    ({"role": ""}, "请选择角色"),
    ({"role": "resident"}, "Not a valid choice"),
    ({"street": ""}, "街道工作人员请选择所属街道、镇"),
    ({"street": "atlantis"}, "请从列表中选择街道、镇"),
    ({"password": "short1A!"}, "工作人员的密码至少需要12个字符"),
    ({"password": "alllowercaseletters"}, "至少三种"),
    ({"password": "13911112222Ab!"}, "手机号码"),
])
def test_mistakes_are_explained_and_nothing_is_created(client, admin, fields, message):
    sign_in(client, admin)
    response = _create(client, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>错误：" in html
    if message != "Not a valid choice":
        assert message in html
    assert _db.session.scalar(select(Account).where(Account.phone == "13911112222")) is None
    assert _db.session.scalars(select(AuditEvent)).all() == []


def test_a_phone_number_in_use_is_refused(client, admin):
    make_account("resident", phone="13911112222")
    sign_in(client, admin)
    html = _create(client).get_data(as_text=True)
    assert "这个手机号码已经有账号了" in html
    assert _db.session.scalars(select(AuditEvent)).all() == []


def test_deactivating_ends_the_persons_sessions_and_is_recorded(client, admin, app):
    officer = make_account("street_officer", name="赵刚")
    officers_browser = app.test_client()  # the officer, signed in elsewhere
    sign_in(officers_browser, officer)
    assert officers_browser.get("/staff/queue").status_code == 200
    g.pop("csrf_token", None)  # the test holds one app context for both browsers
    sign_in(client, admin)
    path = f"/staff/accounts/{officer.id}/deactivate"
    assert "停用赵刚的账号" in client.get(path).get_data(as_text=True)
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 303
    _db.session.expire_all()
    assert _db.session.get(Account, officer.id).active is False
    assert officers_browser.get("/staff/queue").status_code in (302, 303)
    event = _db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.object_id) == ("account.deactivate", officer.phone)
    assert client.get(path).status_code == 404  # already deactivated


def test_the_admin_cannot_deactivate_themselves_or_a_resident(client, admin):
    resident = make_account("resident")
    sign_in(client, admin)
    assert client.get(f"/staff/accounts/{admin.id}/deactivate").status_code == 404
    assert client.get(f"/staff/accounts/{resident.id}/deactivate").status_code == 404


def test_the_list_shows_every_staff_account_but_no_residents(client, admin):
    make_account("street_officer", name="赵刚")
    make_account("resident", name="李梅")
    sign_in(client, admin)
    html = client.get("/staff/accounts").get_data(as_text=True)
    assert "赵刚" in html and "孙伟" in html and "李梅" not in html
