"""Every form is a PortalForm (portal/web/forms.py), which carries how a form reads a request;
Flask-WTF's own FlaskForm is left as the library ships it."""
from __future__ import annotations

import importlib
import pkgutil

from flask_wtf import FlaskForm

import portal
from portal.web.forms import PortalForm


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_every_form_is_a_portal_form(app):
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)
    ours = {form for form in _subclasses(FlaskForm) if form.__module__.startswith("portal.")}
    assert len(ours) > 30
    assert not {f"{form.__module__}.{form.__qualname__}" for form in ours
                if not issubclass(form, PortalForm)}


def test_flask_wtf_is_not_patched(app):
    assert FlaskForm.Meta.wrap_formdata.__module__ == "flask_wtf.form"
    assert PortalForm.Meta.wrap_formdata.__module__ == "portal.web.forms"
