"""`flask backup create|restore|check` (README "Backups and recovery"; portal/backup)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.backup import making, recovery
from portal.backup.manifest import BackupProblem

group = AppGroup("backup", help="Back up the database and uploads; restore and check a copy.")

_FOLDER = click.Path(file_okay=False, path_type=Path)


@group.command("create")
@click.option("--to", "target", type=_FOLDER, required=True,
              help="A new (or empty) folder for the backup.")
def create(target: Path):
    """Back up the database (pg_dump custom format, or an SQLite copy) and UPLOAD_FOLDER."""
    try:
        manifest = making.create(target)
    except BackupProblem as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Backed up {sum(manifest.tables.values())} rows in {len(manifest.tables)} "
               f"tables (schema {manifest.revision}, {manifest.audit_rows} audit rows) and "
               f"{len(manifest.files)} uploaded files to {target}.")
    click.echo("Reading it needs DATA_ENCRYPTION_KEYS and ID_HASH_KEYS: keep them, apart "
               "from the backup.")


@group.command("restore")
@click.option("--from", "source", type=_FOLDER, required=True, help="The backup's folder.")
@click.option("--database", "database_url", required=True,
              help="An EMPTY database: postgresql://… (made with createdb) or sqlite:///new-file.")
@click.option("--uploads", "upload_folder", type=_FOLDER, required=True,
              help="An empty (or new) folder for the uploaded files.")
def restore(source: Path, database_url: str, upload_folder: Path):
    """Restore a backup into an empty database and folder (then run `flask backup check`)."""
    try:
        manifest = recovery.restore(source, database_url, upload_folder)
    except BackupProblem as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Restored the backup of {manifest.made_at} into {database_url.split('@')[-1]} "
               f"and {upload_folder}. Check it with the keys it was made with:")
    click.echo(f"  DATABASE_URL=… UPLOAD_FOLDER={upload_folder} flask backup check "
               f"--from {source}")


@group.command("check")
@click.option("--from", "source", type=_FOLDER, required=True, help="The backup's folder.")
def check(source: Path):
    """Check the database and UPLOAD_FOLDER this portal is configured with (a restored copy)
    against the backup's manifest, with the keys in the environment. Exit 1 on any failure."""
    try:
        report = recovery.check(source)
    except BackupProblem as problem:
        raise click.ClickException(str(problem)) from None
    for finding in report.findings:
        mark = {True: "ok", False: "FAILED", None: "not proven"}[finding.ok]
        click.echo(f"{mark:>10}  {finding.what}: {finding.detail}")
    if not report.ok:
        click.echo("The restored copy does not match its backup.", err=True)
        raise SystemExit(1)
    click.echo("The restored copy matches its backup.")
