"""Ballot file readers. :func:`read_election` is what ``moot count`` calls.

======================  ==========================================================
``blt``                 BLT (ERS / OpenSTV / Droop), :mod:`.blt`
``rctab-csv``           RCTab generic CSV, :mod:`.rctab_csv`
``rctab-config``        an RCTab contest config JSON and the CVR files it names, :mod:`.rctab`
``cdf``                 NIST SP 1500-103 CDF JSON, :mod:`.cdf`
``ess-xlsx``            ES&S cast-vote-record export, :mod:`.ess`
``ranked-vote``         ranked.vote normalised CSV, :mod:`.ranked_vote`
``debian``              Debian tally sheet, :mod:`.debian`
======================  ==========================================================

``input_format="auto"`` looks at the content first (zip magic -> xlsx, JSON -> RCTab config or
CDF, ``V:`` lines with ``Option N`` -> Debian, the ``ballot_id,rank,choice`` header ->
ranked.vote, two numbers -> BLT, other comma-separated text -> RCTab CSV), then at the
extension; when neither decides it says so and names ``--input-format``.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Callable
from pathlib import Path

from moot.counting.formats._common import decode, read_bytes
from moot.counting.limits import json_int
from moot.counting.model import CountError, Election

FORMATS = ("blt", "rctab-csv", "rctab-config", "cdf", "ess-xlsx", "ranked-vote", "debian")

_EXTENSIONS = {
    ".blt": "blt",
    ".hil": "blt",
    ".xlsx": "ess-xlsx",
    ".xlsm": "ess-xlsx",
}
_BLT_HEAD = re.compile(r"\A\s*\d+\s+\d+\s")
_RANKED_VOTE_HEAD = re.compile(r"\A\s*ballot_id\s*,\s*rank\s*,\s*choice\b", re.IGNORECASE)
_DEBIAN_OPTION = re.compile(r"^[\s|/]*Option\s+1\b", re.IGNORECASE | re.MULTILINE)
_DEBIAN_VOTE = re.compile(r"^V:", re.MULTILINE)


def _read_blt(path: Path) -> Election:
    from moot.counting.formats.blt import read_blt

    return read_blt(path)


def _read_rctab_csv(path: Path) -> Election:
    from moot.counting.formats.rctab_csv import read_rctab_csv

    return read_rctab_csv(path)


def _read_rctab_config(path: Path) -> Election:
    from moot.counting.formats.rctab import read_rctab_config

    return read_rctab_config(path)


def _read_cdf(path: Path) -> Election:
    from moot.counting.formats.cdf import read_cdf

    return read_cdf(path)


def _read_ess(path: Path) -> Election:
    from moot.counting.formats.ess import read_ess_xlsx

    return read_ess_xlsx(path)


def _read_ranked_vote(path: Path) -> Election:
    from moot.counting.formats.ranked_vote import read_ranked_vote

    return read_ranked_vote(path)


def _read_debian(path: Path) -> Election:
    from moot.counting.formats.debian import read_debian

    return read_debian(path)


_READERS: dict[str, Callable[[Path], Election]] = {
    "blt": _read_blt,
    "rctab-csv": _read_rctab_csv,
    "rctab-config": _read_rctab_config,
    "cdf": _read_cdf,
    "ess-xlsx": _read_ess,
    "ranked-vote": _read_ranked_vote,
    "debian": _read_debian,
}


def _head(path: Path, size: int = 65536) -> tuple[bytes, bool]:
    """The first ``size`` bytes (decompressed when gzip) and whether that is the whole file."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(size + 1)
    except FileNotFoundError:
        raise CountError("file not found; check the path", source=str(path)) from None
    except IsADirectoryError:
        raise CountError("is a folder, expected a ballot file", source=str(path)) from None
    except OSError as exc:
        raise CountError(f"cannot read the file: {exc.strerror}", source=str(path)) from None
    if raw[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as handle:
                raw = handle.read(size + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise CountError(f"the gzip data is damaged ({exc})", source=str(path)) from None
    return raw[:size], len(raw) <= size


def detect_format(path: str | Path) -> str:
    """The format name of ``path`` (see the module docstring), or a CountError saying why
    it cannot tell. Reads the first 64 KiB only (a JSON file is parsed whole when its start
    does not say which kind it is)."""
    path = Path(path)
    raw, whole = _head(path)
    if raw.startswith(b"PK\x03\x04"):
        return "ess-xlsx"
    head = raw.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    suffix = path.suffix.lower()
    if suffix == ".gz":  # votes.blt.gz: the format is in the suffix before
        suffix = Path(path.stem).suffix.lower()
    if head.startswith(("{", "[")) or suffix == ".json":
        if '"cvrFileSources"' in head:
            return "rctab-config"
        if '"CVR"' in head or "CastVoteRecordReport" in head:
            return "cdf"
        return _detect_json(path)
    if _DEBIAN_VOTE.search(head) and _DEBIAN_OPTION.search(head):
        return "debian"
    if _RANKED_VOTE_HEAD.match(head):
        return "ranked-vote"
    if (
        _BLT_HEAD.match(head)
        or suffix in _EXTENSIONS
        or (whole and re.fullmatch(r"\s*\d+\s+\d+\s*", head))
    ):
        return _EXTENSIONS.get(suffix, "blt")
    first_line = head.split("\n", 1)[0]
    if suffix == ".csv" or "," in first_line:
        return "rctab-csv"
    raise CountError(
        "cannot tell the format of this file; name it with --input-format "
        "(blt, rctab-csv, rctab-config, cdf, ess-xlsx, ranked-vote, debian)",
        source=str(path),
    )


def _detect_json(path: Path) -> str:
    try:
        text = decode(read_bytes(path), str(path), lines=False)
        data = json.loads(text, parse_int=json_int(str(path)))
    except json.JSONDecodeError as exc:
        raise CountError(
            f"invalid JSON: {exc.msg} (expected an RCTab config or a NIST CDF report)",
            source=str(path),
            line=exc.lineno,
            column=exc.colno,
        ) from None
    except RecursionError:
        raise CountError("the JSON is nested too deeply to read", source=str(path)) from None
    if isinstance(data, dict) and "cvrFileSources" in data:
        return "rctab-config"
    if isinstance(data, dict) and (
        "CVR" in data or "CastVoteRecordReport" in str(data.get("@type", ""))
    ):
        return "cdf"
    raise CountError(
        "a JSON file that is neither an RCTab contest config ('cvrFileSources') nor a NIST "
        "CDF cast vote record report ('CVR'); give --input-format",
        source=str(path),
    )


def read_election(
    path: str | Path,
    input_format: str = "auto",
    *,
    contest: str | None = None,
    blt_keep_after_title: bool = False,
) -> Election:
    """Read a ballot file into an :class:`~moot.counting.model.Election`.

    ``contest`` names the contest (``Name`` or ``@id``) of a CDF report holding several.
    ``blt_keep_after_title`` accepts notes after a BLT file's title (see
    :func:`~moot.counting.formats.blt.parse_blt`); otherwise they are refused.

    Bad input raises :class:`~moot.counting.model.CountError` naming the file, the line (or
    row and cell, or JSON path), the column and what was expected.
    """
    path = Path(path)
    if input_format == "auto":
        input_format = detect_format(path)
    reader = _READERS.get(input_format)
    if reader is None:
        raise CountError(
            f"unknown input format {input_format!r}; choose one of: auto, {', '.join(FORMATS)}",
            source=str(path),
        )
    if not path.exists():
        raise CountError("file not found; check the path", source=str(path))
    if contest is not None:
        if input_format != "cdf":
            raise CountError(
                f"a contest is named only for a CDF report; this is {input_format}",
                source=str(path),
            )
        from moot.counting.formats.cdf import read_cdf

        return read_cdf(path, contest=contest)
    if blt_keep_after_title:
        if input_format != "blt":
            raise CountError(
                f"--blt-keep-after-title is for a BLT file; this is {input_format}",
                source=str(path),
            )
        from moot.counting.formats.blt import read_blt

        return read_blt(path, keep_after_title=True)
    return reader(path)


__all__ = ["FORMATS", "detect_format", "read_election"]
