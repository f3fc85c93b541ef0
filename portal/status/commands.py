"""`flask send-outbox`: send the text messages waiting in the outbox through SMS_BACKEND, with
retries (portal.services.notifications). Run it as a long-lived worker, or from a timer with
--once."""
from __future__ import annotations

import click

from ..services import notifications
from .routes import bp


@bp.cli.command("send-outbox")
@click.option("--once", is_flag=True, help="One pass over the waiting messages, then stop.")
@click.option("--interval", type=float, default=None,
              help="Seconds between passes when there is nothing to send "
                   "(default: SMS_WORKER_INTERVAL_SECONDS).")
def send_outbox(once: bool, interval: float | None):
    """Send waiting text messages; failed ones are tried again later, then marked failed."""
    try:
        notifications.run(once=once, interval=interval, echo=click.echo)
    except KeyboardInterrupt:
        click.echo("Stopped.")


@bp.cli.command("purge-outbox-codes")
def purge_outbox_codes():
    """Remove one-time codes the outbox no longer needs (sent, failed, or expired). `send-outbox`
    does this on every pass; run this from a timer where no worker runs."""
    click.echo(f"Removed {notifications.purge_codes()} codes from the outbox.")
