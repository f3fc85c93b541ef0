"""flask commands: demo data, staff accounts, translations."""
from __future__ import annotations

import click
from flask import Flask

from .services import audit_chain, demo


def init_app(app: Flask) -> None:
    @app.cli.command("verify-audit")
    def verify_audit():
        """Walk the audit log's hash chain; exit 1 naming the first row that does not fit."""
        verdict = audit_chain.verify()
        if not verdict.ok:
            click.echo(f"audit_event row {verdict.broken_id} breaks the chain: {verdict.reason} "
                       f"({verdict.rows} rows checked).", err=True)
            raise SystemExit(1)
        click.echo(f"The audit log is intact: {verdict.rows} rows, chain unbroken.")

    @app.cli.command("seed-demo")
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
