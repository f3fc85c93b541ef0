"""The text-message outbox.

`flask send-outbox`: send the text messages waiting in the outbox through SMS_BACKEND, with
retries (portal.messages.outbox). Run it as a long-lived worker, or from a timer with
--once. `flask purge-outbox-codes`: remove the one-time codes the outbox no longer needs.

`flask outbox`: the newest text messages in the outbox (development and support only). The
outbox is never shown on a page. One-time codes are never stored readable (the body has
****** where the code goes; the code is sealed until sent): this command shows ******.
`--show-codes` unseals the codes still waiting – for development with SMS_BACKEND=outbox, where
nothing is sent; refused in production.
"""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.messages import outbox, sms
from portal.people import phone_numbers

group = AppGroup("messages")


@group.command("send-outbox")
@click.option("--once", is_flag=True, help="One pass over the waiting messages, then stop.")
@click.option("--interval", type=float, default=None,
              help="Seconds between passes when there is nothing to send "
                   "(default: SMS_WORKER_INTERVAL_SECONDS).")
def send_outbox(once: bool, interval: float | None):
    """Send waiting text messages; failed ones are tried again later, then marked failed."""
    try:
        outbox.run(once=once, interval=interval, echo=click.echo)
    except KeyboardInterrupt:
        click.echo("Stopped.")


@group.command("purge-outbox-codes")
def purge_outbox_codes():
    """Remove one-time codes the outbox no longer needs (sent, failed, or expired). `send-outbox`
    does this on every pass; run this from a timer where no worker runs."""
    click.echo(f"Removed {outbox.purge_codes()} codes from the outbox.")


@group.command("outbox")
@click.option("--limit", "limit", default=10, show_default=True, help="How many messages.")
@click.option("--phone", default=None, help="Only messages to this number.")
@click.option("--show-codes", is_flag=True,
              help="Development only: show the codes still waiting to be sent.")
def list_outbox(limit: int, phone: str | None, show_codes: bool):
    """List the newest text messages in the outbox, newest first (codes as ******)."""
    if show_codes and current_app.config.get("ENV_NAME") == "production":
        raise click.UsageError("--show-codes is for development only.")
    if phone:
        try:
            phone = phone_numbers.normalise(phone)
        except ValueError:
            raise click.BadParameter("not a mobile number", param_hint="--phone") from None
    messages = outbox.recent(limit, recipient=phone)
    if not messages:
        click.echo("The outbox is empty.")
        return
    for message in messages:
        click.echo(f"#{message.id}  {message.created_at:%Y-%m-%d %H:%M:%S}  to {message.recipient}"
                   f"  [{message.status}]")
        click.echo(f"    {sms.readable_text(message) if show_codes else message.body}")
