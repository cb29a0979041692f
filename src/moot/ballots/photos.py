"""Candidates' photos, stored and served safely (issue 11 item 2).

An upload is never kept as sent. It must be a PNG or a JPEG by its content (not its name or
declared type; SVG and everything else is refused), within a size cap and a pixel cap that are
checked from the header before any pixel is decoded (a "decompression bomb" is refused, not
decoded). Pillow verifies the file, then decodes it afresh, and the pixels alone are written to
a new file (PNG stays PNG, JPEG stays JPEG) — no EXIF, no comments, no trailing bytes of a
polyglot — under a random name in the default storage. Its SHA-256 is kept with the candidate.
The page that serves it sends the stored type with ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import warnings
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from moot.audit.actions import record
from moot.ballots.actions.nominations import (
    _check_not_withdrawn,
    _lock_candidate,
    check_before_freeze,
    check_own_candidacy,
)
from moot.ballots.audit_verbs import AuditVerb
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Candidate

MAX_BYTES = 2 * 1024 * 1024  # 2 MB as uploaded
MAX_PIXELS = 4096 * 4096  # width × height, read from the header before decoding
MAX_SIDE = 1200  # the stored photo is scaled down to fit this square
FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg")}
PHOTO_DIR = "ballots/photos"


def content_type_of(name: str) -> str:
    """The type a stored photo is served with, from the extension this module gave it."""
    return "image/png" if name.endswith(".png") else "image/jpeg"


def clean_photo(upload: IO[bytes]) -> tuple[bytes, str]:
    """The re-encoded image and its extension, or a refusal saying what is wrong."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise BallotError(
            f"The photo is larger than {MAX_BYTES // (1024 * 1024)} MB: send a smaller one.",
            field="photo",
            code=RefusalCode.TOO_LARGE,
        )
    if not data:
        raise BallotError("The photo is empty.", field="photo", code=RefusalCode.INVALID)
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb check warns between its two limits: here that is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=list(FORMATS))
        with probe:
            kind = probe.format
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise BallotError(
                    f"The photo is {width} × {height} pixels; the limit is "
                    f"{MAX_PIXELS:,} pixels in all: send a smaller one.",
                    field="photo",
                    code=RefusalCode.TOO_LARGE,
                )
            probe.verify()
        with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
            image.load()
            # Turn the picture upright as the camera's orientation tag says, before the
            # metadata (the tag with it) is stripped by re-encoding.
            upright = ImageOps.exif_transpose(image) or image
            pixels = upright.convert("RGBA" if kind == "PNG" else "RGB")
    except BallotError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise BallotError(
            f"The photo's header claims more than {MAX_PIXELS:,} pixels: send a smaller one.",
            field="photo",
            code=RefusalCode.TOO_LARGE,
        ) from exc
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise BallotError(
            "The photo is not a PNG or JPEG image that can be read (SVG and other formats are "
            "not taken): send a PNG or a JPEG.",
            field="photo",
            code=RefusalCode.INVALID,
        ) from exc
    pixels.thumbnail((MAX_SIDE, MAX_SIDE))
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    extension = FORMATS[kind or "JPEG"][0]
    if kind == "PNG":
        clean.save(out, format="PNG", optimize=True)
    else:
        clean.save(out, format="JPEG", quality=85)
    return out.getvalue(), extension


@transaction.atomic(durable=True)
def do_set_candidate_photo(
    candidate: Candidate, upload: IO[bytes], *, acting_user: Any
) -> Candidate:
    """The candidate's own photo, re-encoded; the previous one is deleted after the commit."""
    ballot, candidate = _lock_candidate(candidate)
    check_own_candidacy(candidate, acting_user)
    check_before_freeze(ballot, "A new photo")
    _check_not_withdrawn(candidate)
    content, extension = clean_photo(upload)
    name = default_storage.save(
        f"{PHOTO_DIR}/{secrets.token_hex(16)}.{extension}", ContentFile(content)
    )
    old = candidate.photo
    try:
        candidate.photo = name
        candidate.photo_sha256 = hashlib.sha256(content).hexdigest()
        candidate.save(update_fields=["photo", "photo_sha256"])
        record(
            actor=acting_user,
            verb=AuditVerb.SET_CANDIDATE_PHOTO,
            obj=candidate,
            before={"sha256": "" if not old else "replaced"},
            after={"ballot": ballot.pk, "sha256": candidate.photo_sha256, "bytes": len(content)},
        )
    except BaseException:
        default_storage.delete(name)  # nothing half-written: the new file goes with the row
        raise
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    return candidate
