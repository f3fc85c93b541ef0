"""`flask seed-demo`: demo content and demo staff accounts, with their credentials printed."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.cli import demo_content as demo

group = AppGroup("demo")


@group.command("seed-demo")
def seed_demo():
    """Create demo content and demo staff accounts; print their credentials."""
    try:
        created = demo.seed()
    except demo.DemoRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo("演示账号 / Demo accounts (demo only, never use in production):")
    for row in created:
        click.echo(f"  {row.role:<18} {row.phone}  {row.password}  {row.note}")
    click.echo(f"Staff second step: add the key {demo.DEMO_TOTP_SECRET} to a TOTP "
               f"authenticator app, or print the current code with\n"
               f"  python -c \"import pyotp; print(pyotp.TOTP('{demo.DEMO_TOTP_SECRET}').now())\"")
