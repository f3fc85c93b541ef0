"""The rating form: the five national levels, reasons for the two lowest, a comment."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.checker.forms import MultiCheckboxField
from portal.labels import POOR_LEVELS, RATING_LEVELS, RATING_REASONS
from portal.ratings.ratings import MAX_COMMENT
from portal.web.forms import PortalForm


class RatingForm(PortalForm):
    level = RadioField(_l("您对这次服务满意吗？"),
                       choices=[(str(code), label) for code, label in RATING_LEVELS.items()],
                       validators=[InputRequired(message=_l("请选择您的评价"))])
    reasons = MultiCheckboxField(_l("不满意的原因"),
                                 choices=list(RATING_REASONS.items()), validate_choice=False)
    comment = TextAreaField(_l("您想说的话"), validators=[
        Optional(), Length(max=MAX_COMMENT, message=_l("请写在500个字以内"))])

    def validate_reasons(self, field):
        if self.level.data and self.level.data.isdigit() and int(self.level.data) in POOR_LEVELS \
                and not [code for code in field.data or () if code in RATING_REASONS]:
            raise ValidationError(_l("选择“不满意”或“非常不满意”时，请选择至少一个原因"))
