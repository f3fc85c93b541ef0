"""`flask outbox`: the newest text messages in the SMS outbox (development and support only).

The outbox is never shown on a page: codes in it would let anyone take over an account.
"""
from __future__ import annotations

import click

from ..services import phone_numbers, sms
from .routes import bp


@bp.cli.command("outbox")
@click.option("--limit", "limit", default=10, show_default=True, help="How many messages.")
@click.option("--phone", default=None, help="Only messages to this number.")
def outbox(limit: int, phone: str | None):
    """List the newest text messages in the outbox, newest first."""
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
        click.echo(f"    {message.body}")
