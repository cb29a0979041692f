"""Print-ready files for a mailing house (issue 11, item 7): the ballot papers of the voters who
vote by post, so that 500,000 papers are minutes of work, not days (BALLOTS.md §5.4).

A *print run* takes every post delivery waiting for a print file (an invitation or a reissued
paper, state ``queued``) and writes, in the default storage under
``ballot-print/ballot-<id>/<run>/``:

* ``ballot-paper.pdf`` — the one common ballot paper, laid out once by WeasyPrint (or
  ``ballot-paper-r<k>.pdf`` for each rotation *k* when the definition rotates the order);
* ``papers-<nnnn>.csv`` — one row per paper: paper number, check code, name, address, postcode,
  rotation, QR payload. **Personal data**: only the ballot's managers download it, and each
  download is in the audit trail;
* ``carriers-<nnnn>.pdf`` — one A4 page per voter, the **carrier sheet**: the name and address
  (in the outer envelope's window), the paper number and the voter's declaration. It is returned
  in the outer envelope beside the sealed ballot-paper envelope, and the tellers separate the two
  before the inner envelope is opened;
* ``overlay-<nnnn>.pdf`` — one A4 page per paper to overprint on the common paper: **only** the
  paper number, its check code and a QR code (segno) of them. No name or address is ever printed
  on the ballot paper, the sheet that carries the marks (review 5; docs/ballots.md, "The postal
  paper and its envelopes");
* ``run.json`` — the deliveries in the run (ids only), and beside every file its SHA-256
  (``<file>.sha256``).

Chunks of ``CHUNK`` papers are written by separate tasks, so several workers share a run. The
overlay PDF is written directly (Helvetica, no layout engine): about a millisecond a paper,
most of it the QR code.

The QR payload is ``MOOT1:B<ballot>:P<paper number>:C<check code>``: what the tellers key,
nothing of the voter.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import secrets
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from moot.ballots import credentials
from moot.ballots.models import Ballot, Channel, Delivery, DeliveryKind, DeliveryState
from moot.csv_export import csv_writer

PRINT_DIR = "ballot-print"
CHUNK = 10_000
CSV_HEADER = (
    "paper_number",
    "check_code",
    "name",
    "address",
    "postcode",
    "rotation",
    "qr_payload",
)
PRINTED_KINDS = (DeliveryKind.INVITATION, DeliveryKind.REISSUE)
# Written by ``postal_notices.write_notice_files`` into a run that holds notice letters.
NOTICE_FILES = ("notice-letter.pdf", "notices.csv")
# A4 in PDF points.
PAGE_W, PAGE_H = 595.28, 841.89
MM = 72 / 25.4


def run_dir(ballot_id: int, run: str) -> str:
    return f"{PRINT_DIR}/ballot-{ballot_id}/{run}"


def new_run_name(now: datetime.datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def waiting_deliveries(ballot: Ballot) -> list[int]:
    """The post deliveries waiting for a print file, by paper number."""
    return list(
        Delivery.objects.filter(
            ballot=ballot,
            channel=Channel.POST,
            kind__in=PRINTED_KINDS,
            state=DeliveryState.QUEUED,
            entry__paper_number__isnull=False,
        )
        .order_by("entry__paper_number", "id")
        .values_list("id", flat=True)
    )


def rotations(ballot: Ballot) -> int:
    """How many orders the papers come in: one, or one per candidate when rotated."""
    if ballot.candidate_order != "rotated" or ballot.kind == "question":
        return 1
    return max(1, ballot.candidates.filter(on_ballot=True).count())


def rotation_of(entry_id: int, turns: int) -> int:
    """The voter's rotation: as ``content.ballot_boxes`` turns their online ballot."""
    return entry_id % turns if turns > 1 else 0


def qr_payload(ballot_id: int, paper_number: int, check: str) -> str:
    return f"MOOT1:B{ballot_id}:P{paper_number}:C{check}"


# -- storage -----------------------------------------------------------------------------------


def save_file(directory: str, name: str, data: bytes) -> str:
    """Store ``data`` as ``directory/name`` (replacing a file a failed attempt left) with its
    SHA-256 beside it; returns the SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    for path, body in ((f"{directory}/{name}", data), (f"{directory}/{name}.sha256", digest)):
        if default_storage.exists(path):
            default_storage.delete(path)
        default_storage.save(path, ContentFile(body if isinstance(body, bytes) else body.encode()))
    return digest


@dataclass(frozen=True)
class PrintFile:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class PrintRun:
    ballot_id: int
    name: str
    papers: int
    chunks: int
    made_at: str
    files: list[PrintFile]
    notices: int = 0

    @property
    def chunks_done(self) -> int:
        return sum(1 for f in self.files if f.name.startswith("overlay-"))

    @property
    def complete(self) -> bool:
        """Every part written: the common paper when the run holds papers, the notice letter
        when it holds notice letters (``postal_notices``)."""
        names = {f.name for f in self.files}
        paper = not self.papers or any(name.startswith("ballot-paper") for name in names)
        letter = not self.notices or NOTICE_FILES[0] in names
        return self.chunks_done == self.chunks and paper and letter


def read_run(ballot_id: int, run: str) -> PrintRun | None:
    directory = run_dir(ballot_id, run)
    if not default_storage.exists(f"{directory}/run.json"):
        return None
    with default_storage.open(f"{directory}/run.json", "rb") as handle:
        meta = json.loads(handle.read())
    _, names = default_storage.listdir(directory)
    files = []
    for name in sorted(names):
        if name.endswith(".sha256") or name == "run.json" or f"{name}.sha256" not in names:
            continue
        with default_storage.open(f"{directory}/{name}.sha256", "rb") as handle:
            digest = handle.read().decode().strip()
        files.append(PrintFile(name, default_storage.size(f"{directory}/{name}"), digest))
    return PrintRun(
        ballot_id,
        run,
        len(meta["deliveries"]),
        meta["chunks"],
        meta["made_at"],
        files,
        meta.get("notices", 0),
    )


def runs(ballot: Ballot) -> list[PrintRun]:
    """The ballot's print runs, newest first."""
    base = f"{PRINT_DIR}/ballot-{ballot.pk}"
    if not default_storage.exists(base):
        return []
    directories, _ = default_storage.listdir(base)
    found = [read_run(ballot.pk, name) for name in sorted(directories, reverse=True)]
    return [run for run in found if run is not None]


def start_run(
    ballot: Ballot, deliveries: Sequence[int], run: str, made_at: str, notices: int = 0
) -> int:
    """Write the run's ``run.json``; the number of chunks (none when the run holds only notice
    letters: ``notices`` is how many were waiting when it started)."""
    chunks = -(-len(deliveries) // CHUNK)
    meta = {
        "ballot": ballot.pk,
        "made_at": made_at,
        "chunks": chunks,
        "deliveries": deliveries,
        "notices": notices,
    }
    default_storage.save(
        f"{run_dir(ballot.pk, run)}/run.json", ContentFile(json.dumps(meta).encode())
    )
    return chunks


def chunk_deliveries(ballot_id: int, run: str, chunk: int) -> list[int]:
    with default_storage.open(f"{run_dir(ballot_id, run)}/run.json", "rb") as handle:
        meta = json.loads(handle.read())
    ids: list[int] = meta["deliveries"]
    return ids[(chunk - 1) * CHUNK : chunk * CHUNK]


# -- the common paper --------------------------------------------------------------------------


def paper_pdf(ballot: Ballot, rotation: int) -> bytes:
    """The common ballot paper in one order (WeasyPrint), with room at the top for the overlay
    (window address, paper number, check code, QR)."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from moot.ballots import content

    boxes = content.ballot_boxes(ballot)
    if rotation:
        boxes = boxes[rotation:] + boxes[:rotation]
    style = content.mark_style(ballot)
    html = render_to_string(
        "ballots/print_paper.html",
        {"ballot": ballot, "boxes": boxes, "style": style, "rotation": rotation},
    )
    return bytes(HTML(string=html).write_pdf())


def write_run_common(ballot: Ballot, run: str) -> list[str]:
    """The files of a run common to all its papers: the ballot paper(s) when it holds papers,
    then the notice letters waiting (written, the voters who voted since set aside, and marked
    printed by ``postal_notices.print_notices``). The names written."""
    from moot.ballots import postal_notices

    found = read_run(ballot.pk, run)
    names = write_common(ballot, run) if found is None or found.papers else []
    printed = postal_notices.print_notices(ballot, run)
    if printed:
        names.extend(NOTICE_FILES)
    if found is not None and found.notices != printed:
        # Letters of voters who voted since the run started are set aside: the run says how
        # many it holds, so that it shows complete.
        _update_meta(ballot.pk, run, notices=printed)
    return names


def _update_meta(ballot_id: int, run: str, **changes: Any) -> None:
    path = f"{run_dir(ballot_id, run)}/run.json"
    with default_storage.open(path, "rb") as handle:
        meta = json.loads(handle.read())
    meta.update(changes)
    default_storage.delete(path)
    default_storage.save(path, ContentFile(json.dumps(meta).encode()))


def write_common(ballot: Ballot, run: str) -> list[str]:
    directory = run_dir(ballot.pk, run)
    turns = rotations(ballot)
    names = []
    for rotation in range(turns):
        name = "ballot-paper.pdf" if turns == 1 else f"ballot-paper-r{rotation}.pdf"
        save_file(directory, name, paper_pdf(ballot, rotation))
        names.append(name)
    return names


# -- per-voter files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    number: int
    check: str
    name: str
    address: str
    postcode: str
    rotation: int
    payload: str


def papers_of(ballot: Ballot, delivery_ids: Iterable[int]) -> list[Paper]:
    """The papers of the given deliveries, by paper number: the voter's name and address as
    the register has them now."""
    key = credentials.ballot_key(ballot)
    turns = rotations(ballot)
    rows = (
        Delivery.objects.filter(ballot=ballot, pk__in=list(delivery_ids))
        .order_by("entry__paper_number")
        .values_list(
            "entry_id",
            "entry__paper_number",
            "entry__member__first_name",
            "entry__member__last_name",
            "entry__member__address",
            "entry__member__postcode",
        )
    )
    out = []
    for entry_id, number, first, last, address, postcode in rows:
        assert number is not None  # waiting_deliveries keeps entries with a paper number
        check = credentials.paper_check_with(key, number)
        out.append(
            Paper(
                number=number,
                check=check,
                name=f"{first} {last}".strip(),
                address=address,
                postcode=postcode,
                rotation=rotation_of(entry_id, turns),
                payload=qr_payload(ballot.pk, number, check),
            )
        )
    return out


def papers_csv(papers: Sequence[Paper]) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(CSV_HEADER)
    for p in papers:
        writer.writerow((p.number, p.check, p.name, p.address, p.postcode, p.rotation, p.payload))
    return out.getvalue().encode("utf-8")


def _pdf_text(text: str) -> bytes:
    """A PDF string in WinAnsi (Helvetica's encoding); a character outside it prints as '?'
    (the CSV keeps the exact text for variable-data printing)."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _qr_ops(payload: str, x: float, y: float, size: float) -> bytes:
    """The QR code as filled rectangles, one per run of dark modules in a row."""
    import segno

    qr = segno.make_qr(payload, error="m", mask=2, boost_error=False)
    matrix = qr.matrix
    n = len(matrix) + 8  # four modules of quiet zone each side
    unit = size / n
    ops = []
    for r, row in enumerate(matrix):
        c = 0
        width = len(row)
        while c < width:
            if row[c]:
                start = c
                while c < width and row[c]:
                    c += 1
                ops.append(
                    f"{x + (start + 4) * unit:.2f} {y + size - (r + 5) * unit:.2f} "
                    f"{(c - start) * unit:.2f} {unit:.2f} re"
                )
            else:
                c += 1
    return ("\n".join(ops) + "\nf\n").encode()


DECLARATION = (
    "Declaration: I am the member named above. I marked the enclosed ballot paper myself,",
    "in secret, and sealed it in the ballot paper envelope. This is my only vote.",
    "",
    "Signature ______________________________   Date ______________",
    "",
    "Return this sheet in the return envelope beside the sealed ballot paper envelope.",
    "Do not put it inside the ballot paper envelope: the tellers separate this sheet",
    "(your name) from the envelope (your vote) before they open the envelope.",
)


def _carrier_page(ballot: Ballot, paper: Paper) -> bytes:
    """The carrier sheet: the address in a DL window (20 mm from the left, 50 mm from the top),
    the ballot's title, the paper number and check code, and the declaration."""
    lines = [paper.name, *[part for part in paper.address.splitlines() if part.strip()]]
    if paper.postcode:
        lines.append(paper.postcode)
    ops = [b"BT /F1 10 Tf 12 TL", f"{20 * MM:.2f} {PAGE_H - 50 * MM:.2f} Td".encode()]
    for line in lines[:7]:
        ops.append(_pdf_text(line[:60]) + b" Tj T*")
    ops.append(b"ET")
    ops.append(
        b"BT /F2 12 Tf 14 TL "
        + f"{20 * MM:.2f} {PAGE_H - 120 * MM:.2f} Td ".encode()
        + _pdf_text(ballot.title[:70])
        + b" Tj T* "
        + _pdf_text(f"Paper {paper.number}   Check code {paper.check}")
        + b" Tj ET"
    )
    ops.append(b"BT /F1 10 Tf 14 TL " + f"{20 * MM:.2f} {PAGE_H - 145 * MM:.2f} Td".encode())
    for line in DECLARATION:
        ops.append(_pdf_text(line) + b" Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def _overlay_page(ballot: Ballot, paper: Paper) -> bytes:
    """The overprint on the ballot paper: the paper number and check code top right and the QR
    code below them; nothing of the voter (the address is on the carrier sheet)."""
    right = PAGE_W - 75 * MM
    ops: list[bytes] = []
    ops.append(
        b"BT /F2 12 Tf "
        + f"{right:.2f} {PAGE_H - 20 * MM:.2f} Td ".encode()
        + _pdf_text(f"Paper {paper.number}")
        + b" Tj 0 -15 Td "
        + _pdf_text(f"Check code {paper.check}")
        + b" Tj ET"
    )
    ops.append(_qr_ops(paper.payload, right, PAGE_H - 60 * MM, 30 * MM))
    return b"\n".join(ops)


def overlay_pdf(ballot: Ballot, papers: Sequence[Paper]) -> bytes:
    """The ballot papers' overprint: one A4 page per paper, written as PDF objects directly."""
    return _pages_pdf([_overlay_page(ballot, paper) for paper in papers])


def carriers_pdf(ballot: Ballot, papers: Sequence[Paper]) -> bytes:
    """The carrier sheets with the declaration: one A4 page per voter."""
    return _pages_pdf([_carrier_page(ballot, paper) for paper in papers])


def _pages_pdf(streams: Sequence[bytes]) -> bytes:
    """A PDF of A4 pages from their content streams (Helvetica and Helvetica-Bold)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    pages = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )
    kids = []
    for page in streams:
        stream = zlib.compress(page, 1)
        contents = add(
            b"<< /Length "
            + str(len(stream)).encode()
            + b" /Filter /FlateDecode >>\nstream\n"
            + stream
            + b"\nendstream"
        )
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] "
                f"/Resources << /Font << /F1 {font} 0 R /F2 {bold} 0 R >> >> "
                f"/Contents {contents} 0 R >>".encode()
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages} 0 R >>".encode()
    objects[pages - 1] = (
        f"<< /Type /Pages /Count {len(kids)} /Kids [" + " ".join(f"{k} 0 R" for k in kids) + "] >>"
    ).encode()
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    trailer = f"<< /Size {len(objects) + 1} /Root {catalog} 0 R >>"
    out.write(f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def write_chunk(ballot: Ballot, run: str, chunk: int) -> tuple[list[int], dict[str, str]]:
    """Write chunk ``chunk`` (1-based) of the run: its CSV, its carrier sheets and its overlay
    PDF. The deliveries it holds, and the SHA-256 of each file written."""
    ids = chunk_deliveries(ballot.pk, run, chunk)
    papers = papers_of(ballot, ids)
    directory = run_dir(ballot.pk, run)
    digests = {
        f"papers-{chunk:04d}.csv": save_file(
            directory, f"papers-{chunk:04d}.csv", papers_csv(papers)
        ),
        f"carriers-{chunk:04d}.pdf": save_file(
            directory, f"carriers-{chunk:04d}.pdf", carriers_pdf(ballot, papers)
        ),
        f"overlay-{chunk:04d}.pdf": save_file(
            directory, f"overlay-{chunk:04d}.pdf", overlay_pdf(ballot, papers)
        ),
    }
    return ids, digests


def open_file(ballot_id: int, run: str, name: str) -> Any:
    return default_storage.open(f"{run_dir(ballot_id, run)}/{name}", "rb")
