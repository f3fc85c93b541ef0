"""How to photograph each kind of document, as data keyed by the programme files' stable kind
codes (`documents: [{kind: ...}]` in portal/eligibility/programmes/*.yaml) – never by words in a
document's name.

A kind that is several papers (an ID card *and* a household register) shows the hints of its
parts, joined in the order given.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# The application form itself, filled in on the portal.
ONLINE_FORM_HINT = _l("您在网上填写的内容就是这份申请表，不用另外上传。")

PHOTO_HINTS = {
    "id_card": _l("身份证正面和背面各拍一张，四个角都要拍进去。"),
    "hukou": _l("户口簿拍户主页和申请对象本人的那一页。"),
    "disability_certificate": _l("残疾人证拍有照片、证号和残疾类别、等级的那一页。"),
    "bank_card": _l("卡片拍有卡号的一面，卡号要看得清。"),
    "hardship_certificate": _l("低保证等证明拍有姓名和有效期的那一页。"),
    "medical_diagnosis": _l("诊断证明拍医院盖章的那一页。页数多的，可以扫描成一个PDF文件。"),
}

# Kinds made of the papers above: whose hints they show.
PARTS = {
    "id_card_and_hukou": ("id_card", "hukou"),
    "id_card_or_hukou": ("id_card", "hukou"),
    "id_card_and_disability_certificate": ("id_card", "disability_certificate"),
    "diagnosis_or_disability_certificate": ("disability_certificate", "medical_diagnosis"),
    "guardian_id_card": ("id_card",),
}


def hint(kind: str, *, online_form: bool = False) -> str | None:
    """How to provide a document of this kind (None when there is nothing to say)."""
    if online_form:
        return str(ONLINE_FORM_HINT)
    parts = PARTS.get(kind, (kind,))
    found = [str(PHOTO_HINTS[part]) for part in parts if part in PHOTO_HINTS]
    return "".join(found) or None


@dataclass(frozen=True)
class RelationshipDocument:
    kind: str
    label: object
    hint: object


# What someone applying on another's behalf adds, by relationship.
BY_RELATIONSHIP = {
    "agent": RelationshipDocument(
        "authorisation", _l("授权委托书"),
        _l("申请对象（或其监护人）签名或按手印的委托书，写明委托您办理这项申请。")),
}


def for_relationship(relationship: str | None) -> RelationshipDocument | None:
    return BY_RELATIONSHIP.get(relationship or "")


def by_kind(kind: str) -> RelationshipDocument | None:
    """The document a relationship adds, by its kind (None when no relationship adds it)."""
    return next((d for d in BY_RELATIONSHIP.values() if d.kind == kind), None)
