"""Documents are kept under the programme files' stable kind codes (issue #17): rewording a
document's name keeps what was uploaded under it; `pays_into_account`, not the words 银行卡,
decides the payment section; the migration maps the kinds that used to be hashes of the Chinese
names to the codes and back."""
from __future__ import annotations

import dataclasses
import hashlib
from itertools import count

from sqlalchemy import select
from sqlalchemy import text as sql

from portal import eligibility
from portal.applications.models import Document, Draft
from portal.apply import programmes
from portal.eligibility import Text
from tests.support.apply import PNG, post, start_for_other, upload
from tests.support.staff import make_application
from tests.support.accounts import APPLICANT, make_account, sign_in

_names = count()


def _with(monkeypatch, code: str, **change) -> None:
    """Programme `code` as if its file said `change` (documents given as {kind: new zh label})."""
    real = eligibility.programme
    found = real(code)
    relabel = change.pop("labels", {})
    documents = tuple(
        dataclasses.replace(d, label=Text(relabel[d.kind], d.label.en)) if d.kind in relabel
        else d for d in found.documents)
    changed = dataclasses.replace(found, documents=documents, **change)
    monkeypatch.setattr(eligibility, "programme",
                        lambda wanted: changed if wanted == code else real(wanted))


def test_a_reworded_document_name_keeps_what_was_uploaded_under_it(client, db, monkeypatch):
    sign_in(client, make_account(**APPLICANT))
    draft_id = start_for_other(client)
    assert upload(client, draft_id, "id_card", PNG, "身份证正面.png").status_code == 303
    _with(monkeypatch, "nursing_allowance", labels={"id_card": "本人居民身份证（改过的名称）"})

    page = client.get(f"/apply/drafts/{draft_id}/documents").get_data(as_text=True)
    section = page[page.index('id="id_card"'):page.index('id="hukou"')]
    assert "本人居民身份证（改过的名称）" in section and "身份证正面.png" in section
    check = client.get(f"/apply/drafts/{draft_id}/check").get_data(as_text=True)
    assert "本人居民身份证（改过的名称）" in check and "身份证正面.png" in check
    [document] = db.session.scalars(select(Document)).all()
    assert programmes.document_label("nursing_allowance", document.kind) == \
        "本人居民身份证（改过的名称）"


def test_pays_into_account_decides_the_payment_section(client, db, monkeypatch):
    sign_in(client, make_account(**APPLICANT))
    paying = start_for_other(client)
    assert "收款账户" in client.get(f"/apply/drafts/{paying}/").get_data(as_text=True)
    assert programmes.pays_money("nursing_allowance") and not programmes.pays_money("rehab_services")

    # The bank card still listed, but the file no longer says the programme pays: no payment.
    _with(monkeypatch, "nursing_allowance", pays_into_account=False)
    assert "收款账户" not in client.get(f"/apply/drafts/{paying}/").get_data(as_text=True)
    assert client.get(f"/apply/drafts/{paying}/payment").status_code == 404

    # No bank card among the documents, but the file says it pays: the payment is asked.
    monkeypatch.undo()
    _with(monkeypatch, "rehab_services", pays_into_account=True)
    response = post(client, "/apply/rehab_services/", {"who": "other"})
    draft = db.session.scalar(select(Draft).order_by(Draft.id.desc()))
    assert response.status_code == 303 and draft.programme == "rehab_services"
    assert "收款账户" in client.get(f"/apply/drafts/{draft.id}/").get_data(as_text=True)
    assert client.get(f"/apply/drafts/{draft.id}/payment").status_code == 200


def test_an_unknown_kind_has_no_name_and_the_authorisation_has_its_own():
    assert programmes.document_label("nursing_allowance", "no_such_kind") is None
    assert programmes.document_label("no_such_programme", "id_card") is None
    assert programmes.document_label("nursing_allowance", "authorisation") == "授权委托书"


# ── the migration ───────────────────────────────────────────────────────────────────────────

def _hashed(code: str, kind: str) -> str:
    """The kind as it was stored before the codes: a hash of the document's Chinese name."""
    label = eligibility.programme(code).document(kind).label
    return "doc-" + hashlib.sha256(str(label).encode()).hexdigest()[:12]


def _document(kind: str, **owner) -> Document:
    return Document(kind=kind, storage_name=f"{next(_names):032x}", original_name="a.png",
                    content_type="image/png", size_bytes=10, sha256="0" * 64, **owner)


def _kinds(db) -> dict[int, str]:
    return dict(db.session.execute(sql("SELECT id, kind FROM document")).all())


def test_the_migration_maps_hashed_kinds_to_codes_and_back(app, db):
    from flask_migrate import downgrade, upgrade

    resident = make_account("resident")
    nursing = make_application(resident)
    aid = make_application(resident, programme="education_aid")
    draft = Draft(account_id=resident.id, programme="living_allowance", answers={})
    db.session.add(draft)
    db.session.flush()
    rows = [_document("id_card", application_id=nursing.id),
            _document("bank_card", application_id=nursing.id),
            _document("supplement", application_id=nursing.id),
            _document("bank_card", application_id=aid.id),
            _document("hukou", draft_id=draft.id),
            _document("bank_card", draft_id=draft.id)]
    db.session.add_all(rows)
    db.session.commit()
    codes = _kinds(db)
    expected_old = {
        rows[0].id: _hashed("nursing_allowance", "id_card"),
        rows[1].id: _hashed("nursing_allowance", "bank_card"),
        rows[2].id: "supplement",
        rows[3].id: _hashed("education_aid", "bank_card"),
        rows[4].id: _hashed("living_allowance", "hukou"),
        rows[5].id: _hashed("living_allowance", "bank_card"),
    }
    assert expected_old[rows[1].id] != expected_old[rows[3].id]   # 本人银行卡… / 银行卡…
    db.session.close()
    downgrade(revision="0014_kept_answers")
    try:
        assert _kinds(db) == expected_old
        db.session.execute(sql("UPDATE document SET kind = 'doc-000000000000' WHERE id = :id"),
                           {"id": rows[2].id})   # a name that had changed before: left alone
        db.session.commit()
        db.session.close()
    finally:
        upgrade()
    assert _kinds(db) == {**codes, rows[2].id: "doc-000000000000"}
