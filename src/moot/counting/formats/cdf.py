"""NIST SP 1500-103 Cast Vote Record common data format (CDF), JSON encoding.

Read: ``Election[].Candidate[]`` (``@id``, ``Name``), the contest's ``ContestSelection[]``
(``@id`` -> ``CandidateIds``), and every ``CVR[]``: its current snapshot
(``CurrentSnapshotId``, else the first), the ``CVRContest`` of the contest, and each
``CVRContestSelection``'s ``SelectionPosition[]`` with its ``Rank``.

Interpretation:

* A position with ``HasIndication`` ``"no"`` or ``IsAllocable`` ``"no"`` is not a mark.
* A position without ``Rank`` is a mark at rank 1 (a single-choice contest).
* Two selections at the same rank are an overvote; a rank with no selection is skipped;
  :class:`~moot.counting.formats._common.RankRules` decide what they do (default: an overvote
  exhausts the paper, skipped ranks are passed over, a repeated candidate is passed over).
* A CVR with no ``CVRContest`` for the contest is a blank paper of that contest.
* A selection whose candidate is a write-in with no ``CandidateIds`` (or ``IsWriteIn``) goes
  to "Undeclared Write-ins", withdrawn.
* A file with several candidate contests needs the contest named (``contest=``, or the RCTab
  config's ``contestId``), by ``Name`` or ``@id``.

Errors name the JSON path (``CVR[12].CVRSnapshot[0]...``); a JSON syntax error gives the line
and column.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from moot.counting.formats._common import (
    RankRules,
    Roster,
    Tally,
    build_election,
    decode,
    interpret,
    read_bytes,
)
from moot.counting.limits import active, check_digits, is_whole, json_int, refuse
from moot.counting.model import CountError, Election, Ranking


def _unique_keys(source: str) -> Any:
    """An ``object_pairs_hook`` refusing a key given twice in one object: ``json`` keeps the
    last silently, so a second ``"CVR"`` list would drop every paper of the first."""

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise CountError(
                    f"the key {key!r} appears twice in one JSON object; the first would be "
                    "lost: re-export the file",
                    source=source,
                )
            out[key] = value
        return out

    return hook


def load_json(path: str | Path) -> Any:
    source = str(path)
    text = decode(read_bytes(path), source, lines=False)
    try:
        return json.loads(text, parse_int=json_int(source), object_pairs_hook=_unique_keys(source))
    except json.JSONDecodeError as exc:
        raise CountError(
            f"invalid JSON: {exc.msg}", source=source, line=exc.lineno, column=exc.colno
        ) from None
    except RecursionError:
        raise CountError("the JSON is nested too deeply to read", source=source) from None


def _list(node: Any, key: str, where: str, source: str, *, required: bool = True) -> list[Any]:
    if not isinstance(node, dict):
        raise CountError(f"{where}: expected a JSON object", source=source)
    value = node.get(key)
    if value is None:
        if required:
            raise CountError(f"{where}: missing {key!r}; expected a list", source=source)
        return []
    if isinstance(value, dict):  # one item written without its list
        return [value]
    if not isinstance(value, list):
        raise CountError(
            f"{where}.{key}: expected a list, found {type(value).__name__}", source=source
        )
    return value


def _text(node: Any, key: str, where: str, source: str) -> str:
    value = node.get(key) if isinstance(node, dict) else None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise CountError(f"{where}: missing {key!r} (expected a string)", source=source)
    return str(value)


def _contest(data: dict[str, Any], wanted: str | None, source: str) -> tuple[dict[str, Any], str]:
    contests: list[tuple[dict[str, Any], str]] = []
    for e, election in enumerate(_list(data, "Election", "the report", source)):
        for c, contest in enumerate(_list(election, "Contest", f"Election[{e}]", source)):
            contests.append((contest, f"Election[{e}].Contest[{c}]"))
    if not contests:
        raise CountError("the report has no Contest", source=source)
    if wanted:
        for contest, where in contests:
            if isinstance(contest, dict) and wanted in (contest.get("Name"), contest.get("@id")):
                return contest, where
        raise CountError(
            f"no contest named {wanted!r}; the file has: "
            + ", ".join(
                repr(c.get("Name") or c.get("@id")) for c, _ in contests if isinstance(c, dict)
            ),
            source=source,
        )
    candidate = [
        (c, w)
        for c, w in contests
        if isinstance(c, dict)
        and c.get("@type", "CandidateContest") in ("CandidateContest", "CVR.CandidateContest")
    ]
    if len(candidate) != 1:
        raise CountError(
            f"the file has {len(candidate)} candidate contests; name one ("
            + ", ".join(repr(c.get("Name") or c.get("@id")) for c, _ in candidate)
            + ") with moot count --contest, or in the RCTab config's contestId",
            source=source,
        )
    return candidate[0]


def cdf_papers(
    path: str | Path,
    roster: Roster,
    rules: RankRules,
    tally: Tally,
    *,
    contest: str | None = None,
    data: Any = None,
) -> tuple[list[tuple[Ranking, int]], str]:
    """The papers of one CDF report for one contest, and the contest's name."""
    source = str(path)
    if data is None:
        data = load_json(path)
    if not isinstance(data, dict):
        raise CountError("expected a CastVoteRecordReport JSON object", source=source)
    # Candidates by @id.
    by_id: dict[str, str] = {}
    for e, election in enumerate(_list(data, "Election", "the report", source)):
        for c, cand in enumerate(
            _list(election, "Candidate", f"Election[{e}]", source, required=False)
        ):
            where = f"Election[{e}].Candidate[{c}]"
            cid, cname = _text(cand, "@id", where, source), _text(cand, "Name", where, source)
            if by_id.setdefault(cid, cname) != cname:
                raise CountError(
                    f"{where}: candidate id {cid!r} is also {by_id[cid]!r}; each id names one "
                    "candidate (the votes for one would be counted for the other)",
                    source=source,
                )
    node, where = _contest(data, contest, source)
    contest_id = _text(node, "@id", where, source)
    contest_name = str(node.get("Name") or contest_id)
    selection_to: dict[str, int | None] = {}
    for s, sel in enumerate(_list(node, "ContestSelection", where, source)):
        swhere = f"{where}.ContestSelection[{s}]"
        sid = _text(sel, "@id", swhere, source)
        if sid in selection_to:
            raise CountError(
                f"{swhere}: selection id {sid!r} is given twice in the contest; each "
                "selection needs an id of its own",
                source=source,
            )
        ids = _list(sel, "CandidateIds", swhere, source, required=False)
        if not ids:
            if sel.get("IsWriteIn") in (True, "true") or not roster.fixed:
                roster.undeclared.add("\x00write-in")
                selection_to[sid] = roster.index("\x00write-in")
                continue
            raise CountError(f"{swhere}: a selection with no CandidateIds", source=source)
        if len(ids) != 1 or not isinstance(ids[0], str):
            raise CountError(f"{swhere}.CandidateIds: expected one candidate id", source=source)
        name = by_id.get(ids[0])
        if name is None:
            raise CountError(
                f"{swhere}: candidate id {ids[0]!r} is not in Election[].Candidate",
                source=source,
            )
        index = roster.index(name)
        if index is None:
            index = roster.index(ids[0])
        if index is None:
            raise CountError(
                f"{swhere}: candidate {name!r} is not in the contest config ({roster.known()})",
                source=source,
            )
        selection_to[sid] = index

    papers: list[tuple[Ranking, int]] = []
    records = _list(data, "CVR", "the report", source)
    if len(records) > active().lines:
        raise refuse(f"{len(records):,} cast vote records", active().lines, "lines", source=source)
    for n, cvr in enumerate(records):
        cwhere = f"CVR[{n}]"
        snapshots = _list(cvr, "CVRSnapshot", cwhere, source)
        current = cvr.get("CurrentSnapshotId")
        snap_index = next(
            (i for i, s in enumerate(snapshots) if isinstance(s, dict) and s.get("@id") == current),
            0,
        )
        if not snapshots:
            raise CountError(f"{cwhere}.CVRSnapshot: empty; expected a snapshot", source=source)
        snapshot = snapshots[snap_index]
        swhere = f"{cwhere}.CVRSnapshot[{snap_index}]"
        marks: dict[int, list[int]] = {}
        for k, cvr_contest in enumerate(
            _list(snapshot, "CVRContest", swhere, source, required=False)
        ):
            kwhere = f"{swhere}.CVRContest[{k}]"
            if _text(cvr_contest, "ContestId", kwhere, source) != contest_id:
                continue
            for j, chosen in enumerate(
                _list(cvr_contest, "CVRContestSelection", kwhere, source, required=False)
            ):
                jwhere = f"{kwhere}.CVRContestSelection[{j}]"
                sid = _text(chosen, "ContestSelectionId", jwhere, source)
                if sid not in selection_to:
                    raise CountError(
                        f"{jwhere}: ContestSelectionId {sid!r} is not a selection of contest "
                        f"{contest_name!r}",
                        source=source,
                    )
                for p, pos in enumerate(_list(chosen, "SelectionPosition", jwhere, source)):
                    pwhere = f"{jwhere}.SelectionPosition[{p}]"
                    if not isinstance(pos, dict):
                        raise CountError(f"{pwhere}: expected a JSON object", source=source)
                    if pos.get("HasIndication") == "no" or pos.get("IsAllocable") == "no":
                        continue
                    rank = pos.get("Rank", 1)
                    if isinstance(rank, str) and is_whole(rank.strip()):
                        rank = check_digits(rank.strip(), f"{pwhere}.Rank", source=source)
                    if not isinstance(rank, int) or isinstance(rank, bool) or not 1 <= rank <= 1000:
                        raise CountError(
                            f"{pwhere}.Rank: expected a whole number 1..1000, found {rank!r}",
                            source=source,
                        )
                    marks.setdefault(rank, []).append(selection_to[sid])  # type: ignore[arg-type]
        top = max(marks, default=0)
        positions = [marks.get(r, []) for r in range(1, top + 1)]
        papers.append((interpret(positions, rules, tally), 1))
    return papers, contest_name


def read_cdf(
    path: str | Path,
    *,
    rules: RankRules | None = None,
    seats: int = 1,
    contest: str | None = None,
) -> Election:
    """A CDF JSON report on its own: the candidates of the contest in the order listed."""
    rules = rules or RankRules()
    roster = Roster(source=str(path))
    tally = Tally()
    papers, name = cdf_papers(path, roster, rules, tally, contest=contest)
    return build_election(
        names=roster.names,
        papers=papers,
        seats=seats,
        title=name,
        source=str(path),
        withdrawn=roster.withdrawn,
        comment=f"NIST CDF; {rules.describe()}; {tally.note()}",
        exhausted_at_start=tally.exhausted_at_start,
    )


def cdf_chunks(election: Election, *, report_id: str = "moot") -> Iterator[str]:
    """The text of :func:`write_cdf` in pieces (a record a piece), so a writer or a hash can
    take it without holding it whole: the election's papers as a NIST CDF JSON report, one
    ``CVR`` per paper (a ranking of weight *w* is *w* records, in the election's order), its
    candidates as ``cand-<n>`` and their selections as ``sel-<n>`` (``n`` is the BLT number),
    ranks from 1 (an equal ranking puts several selections at one rank), a blank paper as a
    record with no ``CVRContest``. One record a line, so a difference shows as a line.
    :func:`read_cdf` reads it back to the same papers when no ranking is equal (a CDF reader
    takes two selections at one rank for an overvote)."""
    n = len(election.candidates)
    contest = {
        "@id": "contest-1",
        "@type": "CandidateContest",
        "Name": election.title or "Count",
        "NumberElected": election.seats,
        "ContestSelection": [
            {"@id": f"sel-{i}", "@type": "CandidateSelection", "CandidateIds": [f"cand-{i}"]}
            for i in range(1, n + 1)
        ],
    }
    head = {
        "@type": "CVR.CastVoteRecordReport",
        "Version": "1.0.0",
        "ReportGeneratingDeviceIds": [report_id],
        "Election": [
            {
                "@id": "election-1",
                "@type": "Election",
                "Candidate": [
                    {"@id": f"cand-{i + 1}", "@type": "Candidate", "Name": c.name}
                    for i, c in enumerate(election.candidates)
                ],
                "Contest": [contest],
            }
        ],
    }

    def record(ranking: Ranking) -> str:
        selections = [
            {
                "ContestSelectionId": f"sel-{c + 1}",
                "SelectionPosition": [{"HasIndication": "yes", "NumberVotes": 1, "Rank": rank}],
            }
            for rank, level in enumerate(ranking, start=1)
            for c in level
        ]
        contests = (
            [{"ContestId": "contest-1", "CVRContestSelection": selections}] if selections else []
        )
        snapshot = {"@id": "snapshot-1", "Type": "original", "CVRContest": contests}
        return json.dumps(
            {"@type": "CVR", "CurrentSnapshotId": "snapshot-1", "CVRSnapshot": [snapshot]},
            separators=(",", ":"),
            ensure_ascii=False,
        )

    opening = json.dumps(head, separators=(",", ":"), ensure_ascii=False)[:-1]
    yield opening + ',"CVR":[\n'
    separator = ""
    for ranking, weight in zip(election.ballots.rankings, election.ballots.weights, strict=True):
        line = record(ranking)
        for _ in range(weight):
            yield separator + line
            separator = ",\n"
    yield "\n]}\n"


def write_cdf(election: Election, *, report_id: str = "moot") -> str:
    """The election's papers as a NIST CDF JSON report (:func:`cdf_chunks` joined)."""
    return "".join(cdf_chunks(election, report_id=report_id))
