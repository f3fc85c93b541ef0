"""The portal's one base form, `PortalForm`: every form subclasses it, never FlaskForm itself.

What a form reads of a posted request (its Meta.wrap_formdata): uploaded files only go to its
file fields.

Flask-WTF hands a form the files and the text fields of a request together, so a file sent
under the name of a text field (by a hostile or broken client) reached text validators as a
FileStorage and failed with a 500. Here a form sees a file only under one of its own file
fields' names; anywhere else the field is simply missing and gets its polite error.

Text reaches a form without control characters (NUL and the rest of C0 except tab and line
breaks, DEL, C1): nobody types them, and echoed back into a page they make it invalid HTML."""
from __future__ import annotations

import re

from flask import g, request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import FileField

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: str) -> str:
    return _CONTROL.sub("", value)



def _kept_answers_for(form) -> MultiDict | None:
    """This request's kept answers, if they belong to `form` (it has a field of that name)."""
    kept = g.get("kept_answers")
    if kept is None or not {field.name for field in form} & set(kept.keys()):
        return None
    g.kept_answers_used = True
    return kept


class PortalForm(FlaskForm):
    """A Flask-WTF form (CSRF token included) that reads the request as described above."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is _Auto and request.method == "GET":
                # Answers sent when the session had ended, or with a display setting, come back
                # into the form they were typed in (portal/web/kept_answers.py puts
                # them in g.kept_answers for this request).
                formdata = _kept_answers_for(form) or formdata
            wrapped = super().wrap_formdata(form, formdata)
            if wrapped is None or not hasattr(wrapped, "items"):
                return wrapped
            files = MultiDict()
            if isinstance(wrapped, CombinedMultiDict):  # the request's files and fields together
                file_names = {field.name for field in form if isinstance(field, FileField)}
                files = MultiDict([(name, upload)
                                   for name, upload in request.files.items(multi=True)
                                   if name in file_names])
                wrapped = request.form
            text = MultiDict([(name, clean_text(value) if isinstance(value, str) else value)
                              for name, value in wrapped.items(multi=True)])
            return CombinedMultiDict((files, text)) if files else text


def refuse_nameless_fields():
    """A multipart body with a part that has no name (no browser sends one) is a bad request;
    Flask-WTF's CSRF check would otherwise fail on it with a 500. Runs before that check."""
    from flask import abort

    if request.method == "POST" and request.mimetype == "multipart/form-data":
        if any(not isinstance(name, str) for name in (*request.form.keys(),
                                                      *request.files.keys())):
            abort(400)
