"""Every text message template: both languages render, every parameter fits the gateways'
variable rules for every value it can take, and no template carries more than its text needs."""
from __future__ import annotations

import re
import secrets

import pytest
from flask_babel import force_locale

from portal import eligibility
from portal.applications import status_machine
from portal.content import streets
from portal.labels import FOLLOW_UP_OUTCOMES
from portal.messages import templates
from portal.ratings import invitations

LOCALES = ("zh_Hans_CN", "en")
PORTAL = "https://huyi-portal.example.cn"


def _links(app) -> dict[str, list[str]]:
    """Real links of each kind, with tokens as long as the portal makes them."""
    from portal.accounts import staff
    from portal.questions import questions

    with app.test_request_context():
        password = staff._serializer().dumps({"a": 10 ** 6, "f": "f" * 24})
    return {
        templates.RATING_PATH: [PORTAL + invitations.PATH + secrets.token_urlsafe(16)],
        templates.QUESTION_PATH: [PORTAL + questions.PATH + secrets.token_urlsafe(16)],
        templates.STAFF_PASSWORD_PATH: [PORTAL + templates.STAFF_PASSWORD_PATH + password],
    }


def _samples(app, template: templates.Template, name: str) -> list[str]:
    """Every value (or the longest ones) the parameter `name` of `template` can take."""
    kind = template.params[name]
    if kind == "programme":
        return [p.code for p in eligibility.programmes()]
    if kind == "status":
        return list(status_machine.STATUSES)
    if kind == "outcome":
        return list(FOLLOW_UP_OUTCOMES)
    if kind == "street":
        return [street.code for street in streets.all_streets()] + [""]
    if kind == "day":
        return ["2026-09-30", "2026-12-04T15:59:00+00:00", "2027-02-28"]
    if kind == "month":
        return ["2026-09", "2026-12", "2027-02"]
    if kind == "code":
        return ["123456"]
    if kind == "worker":        # names as the portal sends them (cut to WORKER_NAME_MAX)
        from portal.messages.notifications import WORKER_NAME_MAX
        return ["张建华", "欧阳建华", "阿卜杜热依木·买买提" * 3][:2] + \
            [("阿卜杜热依木·买买提" * 3)[:WORKER_NAME_MAX]]
    if kind == "link":
        return _links(app)[template.links[name]]
    return {"ref": ["HY-2026-7K3QX9"], "change": ["BG-2026-7K3QX9"], "tail": ["1234"],
            "minutes": ["10"], "hours": ["24"], "consent": ["1234567"]}[name]


def _param_sets(app, template):
    """One set of parameters per sample value of each parameter (the others at their first)."""
    samples = {name: _samples(app, template, name) for name in template.params}
    base = {name: values[0] for name, values in samples.items()}
    yield base
    for name, values in samples.items():
        for value in values[1:]:
            yield {**base, name: value}


KINDS = sorted(templates.TEMPLATES)


@pytest.mark.parametrize("kind", KINDS)
def test_every_template_renders_in_both_languages(app, kind):
    template = templates.get(kind)
    with app.app_context():
        for locale in LOCALES:
            for params in _param_sets(app, template):
                text = templates.render(kind, params, locale)
                assert "%(" not in text and "{" not in text, (kind, locale, text)
            with force_locale(locale):
                placeholders = set(re.findall(r"%\((\w+)\)s", str(template.text)))
            assert placeholders == set(template.params), (kind, locale)
        with force_locale("en"):
            english = str(template.text)
        with force_locale("zh_Hans_CN"):
            chinese = str(template.text)
        assert english != chinese and not re.search(r"[\u4e00-\u9fff]", english), kind


@pytest.mark.parametrize("kind", KINDS)
def test_every_value_fits_the_gateways_variable_rules(app, kind):
    template = templates.get(kind)
    with app.app_context():
        for locale in LOCALES:
            for params in _param_sets(app, template):
                for name, value in templates.values(kind, params, locale).items():
                    variable = template.variable(name)
                    assert len(value) <= variable.max_length, (kind, locale, name, value)
                    assert re.fullmatch(variable.pattern, value), (kind, locale, name, value)
                    assert "http" not in value and "/" not in value, (kind, name, value)


@pytest.mark.parametrize("kind", KINDS)
def test_what_is_registered_with_the_gateways(app, kind):
    template = templates.get(kind)
    with app.app_context():
        for locale in LOCALES:
            aliyun = templates.provider_text(kind, locale, "aliyun", PORTAL)
            tencent = templates.provider_text(kind, locale, "tencent", PORTAL)
            for text in (aliyun, tencent):
                assert "【" not in text and "】" not in text, (kind, locale)   # no signature
            assert set(re.findall(r"\$\{(\w+)\}", aliyun)) == set(template.params)
            numbers = [int(n) for n in re.findall(r"\{(\d+)\}", tencent)]
            assert sorted(set(numbers)) == list(range(1, len(template.params) + 1))
            for name, path in template.links.items():   # a link's address is fixed
                assert PORTAL + path + "${%s}" % name in aliyun
        with force_locale("zh_Hans_CN"):
            chinese = str(template.text)
        if "12385" in chinese:
            assert "也可以在平台上在线咨询" in chinese, kind


def test_no_template_carries_personal_details():
    """Parameters are codes, dates, references, a phone's last four, a one-time code or a
    link's token – never a resident's name, an ID number, an address or anyone's own words. The
    one name is a village worker's, told to the person who agreed to their help."""
    allowed = {"programme", "ref", "due", "until", "status", "month", "date", "change",
               "tail", "outcome", "link", "code", "minutes", "hours", "street", "worker",
               "consent"}
    for template in templates.TEMPLATES.values():
        assert set(template.params) <= allowed, template.kind


def test_the_outbox_keeps_kind_and_params_and_the_readable_text(app, db):
    from portal.messages import outbox

    with app.test_request_context():
        message = outbox.send("13900000001", "benefit.resumed",
                              {"programme": "nursing_allowance", "ref": "HY-2026-7K3QX9",
                               "month": "2026-12"}, locale="en")
    assert message.kind == "benefit.resumed"
    assert message.params == {"programme": "nursing_allowance", "ref": "HY-2026-7K3QX9",
                              "month": "2026-12"}
    assert "December 2026" in message.body and "HY-2026-7K3QX9" in message.body
    with app.app_context(), pytest.raises(ValueError):
        outbox.compose("13900000001", "benefit.resumed", {"programme": "nursing_allowance"})


def test_the_command_prints_the_templates_to_register(app, runner):
    result = runner.invoke(args=["sms-templates", "--provider", "aliyun", "--language", "zh"])
    assert result.exit_code == 0
    assert "status.accepted:" in result.output and "${programme}" in result.output
    assert "status.accepted@en" not in result.output
    result = runner.invoke(args=["sms-templates", "--provider", "tencent"])
    assert "status.accepted@en:" in result.output and "{1}" in result.output
    assert "${" not in result.output
