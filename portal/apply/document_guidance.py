"""How to photograph each kind of document, as data.

A programme file names its documents in words ("本人居民身份证和户口簿"); each entry below applies
to the documents whose Chinese name contains its word. A document may match several entries
(an ID card *and* a household register); their hints are joined.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Guide:
    word: str
    hint: object | None
    filled_online: bool = False   # the application form itself: what is filled in here


GUIDES = (
    Guide("可在本平台填写", _l("您在网上填写的内容就是这份申请表，不用另外上传。"),
          filled_online=True),
    Guide("身份证", _l("身份证正面和背面各拍一张，四个角都要拍进去。")),
    Guide("户口簿", _l("户口簿拍户主页和申请对象本人的那一页。")),
    Guide("残疾人证", _l("残疾人证拍有照片、证号和残疾类别、等级的那一页。")),
    Guide("银行卡", _l("卡片拍有卡号的一面，卡号要看得清。")),
    Guide("社会保障卡", _l("卡片拍有卡号的一面，卡号要看得清。")),
    Guide("低保证", _l("低保证等证明拍有姓名和有效期的那一页。")),
    Guide("诊断证明", _l("诊断证明拍医院盖章的那一页。页数多的，可以扫描成一个PDF文件。")),
)


def for_document(name_zh: str) -> Guide | None:
    """The guidance for a document named `name_zh` (None if there is none)."""
    found = [g for g in GUIDES if g.word in name_zh]
    if not found:
        return None
    if any(g.filled_online for g in found):
        return next(g for g in found if g.filled_online)
    hints = []
    for guide in found:
        if str(guide.hint) not in hints:
            hints.append(str(guide.hint))
    return Guide(found[0].word, "".join(hints))


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
