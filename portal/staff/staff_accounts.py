"""Staff accounts as the administrator manages them: list, create, deactivate, reset a
colleague's second factor – audited.

Creating goes through portal.services.accounts.create_staff (the same rules as
`flask create-staff`: staff password policy, known street, one account per phone); the audit
row is added first, so the account and its audit row are committed together.
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import STAFF_ROLES, Account
from ..services import accounts, audit, second_factor


class CannotDeactivateSelf(Exception):
    pass


def staff_accounts() -> list[Account]:
    order = {role: i for i, role in enumerate(STAFF_ROLES)}
    found = db.session.scalars(select(Account).where(Account.role.in_(STAFF_ROLES))).all()
    return sorted(found, key=lambda a: (not a.active, order[a.role], a.street or "",
                                        a.display_name, a.id))


def find_staff(account_id: int) -> Account | None:
    account = db.session.get(Account, account_id)
    return account if account is not None and account.is_staff else None


def create(actor: Account, *, display_name: str, phone: str, role: str, street: str | None,
           password: str) -> Account:
    """Raises accounts.AccountError (reason: phone, name, role, street, exists, password)."""
    audit.record(actor, "account.create", "account", phone, {"role": role, "street": street})
    try:
        return accounts.create_staff(phone, display_name, role, street, password)
    except accounts.AccountError:
        db.session.rollback()
        raise


def deactivate(actor: Account, account: Account) -> None:
    """The person can no longer sign in, and every session of theirs ends now."""
    if account.id == actor.id:
        raise CannotDeactivateSelf()
    if not account.active:
        return
    account.active = False
    account.session_version += 1
    audit.record(actor, "account.deactivate", "account", account.phone,
                 {"account_id": account.id, "role": account.role})
    db.session.commit()


def reset_second_factor(actor: Account, account: Account) -> None:
    """The colleague's second factor and recovery codes go, their sessions end; they set up a
    new one at the next sign-in. Raises second_factor.CannotResetSelf for one's own."""
    second_factor.reset(actor, account)
