"""Routes that exist only when TEST_ROUTES is on (the test and browser-test servers).

/_test/error/<code>    shows an error page, so every one can be checked.
/_test/sign-in/<phone> signs an account in without its password (staff: nor second factor),
                       so the browser suite can reach signed-in pages without depending on
                       one sign-in form.
/_test/checker-answers?a=<answers>&next=<path>
                       puts self-check answers (in the results link's form) in the session,
                       so the browser suite opens question N without answering 1…N-1 again
                       for every page version (its keyboard journeys do answer them all).
"""
from flask import Blueprint, Flask, abort, redirect, request
from sqlalchemy import select

from portal.account import session as sessions
from portal.accounts.models import Account
from portal.extensions import db
from portal.web.errors import PAGES
from portal.web.safe_redirect import same_site_path

bp = Blueprint("testing", __name__, url_prefix="/_test")


def init_app(app: Flask) -> None:
    if app.config.get("TEST_ROUTES"):
        if app.config.get("ENV_NAME") == "production":
            raise RuntimeError("TEST_ROUTES must never be on in production")
        app.register_blueprint(bp)


@bp.get("/error/<int:code>")
def show_error(code: int):
    if code not in PAGES:
        abort(404)
    abort(code)


@bp.get("/sign-in/<phone>")
def sign_in(phone: str):
    account = db.session.scalar(select(Account).where(Account.phone == phone))
    if account is None:
        abort(404)
    sessions.start(account, second_factor="test" if account.signs_in_as_staff else None)
    return redirect(same_site_path(request.args.get("next")))


@bp.get("/sign-out")
def sign_out():
    sessions.end()
    return redirect(same_site_path(request.args.get("next")))


@bp.get("/checker-answers")
def checker_answers():
    from portal.checker import answer_link, saved_answers

    try:
        answers = answer_link.decode(request.args.get("a")) if request.args.get("a") else {}
    except answer_link.LinkError:
        abort(400)
    saved_answers.replace(answers)
    return redirect(same_site_path(request.args.get("next")))
