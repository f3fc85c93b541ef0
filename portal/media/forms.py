"""The editors' upload form. The files are checked by their content (validation.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from portal.content.media import validation
from portal.content.media.pages import PAGES, choice_label
from portal.web.forms import PortalForm


class MediaUploadForm(PortalForm):
    page_key = SelectField(
        _l("放在哪个页面"),
        choices=[SelectChoice("", _l("请选择"))]
        + [SelectChoice(key, choice_label(key)) for key in PAGES],
        validators=[InputRequired(_l("请选择要放视频的页面"))], validate_choice=False,
    )
    title = StringField(_l("视频标题"), validators=[
        DataRequired(_l("请输入视频标题")),
        Length(max=120, message=_l("视频标题不能超过120个字")),
    ])
    video = FileField(_l("手语视频文件"), validators=[FileRequired(_l("请选择手语视频文件"))])
    captions = FileField(_l("字幕文件"), validators=[FileRequired(_l("请选择字幕文件"))])
    transcript = TextAreaField(_l("文字稿"), validators=[
        DataRequired(_l("请输入视频的文字稿")),
        Length(max=validation.MAX_TRANSCRIPT_CHARS, message=_l("文字稿不能超过20000个字")),
    ])

    video_type: str | None = None
    cues: list | None = None

    def validate_page_key(self, field):
        if field.data not in PAGES:
            raise ValidationError(_l("请选择要放视频的页面"))

    def validate_video(self, field):
        try:
            self.video_type = validation.check_video(field.data.stream)
        except validation.MediaProblem as problem:
            raise ValidationError(problem.message) from None

    def validate_captions(self, field):
        stream = field.data.stream
        stream.seek(0)
        data = stream.read(validation.MAX_CAPTIONS_BYTES + 1)
        stream.seek(0)
        try:
            self.cues = validation.parse_captions(data)
        except validation.MediaProblem as problem:
            raise ValidationError(problem.message) from None
