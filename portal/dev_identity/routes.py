"""A stand-in for the government's unified-identity provider (统一身份认证), so that the
"用统一身份认证登录" button works in development, in the tests and in the demo (`make run`).

Registered only when DEV_IDENTITY_PROVIDER is on; production refuses to start with it. It
speaks just enough OpenID Connect for Authlib's client: discovery, an authorize page where
one picks a demo identity (a plain form, no JavaScript), a token endpoint that issues a real
RS256-signed ID token, and the JWKS with the public key. The key is made when first needed
and lives as long as the process; codes are kept in memory (one process, development only).
"""
from __future__ import annotations

import base64
import secrets
import time
from dataclasses import dataclass
from urllib.parse import unquote, urlencode

from authlib.jose import JsonWebKey, jwt
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import RadioField
from wtforms.validators import InputRequired

from portal.people.identity import check_character
from portal.web import same_origin
from portal.web.forms import PortalForm

bp = Blueprint("dev_identity", __name__, url_prefix="/dev-identity")
# The token call comes from a server, without a CSRF token (it is checked by the client secret);
# a browser's cross-site POST is still refused. The authorize form checks its own token
# (PickForm).
same_origin.tokenless(bp)
KEY = "portal.dev_identity.key"
CODES = "portal.dev_identity.codes"
CODE_SECONDS = 120
TOKEN_SECONDS = 600


@dataclass(frozen=True)
class DemoIdentity:
    sub: str
    name: str
    id_number: str
    phone: str


def _id(first17: str) -> str:
    return first17 + check_character(first17)


DEMO_IDENTITIES = (
    DemoIdentity("demo-wang-xiuying", "王秀英", _id("61011819580312002"), "13600000001"),
    DemoIdentity("demo-li-jianguo", "李建国", _id("61011819650720003"), "13600000002"),
)


def init_app(app: Flask) -> None:
    if not app.config.get("DEV_IDENTITY_PROVIDER"):
        return
    if app.config.get("ENV_NAME") == "production":
        raise RuntimeError("DEV_IDENTITY_PROVIDER must never be on in production")
    app.register_blueprint(bp)


def signing_key(app: Flask | None = None):
    app = app or current_app._get_current_object()
    if KEY not in app.extensions:
        app.extensions[KEY] = JsonWebKey.generate_key(
            "RSA", 2048, is_private=True, options={"kid": secrets.token_hex(8)})
    return app.extensions[KEY]


def sign(claims: dict, key=None) -> str:
    key = key or signing_key()
    header = {"alg": "RS256", "kid": key.as_dict()["kid"]}
    return jwt.encode(header, claims, key).decode()


def issuer() -> str:
    return request.host_url.rstrip("/") + bp.url_prefix


class PickForm(PortalForm):
    identity = RadioField(_l("以哪个演示身份登录"), choices=[
        # The names are Chinese on English pages too: marked as such for screen readers.
        (person.sub, Markup('<span lang="zh-Hans">%s</span> %s') % (person.name, person.phone))
        for person in DEMO_IDENTITIES],
        validators=[InputRequired(_l("请选择一个演示身份"))])


@bp.get("/.well-known/openid-configuration")
def discovery():
    base = issuer()
    return jsonify(
        issuer=base, authorization_endpoint=base + "/authorize",
        token_endpoint=base + "/token", jwks_uri=base + "/jwks",
        response_types_supported=["code"], subject_types_supported=["public"],
        id_token_signing_alg_values_supported=["RS256"],
        token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
        scopes_supported=["openid", "profile", "phone", "id_number"],
        claims_supported=["sub", "name", "id_number", "phone_number"])


@bp.get("/jwks")
def jwks():
    return jsonify(keys=[signing_key().as_dict(is_private=False)])


def _request_args() -> dict:
    source = request.args if request.method == "GET" else request.form
    return {name: source.get(name, "") for name in
            ("client_id", "redirect_uri", "state", "nonce", "response_type", "scope")}


@bp.route("/authorize", methods=["GET", "POST"])
def authorize():
    params = _request_args()
    if params["client_id"] != current_app.config.get("UNIFIED_ID_CLIENT_ID") or \
            params["response_type"] != "code" or \
            not params["redirect_uri"].startswith(request.host_url):
        abort(400)
    form = PickForm()
    if form.validate_on_submit():
        code = secrets.token_urlsafe(24)
        current_app.extensions.setdefault(CODES, {})[code] = {
            "sub": form.identity.data, "redirect_uri": params["redirect_uri"],
            "nonce": params["nonce"], "at": time.time()}
        return redirect(params["redirect_uri"] + "?" + urlencode(
            {"code": code, "state": params["state"]}), 303)
    return render_template("dev_identity/authorize.html", form=form, params=params)


def _client_ok() -> bool:
    config = current_app.config
    client_id, secret = request.form.get("client_id"), request.form.get("client_secret")
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
    return unquote(client_id or "") == config.get("UNIFIED_ID_CLIENT_ID") and \
        secrets.compare_digest(unquote(secret or ""),
                               config.get("UNIFIED_ID_CLIENT_SECRET") or "")


@bp.post("/token")
def token():
    if not _client_ok():
        # RFC 6749 5.2: 401 when the client tried HTTP authentication, else 400.
        tried = request.headers.get("Authorization", "").startswith("Basic ")
        return jsonify(error="invalid_client"), 401 if tried else 400
    grant = current_app.extensions.get(CODES, {}).pop(request.form.get("code", ""), None)
    if grant is None or time.time() - grant["at"] > CODE_SECONDS or \
            grant["redirect_uri"] != request.form.get("redirect_uri"):
        return jsonify(error="invalid_grant"), 400
    person = next(p for p in DEMO_IDENTITIES if p.sub == grant["sub"])
    now = int(time.time())
    claims = {"iss": issuer(), "sub": person.sub,
              "aud": current_app.config["UNIFIED_ID_CLIENT_ID"], "iat": now,
              "exp": now + TOKEN_SECONDS, "nonce": grant["nonce"], "name": person.name,
              "id_number": person.id_number, "phone_number": person.phone}
    return jsonify(access_token=secrets.token_urlsafe(24), token_type="Bearer",
                   expires_in=TOKEN_SECONDS, id_token=sign(claims))


@bp.get("/", endpoint="index")
def index():
    return redirect(url_for("account.sign_in"), 303)
