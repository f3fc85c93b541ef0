"""Who is applying for whom: the choices when applying for someone else and when a guardian
must apply.

The codes are portal.applications.models.RELATIONSHIPS; their labels, the same on every page, are
portal.labels.RELATIONSHIPS.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The choices when applying for someone else (everything but "self"), with a hint each.
ON_BEHALF = (
    ("guardian", _l("未成年人的父母或其他监护人，或者经法定程序确定的监护人。")),
    ("family", _l("配偶、子女、父母、兄弟姐妹等近亲属。")),
    ("agent", _l("受申请对象委托代办的人。需要上传授权委托书。")),
    ("village_staff", _l("申请对象所在村（社区）的工作人员，帮助代办。")),
)

ADULT_AGE = 18
# Categories for which the application is made by a guardian.
GUARDIAN_CATEGORIES = ("intellectual", "mental")


def guardian_reason(age: int | None, category: str | None):
    """Why a guardian must apply (a sentence for the applicant), or None if it is not needed."""
    if age is not None and age < ADULT_AGE:
        return _l("申请对象未满18周岁。为了保护未成年人的权益，申请需要由监护人（一般是父母）提出。")
    if category in GUARDIAN_CATEGORIES:
        return _l("申请对象是智力残疾或精神残疾。按照规定，这类申请由监护人代为提出，"
                  "这是为了保护申请对象的权益。")
    return None
