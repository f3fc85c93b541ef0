"""`flask create-staff`, `flask set-staff-password` and `flask reset-second-factor`.

    flask create-staff --phone 13800000009 --name 王芳 --role street_officer --street ganting
    flask create-staff ... --generate-password     # prints a strong password once
"""
from __future__ import annotations

import click

from .. import streets
from ..models import STAFF_ROLES
from ..services import accounts, password_policy, phone_numbers, second_factor
from .routes import bp

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


@bp.cli.command("create-staff")
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


@bp.cli.command("set-staff-password")
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


@bp.cli.command("reset-second-factor")
@click.option("--phone", required=True)
def reset_second_factor(phone: str):
    """Remove a staff member's second factor (e.g. the only admin lost their phone): their
    sessions end and they set up a new one at the next sign-in. Audited."""
    phone = _phone(phone)
    account = accounts.find_by_phone(phone)
    if account is None or not account.is_staff:
        raise click.UsageError(PROBLEMS["no_account"])
    second_factor.reset(None, account)
    click.echo(f"Second factor removed for {phone}; every session of this account has ended. "
               f"They set up a new one at their next sign-in.")
