"""鄠邑区残疾人服务网上办事平台 – the Flask application factory.

Flask is imported inside the functions, not here, so that `portal.eligibility` (pure Python)
can be imported without Flask.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

from portal import config as config_module
from portal.config import ROOT

if TYPE_CHECKING:
    from flask import Flask


def create_app(config=None) -> Flask:
    """Build the app. `config`: a Config class, its name, or a dict of overrides."""
    from flask import Flask

    base, overrides = config_module.resolve(config)
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(config_module.INSTANCE),
    )
    app.config.from_object(base)
    app.config.update(overrides)
    from portal.keys import check as check_keys

    check_keys(app)   # production refuses missing, short, published or shared keys
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        os.makedirs(app.instance_path, exist_ok=True)

    from portal import observability

    observability.init_app(app)   # logging first; its hooks run before every other
    _init_extensions(app)
    _register_blueprints(app)

    from portal.people import crypto

    crypto.init_app(app)  # production refuses to start without DATA_ENCRYPTION_KEYS
    from portal.messages import gateways

    gateways.check_config(app)   # a cloud SMS gateway refuses to start without its settings
    from portal.tasks import celery_init_app

    celery_init_app(app)  # background work: Celery with Redis, or in-process without a broker
    from portal.benefits import figures

    figures.install()     # the public payments' figures, kept until a payment or recipient changes

    from portal import cli
    from portal.media import lookup as media_lookup
    from portal.web import (
        delivery,
        errors,
        security_headers,
        templating,
        testing_routes,
    )

    errors.init_app(app)
    testing_routes.init_app(app)
    security_headers.init_app(app)
    templating.init_app(app)
    # Last, so that its hook after each request runs first (Flask runs them last-registered
    # first): compression reads and writes a few headers, before the security headers and
    # the language's are added, with fewer to look through.
    delivery.init_app(app)
    cli.init_app(app)
    media_lookup.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from portal.database import tables  # noqa: F401  (every table, for Alembic)
    from portal.extensions import (
        babel,
        cache,
        csrf,
        db,
        limiter,
        login_manager,
        migrate,
    )
    from portal.web import (
        auth,  # noqa: F401  (the account loader)
        i18n,
        page_cache,
        rate_limits,
        request_context,
        sessions,
    )
    from portal.web import forms as forms_base

    app.session_interface = sessions.CookieSessions()
    # First but for the request id and the timer (portal/observability): a kept page needs no
    # other hook.
    app.before_request(page_cache.serve_kept)
    request_context.init_app(app)   # next: every later hook's audit rows see the client
    app.before_request(forms_base.refuse_nameless_fields)  # before the CSRF check
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "portal" / "migrations"),
                     render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    cache.init_app(app)
    rate_limits.check_storage(app)   # production: shared counters, or one worker declared
    limiter.init_app(app)
    rate_limits.trust_proxies(app)
    login_manager.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from portal.account.data_requests import bp as data_requests
    from portal.account.routes import bp as account
    from portal.apply.routes import bp as apply
    from portal.ask.routes import bp as ask
    from portal.checker.routes import bp as checker
    from portal.guides.routes import bp as guides
    from portal.indicators.routes import bp as indicators
    from portal.intermediary.routes import bp as intermediary
    from portal.media.routes import bp as media
    from portal.my_data.routes import bp as my_data
    from portal.preferences.routes import bp as preferences
    from portal.public.routes import bp as public
    from portal.public_notice.routes import bp as notice
    from portal.rate.routes import bp as rate
    from portal.registries.routes import bp as registries
    from portal.registries.routes import resident_bp as registry_apply
    from portal.sms_receipts.routes import bp as sms_receipts
    from portal.staff.changes import bp as staff_changes
    from portal.staff.data_requests import bp as staff_data_requests
    from portal.staff.follow_ups import bp as follow_ups
    from portal.staff.payments import bp as payments
    from portal.staff.people import bp as staff_people
    from portal.staff.questions import bp as staff_questions
    from portal.staff.reviews import bp as staff_reviews
    from portal.staff.routes import bp as staff
    from portal.staff_auth.routes import bp as staff_auth
    from portal.status.changes import bp as changes
    from portal.status.reviews import bp as reviews
    from portal.status.routes import bp as status
    from portal.unified_identity.routes import bp as unified_identity
    from portal.useful.routes import bp as useful

    for blueprint in (public, preferences, media, account, staff_auth, checker, guides, apply,
                      status, changes, reviews, staff, payments, staff_changes, staff_reviews,
                      registries, registry_apply, notice, indicators, rate, useful, follow_ups,
                      ask, staff_questions, unified_identity, sms_receipts, data_requests,
                      staff_data_requests, staff_people, my_data, intermediary):
        app.register_blueprint(blueprint)
    from portal.dev_identity import routes as dev_identity

    dev_identity.init_app(app)   # only with DEV_IDENTITY_PROVIDER; production refuses it
