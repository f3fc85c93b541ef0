"""The pages sign-language media can be attached to: one service guide per programme
(page key "guide:<programme code>"), in the order of docs/product.md."""
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

PAGES = {f"guide:{code}": name for code, name in GUIDES}


def page_name(page_key: str) -> str:
    """The page's name for editors ("重度残疾人护理补贴"); the key itself when unknown."""
    return str(PAGES.get(page_key, page_key))
