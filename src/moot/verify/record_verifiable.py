"""The verifiable part of a ballot's published record (issue 12; docs/verifiable.md, "A verifiable
ballot from start to end"). Pure: no Django.

A ballot run verifiable publishes issue 11's record with the verifiable record beside it, under
``verifiable/`` (``election.json``, ``board.jsonl``, each ranked question's count files and its
own signed ``manifest.json``, as :mod:`moot.verify.vrecord_write` writes them). The bundle's
manifest lists and hashes them like every other file, so the site's signature covers them.

:func:`check_verifiable` runs after issue 11's checks:

1. the definition says the ballot is verifiable exactly when the bundle holds ``verifiable/``
   files, and names the same election (uuid);
2. the verifiable record holds (:func:`moot.verify.vrecord.verify_files`: keys, credentials,
   every ballot, the close, every shuffle and decryption share, the result re-derived);
3. the online part joins the count: the online votes counted in ``returns.json`` are the
   board's valid decrypted rankings, the invalid ones are those the result lists (same
   positions), and ``ballots.blt`` holds every one of those rankings plus the postal papers
   counted (which are not on the board: they are verified as in issue 11).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

PREFIX = "verifiable/"
NAME = re.compile(
    r"^verifiable/(election\.json|board\.jsonl|manifest\.json|"
    r"q(0|[1-9][0-9]{0,2})-(ballots\.blt|count\.txt|count\.json|rctab-summary\.json))$"
)
_ORDER = ("election.json", "board.jsonl")

__all__ = [
    "PREFIX",
    "check_verifiable",
    "is_ballot_bundle",
    "is_verifiable_file",
    "run_ballot_bundle",
    "verifiable_names",
]


def is_verifiable_file(name: str) -> bool:
    return NAME.match(name) is not None


def verifiable_names(names: Any) -> list[str]:
    """The verifiable files among ``names`` in the verifiable record's own order: election,
    board, each ranked question's files by question, its manifest last."""
    present = [name for name in names if is_verifiable_file(name)]

    def key(name: str) -> tuple[int, int, str]:
        short = name[len(PREFIX) :]
        if short in _ORDER:
            return (0, _ORDER.index(short), "")
        if short == "manifest.json":
            return (2, 0, "")
        question, _, rest = short.partition("-")
        kinds = ("ballots.blt", "count.txt", "count.json", "rctab-summary.json")
        return (1, int(question[1:]) * 10 + kinds.index(rest), "")

    return sorted(present, key=key)


class _StopError(Exception):
    def __init__(self, file: str, message: str) -> None:
        self.file, self.message = file, message


def _rankings(blt: str, source: str) -> tuple[list[str], Counter[tuple[str, ...]]]:
    from moot.counting.formats.blt import parse_blt
    from moot.counting.model import CountError

    try:
        election = parse_blt(blt, source=source)
    except CountError as exc:
        raise _StopError(source, str(exc)) from None
    names = [c.name for c in election.candidates]
    out: Counter[tuple[str, ...]] = Counter()
    for ranking, weight in zip(election.ballots.rankings, election.ballots.weights, strict=True):
        out[tuple(names[i] for level in ranking for i in level)] += weight
    return names, out


def _join(  # noqa: PLR0917 - the parts of both records the join reads
    definition: Mapping[str, Any],
    returns: Mapping[str, Any],
    election: Mapping[str, Any],
    result: Mapping[str, Any],
    inner: Mapping[str, bytes],
    main_blt: str,
) -> str:
    part = definition.get("verifiable") or {}
    if election.get("uuid") != part.get("uuid"):
        raise _StopError(
            PREFIX + "election.json",
            f"is election {election.get('uuid')!r}; the definition names {part.get('uuid')!r}",
        )
    online = (returns.get("by_channel") or {}).get("online") or {}
    post = (returns.get("by_channel") or {}).get("post") or {}
    questions = [q for q in result.get("questions") or [] if q.get("type") == "ranked"]
    if not questions:
        # Totals (yes/no, one cross): each decrypted mark is one online vote counted.
        totals = [int(n) for q in result.get("questions") or [] for n in q.get("totals") or []]
        if sum(totals) != int(online.get("counted", -1)):
            raise _StopError(
                "returns.json",
                f"counts {online.get('counted')} online votes; the board's decrypted totals "
                f"{totals} add up to {sum(totals)}",
            )
        return f"the count holds the board's decrypted totals {totals} as its online votes"
    question = questions[0]
    q = question["question"]
    invalid = [row["position"] for row in question.get("invalid") or []]
    listed = [row.get("position") for row in online.get("invalid_after_decryption") or []]
    if listed != invalid:
        raise _StopError(
            "returns.json",
            f"online invalid_after_decryption lists positions {listed}; the board's result "
            f"lists {invalid}",
        )
    if int(online.get("counted", -1)) != int(question["valid"]):
        raise _StopError(
            "returns.json",
            f"counts {online.get('counted')} online votes; the board's result has "
            f"{question['valid']} valid rankings",
        )
    blt_name = f"q{q}-ballots.blt"
    if int(question["valid"]) == 0:
        # No valid ranking: the board's BLT holds no ballot line, which moot.counting refuses
        # to read as an election (docs/verifiable.md §12.1); its bytes were re-derived with
        # the verifiable record, so the names are the question's.
        names = [str(name) for name in election["questions"][q]["candidates"]]
        board_rankings: Counter[tuple[str, ...]] = Counter()
    else:
        names, board_rankings = _rankings(inner[blt_name].decode(), PREFIX + blt_name)
    main_names, main_rankings = _rankings(main_blt, "ballots.blt")
    if sorted(names) != sorted(main_names):
        raise _StopError("ballots.blt", f"names {main_names}; the board's question names {names}")
    short = [r for r, n in board_rankings.items() if main_rankings[r] < n]
    if short:
        raise _StopError(
            "ballots.blt",
            f"holds fewer ballots ranking {' > '.join(short[0]) or '(blank)'} than the board's "
            "decrypted rankings: an online vote was left out of the count",
        )
    papers = main_rankings.total() - board_rankings.total()
    if papers != int(post.get("counted", 0)):
        raise _StopError(
            "ballots.blt",
            f"holds {papers:,} ballots beside the board's {board_rankings.total():,}; the "
            f"returns count {post.get('counted', 0):,} postal papers",
        )
    return (
        f"the count holds the board's {board_rankings.total():,} valid decrypted rankings "
        f"({len(invalid):,} invalid after decryption) and {papers:,} postal papers"
    )


def check_verifiable(
    data: Mapping[str, Any],
    files: Mapping[str, Any],
    main_blt: str,
    report: Any,
    *,
    workers: int = 1,
) -> None:
    """Check the bundle's verifiable part (see the module) into issue 11's ``report``."""
    from moot.verify.record import member_bytes
    from moot.verify.vrecord import Report, verify_files

    definition = data.get("definition.json") or {}
    names = verifiable_names(files)
    part = definition.get("verifiable") if isinstance(definition, dict) else None
    if not part and not names:
        return
    if not names:
        report.fail(
            "definition.json",
            'says the ballot is verifiable ("verifiable"), but the bundle holds no '
            "verifiable/ files (the board and its record)",
        )
        return
    if not part:
        report.fail(names[0], "is in the bundle, but the definition does not say it is verifiable")
        return
    inner = {name[len(PREFIX) :]: member_bytes(files[name]) for name in names}
    vreport = Report(
        PREFIX + "manifest.json",
        trusted_key=report.trusted_key,
        fingerprint=report.fingerprint,
        workers=workers,
    )
    verify_files(inner, vreport)
    report.passed.extend("verifiable: " + line for line in vreport.passed)
    if vreport.failure is not None:
        failure = vreport.failure
        where = f", entry {failure.height}" if failure.height is not None else ""
        where += f", {failure.where}" if failure.where else ""
        report.fail(PREFIX + failure.file, f"{failure.message}{where}")
        return
    try:
        election = json.loads(inner["election.json"])
        last = inner["board.jsonl"].rstrip(b"\n").rsplit(b"\n", 1)[-1]
        result = json.loads(last)["payload"]
        line = _join(definition, data.get("returns.json") or {}, election, result, inner, main_blt)
    except _StopError as stop:
        report.fail(stop.file, stop.message)
        return
    report.passed.append("verifiable: " + line)


def is_ballot_bundle(path: Any) -> bool:
    """Whether ``path`` is a ballot's published record (issue 11's bundle: it holds
    ``definition.json``), rather than a verifiable record alone."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return "definition.json" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def run_ballot_bundle(options: Any, key: bytes | None, fingerprint: str | None) -> int:
    """``moot verify BUNDLE.zip`` on a ballot's published record: issue 11's checks and the
    verifiable part's, one line each; the exit codes of ``moot ballot verify``."""
    import sys

    from moot.verify.record import verify_bundle
    from moot.verify.vrecord import UNAUTHENTICATED_EXIT

    report = verify_bundle(options.record, public_key=key, fingerprint=fingerprint)
    lines = report.lines()
    for line in lines[:-1]:
        if not options.quiet or line.startswith("FAIL"):
            (sys.stderr if line.startswith("FAIL") else sys.stdout).write(line + "\n")
    (sys.stdout if report.holds else sys.stderr).write(lines[-1] + "\n")
    if report.holds:
        return 0
    if not report.ok:
        return 1
    return 0 if options.unauthenticated else UNAUTHENTICATED_EXIT
