"""The settings form: one field per setting. A request may carry only some of them (the bar
changes one at a time); the others keep the visitor's current values."""
from __future__ import annotations

from wtforms import StringField
from wtforms.validators import AnyOf, Optional

from portal.preferences.cookie import Preferences
from portal.preferences.options import SETTINGS
from portal.web.forms import PortalForm


class PreferencesForm(PortalForm):
    def preferences(self) -> Preferences:
        return Preferences({s.name: self[s.name].data for s in SETTINGS if self[s.name].data})


for _setting in SETTINGS:
    setattr(PreferencesForm, _setting.name, StringField(
        _setting.label,
        validators=[Optional(), AnyOf(_setting.values, message=_setting.error)],
    ))
del _setting
