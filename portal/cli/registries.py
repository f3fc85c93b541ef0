"""The registries: `flask import-registry` (a file or the stand-in API, the same checks as the
admin's page: the whole file or nothing) and `flask discover` (the discovery sweep, as the
nightly task runs it)."""
from __future__ import annotations

from datetime import date

import click
from flask.cli import AppGroup

from portal.languages import DEFAULT_LOCALE
from portal.registries import discovery, imports
from portal.registries.models import KINDS
from portal.registries.sources import ApiSource, FileSource

group = AppGroup("registries")


@group.command("import-registry")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--api", "api_url", help="Read from the registries' API at this base URL.")
@click.option("--as-of", "as_of", default=None, help="The day the data is as of (YYYY-MM-DD).")
@click.option("--dry-run", is_flag=True, help="Check every row and report; import nothing.")
def import_registry(kind: str, path: str | None, api_url: str | None, as_of: str | None,
                    dry_run: bool):
    """Import a registry (KIND: certificates | households) from PATH (.xlsx or .csv)."""
    if bool(path) == bool(api_url):
        raise click.UsageError("Give a file PATH or --api URL (one of them).")
    source = FileSource(kind, path) if path else ApiSource(kind, api_url)
    on = date.fromisoformat(as_of) if as_of else date.today()
    report = imports.preview(source)
    _echo(report)
    if not report.ok:
        raise SystemExit(1)
    if dry_run:
        click.echo("dry run: nothing imported")
        return
    done = imports.run(source, None, on)
    click.echo(f"imported {done.row_count} rows as import {done.id} (as of {on.isoformat()})")


def _echo(report: imports.Report) -> None:
    click.echo(f"{report.label}: {report.rows} rows, {report.good} good, "
               f"{report.problem_count} problems")
    if report.source_problem:
        click.echo(report.source_text(DEFAULT_LOCALE))
    for problem in report.problems:
        click.echo(problem.text(DEFAULT_LOCALE))


@group.command("discover")
def discover():
    """Run the discovery sweep now (who in the registries may qualify and has not applied)."""
    report = discovery.sweep()
    click.echo(f"{report.people} people, {report.leads} with programmes to apply for, "
               f"{report.evaluations} distinct sets of facts")
