"""The display settings, as data: each setting, its choices (the first is the default) and the
class each choice puts on <html>. The settings page, the bar on every page, the cookie and the
stylesheet all follow this table."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Choice:
    value: str             # kept in the cookie and sent by the buttons
    label: str
    css_class: str | None  # class on <html>; None for the default look


@dataclass(frozen=True)
class Setting:
    name: str              # key in the cookie and name of the form field
    label: str
    hint: str | None
    choices: tuple[Choice, ...]
    error: str             # shown when someone sends a value that is not one of the choices

    @property
    def default(self) -> str:
        return self.choices[0].value

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)

    def choice(self, value: str) -> Choice:
        return next(choice for choice in self.choices if choice.value == value)


def _off_on(on_class: str) -> tuple[Choice, ...]:
    return (Choice("off", _l("关闭"), None), Choice("on", _l("开启"), on_class))


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "size", _l("文字大小"), _l("“大”是标准的1.5倍，“特大”是标准的2倍。"),
        (Choice("standard", _l("标准"), None),
         Choice("large", _l("大"), "size-large"),
         Choice("xlarge", _l("特大"), "size-xlarge")),
        _l("请从“标准”“大”“特大”中选择文字大小。"),
    ),
    Setting(
        "elder", _l("长辈版"), _l("字更大，按钮更大，页面一栏显示，去掉不必要的装饰。"),
        _off_on("mode-elder"),
        _l("请选择开启或关闭长辈版。"),
    ),
    Setting(
        "scheme", _l("配色"),
        _l("高对比配色中所有文字的对比度都在7:1以上。如果您的设备已开启高对比度，默认配色会自动改为黑字白底。"),
        (Choice("default", _l("默认"), None),
         Choice("yellow", _l("黄字黑底"), "scheme-yellow"),
         Choice("white", _l("黑字白底"), "scheme-white")),
        _l("请从列出的配色中选择一种。"),
    ),
    Setting(
        "spacing", _l("行距"), _l("加大行距、段落间距和字间距，文字不会挤在一起。"),
        (Choice("standard", _l("标准"), None), Choice("wide", _l("加大"), "spacing-wide")),
        _l("请选择标准行距或加大行距。"),
    ),
    Setting(
        "textonly", _l("纯文本"), _l("只显示文字，不显示图片、视频和装饰，内容和功能不变。"),
        _off_on("mode-text-only"),
        _l("请选择开启或关闭纯文本模式。"),
    ),
    Setting(
        "cursor", _l("大鼠标"), _l("鼠标指针放大，更容易看清。"),
        _off_on("cursor-large"),
        _l("请选择开启或关闭大鼠标。"),
    ),
    Setting(
        "motion", _l("减少动效"),
        _l("本平台没有自动播放的动画和视频。开启后，页面滚动等也不使用动画效果。"),
        _off_on("motion-reduced"),
        _l("请选择开启或关闭减少动效。"),
    ),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}
