"""The text-message outbox.

Texts are sent by a task queued after each commit that adds one, and retried by the scheduled
sweep (portal/tasks; README "Background tasks"). By hand:
`flask send-outbox`: one pass – send the messages whose time has come through SMS_BACKEND (with
the same retries and bookkeeping as the task), print what happened, stop. `flask
purge-outbox-codes`: remove the one-time codes the outbox no longer needs (the schedule does
this too). Both are for operators: after an outage, or where no broker runs.

`flask sms-templates`: every text's template in a gateway's syntax (阿里云 ${name}, 腾讯云
{1}), in both languages, with each variable's type – what to register with the gateway; then
put the ids it gives into SMS_TEMPLATE_IDS.

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

from portal.messages import outbox, sms, templates
from portal.people import phone_numbers

group = AppGroup("messages")


@group.command("send-outbox")
@click.option("--once", is_flag=True, hidden=True,
              help="One pass (what the command always does; kept for existing timers).")
def send_outbox(once: bool):
    """One pass: send the text messages whose time has come; failed ones wait for a retry."""
    report = outbox.deliver_due()
    if report.kept_in_outbox:
        click.echo(f"SMS_BACKEND={current_app.config.get('SMS_BACKEND')!r} keeps messages in the "
                   "outbox (`flask outbox` lists them); nothing is sent.")
        return
    click.echo(f"sent {report.sent}, to retry {report.retrying}, failed {report.failed}")


@group.command("purge-outbox-codes")
def purge_outbox_codes():
    """Remove one-time codes the outbox no longer needs (sent, failed, or expired). The
    schedule does this every OUTBOX_PURGE_SECONDS; this is for where no scheduler runs."""
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
                   f"  [{message.status}]  {message.kind or ''}")
        click.echo(f"    {sms.readable_text(message) if show_codes else message.body}")


@group.command("sms-templates")
@click.option("--provider", type=click.Choice(["aliyun", "tencent"]), default="aliyun",
              show_default=True, help="Whose template syntax and variable types.")
@click.option("--language", type=click.Choice(["zh", "en", "both"]), default="both",
              show_default=True)
def sms_templates(provider: str, language: str):
    """Print every text message template to register with the SMS gateway."""
    locales = {"zh": ["zh_Hans_CN"], "en": ["en"], "both": ["zh_Hans_CN", "en"]}[language]
    for kind, template in templates.TEMPLATES.items():
        for locale in locales:
            key = kind if locale == "zh_Hans_CN" else f"{kind}@en"
            click.echo(f"{key}:")
            click.echo("    " + templates.provider_text(kind, locale, provider,
                                                        templates.portal_address()))
            for name in templates.order(kind, locale):
                variable = template.variable(name)
                kind_name = variable.aliyun if provider == "aliyun" else variable.tencent
                click.echo(f"    {name}: {kind_name}, ≤ {variable.max_length}")
