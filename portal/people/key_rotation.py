"""`flask rotate-keys`: every sealed value re-encrypted with the newest DATA_ENCRYPTION_KEYS key
(rotate_all), and the blind index re-hashed with the newest ID_HASH_KEYS key (rehash_all).

Re-hashing the blind index:

Every stored keyed hash is re-computed from the decrypted number:
- person.id_number_hash and id_number_last4_hash, from person.id_number_encrypted, and
  staff_conflict.id_number_hash (declared relatives), from its encrypted number;
- drafts' and applications' answers: personal.id_hash from personal.id_encrypted, and
  certificate.id_hash (the hash of the ID part of the disability certificate number, which must
  be the person's number) when it is that number's hash under one of the keys;
- card numbers' hashes (payment.card_hash) are re-computed by rotate_answers, and a recipient's
  copy (benefit_recipient.card_hash) and a reported new card's (change_request.details) by
  rotate_all;
- the registries' rows and persons (registry_record, registry_person: the ID hash, and a
  person's last-four hash), from their encrypted numbers; rotate_all re-encrypts their ID
  numbers, names, phones and addresses.
Short-lived hashes are not kept anywhere else (a family look-up's pending hashes live 10
minutes in the visitor's session, hashed under every key).

A record whose number cannot be read (no encrypted copy – people recorded before migration
0007 – or a certificate that is not the person's) cannot be re-hashed: it is reported, and
it will not be found once the key that hashed it is removed.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import select

from portal.accounts.models import Account
from portal.applications.answers import Answers, version_of
from portal.applications.models import Application, Draft
from portal.benefits.models import PaymentLine, Recipient
from portal.changes.models import ChangeRequest
from portal.extensions import db
from portal.people import crypto, identity
from portal.people.models import Person


def rotate_answers(answers: dict | None) -> tuple[dict | None, bool]:
    """(answers with every sealed value re-encrypted with the newest key, changed?): the card
    number of the payment section and the ID number of the personal section."""
    if not isinstance(answers, dict):
        return answers, False
    typed = rotated = Answers.from_json(answers)
    payment, personal = typed.payment, typed.personal
    if payment.card_number:
        rotated = rotated.with_(payment=replace(payment.sealed(),
                                                card_number=crypto.rotate(payment.card_number)))
    if personal.id_encrypted:
        rotated = rotated.with_(personal=replace(personal,
                                                 id_encrypted=crypto.rotate(personal.id_encrypted)))
    if rotated == typed:
        return answers, False
    return rotated.to_json(version_of(answers)), True


def rotate_all() -> int:
    """Re-encrypt every stored card number, ID number and staff authenticator key with the
    newest key; returns how many rows changed. One transaction."""
    changed = 0
    for model in (Draft, Application):
        for row in db.session.scalars(db.select(model)).all():
            answers, did = rotate_answers(row.answers)
            if did:
                row.answers = answers
                changed += 1
    for person in db.session.scalars(
            db.select(Person).where(Person.id_number_encrypted.is_not(None))).all():
        rotated = crypto.rotate(person.id_number_encrypted)
        if rotated != person.id_number_encrypted:
            person.id_number_encrypted = rotated
            changed += 1
    for recipient in db.session.scalars(
            db.select(Recipient).where(Recipient.card_number_encrypted.is_not(None))).all():
        rotated = crypto.rotate(recipient.card_number_encrypted)
        card_hash = crypto.lookup_hash(crypto.decrypt(rotated))
        if (rotated, card_hash) != (recipient.card_number_encrypted, recipient.card_hash):
            recipient.card_number_encrypted, recipient.card_hash = rotated, card_hash
            changed += 1
    for line in db.session.scalars(   # the account a roll's line pays (benefits/rolls.py)
            db.select(PaymentLine).where(PaymentLine.card_number_encrypted.is_not(None))).all():
        rotated = crypto.rotate(line.card_number_encrypted)
        if rotated != line.card_number_encrypted:
            line.card_number_encrypted = rotated
            changed += 1
    for request in db.session.scalars(db.select(ChangeRequest)).all():   # a new card reported
        details = request.details or {}
        if details.get("card_number"):
            rotated = crypto.rotate(details["card_number"])
            request.details = {**details, "card_number": rotated,
                               "card_hash": crypto.lookup_hash(crypto.decrypt(rotated))}
            changed += 1
    changed += _rotate_registries()
    for account in db.session.scalars(  # staff authenticator keys (accounts/second_factor.py)
            db.select(Account).where(Account.totp_secret_encrypted.is_not(None))).all():
        rotated = crypto.rotate(account.totp_secret_encrypted)
        if rotated != account.totp_secret_encrypted:
            account.totp_secret_encrypted = rotated
            changed += 1
    db.session.commit()
    return changed


# The registries' personal data (portal.registries.models): ID numbers, names, phones,
# addresses – each import's rows and each registry person.
REGISTRY_SEALED = {
    "RegistryRecord": ("id_number_encrypted", "name_encrypted", "phone_encrypted",
                       "address_encrypted"),
    "RegistryPerson": ("id_number_encrypted", "name_encrypted", "phone_encrypted"),
}


def _registry_models():
    from portal.registries.models import RegistryPerson, RegistryRecord

    return {"RegistryRecord": RegistryRecord, "RegistryPerson": RegistryPerson}


def _rotate_registries() -> int:
    changed = 0
    for name, model in _registry_models().items():
        for row in db.session.scalars(db.select(model).order_by(model.id)):
            did = False
            for column in REGISTRY_SEALED[name]:
                value = getattr(row, column)
                if value:
                    rotated = crypto.rotate(value)
                    if rotated != value:
                        setattr(row, column, rotated)
                        did = True
            changed += did
    return changed


def _rehash_registries(report: Report) -> None:
    """The registries' ID hashes (and a registry person's last-four hash) under the newest
    key, from their encrypted numbers."""
    for model in _registry_models().values():
        for row in db.session.scalars(select(model).order_by(model.id)):
            number = identity.read(row.id_number_encrypted)
            if number is None:
                report.stuck.append(f"{model.__tablename__} {row.id} (ID number unreadable)")
                continue
            newest = identity.lookup_hash(number.value)
            if newest != row.id_number_hash:
                row.id_number_hash = newest
                report.changed += 1
            if hasattr(row, "id_number_last4_hash"):
                last_four = identity.last_four_hash(number.last_four)
                if last_four != row.id_number_last4_hash:
                    row.id_number_last4_hash = last_four
                    report.changed += 1


@dataclass
class Report:
    changed: int = 0
    stuck: list[str] = field(default_factory=list)   # "person 12", "draft 3 (certificate)"…


def _rehash_answers(answers, label: str, report: Report) -> dict | None:
    """The answers with their ID hashes under the newest key; None when nothing changed."""
    if not isinstance(answers, dict):
        return None
    typed = updated = Answers.from_json(answers)
    personal, certificate = typed.personal, typed.certificate
    if not personal.id_hash and not certificate.id_hash:
        return None
    if not personal.id_encrypted:
        report.stuck.append(f"{label} (ID number not kept encrypted)")
        return None
    number = crypto.decrypt(personal.id_encrypted)
    newest, all_keys = identity.lookup_hash(number), identity.lookup_hashes(number)
    if personal.id_hash != newest:
        updated = updated.with_(personal=replace(personal, id_hash=newest))
    if certificate.id_hash and certificate.id_hash != newest:
        if certificate.id_hash in all_keys:
            updated = updated.with_(certificate=replace(certificate, id_hash=newest))
        else:
            report.stuck.append(f"{label} (certificate number not the person's)")
    return updated.to_json(version_of(answers)) if updated != typed else None


def rehash_all() -> Report:
    """Re-hash every stored ID hash with the newest key (the caller commits)."""
    from portal.accounts.models import StaffConflict
    from portal.applications.models import Application, Draft
    from portal.people.models import Person

    report = Report()
    people = db.session.scalars(select(Person).order_by(Person.id)).all()
    numbers = {person.id: crypto.decrypt(person.id_number_encrypted)
               for person in people if person.id_number_encrypted}
    # Who gets each new hash: the person already holding it, else the first with that number.
    taken = {person.id_number_hash: person.id for person in people}
    for person_id, number in numbers.items():
        taken.setdefault(identity.lookup_hash(number), person_id)
    for person in people:
        if not person.id_number_encrypted:
            report.stuck.append(f"person {person.id} (ID number not kept encrypted)")
            continue
        last_four = identity.last_four_hash(numbers[person.id][-4:])
        if last_four != person.id_number_last4_hash:
            person.id_number_last4_hash = last_four
            report.changed += 1
        newest = identity.lookup_hash(numbers[person.id])
        if newest == person.id_number_hash:
            continue
        if taken.get(newest) != person.id:
            report.stuck.append(f"person {person.id} (the same ID number as person "
                                f"{taken[newest]})")
            continue
        person.id_number_hash = newest
        report.changed += 1
    db.session.flush()
    for conflict in db.session.scalars(select(StaffConflict).order_by(StaffConflict.id)):
        newest = identity.lookup_hash(crypto.decrypt(conflict.id_number_encrypted))
        if newest != conflict.id_number_hash:
            conflict.id_number_hash = newest
            report.changed += 1
    _rehash_registries(report)
    for model, name in ((Draft, "draft"), (Application, "application")):
        for row in db.session.scalars(select(model).order_by(model.id)).all():
            label = f"{name} {getattr(row, 'reference', None) or row.id}"
            answers = _rehash_answers(row.answers, label, report)
            if answers is not None:
                row.answers = answers
                report.changed += 1
    return report
