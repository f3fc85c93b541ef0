"""Rate limits on sign-in, sending codes, registration and reset (Flask-Limiter, from config)."""
import pytest

from portal.extensions import limiter
from tests.support.accounts import RESIDENT, make_account


@pytest.fixture()
def limited(app, db):
    """An app with rate limits on (and small ones), restored afterwards for the other tests."""
    from portal import create_app

    was_enabled = limiter.enabled
    other = create_app({
        "ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATE_LIMIT_SIGN_IN": "3 per minute", "RATE_LIMIT_SEND_CODE": "4 per minute",
        "RATE_LIMIT_SEND_CODE_PER_PHONE": "2 per minute", "RATE_LIMIT_REGISTER": "3 per minute",
        "RATE_LIMIT_RESET": "3 per minute", "RATE_LIMIT_VERIFY_CODE": "3 per minute",
    })
    limiter.reset()
    try:
        with other.test_client() as client:
            yield client
    finally:
        limiter.reset()
        limiter.enabled = was_enabled


def test_sign_in_is_limited(limited):
    make_account(**RESIDENT)
    for _ in range(3):
        assert limited.post("/account/sign-in",
                            data={"phone": "13900001111", "password": "x"}).status_code == 200
    response = limited.post("/account/sign-in", data={"phone": "13900001111", "password": "x"})
    assert response.status_code == 429
    assert "操作太频繁" in response.get_data(as_text=True)
    assert limited.get("/account/sign-in").status_code == 200   # reading the page is not limited


def test_staff_sign_in_is_limited_too(limited):
    for _ in range(3):
        limited.post("/staff/sign-in", data={"phone": "13800001111", "password": "x"})
    assert limited.post("/staff/sign-in",
                        data={"phone": "13800001111", "password": "x"}).status_code == 429


def test_codes_to_one_number_are_limited(limited):
    for _ in range(2):
        assert limited.post("/account/register", data={"phone": "13700001111"}).status_code == 303
    assert limited.post("/account/register", data={"phone": "13700001111"}).status_code == 429
    # Resending to the same number counts against the same limit.
    assert limited.post("/account/register/code/resend").status_code == 429
    # Another number still gets its code.
    assert limited.post("/account/register", data={"phone": "13700002222"}).status_code == 303


def test_codes_from_one_address_are_limited_across_pages(limited):
    statuses = [limited.post(path, data={"phone": phone}).status_code for path, phone in (
        ("/account/register", "13700001111"), ("/account/reset", "13700002222"),
        ("/account/register", "13700003333"), ("/account/reset", "13700004444"),
        ("/account/register", "13700005555"))]
    assert statuses == [303, 303, 303, 303, 429]


def test_code_guessing_is_limited(limited):
    limited.post("/account/register", data={"phone": "13700001111"})
    statuses = [limited.post("/account/register/code", data={"code": "000000"}).status_code
                for _ in range(4)]
    assert statuses[-1] == 429 and 429 not in statuses[:3]


def test_limits_are_configuration(app):
    for key in ("RATE_LIMIT_SIGN_IN", "RATE_LIMIT_SEND_CODE", "RATE_LIMIT_SEND_CODE_PER_PHONE",
                "RATE_LIMIT_VERIFY_CODE", "RATE_LIMIT_REGISTER", "RATE_LIMIT_RESET"):
        assert " per " in app.config[key]


def test_limits_are_off_in_the_ordinary_test_app(client, db):
    make_account(**RESIDENT)
    for _ in range(15):
        response = client.post("/account/sign-in")   # CSRF refuses it, the limiter does not
        assert response.status_code == 400
