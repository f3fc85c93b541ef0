"""The `flask …` commands, one module per group:

demo.py      seed-demo
records.py   keeping stored records: verify-audit, rotate-keys, retention [--dry-run],
             apply purge-drafts
staff.py     staff accounts: create-staff, set-staff-password, reset-second-factor,
             declare-conflict, list-conflicts
messages.py  the text-message outbox: outbox, send-outbox (one pass), purge-outbox-codes
registries.py  shared registries: import-registry, discover
backup.py    backups: backup create, backup restore, backup check (README "Backups and recovery")

Each group is a Flask `AppGroup` (its commands run in an app context). The names people type
stay as they were: the groups' commands are registered at the top level (`flask seed-demo`),
except `apply` and `backup`, groups of their own (`flask apply purge-drafts`,
`flask backup create`). No blueprint has commands, so
no route module imports a command module.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.cli import backup, demo, messages, records, registries, staff

    for group in (demo.group, records.group, staff.group, messages.group, registries.group):
        app.cli.commands.update(group.commands)  # flask seed-demo, flask create-staff, …
    app.cli.add_command(records.applications)  # flask apply purge-drafts
    app.cli.add_command(backup.group)  # flask backup create|restore|check
