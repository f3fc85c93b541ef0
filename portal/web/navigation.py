"""The main navigation, as data."""
from flask_babel import lazy_gettext as _l

MAIN = (
    ("public.home", _l("首页")),
    ("checker.start", _l("资格自测")),
    ("guides.index", _l("办事指南")),
    ("apply.start", _l("网上申请")),
    ("status.index", _l("进度查询")),
)


def main_navigation():
    return list(MAIN)


# What the home page offers, in the order a resident needs it.
HOME_SERVICES = (
    ("checker.start", _l("看看我能享受哪些服务"),
     _l("回答几个简单的问题，马上知道您可能符合哪些补贴和服务。不用登录，不留个人信息。")),
    ("guides.index", _l("办事指南"),
     _l("每一项补贴和服务：谁可以申请、能得到什么、要准备哪些材料、到哪里办。")),
    ("apply.start", _l("网上申请"),
     _l("在家就能申请补贴、辅助器具和就业帮扶。填写的内容会自动保存，可以分几次完成。")),
    ("status.index", _l("查询办理进度"),
     _l("查看申请办到哪一步了。家属也可以用受理编号帮忙查询。")),
    ("public.help_page", _l("获得帮助"),
     _l("不会操作或有疑问？拨打12385热线，在线用文字提问，或到所在街道、镇便民服务中心办理。")),
)


def home_services():
    return list(HOME_SERVICES)
