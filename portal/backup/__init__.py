"""Backups and their proof (README "Backups and recovery").

A backup is a folder with three files:

- `database.dump` – PostgreSQL: `pg_dump --format=custom`, taken in the same snapshot as the
  row counts (pg_export_snapshot), or `database.sqlite3` – SQLite: a copy made with the sqlite3
  online backup API;
- `uploads.tar` – every file under UPLOAD_FOLDER;
- `manifest.json` – what was backed up: the schema revision, the rows of every table, the
  audit log's length and last hash, each uploaded file's size and SHA-256, and the checksum of
  the two other files.

manifest.py   the manifest (a dataclass, written as JSON)
database.py   dumping and restoring the database (pg_dump / pg_restore, sqlite3 backup)
uploads.py    the tar of UPLOAD_FOLDER and its checksums
making.py     create(): a backup of the app's database and upload folder
recovery.py   restore() into an EMPTY database and folder; check(): the restored copy against
              its manifest, with the keys in the environment
"""
