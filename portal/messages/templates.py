"""Every text message the portal sends, as a named template (a kind) with its parameters – the
one place their words are written.

Cloud SMS providers (阿里云短信, 腾讯云短信) only send texts from templates registered and approved
in advance: the portal sends a template id and the values of its variables, never free text. So
each message is a `Template`: a kind code ("status.accepted"), its whole text in the Chinese
source (the English is its translation in the message catalogue, like every other string), and
its parameters, each of a `Variable` type. The outbox row keeps the kind and the parameters
(OutboxMessage.kind / .params) besides the readable text (`body`), so that

- the outbox backend and `flask outbox` show the text (`render`, in the message's language);
- a provider backend sends the template id configured for the kind and language
  (SMS_TEMPLATE_IDS) and the values (`values`);
- `flask sms-templates` prints every template in the provider's own syntax, to register them.

Parameters are stored language-neutral (a programme's code, a day as 2026-12-04, a status code)
and put into words in the language of the template that is sent: a message in English for which
only a Chinese template is registered goes out in Chinese, whole. They carry nothing personal
beyond what the text needs: never a name, an ID number, an address or staff's words – a text is
read on a lock screen by whoever holds the phone.

Links: providers only accept a link whose address is fixed in the approved template; the
variable is the token after it (`Template.links`: parameter → the path before the token). The
parameter holds the whole link (for the readable text); `values` sends only the token.

A code (one-time code, the staff password link's token) is never stored readable: the params
hold CODE_MASK in its place and the code is sealed on the outbox row (portal.messages.sms).
"""
from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from portal.languages import DEFAULT_LOCALE

SIGNATURE = re.compile(r"^【[^】]*】")      # the sender signature; providers add their own
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class Variable:
    """A type of template parameter: how the value is put into words, and what the providers
    call it and allow (lengths in characters, every character counted as one, as both count).

    Limits as the providers document them for an organisation's account (阿里云 变量规范 for
    通知短信/验证码; 腾讯云 正文模板审核标准 – its personal accounts allow 12 characters for any
    variable, which these texts do not fit: register the templates on an organisation account).
    """
    name: str
    aliyun: str            # 阿里云 TemplateRule 变量属性
    tencent: str           # 腾讯云 变量类型
    max_length: int
    pattern: str = r".+"   # what every value must look like (checked by the template test)


VARIABLES = {v.name: v for v in (
    # 验证码: 4–6 digits at both providers (a code template allows only this one variable).
    Variable("code", "numberCaptcha", "验证码", 6, r"\d{4,6}"),
    # Numbers, references (HY-2026-7K3QX9), a phone number's last four, minutes, hours.
    Variable("number", "other_number2", "其他号码", 20, r"[0-9A-Za-z-]+"),
    # A day or a month, written as a date (2026年12月4日 / 4 December 2026).
    Variable("date", "time", "时间", 20),
    # A name of a programme, a street, a status or an outcome: words, no contact details.
    Variable("text", "others", "其他", 35),
    # The token after a link's fixed address (the address itself is part of the template).
    Variable("link", "link_url", "链接", 80, r"[0-9A-Za-z_\-.*]+"),
)}


@dataclass(frozen=True)
class Template:
    kind: str
    text: object                              # lazy gettext: the Chinese source, translated
    params: dict[str, str] = field(default_factory=dict)    # name → parameter type
    links: dict[str, str] = field(default_factory=dict)     # name → path before the token
    code: str | None = None                   # the parameter that holds a sealed code

    def variable(self, name: str) -> Variable:
        return VARIABLES[PARAM_TYPES[self.params[name]]]


# Parameter types: how a stored value becomes words in the template's language, and which
# provider variable it is. Stored values are language-neutral.
PARAM_TYPES = {
    "programme": "text",   # a programme's code → its name
    "status": "text",      # an application status code → its label
    "outcome": "text",     # a 差评 follow-up outcome code → its label
    "street": "text",      # a street code → its name (or "所在街道（镇）")
    "day": "date",         # "2026-12-04" (or an ISO datetime: its day in the district)
    "month": "date",       # "2026-12"
    "number": "number",    # verbatim
    "worker": "text",      # a village worker's name (an official's, never a resident's)
    "code": "code",        # verbatim (sealed until sent)
    "link": "link",        # the whole link; providers get the token after the fixed path
}

_STANDARD = {"programme": "programme", "ref": "number"}
_DUE = {**_STANDARD, "due": "day"}

# ── the texts ─────────────────────────────────────────────────────────────────────────────
# One whole message per situation. Every text that gives 12385 also offers the online
# consultation (也可以在平台上在线咨询).

# Status changes of an application (portal.messages.notifications): to the applicant's account
# and the number given for the application. programme, ref (受理编号), due (the end of the
# step's time limit), until (the last day of the public notice), status.
STATUS_TEXTS = {
    "submitted": (_l("您的“%(programme)s”申请已提交，受理编号%(ref)s。街道将在%(due)s前受理，"
                     "您现在不需要做什么。可以登录平台查看进度，咨询请拨打12385，也可以在平台上在线咨询。"),
                  _DUE),
    "accepted": (_l("您的“%(programme)s”申请（受理编号%(ref)s）已受理，街道正在初审，"
                    "预计%(due)s前完成。您现在不需要做什么。咨询请拨打12385，也可以在平台上在线咨询。"),
                 _DUE),
    "street_checked": (_l("您的“%(programme)s”申请（受理编号%(ref)s）"
                          "已通过街道初审，已报区里审核，"
                          "预计%(due)s前完成。您现在不需要做什么。咨询请拨打12385，也可以在平台上在线咨询。"),
                       _DUE),
    "district_reviewed": (_l("您的“%(programme)s”申请（受理编号%(ref)s）已通过审核，正在等待审批，"
                             "预计%(due)s前作出决定。您现在不需要做什么。咨询请拨打12385，也可以在平台上在线咨询。"),
                          _DUE),
    "needs_info": (_l("您的“%(programme)s”申请（受理编号%(ref)s）"
                      "需补充材料。请在%(due)s前登录平台，"
                      "在“我的申请”中查看要补充什么，补充后重新提交。咨询请拨打12385，也可以在平台上在线咨询。"),
                   _DUE),
    "approved": (_l("您的“%(programme)s”申请（受理编号%(ref)s）已获批准，"
                    "预计%(due)s前开始发放或提供服务。您现在不需要做什么。咨询请拨打12385，也可以在平台上在线咨询。"),
                 _DUE),
    "approved_with_notice": (_l("您的“%(programme)s”申请（受理编号%(ref)s）已获批准，"
                                "预计%(due)s前进行公示。您现在不需要做什么。咨询请拨打12385，也可以在平台上在线咨询。"),
                             _DUE),
    "public_notice": (_l("您的“%(programme)s”申请（受理编号%(ref)s）已批准，正在公示，"
                         "公示到%(until)s。公示结束后开始发放，您现在不需要做什么。"
                         "咨询请拨打12385，也可以在平台上在线咨询。"),
                      {**_STANDARD, "until": "day"}),
    "paying": (_l("您的“%(programme)s”申请（受理编号%(ref)s）已开始发放。请留意到账或服务安排。"
                  "咨询请拨打12385，也可以在平台上在线咨询。"), _STANDARD),
    "rejected": (_l("您的“%(programme)s”申请（受理编号%(ref)s）未获批准。原因请登录平台，"
                    "在“我的申请”中查看。如有疑问，"
                    "请拨打12385，也可以在平台上在线咨询。"), _STANDARD),
    "withdrawn": (_l("您的“%(programme)s”申请（受理编号%(ref)s）已撤回。如需再次申请，"
                     "可以登录平台重新提交。咨询请拨打12385，"
                     "也可以在平台上在线咨询。"), _STANDARD),
    "merged": (_l("您的“%(programme)s”申请（受理编号%(ref)s）"
                  "与申请对象的另一份同一事项的申请重复，"
                  "已并入那一份一起办理，您不需要再做什么。详情请登录平台查看，咨询请拨打12385，也可以在平台上在线咨询。"),
               _STANDARD),
    "resubmitted": (_l("我们已收到您补充的材料（“%(programme)s”，受理编号%(ref)s），"
                       "申请回到“%(status)s”环节，预计%(due)s前办完这一步。您现在不需要做什么。"
                       "咨询请拨打12385，也可以在平台上在线咨询。"),
                    {**_DUE, "status": "status"}),
    # A status without its own text, or without a deadline where its text needs one.
    "other": (_l("您的“%(programme)s”申请（受理编号%(ref)s）有新进展：%(status)s。"
                 "请登录平台查看详情，咨询请拨打12385，也可以在平台上在线咨询。"),
              {**_STANDARD, "status": "status"}),
}

# A decision's text ends with the invitation to rate it (好差评): "status.<key>.rate".
RATING_TEXT = _l("欢迎您评价这次服务（好差评，可不评）：%(link)s")
RATING_PATH = "/rate/t/"       # portal.ratings.invitations.PATH
RATED_STATUSES = ("approved", "approved_with_notice", "rejected", "other")

# Family access and links to a person (portal.accounts): never a name, only a phone's last four.
ACCESS_TEXTS = {
    "granted_to_grantee": (_l("手机尾号%(tail)s的用户已授权您查看一位家人的申请办理进度。"
                              "请用本手机号码登录平台（还没有账户的请先注册），在“我的申请”中查看。"
                              "如有疑问，请拨打12385，"
                              "也可以在平台上在线咨询。"), {"tail": "number"}),
    "granted_to_granter": (_l("您已授权手机尾号%(tail)s的用户查看家人的申请办理进度。"
                              "如需取消，请登录平台，"
                              "在“授权家人查看”中操作。"), {"tail": "number"}),
    "revoked_to_grantee": (_l("您查看一位家人申请办理进度的授权已取消。如有疑问，"
                              "请拨打12385，也可以在平台上在线咨询。"),
                           {}),
    "revoked_to_granter": (_l("手机尾号%(tail)s的用户查看家人申请办理进度的授权已取消。"
                              "如有疑问，请拨打12385，"
                              "也可以在平台上在线咨询。"), {"tail": "number"}),
    # To the phone on record of a person: never their name, the programme or the account.
    "person_linked": (_l("有一个账户已经通过验证，可以在网上办事平台查看以您名义办理的所有申请。"
                         "如果不是您本人或您的监护人办理的，"
                         "请拨打12385，也可以在平台上在线咨询。"), {}),
    "unlinked": (_l("工作人员已解除您的账户与一位申请对象的关联，"
                    "您的账户不能再查看这个人的所有申请了。"
                    "如有疑问，请拨打12385，也可以在平台上在线咨询。"), {}),
    "filed_in_name": (_l("有人在网上办事平台以您的名义提交了一份申请（受理编号%(ref)s）。"
                         "如果您不知道这件事，请拨打12385，"
                         "也可以在平台上在线咨询。"), {"ref": "number"}),
    # A consent to a village worker (portal.accounts.consents), to the person's phone on
    # record: the worker's name and the last day; what it covers is on the portal.
    "consent_started": (_l("您已同意代办员%(worker)s帮您办理残疾人服务的事情，到%(until)s为止。"
                           "办哪些事，请登录平台查看。您可以随时结束：登录平台，或到街道办事处说一声。"
                           "如果您没有同意过，请拨打12385，也可以在平台上在线咨询。"),
                        {"worker": "worker", "until": "day"}),
    "consent_ended": (_l("代办员%(worker)s帮您办事的同意已经结束，"
                         "代办员不能再查看或办理您的事情了。"
                         "如有疑问，请拨打12385，也可以在平台上在线咨询。"), {"worker": "worker"}),
    # To the worker, only beside the person: the consent's number, never the person's name.
    "consent_ended_worker": (_l("您代一位居民办事的同意（编号%(consent)s）已经结束，"
                                "您不能再查看或办理这个人的事情了。"), {"consent": "number"}),
}

# A recipient's payment (portal.benefits): the programme and the reference, what happened, what
# to do. Never why – except a lapsed certificate and a missed yearly review, which the person
# must act on. month: the first month concerned; date: a deadline; change: a change's reference.
_MONTH = {**_STANDARD, "month": "month"}
_DATE = {**_STANDARD, "date": "day"}
_CHANGE = {**_STANDARD, "change": "number"}
BENEFIT_TEXTS = {
    "suspended": (_l("您的“%(programme)s”（受理编号%(ref)s）从%(month)s起暂停发放。"
                     "原因和需要做什么，请登录平台在“我的申请”中查看，或拨打12385，也可以在平台上在线咨询。"),
                  _MONTH),
    "suspended_certificate": (_l("您的“%(programme)s”（受理编号%(ref)s）因残疾人证已过有效期，"
                                 "从%(month)s起暂停发放。请尽快到区残联换领残疾人证，"
                                 "换领后恢复发放并补发暂停的月份。咨询请拨打12385，也可以在平台上在线咨询。"),
                              _MONTH),
    "resumed": (_l("您的“%(programme)s”（受理编号%(ref)s）从%(month)s起恢复发放。"
                   "您现在不需要做什么。咨询请拨打12385，也可以在平台上在线咨询。"), _MONTH),
    "resumed_back_pay": (_l("您的“%(programme)s”（受理编号%(ref)s）从%(month)s起恢复发放，"
                            "暂停期间的月份将一并补发。您现在不需要做什么。咨询请拨打12385，也可以在平台上在线咨询。"),
                         _MONTH),
    "ended": (_l("“%(programme)s”（受理编号%(ref)s）发放到%(month)s为止，之后停止发放。"
                 "如有疑问，请登录平台查看或拨打12385，也可以在平台上在线咨询。"), _MONTH),
    "review_opened": (_l("“%(programme)s”（受理编号%(ref)s）今年的年审（资格复核）开始了。"
                         "请在%(date)s前登录平台，在“我的申请”中确认您的情况，只需填写有变化的内容；"
                         "也可以请街道上门核实。咨询请拨打12385，"
                         "也可以在平台上在线咨询。"), _DATE),
    "review_reminder": (_l("提醒：“%(programme)s”（受理编号%(ref)s）的年审还没有完成。"
                           "请在%(date)s前登录平台，在“我的申请”中确认您的情况，或联系街道上门核实。"
                           "咨询请拨打12385，也可以在平台上在线咨询。"), _DATE),
    "review_last_notice": (_l("最后提醒：“%(programme)s”（受理编号%(ref)s）的年审"
                              "请在%(date)s前完成，逾期未完成的将暂停发放。请登录平台，在“我的申请”中确认您的情况，"
                              "或联系街道上门核实。咨询请拨打12385，"
                              "也可以在平台上在线咨询。"), _DATE),
    "suspended_review": (_l("“%(programme)s”（受理编号%(ref)s）因未按时完成年审，"
                            "从%(month)s起暂停发放。请登录平台，在“我的申请”中完成年审，或联系街道上门核实；"
                            "完成后恢复发放，并补发暂停的月份。咨询请拨打12385，也可以在平台上在线咨询。"),
                         _MONTH),
    "review_done": (_l("“%(programme)s”（受理编号%(ref)s）今年的年审已完成。您现在不需要做什么。"
                       "咨询请拨打12385，也可以在平台上在线咨询。"), _STANDARD),
    "certificate_reminder": (_l("您的残疾人证将于%(date)s到期（“%(programme)s”，"
                                "受理编号%(ref)s）。"
                                "请在到期前到区残联换领，以免暂停发放。咨询请拨打12385，也可以在平台上在线咨询。"),
                             _DATE),
    # A change of circumstances (portal.changes): never which change (a death, a hospital stay).
    "change_submitted": (_l("您就“%(programme)s”（受理编号%(ref)s）报告的变更已提交，"
                            "变更编号%(change)s。街道工作人员将核实办理，结果会短信告诉您。"
                            "咨询请拨打12385，也可以在平台上在线咨询。"), _CHANGE),
    "change_approved": (_l("您就“%(programme)s”（受理编号%(ref)s）报告的变更（变更编号%(change)s）"
                           "已核实办理。详情请登录平台在“我的申请”中查看。咨询请拨打12385，也可以在平台上在线咨询。"),
                        _CHANGE),
    "change_refused": (_l("您就“%(programme)s”（受理编号%(ref)s）报告的变更（变更编号%(change)s）"
                          "未能核实通过。原因请登录平台在“我的申请”中查看，或拨打12385，也可以在平台上在线咨询。"),
                       _CHANGE),
}

# 好差评 and 在线咨询 (portal.ratings, portal.questions).
QUESTION_PATH = "/ask/q/"     # portal.questions.questions.PATH
FEEDBACK_TEXTS = {
    "follow_up_done": (_l("您对平台服务的差评，工作人员已回访处理，结果是：%(outcome)s。"
                          "详情请登录平台查看。欢迎您评价这次处理：%(link)s"),
                       {"outcome": "outcome", "link": "link"}, {"link": RATING_PATH}),
    "follow_up_done_no_link": (_l("您对平台服务的差评，工作人员已回访处理，结果是：%(outcome)s。"
                                  "详情请登录平台查看。"), {"outcome": "outcome"}, {}),
    "question_answered": (_l("您在网上办事平台提出的咨询已经答复，请打开以下链接查看答复："
                             "%(link)s"), {"link": "link"}, {"link": QUESTION_PATH}),
}

# One-time codes (portal.accounts.one_time_codes): purpose → text. code, minutes.
CODE_TEXTS = {
    "register": _l("【鄠邑区残疾人服务】您正在注册账户，验证码是%(code)s，%(minutes)s分钟内有效。"
                   "请不要告诉任何人，工作人员不会向您要验证码。"),
    "reset": _l("【鄠邑区残疾人服务】您正在重设登录密码，验证码是%(code)s，%(minutes)s分钟内有效。"
                "请不要告诉任何人，工作人员不会向您要验证码。"),
    # To a person's phone on record: a village worker asks to act for them
    # (portal.accounts.consents).
    "consent": _l("【鄠邑区残疾人服务】村（社区）代办员想帮您办理残疾人服务的事情，需要您同意。"
                  "同意的话，请把验证码%(code)s告诉代办员，%(minutes)s分钟内有效。"
                  "不同意就不要告诉任何人。"),
    "staff_sign_in": _l("【鄠邑区残疾人服务】您正在登录工作人员账号，"
                        "验证码是%(code)s，%(minutes)s分钟内有效。"
                        "请不要告诉任何人。如果不是您本人在登录，请马上告诉系统管理员。"),
    # To the applicant's account: a family member may be the one looking, and needs the code
    # passed on to them (portal.accounts.family_lookup).
    "lookup": _l("【鄠邑区残疾人服务】有人正在查询您提交的申请的办理进度，验证码是%(code)s，"
                 "%(minutes)s分钟内有效。如果是家人在帮您查询，请只告诉正在帮您查询的家人；"
                 "如果没有人在帮您查询，请不要理会。工作人员不会向您要验证码。"),
    # To a person's phone on record (portal.accounts.person_links).
    "link": _l("【鄠邑区残疾人服务】有人正在验证能否查看以您名义办理的所有申请，验证码是%(code)s，"
               "%(minutes)s分钟内有效。只有您本人在办理时才能使用，请不要告诉任何人。"
               "如果不是您本人，请不要理会，并拨打12385，也可以在平台上在线咨询。"),
}

STAFF_PASSWORD_PATH = "/staff/password/"    # the staff blueprint's set_password route
ACCOUNT_TEXTS = {
    # Someone tried to register a number that has an account (portal.accounts.sign_in).
    "already_registered": (_l("【鄠邑区残疾人服务】有人想用这个手机号码注册账户，"
                              "但它已经注册过了。"
                              "如果是您本人，请直接登录；忘记密码可以在登录页重设。如果不是您，请不用理会。"),
                           {}, {}),
    # An admin reset a colleague's password: a one-time link (portal.accounts.staff); the
    # token is sealed like a code.
    "staff_password_link": (_l("【鄠邑区残疾人服务】系统管理员已重置您的工作人员登录密码。"
                               "请在%(hours)s小时内打开链接设置新密码，"
                               "链接只能用一次：%(link)s 如不是您本人要求的，"
                               "请立即联系系统管理员。"),
                            {"hours": "number", "link": "link"}, {"link": STAFF_PASSWORD_PATH}),
    # A street officer opened a village worker's account (portal.accounts.intermediaries): the
    # same one-time link to set a password, sealed like a code.
    "worker_password_link": (_l("【鄠邑区残疾人服务】街道为您开通了代办员账号。请在%(hours)s小时内"
                                "打开链接，设置登录密码，链接只能用一次：%(link)s"),
                             {"hours": "number", "link": "link"},
                             {"link": STAFF_PASSWORD_PATH}),
    # 主动发现 (portal.registries.discovery): to the phone the registries give.
    "registry_invitation": (_l("您好！您或您的家人可能可以申请区里的一些帮扶服务。"
                               "请登录鄠邑区网上办事平台，"
                               "在首页查看“您可能可以申请”，或到%(street)s便民服务中心咨询，电话12385，"
                               "也可以在平台上在线咨询。"), {"street": "street"}, {}),
    # A person's request to correct or delete their data is decided (portal.retention): the
    # outcome only – the reason and what the law keeps are on the person's page.
    "data_request_corrected": (_l("您提出的更正个人信息的申请已办结：已更正。详情请登录平台查看。"
                                  "如有疑问，请拨打12385，也可以在平台上在线咨询。"), {}, {}),
    "data_request_deleted": (_l("您提出的删除个人信息的申请已办结：已删除。详情请登录平台查看。"
                                "如有疑问，请拨打12385，也可以在平台上在线咨询。"), {}, {}),
    "data_request_partly_kept": (_l("您提出的删除个人信息的申请已办结：能删除的已删除，"
                                    "法律要求保存的部分（例如办理档案和发放记录）依法保留，"
                                    "原因请登录平台查看。如有疑问，请拨打12385，也可以在平台上在线咨询。"),
                                 {}, {}),
    "data_request_refused": (_l("您提出的更正或删除个人信息的申请已办结，没有按您的要求办理，"
                                "原因请登录平台查看。如有疑问，请拨打12385，也可以在平台上在线咨询。"),
                             {}, {}),
}


PASSWORD_LINKS = ("staff_password_link", "worker_password_link")   # a token sealed like a code


def _build() -> dict[str, Template]:
    found: dict[str, Template] = {}

    def add(template: Template) -> None:
        found[template.kind] = template

    for key, (text, params) in STATUS_TEXTS.items():
        add(Template(f"status.{key}", text, dict(params)))
        if key in RATED_STATUSES:
            add(Template(f"status.{key}.rate", _Joined(text, RATING_TEXT),
                         {**params, "link": "link"}, {"link": RATING_PATH}))
    for key, (text, params) in ACCESS_TEXTS.items():
        add(Template(f"access.{key}", text, dict(params)))
    for key, (text, params) in BENEFIT_TEXTS.items():
        add(Template(f"benefit.{key}", text, dict(params)))
    for key, (text, params, links) in FEEDBACK_TEXTS.items():
        add(Template(f"feedback.{key}", text, dict(params), dict(links)))
    for key, text in CODE_TEXTS.items():
        add(Template(f"code.{key}", text, {"code": "code", "minutes": "number"}, code="code"))
    for key, (text, params, links) in ACCOUNT_TEXTS.items():
        add(Template(f"account.{key}", text, dict(params), dict(links),
                     code="link" if key in PASSWORD_LINKS else None))
    return found


class _Joined:
    """Two lazy texts sent as one message (a decision and the invitation to rate it)."""

    def __init__(self, *parts):
        self.parts = parts

    def __str__(self) -> str:
        return "".join(str(part) for part in self.parts)


TEMPLATES: dict[str, Template] = _build()


class UnknownTemplate(KeyError):
    pass


def get(kind: str) -> Template:
    try:
        return TEMPLATES[kind]
    except KeyError:
        raise UnknownTemplate(kind) from None


def check(kind: str, params: dict) -> None:
    """Refuse parameters that are not exactly the template's (a programming error)."""
    template = get(kind)
    if set(params) != set(template.params):
        raise ValueError(f"template {kind!r} takes {sorted(template.params)}, "
                         f"not {sorted(params)}")


# ── into words ────────────────────────────────────────────────────────────────────────────

def _words(param_type: str, value: str) -> str:
    from portal import dates
    from portal.applications import status_machine
    from portal.labels import follow_up_outcome_label, programme_text_name, street_name

    if param_type == "programme":
        return programme_text_name(value)
    if param_type == "status":
        status = status_machine.STATUSES.get(value)
        return str(status.label) if status is not None else value
    if param_type == "outcome":
        return follow_up_outcome_label(value)
    if param_type == "street":
        return street_name(value) if value else str(_l("所在街道（镇）"))
    if param_type == "day":
        moment = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        return dates.date_text(moment)
    if param_type == "month":
        return dates.month_label(value)
    return value


def words(kind: str, params: dict, locale: str | None = None) -> dict[str, str]:
    """Every parameter in words, in `locale` (default: the current language)."""
    template = get(kind)
    with force_locale(locale) if locale else nullcontext():
        return {name: _words(template.params[name], str(params[name]))
                for name in template.params}


def render(kind: str, params: dict, locale: str | None = None) -> str:
    """The readable text of a message (what the outbox backend and `flask outbox` show)."""
    template = get(kind)
    with force_locale(locale or DEFAULT_LOCALE):
        return str(template.text) % words(kind, params)


def values(kind: str, params: dict, locale: str) -> dict[str, str]:
    """What a provider gets for the template's variables, in `locale`: words, and for a link
    only the token after its fixed address."""
    template = get(kind)
    result = words(kind, params, locale)
    for name, path in template.links.items():
        link = result[name]
        result[name] = link.split(path, 1)[1] if path in link else link
    return result


def order(kind: str, locale: str) -> list[str]:
    """The parameters in the order they appear in the text in `locale` (Tencent's variables
    are numbered {1}, {2}, … in that order)."""
    with force_locale(locale):
        return _names(str(get(kind).text))


def _names(text: str) -> list[str]:
    seen: list[str] = []
    for name in PLACEHOLDER.findall(text):
        if name not in seen:
            seen.append(name)
    return seen


def provider_text(kind: str, locale: str, provider: str, base_url: str = "") -> str:
    """The template as it is registered with `provider` ("aliyun": ${name}; "tencent": {1}),
    in `locale`: without the signature (the provider adds the registered one), a link's fixed
    address written out."""
    template = get(kind)
    with force_locale(locale):
        text = SIGNATURE.sub("", str(template.text))
    names = _names(text)

    def variable(match: re.Match) -> str:
        name = match.group(1)
        written = "${%s}" % name if provider == "aliyun" else "{%d}" % (names.index(name) + 1)
        if name in template.links:
            return base_url.rstrip("/") + template.links[name] + written
        return written

    return PLACEHOLDER.sub(variable, text)


def portal_address() -> str:
    return (current_app.config.get("PORTAL_URL") or "https://<PORTAL_URL>").rstrip("/")
