"""Keeping stored records: `flask verify-audit` (the audit log's hash chain), `flask rotate-keys`
(card and ID numbers re-encrypted and re-hashed with the newest keys, README "Encryption keys")
and `flask apply purge-drafts` (drafts not changed for a year)."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.audit import chain as audit_chain
from portal.extensions import db
from portal.keys import blind_index_keys
from portal.people import key_rotation

group = AppGroup("records")
applications = AppGroup("apply", help="Applications and their drafts.")


@group.command("verify-audit")
def verify_audit():
    """Walk the audit log's hash chain; exit 1 naming the first row that does not fit."""
    verdict = audit_chain.verify()
    if not verdict.ok:
        click.echo(f"audit_event row {verdict.broken_id} breaks the chain: {verdict.reason} "
                   f"({verdict.rows} rows checked).", err=True)
        raise SystemExit(1)
    click.echo(f"The audit log is intact: {verdict.rows} rows, chain unbroken.")


@group.command("rotate-keys")
def rotate_keys():
    """Re-encrypt stored card and ID numbers with the newest DATA_ENCRYPTION_KEYS key and
    re-hash the ID numbers' look-up hashes with the newest ID_HASH_KEYS key."""
    click.echo(f"Re-encrypted {key_rotation.rotate_all()} records with the newest key.")
    report = key_rotation.rehash_all()
    db.session.commit()
    click.echo(f"Re-hashed {report.changed} records with the newest ID_HASH_KEYS key.")
    if report.stuck:
        click.echo(f"{len(report.stuck)} records could not be re-hashed; they will not be "
                   "found by ID number once an older ID_HASH_KEYS key that hashed them is "
                   "removed:", err=True)
        for line in report.stuck:
            click.echo(f"  {line}", err=True)
        if len(blind_index_keys()) > 1:
            raise SystemExit(1)


@applications.command("purge-drafts")
def purge_drafts():
    """Delete drafts not changed for a year (as the privacy notice says): the retention task's
    draft kind alone (portal/data/retention.yaml)."""
    from portal.retention import sweep

    click.echo(sweep.run(kinds=("draft",)).counts["draft"])


@group.command("retention")
@click.option("--dry-run", is_flag=True, help="Count what is past its period; change nothing.")
def retention(dry_run: bool):
    """Delete or anonymise what is past its retention period (portal/data/retention.yaml),
    audited; with --dry-run, only count."""
    from portal.retention import sweep

    report = sweep.run(dry_run=dry_run)
    click.echo("Dry run: nothing changed." if dry_run else "Done (recorded in the audit log).")
    for kind, count in report.counts.items():
        click.echo(f"  {kind}: {count}")
    for kind, count in report.kept_past_period.items():
        click.echo(f"  {kind}: {count} past its minimum period, kept (never removed here)")
