"""The audit log: every staff view and action, written in the caller's transaction.

`record()` adds a row to the session and does not commit, so an action and its audit row are
saved together or not at all. Rows are never changed (an ORM guard in audit/models.py and, on
PostgreSQL, a trigger added by migration 0004_staff_audit_guard).
"""
from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from portal.accounts.models import Account
from portal.audit.models import AuditEvent
from portal.extensions import db

# What can be recorded, and how the audit page names it. Keep codes short and stable.
ACTIONS = {
    "intermediary.create": _l("开通代办员账号"),
    "intermediary.deactivate": _l("停用代办员账号"),
    "intermediary.password_reset": _l("为代办员重设密码（发送设置新密码的链接）"),
    "consent.give": _l("代办同意生效（短信验证码）"),
    "consent.paper": _l("上传书面代办同意书"),
    "consent.confirm": _l("确认书面代办同意书"),
    "consent.refuse": _l("退回书面代办同意书"),
    "consent.end": _l("结束代办同意"),
    "consent.view_form": _l("查看书面代办同意书"),
    "application.view": _l("查看申请"),
    "application.accept": _l("受理"),
    "application.street_check": _l("街道初审通过"),
    "application.district_review": _l("区残联审核通过"),
    "application.approve": _l("批准"),
    "application.publish": _l("进入公示"),
    "application.start_payment": _l("开始发放"),
    "application.request_info": _l("要求补充材料"),
    "application.reject": _l("不予批准"),
    "application.resubmit": _l("补充后重新提交"),
    "application.withdraw": _l("撤回申请"),
    "document.view": _l("查看材料"),
    "payment.reveal": _l("查看完整收款账号"),
    "identity.reveal": _l("查看完整身份证号码"),
    "document.download": _l("下载材料"),
    "queue.search": _l("搜索申请"),
    "queue.export": _l("导出表格"),
    "queue.export_failed": _l("导出表格未完成（连接中断或出错）"),
    "account.create": _l("新建工作人员账号"),
    "account.deactivate": _l("停用工作人员账号"),
    "account.password_reset": _l("重置工作人员的密码（发送设置新密码的链接）"),
    "account.password_set": _l("工作人员用链接设置了新密码"),
    "audit.search": _l("查询操作记录"),
    # Written by portal.accounts.sign_in (staff sign-in and sign-out).
    "sign_in": _l("登录"),
    "unified_identity_linked": _l("关联统一身份认证"),
    "sign_in_failed": _l("登录失败"),
    "sign_in_refused": _l("登录被暂停"),
    "sign_out": _l("退出登录"),
    # Written by portal.accounts.second_factor (staff second factor).
    "second_factor.enrol": _l("设置登录验证方式"),
    "second_factor.passed": _l("登录验证通过"),
    "second_factor.failed": _l("登录验证码错误"),
    "second_factor.refused": _l("登录验证被暂停"),
    "second_factor.recovery_used": _l("使用恢复码登录"),
    "second_factor.recovery_renewed": _l("重新生成恢复码"),
    "staff.second_factor_reset": _l("重置工作人员的登录验证方式"),
    "access.grant": _l("授权家人查看申请"),
    "access.revoke": _l("取消家人查看授权"),
    "application.lookup": _l("家属查询办理进度"),
    # Written by portal.accounts.person_links.
    "person.link": _l("确认账户与申请对象的关联"),
    "person.unlink": _l("解除账户与申请对象的关联"),
    "application.conflict_refused": _l("因需回避被拒绝办理"),
    "conflict.declare": _l("登记工作人员的亲属关系（回避）"),
    # Written by portal.applications.duplicates.
    "duplicate.compare": _l("查看可能重复的申请对比"),
    "duplicate.resolve": _l("处理可能重复的申请"),
    # Written by portal.benefits (recipients and payment rolls).
    "benefit.enrol": _l("登记为发放对象（在册）"),
    "benefit.end": _l("停止发放"),
    # Written by portal.benefits.lifecycle.
    "benefit.suspend": _l("暂停发放"),
    "benefit.resume": _l("恢复发放"),
    "benefit.certificate": _l("登记换领后的残疾人证有效期"),
    "benefit.certificate_reminder": _l("发送残疾人证到期提醒短信"),
    "benefit.card": _l("更换收款账户"),
    "benefit.street": _l("变更所属街道"),
    "benefit.record": _l("登记发放对象的情况变化"),
    "change.submit": _l("提交变更申报"),
    "change.list": _l("查看变更申报名单"),
    "change.view": _l("查看变更申报"),
    "change.approve": _l("核实通过变更申报"),
    "change.refuse": _l("不予核实变更申报"),
    "benefit.review": _l("完成年审（资格复核）"),
    "benefit.review_notice": _l("发送年审通知短信"),
    "benefit.reevaluate": _l("按规则重新核对资格：可能不再符合条件"),
    "review.list": _l("查看年审工作清单"),
    "review.view": _l("查看年审记录"),
    "reevaluation.list": _l("查看资格复核待处理清单"),
    "reevaluation.view": _l("查看资格复核记录"),
    "reevaluation.dismiss": _l("核实资格复核记录：不需处理"),
    "recipient.view": _l("查看发放对象"),
    "recipient.list": _l("查看发放对象名单"),
    "roll.build": _l("生成发放名册"),
    "roll.view": _l("查看发放名册"),
    "roll.confirm": _l("确认发放名册"),
    "roll.export": _l("导出发放名册（银行格式）"),
    "roll.export_failed": _l("导出发放名册未完成（连接中断或出错）"),
    "roll.bank_result": _l("导入银行发放结果"),
    # Written by portal.registries (imports, discovery, checks at submission).
    "registry.import": _l("导入共享数据（残疾人证或低保等名单）"),
    "registry.worklist": _l("查看主动发现名单"),
    "registry.lead": _l("查看主动发现的人员"),
    "registry.contact": _l("登记主动联系的结果"),
    "registry.invite": _l("发送邀请申请的短信"),
    # Written by portal.ratings.follow_ups and portal.questions.
    "follow_up.view": _l("查看差评回访"),
    "follow_up.call_back": _l("记录差评回访核实"),
    "follow_up.close": _l("完成差评整改并告知评价人"),
    "question.view": _l("查看咨询"),
    "question.answer": _l("答复咨询"),
    "question.publish": _l("发布常见问题"),
    # Written by portal.retention (the retention task; the person's requests).
    "retention.run": _l("按保存期限删除或匿名化到期的记录"),
    "data_request.submit": _l("提交更正或删除个人信息的申请"),
    "data_request.list": _l("查看个人信息申请清单"),
    "data_request.view": _l("查看个人信息申请"),
    "data_request.document": _l("查看个人信息申请所附的证明材料"),
    "data_request.decide": _l("办结个人信息申请"),
    # Written by portal.people.files (一人一档 and the person's own data).
    "person.view": _l("查看一人一档"),
    "person.search": _l("查找服务对象"),
    "person.data_view": _l("本人查看自己的信息"),
    "person.data_download": _l("本人下载自己的信息"),
    # Written by portal.content.media.publishing (the codes older rows carry).
    "media_published": _l("发布手语视频、字幕和文字稿"),
    "media_withdrawn": _l("停用手语视频"),
}

# The client's address while a web request is served (set by portal/web/request_context.py;
# None for commands and background work): audit rows record it.
CLIENT_ADDRESS: ContextVar[str | None] = ContextVar("client_address", default=None)


def record(actor: Account | None, action: str, object_type: str, object_id: str | None,
           detail: dict | None = None) -> AuditEvent:
    """Add one audit row to the current transaction (the caller commits).

    The transaction's other changes are flushed first, so that the chain's lock (taken when the
    audit row is flushed, portal.audit.models) is the last lock a transaction takes: a writer
    holding it never waits for a row another writer holds while waiting for it (two officers
    acting on one application at once deadlocked on PostgreSQL)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.session.flush()
    event = AuditEvent(
        actor_account_id=actor.id if actor is not None else None,
        action=action, object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        ip=CLIENT_ADDRESS.get(),
        detail=detail or {},
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None        # phone number or the start of a display name
    reference: str | None = None    # 受理编号
    action: str | None = None       # a code from ACTIONS
    date_from: date | None = None   # inclusive, in the district's calendar
    date_to: date | None = None     # inclusive


@dataclass(frozen=True)
class AuditPage:
    rows: list[tuple[AuditEvent, Account | None]]
    next_before: int | None         # pass as `before_id` for the next (older) page


def search(query: AuditQuery, before_id: int | None = None, limit: int = 50) -> AuditPage:
    """Newest first; keyset pagination on id."""
    from portal.applications.working_days import calendar

    statement = (select(AuditEvent, Account)
                 .outerjoin(Account, Account.id == AuditEvent.actor_account_id))
    if query.actor:
        needle = query.actor.strip()
        statement = statement.where(or_(Account.phone == needle,
                                        Account.display_name.startswith(needle, autoescape=True)))
    if query.reference:
        statement = statement.where(AuditEvent.object_type == "application",
                                    AuditEvent.object_id == query.reference)
    if query.action:
        statement = statement.where(AuditEvent.action == query.action)
    zone = calendar().zone

    def start_of(day: date) -> datetime:  # compared in UTC: SQLite keeps no offset
        return datetime.combine(day, time(), tzinfo=zone).astimezone(timezone.utc)

    if query.date_from:
        statement = statement.where(AuditEvent.created_at >= start_of(query.date_from))
    if query.date_to:
        statement = statement.where(
            AuditEvent.created_at < start_of(query.date_to + timedelta(days=1)))
    if before_id is not None:
        statement = statement.where(AuditEvent.id < before_id)
    rows = db.session.execute(
        statement.order_by(AuditEvent.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = [(event, account) for event, account in rows[:limit]]
    return AuditPage(rows, rows[-1][0].id if more else None)


def search_recorded(actor: Account, query: AuditQuery,
                    before_id: int | None = None) -> AuditPage:
    """Search the audit log; the search itself is recorded (committed)."""
    results = search(query, before_id=before_id)
    record(actor, "audit.search", "audit", None,
                 {key: str(value) for key, value in vars(query).items() if value})
    db.session.commit()
    return results

