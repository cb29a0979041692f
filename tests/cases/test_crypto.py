"""Case text and evidence are encrypted at rest under a key kept outside the database: a
ciphertext opens only in its own row and column, a missing or wrong key is an error (never
empty text), and ``moot check`` says so."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import timezone

from factories import UnitFactory
from moot.cases import crypto, evidence
from moot.cases.checks import case_key_check
from moot.cases.errors import CaseError
from moot.cases.models import Case, CaseEvent, EventKind, Evidence, IntakeChannel, Party

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(settings, tmp_path):
    settings.MOOT_CASE_KEYS = tmp_path / "keys" / "case-keys"
    settings.MOOT_CASE_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.MOOT_CASE_KEYS


def new_case(reference: str = "C-2026-00001", description: str = "He shouted at me") -> Case:
    now = timezone.now()
    case = Case(
        reference=reference,
        unit=UnitFactory(),
        category="bullying",
        opened_at=now,
        stage_since=now,
        intake_channel=IntakeChannel.PUBLIC_FORM,
    )
    crypto.seal_text(case, "description_enc", description)
    case.save()
    return case


def test_text_is_stored_as_ciphertext_and_read_back(keys):
    case = new_case()
    stored = Case.objects.values_list("description_enc", flat=True).get(pk=case.pk)
    assert b"shouted" not in bytes(stored)
    assert crypto.open_text(Case.objects.get(pk=case.pk), "description_enc") == "He shouted at me"
    assert keys.stat().st_mode & 0o777 == 0o600


def test_empty_text_is_empty_bytes_not_a_ciphertext(keys):
    case = new_case()
    crypto.seal_text(case, "witnesses_enc", "")
    assert case.witnesses_enc == b""
    assert crypto.open_text(case, "witnesses_enc") == ""


def test_a_ciphertext_copied_to_another_row_or_column_does_not_open(keys):
    first = new_case("C-2026-00001", "first")
    second = new_case("C-2026-00002", "second")
    second.description_enc = first.description_enc
    with pytest.raises(crypto.CaseKeyError, match="does not open"):
        crypto.open_text(second, "description_enc")
    first.witnesses_enc = first.description_enc
    with pytest.raises(crypto.CaseKeyError, match="does not open"):
        crypto.open_text(first, "witnesses_enc")


def test_a_changed_ciphertext_does_not_open(keys):
    case = new_case()
    blob = bytearray(case.description_enc)
    blob[-1] ^= 1
    case.description_enc = bytes(blob)
    with pytest.raises(crypto.CaseKeyError):
        crypto.open_text(case, "description_enc")


def test_a_lost_key_is_an_error_and_never_empty_text(keys):
    case = new_case()
    keys.unlink()
    with pytest.raises(crypto.CaseKeyError, match="is not in"):
        crypto.open_text(case, "description_enc")
    # Nor is a fresh key made while cases exist: their text would be lost for good.
    with pytest.raises(crypto.CaseKeyError, match="missing while cases exist"):
        crypto.seal_text(case, "witnesses_enc", "a witness")
    assert not keys.exists()
    errors = case_key_check()
    assert [e.id for e in errors] == ["cases.E001"]
    assert "missing while cases exist" in errors[0].msg


def test_another_installations_key_is_reported_at_start_up(keys):
    new_case()
    other = bytes(range(32))
    crypto.write_keys([(crypto.key_id(other), other)])
    errors = case_key_check()
    assert [e.id for e in errors] == ["cases.E001"]
    assert "is not in" in errors[0].msg


def test_the_check_is_quiet_with_the_right_key(keys):
    new_case()
    assert case_key_check() == []


def test_a_damaged_key_file_is_named_with_its_line(keys):
    new_case()
    keys.write_text("# comment\nabcd1234 not-hex\n")
    with pytest.raises(crypto.CaseKeyError, match="damaged at line 2"):
        crypto.read_keys()


def test_evidence_files_are_encrypted_and_checked_on_the_way_out(keys):
    case = new_case()
    data = b"%PDF-1.4 a letter from the branch"
    item = Evidence(
        case=case,
        uploaded_at=timezone.now(),
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        stored_name=evidence.new_stored_name(),
        by_party=Party.COMPLAINANT,
    )
    path = evidence.store(item, data)
    item.save()
    assert b"letter" not in path.read_bytes()
    assert path.stat().st_mode & 0o777 == 0o600
    assert evidence.read(item) == data
    item.sha256 = "0" * 64  # recorded at upload: a file that no longer matches is not handed out
    with pytest.raises(CaseError, match="has been changed"):
        evidence.read(item)


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("a.pdf", b"%PDF-1.7\n...", "pdf"),
        ("a.png", b"\x89PNG\r\n\x1a\n....", "png"),
        ("a.jpg", b"\xff\xd8\xff\xe0....", "jpeg"),
        ("notes.txt", b"Meeting on 3 May, 19:30\n", "txt"),
    ],
)
def test_evidence_types_are_known_by_content(name, data, kind):
    checked = evidence.check_file(
        name, data, max_bytes=1000, types=("pdf", "png", "jpeg", "txt"), field="files"
    )
    assert checked.kind == kind


def test_a_program_named_pdf_is_refused():
    with pytest.raises(CaseError, match="not a file type accepted") as excinfo:
        evidence.check_file(
            "letter.pdf", b"MZ\x90\x00\x03\x00", max_bytes=1000, types=("pdf",), field="files"
        )
    assert excinfo.value.field == "files"


def test_an_oversized_file_is_refused_with_the_limit():
    with pytest.raises(CaseError, match="at most 1 MB") as excinfo:
        evidence.check_file(
            "big.txt",
            b"a" * (1048576 + 1),
            max_bytes=1048576,
            types=("txt",),
            clause="6.1.4",
            field="files",
        )
    assert excinfo.value.code.status == 413
    assert excinfo.value.clause == "6.1.4"


def test_a_docx_is_a_zip_with_a_word_document():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert evidence.detect_kind(buffer.getvalue()) == "docx"
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    assert evidence.detect_kind(other.getvalue()) is None


def test_a_file_name_loses_its_folders_and_controls():
    assert evidence.clean_filename("..\\..\\etc/pass\u202ewd.txt") == "passwd.txt"
    assert evidence.clean_filename("") == "evidence"


def test_log_entries_encrypt_their_body(keys):
    case = new_case()
    event = CaseEvent(case=case, at=timezone.now(), kind=EventKind.NOTE, stage=case.stage)
    crypto.seal_text(event, "body_enc", "called the complainant")
    event.save()
    assert crypto.open_text(CaseEvent.objects.get(pk=event.pk), "body_enc") == (
        "called the complainant"
    )
