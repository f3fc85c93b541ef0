"""staff_required, resident_required, the staff landing page and the staff CLI commands."""
import pytest
from flask import Flask
from sqlalchemy import select

from portal.account.access import resident_required
from portal.accounts.models import Account
from portal.accounts.passwords import verify_password
from portal.extensions import db as _db
from portal.staff_auth.access import staff_required
from tests.support.accounts import (
    RESIDENT,
    RESIDENT_PASSWORD,
    RESIDENT_PHONE,
    STAFF_PASSWORD,
    STAFF_PHONE,
    make_account,
    make_staff,
    sign_in_through_form,
    totp_code,
)


@pytest.fixture(scope="module")
def guarded_app(app):
    """A second app with a few guarded pages (the shared app has already served requests)."""
    from portal import create_app

    other = create_app({"ENV_NAME": "testing",
                        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "WTF_CSRF_ENABLED": False})

    @other.get("/any-staff")
    @staff_required
    def any_staff():
        return "any staff"

    @other.get("/reviewers")
    @staff_required("district_reviewer", "admin")
    def reviewers():
        return "reviewers"

    @other.get("/residents-only")
    @resident_required
    def residents_only():
        return "residents"

    return other


@pytest.fixture()
def guarded(guarded_app, db):
    with guarded_app.test_client() as client:
        yield client


def _sign_in(client, phone, password, page):
    response = client.post(page, data={"phone": phone, "password": password})
    if response.status_code == 303 and response.location.startswith("/staff/sign-in/verify"):
        response = client.post(response.location, data={"code": totp_code(phone)})
    return response


def test_staff_required_sends_signed_out_visitors_to_the_staff_sign_in(guarded):
    response = guarded.get("/reviewers?q=1")
    assert response.status_code == 303
    assert response.location == "/staff/sign-in?next=/reviewers?q%3D1"


def test_staff_required_checks_the_role(guarded):
    make_staff()                                                     # a street officer
    make_staff(phone="13800003333", role="district_reviewer", street=None)
    _sign_in(guarded, STAFF_PHONE, STAFF_PASSWORD, "/staff/sign-in")
    assert guarded.get("/any-staff").status_code == 200
    assert guarded.get("/reviewers").status_code == 403
    guarded.post("/account/sign-out")
    _sign_in(guarded, "13800003333", STAFF_PASSWORD, "/staff/sign-in")
    assert guarded.get("/reviewers").status_code == 200
    assert guarded.get("/residents-only").status_code == 403


def test_residents_are_refused_on_staff_pages(guarded):
    make_account(**RESIDENT)
    _sign_in(guarded, RESIDENT_PHONE, RESIDENT_PASSWORD, "/account/sign-in")
    assert guarded.get("/residents-only").status_code == 200
    assert guarded.get("/any-staff").status_code == 403
    assert guarded.get("/staff/").status_code == 403


def test_resident_required_sends_signed_out_visitors_to_the_residents_sign_in(guarded):
    response = guarded.get("/residents-only")
    assert response.location == "/account/sign-in?next=/residents-only"


def test_unknown_roles_are_a_programming_error():
    with pytest.raises(ValueError):
        staff_required("street_oficer")


def test_staff_home_for_a_district_role_says_whole_district(client, db):
    make_staff(role="admin", street=None, name="孙伟")
    sign_in_through_form(client, STAFF_PHONE, STAFF_PASSWORD, page="/staff/sign-in")
    html = client.get("/staff/").get_data(as_text=True)
    assert "孙伟" in html and "系统管理员" in html and "全区" in html


def test_staff_sign_in_page_redirects_signed_in_staff(client, db):
    make_staff()
    sign_in_through_form(client, STAFF_PHONE, STAFF_PASSWORD, page="/staff/sign-in?next=/help")
    assert client.get("/staff/sign-in").location == "/staff/"


# ------------------------------------------------------------------ CLI

def test_create_staff_with_a_generated_password(runner):
    result = runner.invoke(args=["create-staff", "--phone", "138-0000-7777", "--name", "王芳",
                                 "--role", "street_officer", "--street", "yuxia",
                                 "--generate-password"])
    assert result.exit_code == 0, result.output
    password = result.output.split("safely): ")[1].strip()
    account = _db.session.scalar(select(Account).where(Account.phone == "13800007777"))
    assert account.role == "street_officer" and account.street == "yuxia"
    assert account.display_name == "王芳" and verify_password(account.password_hash, password)
    assert len(password) >= 12


def test_create_staff_prompts_for_a_password_with_confirmation(runner):
    result = runner.invoke(args=["create-staff", "--phone", "13800007777", "--name", "陈静",
                                 "--role", "district_reviewer"],
                           input="short\nshort\nGood-Pass-2026x\nGood-Pass-2026x\n")
    assert result.exit_code == 0, result.output
    assert "Refused (too_short)" in result.output
    assert "Good-Pass-2026x" not in result.output
    account = _db.session.scalar(select(Account).where(Account.phone == "13800007777"))
    assert account.street is None and verify_password(account.password_hash, "Good-Pass-2026x")


@pytest.mark.parametrize("args, complaint", [
    (["--phone", "12345", "--name", "A", "--role", "admin"], "mobile number"),
    (["--phone", "13800007777", "--name", "A", "--role", "resident"], "Invalid value for '--role'"),
    (["--phone", "13800007777", "--name", "A", "--role", "wizard"], "Invalid value for '--role'"),
    (["--phone", "13800007777", "--name", "A", "--role", "street_officer"], "needs --street"),
    (["--phone", "13800007777", "--name", "A", "--role", "admin", "--street", "atlantis"],
     "Invalid value for '--street'"),
])
def test_create_staff_validates_its_options(runner, args, complaint):
    result = runner.invoke(args=["create-staff", *args, "--generate-password"])
    assert result.exit_code != 0
    assert complaint in result.output
    assert _db.session.scalar(select(Account)) is None


def test_create_staff_refuses_an_existing_number(runner):
    make_account(**{**RESIDENT, "phone": "13800007777"})
    result = runner.invoke(args=["create-staff", "--phone", "13800007777", "--name", "A",
                                 "--role", "admin", "--generate-password"])
    assert result.exit_code != 0 and "already exists" in result.output


def test_set_staff_password_ends_sessions(runner):
    account = make_staff()
    result = runner.invoke(args=["set-staff-password", "--phone", STAFF_PHONE,
                                 "--generate-password"])
    assert result.exit_code == 0, result.output
    _db.session.refresh(account)
    assert account.session_version == 2
    assert verify_password(account.password_hash, result.output.split("safely): ")[1].strip())


def test_set_staff_password_refuses_residents(runner):
    make_account(**RESIDENT)
    result = runner.invoke(args=["set-staff-password", "--phone", RESIDENT_PHONE,
                                 "--generate-password"])
    assert result.exit_code != 0 and "no staff account" in result.output


def test_generated_passwords_differ_and_meet_the_staff_rules():
    from portal.accounts import password_policy
    from portal.accounts import sign_in as accounts

    passwords = {accounts.generate_staff_password() for _ in range(20)}
    assert len(passwords) == 20
    assert all(password_policy.problem(p, staff=True) is None for p in passwords)


def test_login_view_is_the_residents_sign_in(app):
    from portal.extensions import login_manager

    assert login_manager.login_view == "account.sign_in"
    assert isinstance(app, Flask)


def test_staff_sign_in_and_out_are_audited_but_residents_are_not(client, db):
    from portal.audit.models import AuditEvent

    staff = make_staff()
    sign_in_through_form(client, STAFF_PHONE, "wrong-password-1", page="/staff/sign-in")
    sign_in_through_form(client, STAFF_PHONE, STAFF_PASSWORD, page="/staff/sign-in")
    from tests.support.accounts import submit
    submit(client, "/staff/", {}, action="/account/sign-out")
    events = _db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["sign_in_failed", "sign_in", "second_factor.passed",
                                          "sign_out"]
    assert all(e.actor_account_id == staff.id and e.ip for e in events)
    make_account(**RESIDENT)
    sign_in_through_form(client)
    assert _db.session.query(AuditEvent).count() == 4
