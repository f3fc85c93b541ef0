"""Every label people see for a code, in one place, for residents' and staff pages alike:
programme names, relationships (applicant ↔ person), the application's sections, payment
methods, statuses, eligibility facts and their values, staff roles and streets.

Where the words already live with the thing they name, this module is the one way to show
them: a programme's name is in its programme file (portal.eligibility), a status's words in
the status machine (portal.applications.status_machine, which keeps the codes and their order), a
street's name in portal.content.streets. The words only pages need are defined here.

Templates reach every label through the globals and the ``loc`` filter that :func:`init_app`
registers – the one place they are registered. Text in the current language (a bilingual
``portal.eligibility.Text``) comes from one helper, :func:`portal.web.i18n.localized`.
"""
from __future__ import annotations

from datetime import date

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import eligibility
from portal.applications import status_machine
from portal.applications.answers import SectionKey
from portal.applications.models import RELATIONSHIPS as RELATIONSHIP_CODES
from portal.content import streets
from portal.web.i18n import current_language, localized

# ── programmes ─────────────────────────────────────────────────────────────────────────────


def word_list(words) -> str:
    """Words in a list, joined as the language joins them ("、" in Chinese, "; " in English:
    the items may hold commas themselves)."""
    return str(_("、")).join(str(word) for word in words)


def programme_text_name(code: str) -> str:
    """The programme's name in a text message: its short `text_name` where it has one."""
    try:
        programme = eligibility.programme(code)
    except KeyError:
        return code
    return localized(programme.text_name or programme.name)


def programme_name(code: str) -> str:
    """The programme's name (from its programme file) in the page's language; the code itself
    for a code no programme file has."""
    try:
        return localized(eligibility.programme(code).name)
    except KeyError:
        return code


# ── who applies for whom ───────────────────────────────────────────────────────────────────

# Staff and residents once read two wordings for village_staff: "村（居）委会工作人员" on the
# resident's pages, "村（社区）工作人员" on the staff console. The portal says "村（社区）工作人员"
# wherever it tells residents who may help them (home, help, self-check, status pages) and
# in the journey's own hint for this choice, so that is the one wording.
RELATIONSHIPS = {
    "self": _l("本人"), "guardian": _l("监护人"), "family": _l("家属"), "agent": _l("委托代理人"),
    "village_staff": _l("村（社区）工作人员"),
}
assert set(RELATIONSHIPS) == set(RELATIONSHIP_CODES)


def relationship_label(code: str | None) -> str:
    return str(RELATIONSHIPS.get(code, code or ""))


# ── the application's sections ─────────────────────────────────────────────────────────────

# The journey's sections (portal.apply.journey) and the staff case page's (portal.staff.
# casefile) by the same keys (portal.applications.answers.SectionKey), so both sides name a
# section alike. The declaration is what the applicant declared on the check page when
# submitting (no section of its own in the journey).
SECTIONS = {
    SectionKey.WHO: _l("申请对象和关系"),
    SectionKey.PERSONAL: _l("基本信息"),
    SectionKey.CERTIFICATE: _l("残疾人证"),
    SectionKey.HOUSEHOLD: _l("家庭经济情况"),
    SectionKey.PAYMENT: _l("收款账户"),
    SectionKey.QUESTIONS: _l("本事项需要了解的情况"),
    SectionKey.DOCUMENTS: _l("上传材料"),
    SectionKey.CONSENT: _l("个人信息授权"),
    SectionKey.DECLARATION: _l("提交时的声明"),
}


def section_title(key: str) -> str:
    return str(SECTIONS.get(key, key))


PAYMENT_METHODS = {"bank_card": _l("银行卡"), "social_security_card": _l("社会保障卡（社保卡）")}


# ── statuses (the words are the status machine's) ─────────────────────────────────────────

def status_label(code: str) -> str:
    status = status_machine.STATUSES.get(code)
    return str(status.label) if status else code


def status_explanation(code: str) -> str:
    status = status_machine.STATUSES.get(code)
    return str(status.explanation) if status else ""


# ── eligibility facts (the words are the fact table's, portal/eligibility/facts.yaml) ──────

def fact_label(name: str) -> str:
    """A fact's label; "other information" for a name that is no fact – never the name."""
    fact = eligibility.FACTS.get(name)
    if fact is None:
        return _("其他信息")
    return localized(fact.label)


def fact_value(name: str, value) -> str:
    """A fact's value as the rules label it (e.g. physical → 肢体残疾); the value itself when
    it has no label."""
    fact = eligibility.FACTS.get(name)
    label = fact.value_labels.get(value) if fact else None
    return localized(label) if label is not None else str(value)


# ── people who sign in ─────────────────────────────────────────────────────────────────────

STAFF_ROLES = {
    "street_officer": _l("街道工作人员"),
    "district_reviewer": _l("区残联审核人员"),
    "civil_affairs": _l("区民政审批人员"),
    "content_editor": _l("内容编辑"),
    "admin": _l("系统管理员"),
}
ROLES = {**STAFF_ROLES, "resident": _l("居民"), "intermediary": _l("村（社区）代办员")}


def role_label(role: str | None) -> str:
    return str(ROLES.get(role, role or ""))


# ── benefits: recipients, rolls and their lines (portal.benefits) ─────────────────────────

RECIPIENT_STATES = {"paying": _l("发放中"), "suspended": _l("暂停发放"), "ended": _l("停止发放")}
ROLL_STATES = {"draft": _l("待确认"), "confirmed": _l("已确认，待银行发放"),
               "locked": _l("已完成（银行结果已导入）")}
LINE_STATES = {"pending": _l("银行处理中"), "paid": _l("已到账"), "failed": _l("未发放成功")}


# Why payment is suspended or ended (portal.benefits.lifecycle). Sources: the yearly review of
# recipients (动态管理, program-facts.md, 两项补贴 Workflow); the certificate valid 10 years
# (《残疾人证管理办法》, program-facts.md, Identity data); the list of end reasons.
SUSPEND_REASONS = {
    "certificate_lapsed": _l("残疾人证已过有效期，未换领"),
    "review_missed": _l("未按时参加年审（资格复核）"),
    "hospital_stay": _l("住院或入住养老、托养机构"),
    "under_investigation": _l("情况正在核查"),
}
END_REASONS = {
    "death": _l("本人去世"),
    "moved_away": _l("户籍迁出本区"),
    "not_eligible": _l("不再符合条件"),
    "refused_review": _l("拒绝参加年审（资格复核）"),
    "on_request": _l("本人或监护人申请停发"),
    # Set by the portal itself, never chosen by staff: 择高 (portal.benefits.recipients).
    "higher_taken": _l("已领取另一项标准更高的同类补贴（择高）"),
}
STAFF_END_REASONS = tuple(code for code in END_REASONS if code != "higher_taken")


# The kinds of a recipient's history (portal.benefits.models.RecipientEvent).
RECIPIENT_EVENTS = {
    "enrolled": _l("登记为发放对象"), "suspended": _l("暂停发放"), "resumed": _l("恢复发放"),
    "ended": _l("停止发放"), "certificate_renewed": _l("登记换领的残疾人证"),
    "reminder_60": _l("短信提醒：残疾人证60天后到期"),
    "reminder_30": _l("短信提醒：残疾人证30天后到期"),
    "card_changed": _l("更换收款账户"), "street_changed": _l("变更所属街道"),
    "household_changed": _l("登记：低保或低收入情况变化"), "work_started": _l("登记：开始工作"),
    "care_stay": _l("登记：住院或入住养老、托养机构"), "care_left": _l("登记：出院或离开机构"),
    "review_done": _l("完成年审（资格复核）"),
}

# The yearly review (portal.benefits.reviews) and the re-evaluation worklist
# (portal.benefits.reevaluation). A review's state as staff and residents read it: `missed` is
# an open review past its grace period (payment suspended), `overdue` one past its last day.
REVIEW_STATES = {
    "due": _l("待年审"),
    "overdue": _l("已逾期，尚未年审"),
    "missed": _l("逾期未年审，已暂停发放"),
    "done": _l("已完成年审"),
}
REVIEW_METHODS = {"online": _l("网上确认"), "visit": _l("街道上门核实")}
# What a review asks besides the eligibility facts (whose labels are the fact table's).
REVIEW_FACT_LABELS = {
    "street": _l("居住的街道"),
    "certificate_valid_until": _l("残疾人证有效期至"),
    "card": _l("收款的银行卡或社保卡"),
}
REEVALUATION_CAUSES = {"review": _l("年审"), "change": _l("情况变化")}
REEVALUATION_STATES = {"open": _l("待处理"), "dismissed": _l("已核实，不需处理")}


# ── changes of circumstances (portal.changes.kinds: what each asks and what approving does) ─

CHANGE_KINDS = {
    "card": _l("更换收款账户（银行卡或社保卡）"),
    "moved_within": _l("在本区内搬家，户籍改到另一个街道（镇）"),
    "moved_away": _l("户籍迁出鄠邑区"),
    "low_income": _l("家庭进入或退出低保、低收入"),
    "work": _l("开始工作"),
    "care_stay": _l("住院，或入住养老、托养机构"),
    "care_left": _l("出院，或离开养老、托养机构"),
    "death": _l("本人去世（由家属报告）"),
}
CHANGE_STATES = {"draft": _l("未提交"), "submitted": _l("已提交，等待街道核实"),
                 "approved": _l("已核实办理"), "refused": _l("未能核实通过")}
# What approving does (staff choose when a kind has more than one).
CHANGE_OUTCOMES = {
    "card": _l("核实无误，从下一份名册起发到新账户"),
    "street": _l("核实无误，改到新的街道（镇）"),
    "end": _l("核实无误，停止发放"),
    "record": _l("核实无误，登记在册，是否仍符合条件由民政决定"),
    "suspend": _l("核实无误，从下个月起暂停发放"),
    "resume": _l("核实无误，恢复发放（住院期间的月份不补发）"),
}
# The questions' short names (the check page, the request's page, the staff page).
CHANGE_FIELDS = {
    "method": _l("卡的种类"), "bank_name": _l("开户银行"), "account_holder": _l("持卡人姓名"),
    "card_number": _l("卡号"), "new_street": _l("新的户籍街道（镇）"),
    "moved_on": _l("户籍迁移的日期"), "household_change": _l("变化"),
    "changed_on": _l("从哪天起"), "work_from": _l("开始工作的日期"),
    "place": _l("住在哪里"), "stay_from": _l("入院或入住的日期"),
    "left_on": _l("出院或离开的日期"), "died_on": _l("去世的日期"),
}
HOUSEHOLD_CHANGES = {
    "entered_dibao": _l("家庭纳入了低保"), "left_dibao": _l("家庭退出了低保"),
    "entered_low_income": _l("家庭认定为低收入家庭"),
    "left_low_income": _l("家庭不再是低收入家庭"),
}
CARE_PLACES = {"hospital": _l("医院"), "care_home": _l("养老机构或托养机构")}


def change_kind_label(code: str) -> str:
    return str(CHANGE_KINDS.get(code, code))


def change_state_label(code: str) -> str:
    return str(CHANGE_STATES.get(code, code))


def change_outcome_label(code: str | None) -> str:
    return str(CHANGE_OUTCOMES.get(code, code or ""))


def change_field_label(name: str) -> str:
    return str(CHANGE_FIELDS.get(name, name))


def recipient_event_label(kind: str) -> str:
    return str(RECIPIENT_EVENTS.get(kind, kind))


def status_reason_label(code: str | None) -> str:
    """The label of a suspension's or an end's reason."""
    return str(SUSPEND_REASONS.get(code) or END_REASONS.get(code) or code or "")


def review_fact_label(name: str) -> str:
    """The label of a fact the yearly review asks: the fact table's, or the review's own."""
    if name in REVIEW_FACT_LABELS:
        return str(REVIEW_FACT_LABELS[name])
    return fact_label(name)


def review_value_text(name: str, value, card_last4: str | None = None) -> str:
    """A value a review shows: a fact's label, a street's name, a date, the card's last four
    (or that it is no longer used); "未登记" when not known."""
    from portal import dates

    if value is None or value == "":
        return _("未登记")
    if name == "street":
        return street_name(value)
    if name == "certificate_valid_until":
        try:
            return dates.date_text(date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    if name == "card":
        if value == "changed":
            return _("不再使用，需要登记新的账户")
        return _("尾号%(last4)s", last4=value)
    return fact_value(name, value)


def review_label(kind: str, code: str | None) -> str:
    """The label of a review's state ("state"), how it was done ("method"), a re-evaluation's
    cause ("cause") or its state ("reevaluation")."""
    table = {"state": REVIEW_STATES, "method": REVIEW_METHODS, "cause": REEVALUATION_CAUSES,
             "reevaluation": REEVALUATION_STATES}[kind]
    return str(table.get(code, code or ""))


def benefit_state_label(kind: str, code: str) -> str:
    """The label of a recipient's (`kind` "recipient"), a roll's ("roll") or a payment line's
    ("line") state."""
    table = {"recipient": RECIPIENT_STATES, "roll": ROLL_STATES, "line": LINE_STATES}[kind]
    return str(table.get(code, code))


def band_label(programme_code: str, band: str) -> str:
    """A rate band's label: the programme file's amount of the same id (e.g. 一级残疾人)."""
    try:
        amounts = eligibility.programme(programme_code).amounts
    except KeyError:
        return band
    return next((localized(a.label) for a in amounts if a.id == band), band)


def yuan(fen: int | None) -> str:
    """Fen as yuan with two decimals, e.g. 12000 -> 120.00."""
    if fen is None:
        return ""
    return f"{fen // 100}.{fen % 100:02d}"


# ── 好差评 and 在线咨询 (portal.ratings, portal.questions) ────────────────────────────────

# The five national levels (国办发〔2019〕51号: 非常满意、满意、基本满意、不满意、非常不满意),
# best first. Levels 1 and 2 are 差评: they need a reason and, when named, a follow-up.
RATING_LEVELS = {5: _l("非常满意"), 4: _l("满意"), 3: _l("基本满意"), 2: _l("不满意"),
                 1: _l("非常不满意")}
POOR_LEVELS = (2, 1)
# Why a 差评 (GB/T 39734-2020 附录A lists what a 差评 is about: attitude, time, what was asked
# for, how it was explained, the result; the last is ours: the portal itself).
RATING_REASONS = {
    "attitude": _l("服务态度不好"),
    "slow": _l("办理太慢，或者超过了期限"),
    "unclear": _l("要求或说明不清楚"),
    "paperwork": _l("要交的材料太多，或者反复要求补充"),
    "result": _l("对结果不理解，或者有不同意见"),
    "portal": _l("网上办理不方便，或者有无障碍问题"),
    "other": _l("其他原因"),
}
# What the office did about a 差评 (国办发〔2019〕51号: 立行立改, 限期整改, 解释说明).
FOLLOW_UP_OUTCOMES = {
    "fixed": _l("问题已整改"),
    "explained": _l("已作解释说明"),
    "not_upheld": _l("经核实不属于服务问题，已说明情况"),
}
CONTACT_METHODS = {"phone": _l("电话回访"), "visit": _l("上门回访"), "text": _l("短信回复")}
# The bodies behind the staff roles, as the public figures name an office.
# (The bodies' names are the status machine's, DECIDING_BODIES; content editors and the admin
# work for 区残联.)
OFFICE_BODIES = {**status_machine.DECIDING_BODIES,
                 "content_editor": status_machine.DECIDING_BODIES["district_reviewer"],
                 "admin": status_machine.DECIDING_BODIES["district_reviewer"]}
QUESTION_TOPICS = {"programme": _l("某项服务或补贴"), "application": _l("我的一份申请"),
                   "accessibility": _l("平台的无障碍使用"), "other": _l("其他问题")}


def rating_level_label(level: int | None) -> str:
    return str(RATING_LEVELS.get(level, level or ""))


def rating_reason_label(code: str) -> str:
    return str(RATING_REASONS.get(code, code))


def follow_up_outcome_label(code: str | None) -> str:
    return str(FOLLOW_UP_OUTCOMES.get(code, code or ""))


def contact_method_label(code: str | None) -> str:
    return str(CONTACT_METHODS.get(code, code or ""))


def office_label(role: str | None, street: str | None = None) -> str:
    """The office a step belongs to: a street's name for the street officers, else the body."""
    if role == "street_officer":
        return street_name(street)
    return str(OFFICE_BODIES.get(role, role or ""))


# The kinds of service event a person may rate (portal.ratings.service_events.KINDS: a kind
# added there – a change of circumstances, a yearly review – gets its label here).
SERVICE_EVENTS = {
    "decision": _l("申请的审批结果"),
    "information_request": _l("补充材料"),
    "follow_up": _l("差评的回访和整改"),
    "question": _l("在线咨询的答复"),
    "change": _l("变更申报的办理"),
    "review": _l("年审（资格复核）"),
}


def service_event_label(kind: str) -> str:
    return str(SERVICE_EVENTS.get(kind, kind))


def question_topic_label(code: str | None) -> str:
    return str(QUESTION_TOPICS.get(code, code or ""))


# ── places ─────────────────────────────────────────────────────────────────────────────────

def street_name(code: str | None) -> str:
    street = streets.by_code(code) if code else None
    if street is None:
        return code or ""
    return street.name("en" if current_language().code == "en" else "zh")


GLOBALS = (programme_name, relationship_label, section_title, status_label, status_explanation,
           fact_label, fact_value, role_label, street_name, benefit_state_label, band_label,
           yuan, status_reason_label, recipient_event_label, change_kind_label,
           change_state_label, change_outcome_label, change_field_label, review_fact_label,
           review_label, review_value_text, rating_level_label, rating_reason_label,
           follow_up_outcome_label, contact_method_label, office_label, service_event_label,
           question_topic_label)


def init_app(app: Flask) -> None:
    """Every label function as a template global of the same name, and ``loc`` (a bilingual
    text in the page's language) – for every blueprint's templates."""
    for function in GLOBALS:
        app.add_template_global(function)
    app.jinja_env.filters["loc"] = localized
