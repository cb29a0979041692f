"""Evidence files that hide something (issue 10 fix round, finding 11): a document carrying a
program after its header, a Word file that unpacks to hundreds of megabytes, and a file over
the rulebook's size answered 413 on the form, not 400."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases.intake_world import PDF, case_keys  # noqa: F401
from moot.cases import evidence as files
from moot.cases.errors import CaseError
from moot.cases.models import Case
from moot.errors import RefusalCode

TYPES = ("pdf", "png", "jpeg", "txt", "docx")
LIMIT = 10 * 1048576

FORM = {
    "respondent_description": "the branch press officer",
    "category": "bullying",
    "directed": "yes",
    "description": "She shouted at me at the May meeting.",
    "incident_dates": "3 May 2026",
}


def _pe() -> bytes:
    """A minimal Windows executable's headers: MZ, its pointer at 0x3C to PE\\0\\0."""
    header = bytearray(b"MZ" + b"\x90" * 0x3A + (0x80).to_bytes(4, "little"))
    header += b"\x00" * (0x80 - len(header)) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 40
    return bytes(header)


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56


def _docx(document: bytes, *, extra: tuple[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
        if extra:
            archive.writestr(*extra)
    return buffer.getvalue()


def check(name: str, data: bytes):
    return files.check_file(name, data, max_bytes=LIMIT, types=TYPES, field="files")


@pytest.mark.parametrize("program", [_pe(), ELF], ids=["windows", "linux"])
def test_a_pdf_carrying_a_program_after_its_header_is_refused(program):
    with pytest.raises(CaseError) as refused:
        check("statement.pdf", PDF + program + b"%%EOF\n")
    assert "carries a program" in str(refused.value)
    assert refused.value.field == "files"


def test_a_picture_carrying_a_program_is_refused():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + _pe()
    with pytest.raises(CaseError, match="carries a program"):
        check("screenshot.png", png)


def test_ordinary_documents_mentioning_mz_or_elf_are_accepted():
    # The letters alone (a name, a word) are not a program's header.
    assert check("notes.pdf", PDF + b"MZ Ltd minutes; ELF on the agenda; \x7fELF\x09\n").kind == (
        "pdf"
    )
    assert check("notes.txt", b"MZ and ELF are initials here.").kind == "txt"
    assert check("letter.docx", _docx(b"<w:document>MZ</w:document>")).kind == "docx"


def test_a_word_file_that_unpacks_to_hundreds_of_megabytes_is_refused_unpacked():
    # 400 MB of zeros packs to about 400 KB; only the declared sizes are read.
    bomb = _docx(b"<w:document/>", extra=("word/media/image1.bin", b"\x00" * (400 * 1048576)))
    assert len(bomb) < LIMIT
    with pytest.raises(CaseError) as refused:
        check("contract.docx", bomb)
    assert "would unpack to 400 MB" in str(refused.value)
    assert refused.value.code == RefusalCode.TOO_LARGE


def test_a_word_file_packed_far_beyond_the_ratio_is_refused():
    small_bomb = _docx(b"<w:document/>", extra=("word/media/a.bin", b"\x00" * (20 * 1048576)))
    with pytest.raises(CaseError, match="times its packed size"):
        check("contract.docx", small_bomb)


@pytest.mark.django_db
@pytest.mark.usefixtures("case_keys")
def test_a_file_over_the_limit_on_the_public_form_is_413_and_nothing_is_kept(world):
    data = PDF + b"0" * (12 * 1048576)
    big = SimpleUploadedFile("scan.pdf", data, content_type="application/pdf")
    page = Client().post(reverse("cases:complain"), {**FORM, "files": [big]})
    assert page.status_code == 413
    assert "files of at most 10 MB are accepted" in page.text
    assert not Case.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("case_keys")
def test_a_pdf_with_a_program_on_the_public_form_is_refused_on_its_field(world):
    bad = SimpleUploadedFile("cv.pdf", PDF + _pe(), content_type="application/pdf")
    page = Client().post(reverse("cases:complain"), {**FORM, "files": [bad]})
    assert page.status_code == 400
    assert "carries a program" in page.text
    assert not Case.objects.exists()
