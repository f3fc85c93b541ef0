"""`flask outbox`: the newest text messages in the SMS outbox (development and support only).

The outbox is never shown on a page. One-time codes are never stored readable (the body has
****** where the code goes; the code is sealed until sent): this command shows ******.
`--show-codes` unseals the codes still waiting – for development with SMS_BACKEND=outbox, where
nothing is sent; refused in production.
"""
from __future__ import annotations

import click

from flask import current_app

from ..services import phone_numbers, sms
from .routes import bp


@bp.cli.command("outbox")
@click.option("--limit", "limit", default=10, show_default=True, help="How many messages.")
@click.option("--phone", default=None, help="Only messages to this number.")
@click.option("--show-codes", is_flag=True,
              help="Development only: show the codes still waiting to be sent.")
def outbox(limit: int, phone: str | None, show_codes: bool):
    """List the newest text messages in the outbox, newest first (codes as ******)."""
    if show_codes and current_app.config.get("ENV_NAME") == "production":
        raise click.UsageError("--show-codes is for development only.")
    if phone:
        try:
            phone = phone_numbers.normalise(phone)
        except ValueError:
            raise click.BadParameter("not a mobile number", param_hint="--phone") from None
    messages = sms.recent(limit, recipient=phone)
    if not messages:
        click.echo("The outbox is empty.")
        return
    for message in messages:
        click.echo(f"#{message.id}  {message.created_at:%Y-%m-%d %H:%M:%S}  to {message.recipient}"
                   f"  [{message.status}]")
        click.echo(f"    {sms.readable_text(message) if show_codes else message.body}")
