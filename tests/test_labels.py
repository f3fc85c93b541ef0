"""One source for every label of a code (portal.labels): the resident's pages and the staff
console show the same words for the same programme, relationship and section, in both
languages; the labels reach templates from one registration; one helper gives text in the
current language and one type carries bilingual text."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal import labels
from portal.applications.models import Application
from portal.eligibility import Text
from tests.support.apply import fill_all, post, start_for_other
from tests.support.accounts import APPLICANT, make_account, sign_in

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("zh_Hans_CN", "en")


def _headings(html: str, pattern: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", found).strip() for found in re.findall(pattern, html)]


def _label(app, lang: str, function, *args) -> str:
    with app.test_request_context(), force_locale(lang):
        return str(function(*args))


@pytest.fixture()
def submitted(client, db):
    """An application sent through the resident's journey by a village worker, with the
    sections its check page named (in each language), and its reference."""
    resident = sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client, relationship="village_staff")
    fill_all(client, draft_id)
    check_titles = {}
    for lang in LANGUAGES:
        client.set_cookie("lang", lang)
        html = client.get(f"/apply/drafts/{draft_id}/check").get_data(as_text=True)
        check_titles[lang] = _headings(html, r'<h2 class="summary-card__title"[^>]*>(.*?)</h2>')
    client.set_cookie("lang", "zh_Hans_CN")
    assert post(client, f"/apply/drafts/{draft_id}/check",
                {"declaration": "y"}).status_code == 303
    reference = db.session.scalar(select(Application.reference)
                                  .where(Application.applicant_account_id == resident.id))
    return reference, check_titles


def _pages(client, reference: str, lang: str) -> tuple[str, str]:
    """The resident's status page and the staff case page of the application, in `lang`."""
    client.set_cookie("lang", lang)
    resident = client.get(f"/status/applications/{reference}/").get_data(as_text=True)
    sign_in(client, make_account("street_officer", street="ganting"))
    staff = client.get(f"/staff/applications/{reference}").get_data(as_text=True)
    return resident, staff


@pytest.mark.parametrize("lang", LANGUAGES)
def test_residents_and_staff_read_the_same_programme_and_relationship(app, client, submitted,
                                                                      lang):
    reference, _titles = submitted
    resident, staff = _pages(client, reference, lang)
    programme = _label(app, lang, labels.programme_name, "nursing_allowance")
    relationship = _label(app, lang, labels.relationship_label, "village_staff")
    for page in (resident, staff):
        assert programme in page and relationship in page
    # the wording residents meet across the site (home, help, self-check, status pages)
    assert _label(app, "zh_Hans_CN", labels.relationship_label, "village_staff") == "村（社区）工作人员"
    assert "村（居）委会" not in resident + staff


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_staff_case_page_names_the_sections_as_the_journey_does(app, client, submitted, lang):
    reference, check_titles = submitted
    _resident, staff = _pages(client, reference, lang)
    staff_titles = _headings(staff, r'<h3 id="answers-\d+">(.*?)</h3>')
    declaration = _label(app, lang, labels.section_title, "declaration")
    assert declaration in staff_titles          # what the applicant declared on submitting
    journey_sections = [t for t in staff_titles if t != declaration]
    assert journey_sections and set(journey_sections) <= set(check_titles[lang]), (
        journey_sections, check_titles[lang])
    who = _label(app, lang, labels.section_title, "who")
    assert staff_titles[0] == check_titles[lang][0] == who


def test_the_relationship_choices_use_the_same_labels(app, client, db):
    sign_in(client, make_account(**APPLICANT))
    response = post(client, "/apply/nursing_allowance/", {"who": "other"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    choices = re.findall(r'<label class="choice__label"[^>]*>([^<]+)<', page)
    expected = [_label(app, "zh_Hans_CN", labels.relationship_label, code)
                for code in ("guardian", "family", "agent", "village_staff")]
    assert [c.strip() for c in choices] == expected


def test_labels_reach_templates_from_one_registration(app):
    """Every label function is a template global of its name, and no area's context processor
    hands templates a copy of its own under that name."""
    names = {function.__name__ for function in labels.GLOBALS}
    for function in labels.GLOBALS:
        assert app.jinja_env.globals[function.__name__] is function
    assert app.jinja_env.filters["loc"] is labels.localized
    with app.test_request_context():
        for blueprint, processors in app.template_context_processors.items():
            for processor in processors:
                supplied = set(processor())
                assert not supplied & names, (blueprint, processor, supplied & names)


def test_text_in_the_current_language_comes_from_one_helper(app):
    text = Text("护理补贴", "Nursing allowance")
    with app.test_request_context():
        for lang, expected in (("zh_Hans_CN", "护理补贴"), ("en", "Nursing allowance")):
            with force_locale(lang):
                assert labels.localized(text) == expected
        assert labels.localized(None) == "" and labels.localized("已有的字") == "已有的字"


def test_the_indicators_carry_the_one_bilingual_type():
    from portal.content import indicators

    texts = [i.name for i in indicators.indicators()] + [indicators.source()]
    assert texts and all(isinstance(t, Text) for t in texts)
    assert texts[0].in_locale("en") != str(texts[0])


def _python_sources() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in (ROOT / "portal").rglob("*.py")}


def test_each_label_lookup_is_defined_once():
    """Alongside the behaviour above: no module grows a copy of a label lookup again."""
    sources = _python_sources()

    def defining(pattern: str) -> list[str]:
        found = re.compile(pattern, re.M)
        return sorted(str(p.relative_to(ROOT)) for p, text in sources.items() if found.search(text))

    for function in labels.GLOBALS:
        assert defining(rf"^\s*def {function.__name__}\(") == ["portal/labels.py"], function
    assert defining(r'^\s*"village_staff": ') == ["portal/labels.py"]
    assert defining(r"^(\s*def (localized|in_locale)|def text)\(") == [
        "portal/eligibility/text.py",     # Text.in_locale, the type's own method
        "portal/web/i18n.py"]                 # localized: the text in the current language
    assert defining(r"^class \w+:\n    zh: str\n    en: str") == []   # a second bilingual type
    templates = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "templates").rglob("*.html"))
    assert ".in_locale(" not in templates and "programme_text(" not in templates
