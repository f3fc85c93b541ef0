"""Uploaded documents: photos (JPEG, PNG) and PDF files up to 10 MB.

The type is read from the file's first bytes, never from its name or the browser's claim.
Files are stored under app.config["UPLOAD_FOLDER"] (outside static/) with random names and are
served back only through an authorised view.

Photos are decoded and written again (Pillow) before they are kept: that drops their metadata
(EXIF, with the GPS position a phone records) and anything hidden after the image data, and
refuses files that do not decode or that would unpack to an absurd number of pixels
(decompression bombs): the size in the header is checked against MAX_IMAGE_PIXELS before
anything is decoded, and Pillow's own limit (Image.MAX_IMAGE_PIXELS) is set to the same value.
PDF files are parsed (pypdf), compressed object streams included, and refused when anywhere
in them there is JavaScript, an automatic or launch action, an embedded file, rich media or an
XFA form – or when they are encrypted, unparsable or too large to check.

A draft holds at most MAX_FILES_PER_DRAFT files, at most MAX_FILES_PER_DOCUMENT_KIND of one
kind; an answer to a request for more information at most MAX_FILES_PER_ANSWER
(portal/config.py).
"""
from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
import warnings
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from portal.applications.models import Document
from portal.extensions import db

MAX_BYTES = 10 * 1024 * 1024
# What marks a PDF as active content, wherever it appears in the parsed object graph (as a
# dictionary key, or as the value of /S or /Type).
PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/OpenAction", "/Launch",
                             "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"})
PDF_ACTIVE_VALUES = frozenset({"/JavaScript", "/Launch", "/EmbeddedFile", "/RichMedia",
                               "/Filespec", "/ImportData", "/SubmitForm", "/GoToR", "/GoToE",
                               "/Sound", "/Movie", "/Rendition"})
# (first bytes, content type) – what a file must start with to be accepted.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
ACCEPT = ",".join(content_type for _head, content_type in SIGNATURES)
_CHUNK = 64 * 1024


class UploadRefused(Exception):
    """The file cannot be kept. `reason`: "empty", "too_large", "type", "unreadable" (a photo
    that does not decode), "too_many_pixels", "pdf_active" (a PDF with scripts, actions or
    attachments), "pdf_unreadable" (encrypted, broken or too large to check),
    "too_many_files_draft", "too_many_files_kind" or "too_many_files_answer"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def sniff(head: bytes) -> str | None:
    """The content type the file's first bytes show, or None if it is none we accept."""
    return next((kind for signature, kind in SIGNATURES if head.startswith(signature)), None)


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(document: Document) -> Path:
    return folder() / document.storage_name


# The extension a kept file is named with, by the type its content shows (sniff) – never the
# one it arrived with: a photo sent as "id.exe" is kept, shown and downloaded as "id.jpg".
EXTENSIONS = {"image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",),
              "application/pdf": (".pdf",)}
_UNSAFE_IN_NAMES = set('<>:"/\\|?*')


def _clean_name(filename: str | None, content_type: str) -> str:
    """The name as the resident knows it – without any folder, control characters or
    characters a computer refuses in a file name – ending in the real type's extension."""
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C"
                   and ch not in _UNSAFE_IN_NAMES)
    allowed = EXTENSIONS[content_type]
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if "." + extension.lower() in allowed:
        extension = "." + extension          # as sent: IMG_0001.JPG stays as the phone named it
    else:
        extension = allowed[0]
    stem = stem.strip(" .")[:200] or "file"
    return stem + extension


def _write(stream, target: Path) -> tuple[int, str, bytes]:
    """Copy the upload to `target`; return (size, sha256, first bytes). Refuses early when the
    file grows past the limit."""
    digest, size, head = hashlib.sha256(), 0, b""
    with target.open("xb") as out:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > MAX_BYTES:
                raise UploadRefused("too_large")
            if len(head) < 16:
                head += chunk[:16 - len(head)]
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest(), head


def refuse_active_pdf(path: Path) -> None:
    """Refuse a PDF with JavaScript, automatic/launch actions, embedded files, rich media or
    XFA. The document is parsed (pypdf) and every object reachable from the trailer is
    visited – including objects kept inside compressed object streams, which no byte scan
    sees. Encrypted or unparsable files are refused too; so is a file with more than
    PDF_MAX_OBJECTS objects or PDF_MAX_PAGES pages (the check stays bounded)."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    max_objects = int(current_app.config["PDF_MAX_OBJECTS"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(str(path), strict=False)
            if reader.is_encrypted:
                raise UploadRefused("pdf_unreadable")
            if len(reader.pages) > int(current_app.config["PDF_MAX_PAGES"]):
                raise UploadRefused("pdf_unreadable")
            seen: set[tuple[int, int]] = set()
            stack = [reader.trailer]
            visited = 0
            while stack:
                item = stack.pop()
                if isinstance(item, IndirectObject):
                    key = (item.idnum, item.generation)
                    if key in seen:
                        continue
                    seen.add(key)
                    item = item.get_object()
                visited += 1
                if visited > max_objects:
                    raise UploadRefused("pdf_unreadable")
                if isinstance(item, DictionaryObject):   # streams are dictionaries too
                    for name, value in item.items():
                        if str(name) in PDF_ACTIVE_KEYS:
                            raise UploadRefused("pdf_active")
                        if name in ("/S", "/Type", "/Subtype") and isinstance(
                                value, NameObject) and str(value) in PDF_ACTIVE_VALUES:
                            raise UploadRefused("pdf_active")
                        stack.append(value)
                elif isinstance(item, ArrayObject):
                    stack.extend(item)
    except UploadRefused:
        raise
    except Exception:  # noqa: BLE001 – whatever pypdf cannot read, we do not keep
        raise UploadRefused("pdf_unreadable") from None


def _max_pixels() -> int:
    return int(current_app.config["MAX_IMAGE_PIXELS"])


def reencode_image(path: Path, content_type: str) -> tuple[int, str]:
    """Decode the photo and write it again without metadata; returns (size, sha256)."""
    from PIL import Image, ImageOps

    fmt = "JPEG" if content_type == "image/jpeg" else "PNG"
    limit = _max_pixels()
    Image.MAX_IMAGE_PIXELS = limit   # Pillow's own guard (its public attribute): the same limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=[fmt]) as image:   # reads the header only
                if image.width * image.height > limit:
                    raise UploadRefused("too_many_pixels")
                image.load()
                clean = ImageOps.exif_transpose(image)  # keep it the right way up
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRefused("too_many_pixels") from None
    except UploadRefused:
        raise
    except Exception:  # not a readable JPEG/PNG: truncated, corrupt, a polyglot…
        raise UploadRefused("unreadable") from None
    if fmt == "JPEG" and clean.mode not in ("RGB", "L"):
        clean = clean.convert("RGB")
    clean.info = {}
    with path.open("wb") as out:
        if fmt == "JPEG":
            clean.save(out, "JPEG", quality=90, optimize=True)
        else:
            clean.save(out, "PNG", optimize=True)
    data = path.read_bytes()
    return len(data), hashlib.sha256(data).hexdigest()


def refuse_too_many(draft_id: int, kind: str) -> None:
    """A draft's files are capped: MAX_FILES_PER_DRAFT in all, MAX_FILES_PER_DOCUMENT_KIND of
    one kind (one answer of the documents step)."""
    config = current_app.config
    kinds = list(db.session.scalars(select(Document.kind).where(
        Document.draft_id == draft_id, Document.removed_at.is_(None))))
    if len(kinds) >= int(config["MAX_FILES_PER_DRAFT"]):
        raise UploadRefused("too_many_files_draft")
    if kinds.count(kind) >= int(config["MAX_FILES_PER_DOCUMENT_KIND"]):
        raise UploadRefused("too_many_files_kind")


def store(upload, *, kind: str, account_id: int, draft_id: int | None = None,
          application_id: int | None = None, replacing: bool = False) -> Document:
    """Keep an uploaded file (a werkzeug FileStorage) and record it; commits.

    Raises UploadRefused when it is empty, larger than 10 MB, not a JPEG, PNG or PDF, or one
    file too many for the draft (unless `replacing` one of its files).
    """
    if draft_id is not None and not replacing:
        refuse_too_many(draft_id, kind)
    storage_name = secrets.token_hex(16)
    target = folder() / storage_name
    try:
        size, sha256, head = _write(upload.stream, target)
        if size == 0:
            raise UploadRefused("empty")
        content_type = sniff(head)
        if content_type is None:
            raise UploadRefused("type")
        if content_type == "application/pdf":
            refuse_active_pdf(target)
        else:
            size, sha256 = reencode_image(target, content_type)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    document = Document(
        kind=kind, storage_name=storage_name,
        original_name=_clean_name(upload.filename, content_type),
        content_type=content_type, size_bytes=size, sha256=sha256,
        uploaded_by_account_id=account_id, draft_id=draft_id, application_id=application_id,
    )
    db.session.add(document)
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        target.unlink(missing_ok=True)
        raise
    return document


def remove(document: Document) -> None:
    """Remove a document from a draft: the row and the file go. Commits."""
    path = path_of(document)
    db.session.delete(document)
    db.session.commit()
    path.unlink(missing_ok=True)


def replace(document: Document, upload, *, account_id: int) -> Document:
    """Put a new file in the place of `document` (same draft, same kind); the old one goes."""
    new = store(upload, kind=document.kind, account_id=account_id, draft_id=document.draft_id,
                application_id=document.application_id, replacing=True)
    remove(document)
    return new


def of_draft(draft_id: int) -> list[Document]:
    return list(db.session.scalars(
        select(Document).where(Document.draft_id == draft_id, Document.removed_at.is_(None))
        .order_by(Document.id)))


def move_to_application(draft_id: int, application_id: int) -> None:
    """Within the caller's transaction: the draft's documents now belong to the application."""
    db.session.execute(update(Document).where(Document.draft_id == draft_id)
                       .values(application_id=application_id, draft_id=None))


def delete_for_draft(draft_id: int) -> list[Path]:
    """Within the caller's transaction: forget the draft's documents; returns the files to
    delete once the transaction has committed."""
    paths = [path_of(d) for d in of_draft(draft_id)]
    db.session.execute(delete(Document).where(Document.draft_id == draft_id))
    return paths


def readable_size(size_bytes: int) -> str:
    if size_bytes >= 1024 * 1024:
        return f"{size_bytes / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size_bytes / 1024))} KB"


def owned_by(document_id: int, account_id: int) -> Document | None:
    """The document if this account uploaded it or owns the draft or application it belongs
    to; None otherwise (the caller answers 404, so nobody learns that it exists)."""
    from portal.applications.models import Application, Draft

    document = db.session.get(Document, document_id)
    if document is None or document.removed_at is not None:
        return None
    from portal.accounts import consent_rules
    from portal.accounts.models import Account

    account = db.session.get(Account, account_id)
    worker = account is not None and account.is_intermediary
    # A village worker's own upload counts only within a draft of theirs or an application
    # the person's consent still lets them see (the consent form: the officer's alone).
    owners = set() if worker else {document.uploaded_by_account_id}
    if document.draft_id:
        draft = db.session.get(Draft, document.draft_id)
        owners.add(draft.account_id if draft else None)
    if document.application_id:
        application = db.session.get(Application, document.application_id)
        if application is not None and (not worker or consent_rules.may_see_application(
                account, application)):
            owners.add(application.applicant_account_id)
    return document if account_id in owners else None


# What a person is told when an upload is refused – one place for every page that takes files.
REFUSALS = {
    "empty": _l("这个文件是空的，请重新选择。"),
    "too_large": _l("文件不能超过10MB。请把照片拍小一些，或把PDF分成几个文件上传。"),
    "type": _l("只能上传照片（JPG、PNG格式）或PDF文件。这个文件不是这几种格式。"),
    "unreadable": _l("这张照片打不开，可能已经损坏。请重新拍一张，或换一个文件上传。"),
    "too_many_pixels": _l("这张照片的尺寸太大了。请把照片拍小一些，或截图后再上传。"),
    "pdf_active": _l("这个PDF文件里带有程序或附件，为了安全不能上传。"
                     "请把它另存或打印成普通的PDF，或者拍照后再上传。"),
    "pdf_unreadable": _l("这个PDF文件无法打开检查（可能设置了密码、已经损坏或页数太多）。"
                         "请把它另存或打印成普通的PDF，或者拍照后再上传。"),
    "too_many_files_draft": _l("一份申请最多可以上传%(limit)s个文件，已经达到上限。"
                               "如需换一个文件，请先删除或替换已上传的文件。"),
    "too_many_files_kind": _l("这项材料最多可以上传%(limit)s个文件，已经达到上限。"
                              "如需换一个文件，请先删除或替换已上传的文件。"),
    "too_many_files_answer": _l("补充材料一次最多可以上传%(limit)s个文件，已经达到上限。"
                                "如需换一个文件，请先移除已上传的文件。"),
}


def refusal_message(reason: str) -> str:
    config = current_app.config
    limits = {"too_many_files_draft": config["MAX_FILES_PER_DRAFT"],
              "too_many_files_kind": config["MAX_FILES_PER_DOCUMENT_KIND"],
              "too_many_files_answer": config["MAX_FILES_PER_ANSWER"]}
    text = str(REFUSALS[reason])
    return text % {"limit": limits[reason]} if reason in limits else text
