"""Work with the English catalogue (message ids are Simplified Chinese).

  python scripts/catalogue.py missing            list messages without an English translation
  python scripts/catalogue.py fill FILE.json     set translations from {"中文": "English", ...}
  python scripts/catalogue.py merge OTHER.po     take translations from another catalogue for
                                                 messages that have none here (after a merge)
Run `make i18n-update` first so the catalogue holds every message in the source.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "translations/en/LC_MESSAGES/messages.po"


def load(path: Path = PO):
    with path.open("rb") as handle:
        return read_po(handle)


def save(catalog) -> None:
    with PO.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, width=76)  # as pybabel update writes it


def missing(catalog):
    return [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    catalog = load()
    if argv[0] == "missing":
        for msgid in missing(catalog):
            print(json.dumps(msgid, ensure_ascii=False))
        return 0
    if argv[0] == "fill":
        mapping = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    elif argv[0] == "merge":
        mapping = {m.id: m.string for m in load(Path(argv[1])) if m.id and m.string}
    else:
        print(__doc__)
        return 2
    changed = 0
    for message in catalog:
        if message.id in mapping and mapping[message.id]:
            if argv[0] == "merge" and message.string:
                continue
            message.string = mapping[message.id]
            message.flags.discard("fuzzy")
            changed += 1
    save(catalog)
    print(f"{changed} translations set; {len(missing(catalog))} still missing")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
