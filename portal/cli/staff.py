"""Staff accounts: `flask create-staff`, `flask set-staff-password`, `flask reset-second-factor`,
and a member of staff's declared relatives, `flask declare-conflict` and `flask list-conflicts`.

    flask create-staff --phone 13800000009 --name 王芳 --role street_officer --street ganting
    flask create-staff ... --generate-password     # prints a strong password once

Declared relatives are people whose applications the member of staff may not act on
(portal/applications/conflicts.py). An admin records them when the member of staff declares the
relationship; each recording is in the audit log.

    flask declare-conflict --staff 13800000001 --id-number 6101… --relation parent --by 13800000005
    flask list-conflicts --staff 13800000001
"""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from portal.accounts import password_policy, second_factor
from portal.accounts import sign_in as accounts
from portal.accounts.models import CONFLICT_RELATIONS, STAFF_ROLES, Account
from portal.applications import conflicts
from portal.content import streets
from portal.extensions import db
from portal.people import phone_numbers

group = AppGroup("staff")

PROBLEMS = {
    "phone": "not a mainland mobile number (11 digits starting 13–19)",
    "name": "give a name of 1–60 characters",
    "role": "unknown role",
    "street": "a street officer needs --street, and it must be one of portal/data/streets.yaml",
    "exists": "an account with this phone number already exists",
    "password": "the password does not meet the staff rules",
    "no_account": "there is no staff account with this phone number",
}


def _password(generate: bool, phone: str | None) -> tuple[str, bool]:
    if generate:
        return accounts.generate_staff_password(), True
    while True:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        reason = password_policy.problem(password, phone=phone, staff=True)
        if reason is None:
            return password, False
        click.echo(f"Refused ({reason}): at least {password_policy.STAFF_MIN_LENGTH} characters, "
                   f"three kinds of lower case, upper case, digits and symbols, not a common or "
                   f"guessable password. Try again.", err=True)


def _phone(raw: str) -> str:
    try:
        return phone_numbers.normalise(raw)
    except ValueError:
        raise click.BadParameter(PROBLEMS["phone"], param_hint="--phone") from None


@group.command("create-staff")
@click.option("--phone", required=True, help="Mobile number; it is the sign-in name.")
@click.option("--name", "name", required=True, help="The person's name, shown to colleagues.")
@click.option("--role", required=True, type=click.Choice(STAFF_ROLES))
@click.option("--street", default=None,
              type=click.Choice([s.code for s in streets.all_streets()]),
              help="Street or town code (required for street_officer).")
@click.option("--generate-password", is_flag=True,
              help="Make a strong password and print it once, instead of asking for one.")
def create_staff(phone: str, name: str, role: str, street: str | None, generate_password: bool):
    """Create a staff account (sign-in at /staff/sign-in)."""
    phone = _phone(phone)
    if role == "street_officer" and street is None:
        raise click.UsageError(PROBLEMS["street"])
    if accounts.find_by_phone(phone) is not None:
        raise click.UsageError(PROBLEMS["exists"])
    password, generated = _password(generate_password, phone)
    try:
        account = accounts.create_staff(phone, name, role, street, password)
    except accounts.AccountError as error:
        raise click.UsageError(PROBLEMS[error.reason]) from None
    click.echo(f"Created staff account #{account.id}: {account.phone} {account.display_name} "
               f"({account.role}{', ' + account.street if account.street else ''}).")
    if generated:
        click.echo(f"Password (shown only now – hand it over safely): {password}")


@group.command("set-staff-password")
@click.option("--phone", required=True)
@click.option("--generate-password", is_flag=True)
def set_staff_password(phone: str, generate_password: bool):
    """Set a staff member's password; their other sessions end."""
    phone = _phone(phone)
    password, generated = _password(generate_password, phone)
    try:
        accounts.set_staff_password(phone, password)
    except accounts.AccountError as error:
        raise click.UsageError(PROBLEMS[error.reason]) from None
    click.echo(f"Password changed for {phone}; every session of this account has ended.")
    if generated:
        click.echo(f"Password (shown only now – hand it over safely): {password}")


@group.command("reset-second-factor")
@click.option("--phone", required=True)
def reset_second_factor(phone: str):
    """Remove a staff member's (or village worker's) second factor (e.g. the only admin lost
    their phone): their sessions end and they set up a new one at the next sign-in. Audited."""
    phone = _phone(phone)
    account = accounts.find_by_phone(phone)
    if account is None or not account.signs_in_as_staff:
        raise click.UsageError(PROBLEMS["no_account"])
    second_factor.reset(None, account)
    click.echo(f"Second factor removed for {phone}; every session of this account has ended. "
               f"They set up a new one at their next sign-in.")


def _staff_account(phone: str, option: str) -> Account:
    try:
        phone = phone_numbers.normalise(phone)
    except ValueError:
        raise click.BadParameter("not a mobile number", param_hint=option) from None
    account = db.session.scalar(select(Account).where(Account.phone == phone))
    if account is None or not account.is_staff:
        raise click.BadParameter("no staff account has this number", param_hint=option)
    return account


@group.command("declare-conflict")
@click.option("--staff", "staff_phone", required=True, help="The staff member's mobile.")
@click.option("--id-number", required=True, prompt=True, hide_input=True,
              help="The relative's ID number (kept only as a keyed hash, and encrypted).")
@click.option("--relation", required=True, type=click.Choice(CONFLICT_RELATIONS))
@click.option("--by", "admin_phone", required=True, help="The admin recording it.")
def declare_conflict(staff_phone, id_number, relation, admin_phone):
    """Record that a member of staff is related to a person: they will not be able to act
    on that person's applications."""
    staff = _staff_account(staff_phone, "--staff")
    admin = _staff_account(admin_phone, "--by")
    if admin.role != "admin":
        raise click.BadParameter("must be an admin account", param_hint="--by")
    try:
        conflicts.declare(staff, id_number, relation, recorded_by=admin)
    except ValueError:
        raise click.BadParameter("not a valid ID number", param_hint="--id-number") from None
    click.echo(f"Recorded: {staff.display_name} may not act on this person's applications.")


@group.command("list-conflicts")
@click.option("--staff", "staff_phone", required=True, help="The staff member's mobile.")
def list_conflicts(staff_phone):
    """List a member of staff's declared relatives (never their ID numbers)."""
    staff = _staff_account(staff_phone, "--staff")
    records = conflicts.of_staff(staff)
    if not records:
        click.echo("No declared relatives.")
    for record in records:
        click.echo(f"#{record.id}  {record.relation}  recorded {record.created_at:%Y-%m-%d}"
                   f"  id hash {record.id_number_hash[:12]}…")
