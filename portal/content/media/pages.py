"""The pages sign-language media can be attached to, each by a page key: one service guide per
programme ("guide:<programme code>", in the catalogue's order), the start pages of the
journeys ("journey:<name>") and the public notice ("notice:<name>"). Each of these pages shows
the sign-language slot (templates/components/sign_language.html): the video when one is
published, otherwise a plain 手语视频制作中."""
from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from portal.eligibility import programmes
from portal.labels import programme_name

# One service guide per programme, in the catalogue's order, each named as its programme file
# names it (portal.labels.programme_name, read when shown: in the page's language).
GUIDES = tuple((programme.code, LazyString(programme_name, programme.code))
               for programme in programmes())

JOURNEYS = (
    ("checker", _l("资格自测")),
    ("apply", _l("网上申请")),
    ("status", _l("查询办理进度")),
)

NOTICES = (
    ("public", _l("两项补贴公示")),
)

GUIDE_PAGES = {f"guide:{code}": name for code, name in GUIDES}
JOURNEY_PAGES = {f"journey:{code}": name for code, name in JOURNEYS}
NOTICE_PAGES = {f"notice:{code}": name for code, name in NOTICES}
PAGES = {**GUIDE_PAGES, **JOURNEY_PAGES, **NOTICE_PAGES}
# The groups the coverage page lists, in this order: (id, heading, pages).
GROUPS = (
    ("guides", _l("办事指南"), GUIDE_PAGES),
    ("journeys", _l("办事流程"), JOURNEY_PAGES),
    ("notices", _l("公示"), NOTICE_PAGES),
)


def page_name(page_key: str) -> str:
    """The page's name for editors ("重度残疾人护理补贴"); the key itself when unknown."""
    return str(PAGES.get(page_key, page_key))


def page_group(page_key: str) -> str:
    """The kind of page, for editors: 办事指南, 办事流程 or 公示."""
    for _id, heading, pages in GROUPS:
        if page_key in pages:
            return str(heading)
    return ""


def choice_label(page_key: str):
    """How the upload form lists a page: a guide by its name, others with their kind."""
    if page_key in GUIDE_PAGES:
        return GUIDE_PAGES[page_key]
    kind = next(heading for _id, heading, pages in GROUPS if page_key in pages)
    return _l("%(kind)s：%(name)s", kind=kind, name=PAGES[page_key])
