"""`flask rotate-keys` covers the registries: their ID hashes re-hashed under the newest key
(the checks at submission and the suggestions still find the person once the old key is
removed), and their sealed values re-encrypted."""
from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import select

from portal.people import crypto, identity
from portal.registries import imports
from portal.registries.models import RegistryPerson, RegistryRecord
from portal.registries.sources import FileSource
from tests.registries.helpers import CERTIFICATE_HEADINGS, certificate_row, id_number, write_csv


def test_rotate_keys_re_hashes_and_re_encrypts_the_registries(app, db, runner, tmp_path):
    number = id_number(sequence=81)
    old, new = "old-" + secrets.token_urlsafe(32), "new-" + secrets.token_urlsafe(32)
    saved = app.config["ID_HASH_KEYS"]
    try:
        app.config["ID_HASH_KEYS"] = old
        imports.run(FileSource("certificates", write_csv(tmp_path / "c.csv",
                                                         CERTIFICATE_HEADINGS,
                                                         [certificate_row(number)])),
                    None, date.today())
        sealed_before = db.session.scalar(select(RegistryPerson.name_encrypted))
        app.config["ID_HASH_KEYS"] = f"{new},{old}"
        result = runner.invoke(args=["rotate-keys"])
        assert result.exit_code == 0, result.output
        db.session.expire_all()
        app.config["ID_HASH_KEYS"] = new
        person = db.session.scalar(select(RegistryPerson))
        record = db.session.scalar(select(RegistryRecord))
        assert person.id_number_hash == record.id_number_hash == identity.lookup_hash(number)
        assert person.id_number_last4_hash == identity.last_four_hash(number[-4:])
        assert person.name_encrypted != sealed_before               # re-encrypted…
        assert crypto.decrypt(person.name_encrypted) == "张建国"     # …the same name
    finally:
        app.config["ID_HASH_KEYS"] = saved
