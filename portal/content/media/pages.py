"""The pages sign-language media can be attached to, each by a page key: one service guide per
programme ("guide:<programme code>", in the order of docs/product.md), the start pages of the
journeys ("journey:<name>") and the public notice ("notice:<name>"). Each of these pages shows
the sign-language slot (templates/components/sign_language.html): the video when one is
published, otherwise a plain 手语视频制作中."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

GUIDES = (
    ("living_allowance", _l("困难残疾人生活补贴")),
    ("nursing_allowance", _l("重度残疾人护理补贴")),
    ("assessment_subsidy", _l("残疾评定补贴")),
    ("dibao_single", _l("低保“单人保”")),
    ("assistive_devices", _l("基本型辅助器具适配资助")),
    ("home_modification", _l("困难重度残疾人家庭无障碍改造")),
    ("home_care", _l("阳光家园托养服务")),
    ("severe_care", _l("低收入重度残疾人照护服务")),
    ("green_action", _l("残疾人自强绿色行动")),
    ("startup_subsidy", _l("自主就业创业补贴")),
    ("graduate_subsidy", _l("应届高校残疾毕业生求职创业补贴")),
    ("internship_subsidy", _l("残疾学生见习补贴")),
    ("vocational_training", _l("职业技能与实用技术培训")),
    ("blind_massage", _l("盲人按摩培训和就业")),
    ("supported_employment", _l("辅助性就业")),
    ("public_welfare_jobs", _l("公益性岗位")),
    ("rehab_services", _l("精准康复服务")),
    ("child_rehab", _l("残疾儿童康复救助")),
    ("mental_health_rehab", _l("精神残疾人康复救助")),
    ("education_aid", _l("残疾学生和困难残疾人子女教育资助")),
    ("fuel_subsidy", _l("残疾人机动轮椅车燃油补贴")),
    ("transit_concession", _l("区内公交优待")),
    ("utility_discounts", _l("低收入残疾人家庭水电气和电信资费优惠")),
    ("legal_aid", _l("残疾人法律援助")),
    ("culture_at_home", _l("“五个一”文化进家庭")),
)

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
