"""Evidence files: what is accepted (type by content, size from the rulebook), and their storage
encrypted at rest under ``MOOT_VAR_DIR/case-evidence/`` with a random name.

The type is decided by the file's first bytes, never by its name or the browser's word: a PDF
starts ``%PDF-``, a PNG with its signature, a JPEG with ``FF D8 FF``, a Word document is a ZIP
holding ``word/document.xml``, and text is UTF-8 without control characters. Anything else is
refused with what is accepted. A document that carries a program (a Windows ``MZ`` header with
its ``PE`` signature, or an ``ELF`` header) after its own header is refused, and a Word file
whose entries would unpack to more than 50 MB, or more than 100 times their packed size (a zip
bomb), is refused without unpacking it. The file is encrypted with the case key (AES-256-GCM,
bound to the evidence row's uid) before it touches the disk; the SHA-256 of the plaintext is
returned for the case log.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from moot.cases import crypto
from moot.cases.errors import CaseError, RefusalCode

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {"pdf": "pdf", "png": "png", "jpeg": "jpg", "txt": "txt", "docx": "docx"}
MAX_FILENAME = 200
_TEXT_CONTROLS = {c for c in range(32) if chr(c) not in "\t\n\r\f"} | {127}
ZIP_MAX_UNPACKED = 50 * 1048576
ZIP_MAX_RATIO = 100
_ELF = re.compile(rb"\x7fELF[\x01\x02][\x01\x02]\x01")  # magic, class, byte order, version


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    kind: str  # pdf, png, jpeg, txt, docx
    content_type: str
    data: bytes
    sha256: str


def detect_kind(data: bytes) -> str | None:
    """The kind of file ``data`` is, by its content ("pdf" ... "txt"), or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "word/document.xml" in names and "[Content_Types].xml" in names:
            return "docx"
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if text and not any(ord(ch) in _TEXT_CONTROLS for ch in text):
        return "txt"
    return None


def carries_program(data: bytes) -> bool:
    """Whether ``data`` holds an executable's header anywhere: ``\\x7fELF`` with a valid class,
    byte order and version, or ``MZ`` whose DOS header points (at offset 0x3C) to a ``PE\\0\\0``
    signature."""
    if _ELF.search(data):
        return True
    start = data.find(b"MZ")
    while start != -1:
        pointer = data[start + 0x3C : start + 0x40]
        if len(pointer) == 4:
            offset = start + int.from_bytes(pointer, "little")
            if data[offset : offset + 4] == b"PE\0\0":
                return True
        start = data.find(b"MZ", start + 2)
    return False


def zip_too_expanded(data: bytes) -> str:
    """Why the ZIP in ``data`` would unpack too far (its entries' declared sizes: more than
    50 MB together, or, above 1 MB, more than 100 times the packed size), or "" when it would
    not."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        return ""
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries)
    if unpacked > ZIP_MAX_UNPACKED:
        return f"it would unpack to {unpacked / 1048576:.0f} MB (at most 50 MB are accepted)"
    if unpacked > 1048576 and unpacked > ZIP_MAX_RATIO * max(packed, 1):
        return (
            f"it would unpack to {unpacked // max(packed, 1)} times its packed size (at most "
            "100 times are accepted)"
        )
    return ""


def clean_filename(name: str) -> str:
    """The file's own name without folders or control characters, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in "\u202e\u202d")
    return base.strip()[:MAX_FILENAME] or "evidence"


def check_file(
    name: str, data: bytes, *, max_bytes: int, types: tuple[str, ...], clause: str = "", field: str
) -> CheckedFile:
    """``data`` as evidence, or a refusal naming the file, the limit or the accepted types."""
    filename = clean_filename(name)
    if not data:
        raise CaseError(f"{filename} is empty: choose the file again.", field=field)
    if len(data) > max_bytes:
        raise CaseError(
            f"{filename} is {len(data) / 1048576:.1f} MB; files of at most "
            f"{max_bytes // 1048576} MB are accepted. Send a smaller copy or split it.",
            clause=clause,
            field=field,
            code=RefusalCode.TOO_LARGE,
        )
    kind = detect_kind(data)
    if kind is None or kind not in types:
        accepted = ", ".join(t.upper() if t != "jpeg" else "JPEG" for t in types)
        raise CaseError(
            f"{filename} is not a file type accepted as evidence (by its content, whatever its "
            f"name); accepted: {accepted}. Save it as one of those and send it again.",
            clause=clause,
            field=field,
        )
    if kind != "txt" and carries_program(data):
        raise CaseError(
            f"{filename} carries a program (an executable's header) inside the document; it is "
            "not accepted as evidence. Save the document again (print to PDF) and send that.",
            clause=clause,
            field=field,
        )
    if kind == "docx":
        why = zip_too_expanded(data)
        if why:
            raise CaseError(
                f"{filename} is refused: {why}. Save the document again without embedded "
                "files and send that.",
                clause=clause,
                field=field,
                code=RefusalCode.TOO_LARGE,
            )
    return CheckedFile(
        filename=filename,
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def evidence_dir() -> Path:
    configured = getattr(settings, "MOOT_CASE_EVIDENCE_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "case-evidence"


def new_stored_name() -> str:
    return secrets.token_hex(16)


def _where(evidence: Any) -> dict[str, Any]:
    return {"table": evidence._meta.db_table, "column": "file", "uid": evidence.uid}


def store(evidence: Any, data: bytes) -> Path:
    """Encrypt ``data`` for ``evidence`` (its ``uid`` and ``stored_name`` set) into the evidence
    directory (0600, written then renamed, synced)."""
    directory = evidence_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    sealed = crypto.encrypt_bytes(data, **_where(evidence))
    path = directory / evidence.stored_name
    temporary = directory / f".{evidence.stored_name}.{secrets.token_hex(4)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, sealed)
        os.fsync(fd)
    finally:
        os.close(fd)
    temporary.replace(path)
    return path


def read(evidence: Any) -> bytes:
    """The plaintext of ``evidence``; refuses a missing file or one whose SHA-256 differs from
    the one recorded at upload (never hands out a changed file)."""
    path = evidence_dir() / evidence.stored_name
    try:
        sealed = path.read_bytes()
    except FileNotFoundError:
        raise CaseError(
            f"The evidence file {evidence.stored_name} is not in {path.parent}: restore it from "
            "the backup of the evidence directory.",
            code=RefusalCode.STATE,
        ) from None
    data = crypto.decrypt_bytes(sealed, **_where(evidence))
    if hashlib.sha256(data).hexdigest() != evidence.sha256:
        raise CaseError(
            "This evidence file does not match the SHA-256 recorded when it was given: it has "
            "been changed and is not handed out.",
            code=RefusalCode.STATE,
        )
    return data


def reseal(evidence: Any) -> None:
    """Re-encrypt the evidence file under the current key (key rotation)."""
    store(evidence, read(evidence))


def remove(evidence: Any) -> None:
    (evidence_dir() / evidence.stored_name).unlink(missing_ok=True)
