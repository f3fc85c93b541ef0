"""`flask declare-conflict` and `flask list-conflicts`: a member of staff's declared relatives,
whose applications they may not act on (portal/services/conflicts.py). Recorded by an admin
when the member of staff declares the relationship; each recording is in the audit log.

    flask declare-conflict --staff 13800000001 --id-number 6101… --relation parent --by 13800000005
    flask list-conflicts --staff 13800000001
"""
from __future__ import annotations

import click
from sqlalchemy import select

from ..extensions import db
from ..models import CONFLICT_RELATIONS, Account
from ..services import conflicts, phone_numbers


def _account(phone: str, option: str) -> Account:
    try:
        phone = phone_numbers.normalise(phone)
    except ValueError:
        raise click.BadParameter("not a mobile number", param_hint=option) from None
    account = db.session.scalar(select(Account).where(Account.phone == phone))
    if account is None or not account.is_staff:
        raise click.BadParameter("no staff account has this number", param_hint=option)
    return account


def register(bp) -> None:
    @bp.cli.command("declare-conflict")
    @click.option("--staff", "staff_phone", required=True, help="The staff member's mobile.")
    @click.option("--id-number", required=True, prompt=True, hide_input=True,
                  help="The relative's ID number (kept only as a keyed hash, and encrypted).")
    @click.option("--relation", required=True, type=click.Choice(CONFLICT_RELATIONS))
    @click.option("--by", "admin_phone", required=True, help="The admin recording it.")
    def declare_conflict(staff_phone, id_number, relation, admin_phone):
        """Record that a member of staff is related to a person: they will not be able to act
        on that person's applications."""
        staff = _account(staff_phone, "--staff")
        admin = _account(admin_phone, "--by")
        if admin.role != "admin":
            raise click.BadParameter("must be an admin account", param_hint="--by")
        try:
            conflicts.declare(staff, id_number, relation, recorded_by=admin)
        except ValueError:
            raise click.BadParameter("not a valid ID number", param_hint="--id-number") from None
        click.echo(f"Recorded: {staff.display_name} may not act on this person's applications.")

    @bp.cli.command("list-conflicts")
    @click.option("--staff", "staff_phone", required=True, help="The staff member's mobile.")
    def list_conflicts(staff_phone):
        """List a member of staff's declared relatives (never their ID numbers)."""
        staff = _account(staff_phone, "--staff")
        records = conflicts.of_staff(staff)
        if not records:
            click.echo("No declared relatives.")
        for record in records:
            click.echo(f"#{record.id}  {record.relation}  recorded {record.created_at:%Y-%m-%d}"
                       f"  id hash {record.id_number_hash[:12]}…")
