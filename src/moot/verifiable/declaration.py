"""A verifiable ballot through issue 11's close, count and declaration (issue 12;
docs/verifiable.md, "A verifiable ballot from start to end").

Issue 11's actions run unchanged; they call these functions through ``moot.ballots.hooks``
(ballots does not import this app):

* **the close** (``actions.closing.do_close_ballot``): an online return of a verifiable ballot
  holds only :data:`~moot.verifiable.models.RETURN_MARK` (the vote is on the board, encrypted),
  so the close counts it for the precedence and the figures and unseals nothing
  (:func:`online_mark`); in the same transaction :func:`close_board` appends the board's
  ``close`` entry (the ballots taken, those that count, the head, the superseded trackers) and
  the election stops taking ballots.
* **the trustees** then mix and decrypt (``actions/trustees.py``, the ``moot trustee``
  command), up to the board's ``result`` entry.
* **the count** (``do_count_ballot``): :func:`take_result` turns the result's decrypted
  rankings into issue 11's anonymous ``CountedBallot`` rows beside the postal papers the
  tellers keyed (those are not on the board: the paper part is verified as in issue 11). A
  decrypted ranking that is not a ranking is counted as invalid: the returns say so, with its
  reason and its position in the last mixer's output ("invalid after decryption"). The
  count, the scrutineer's report and the declaration are issue 11's.
* **the record**: :func:`record_parts` adds the verifiable record (``moot.verify.vrecord``'s
  files, its own signed manifest) under ``verifiable/``; ``moot ballot verify`` checks both.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from django.utils import timezone

from moot.audit.actions import record
from moot.ballots import closing
from moot.ballots.errors import BallotError, RefusalCode
from moot.ballots.models import Ballot, Channel, Precedence, Return
from moot.verifiable import board
from moot.verifiable.audit_verbs import AuditVerb
from moot.verifiable.context import candidates_in_order
from moot.verifiable.models import (
    RETURN_MARK,
    BoardEntry,
    BoardKind,
    Election,
    ElectionState,
)
from moot.verify import vboard
from moot.verify.vballot import InvalidRanking, unpack

__all__ = [
    "INVALID_AFTER_DECRYPTION",
    "NO_MARK",
    "check_precedence",
    "close_board",
    "online_contents",
    "online_mark",
    "record_parts",
    "take_result",
    "verifiable_record_files",
]

CLAUSE = "docs/verifiable.md, A verifiable ballot from start to end"
INVALID_AFTER_DECRYPTION = "invalid after decryption"
NO_MARK = "no mark (after decryption)"


def _election(ballot: Ballot) -> Election | None:
    return Election.objects.filter(ballot_id=ballot.pk).first()


def online_mark(ballot: Ballot) -> str:
    """What a verifiable ballot's online returns hold instead of a sealed vote ("" when the
    ballot is not verifiable: its online returns are sealed as issue 11 seals them)."""
    return RETURN_MARK if _election(ballot) is not None else ""


def check_precedence(ballot: Ballot) -> None:
    """Before the issue: a paper cannot take the place of an online vote that is on the board
    (nobody knows which encrypted ballot is whose), so a verifiable ballot never lets papers
    count over online votes."""
    if _election(ballot) is None or ballot.precedence != Precedence.PAPER_WINS:
        return
    raise BallotError(
        "This ballot is verifiable: an online vote on the board cannot be set aside for a "
        "paper (nobody can tell which encrypted ballot is whose), so papers cannot count over "
        "online votes. Choose another precedence (online votes over papers, the last online "
        "vote, or the first received).",
        field="precedence",
        clause=CLAUSE,
        code=RefusalCode.RULE,
    )


def close_board(ballot: Ballot) -> None:
    """Inside the ballot's close: the board's ``close`` entry and the election closed. With a
    revote the last ballot of each credential counts and the others are listed as
    superseded."""
    election = _election(ballot)
    if election is None:
        return
    held = board.lock_election(election.pk)
    if held.state != ElectionState.OPEN:
        raise BallotError(
            "This ballot is verifiable and its election is "
            f"{held.get_state_display().lower()}, not open: it cannot be closed as it stands.",
            clause=CLAUSE,
            code=RefusalCode.STATE,
        )
    last: dict[str, str] = {}
    superseded: list[str] = []
    taken = 0
    rows = (
        BoardEntry.objects.filter(election_id=held.pk, kind=BoardKind.BALLOT)
        .order_by("height")
        .values_list("tracker", "credential")
        .iterator(chunk_size=closing.CHUNK)
    )
    for tracker, credential in rows:
        taken += 1
        if credential in last:
            superseded.append(last[credential])
        last[credential] = tracker
    head = held.board_head
    # The voters who voted online: issue 11's online returns (one per entitlement), which the
    # close counts; the verifier checks the board's counted ballots are as many.
    voters_online = Return.objects.filter(ballot=ballot, channel=Channel.ONLINE).count()
    board.append(
        held,
        vboard.CLOSE,
        {
            "ballots": taken,
            "counted": len(last),
            "head": head,
            "superseded": sorted(superseded),
            "voters_online": voters_online,
        },
        locked=True,
    )
    Election.objects.filter(pk=held.pk).update(state=ElectionState.CLOSED, closed_at=timezone.now())
    record(
        actor=None,
        verb=AuditVerb.CLOSE_BOARD,
        obj=ballot,
        after={
            "ballots": taken,
            "counted": len(last),
            "superseded": len(superseded),
            "board_head": held.board_head,
        },
        clause=CLAUSE,
        reason="the ballot's close",
    )


def _result(election: Election) -> dict[str, Any]:
    entry = (
        BoardEntry.objects.filter(election_id=election.pk, kind=BoardKind.RESULT)
        .order_by("-height")
        .first()
    )
    if election.state != ElectionState.DECRYPTED or entry is None:
        raise BallotError(
            "This ballot is verifiable: it is counted once its trustees have mixed and "
            "decrypted the online ballots (the board's result entry). The election is "
            f"{election.get_state_display().lower()}.",
            clause=CLAUSE,
            code=RefusalCode.STATE,
        )
    return board.payload_of(entry)


def _content(items: list[Any]) -> str:
    return json.dumps(items, separators=(",", ":"))


def online_contents(
    ballot: Ballot, result: dict[str, Any], counted: int
) -> tuple[list[str], list[dict[str, Any]]]:
    """The decrypted online votes as issue 11's contents (JSON lists of candidate ids, most
    preferred first, or ``["yes"]``/``["no"]``), and the invalid ones (position in the last
    mixer's output, reason). ``counted``: the ballots the board's close counted."""
    questions = result.get("questions") or []
    if len(questions) != 1:
        raise BallotError(
            f"The result holds {len(questions)} questions; a ballot of issue 11 has one.",
            code=RefusalCode.STATE,
        )
    question = questions[0]
    candidates = [c.pk for c in candidates_in_order(ballot)]
    contents: list[str] = []
    invalid: list[dict[str, Any]] = []
    if question.get("type") == "ranked":
        election = json.loads(_election(ballot).election_json)  # type: ignore[union-attr]
        pack = int(election["questions"][0]["pack"])
        rows = question.get("plaintexts") or []
        if len(rows) != counted:
            raise BallotError(
                f"The result decrypted {len(rows):,} rankings; the board counted {counted:,}.",
                code=RefusalCode.STATE,
            )
        for position, chunks in enumerate(rows):
            ranks = unpack(chunks, len(candidates), pack)
            if isinstance(ranks, InvalidRanking):
                invalid.append({"position": position, "reason": ranks.reason})
                continue
            order = sorted((rank, i) for i, rank in enumerate(ranks) if rank)
            contents.append(_content([candidates[i] for _, i in order]))
        return contents, invalid
    totals = [int(n) for n in question.get("totals") or []]
    if ballot.kind == "question":  # Yes/No, exactly one each
        contents = [_content(["yes"])] * totals[0] + [_content(["no"])] * totals[1]
    elif max(1, ballot.seats) == 1 or len(totals) == 1:
        for i, n in enumerate(totals):
            contents.extend([_content([candidates[i]])] * n)
    else:
        raise BallotError(
            "A verifiable ballot by crosses with more than one cross each is tallied as totals "
            "per candidate: its papers cannot be rebuilt one by one for issue 11's count.",
            clause=CLAUSE,
            code=RefusalCode.RULE,
        )
    blank = counted - len(contents)
    if blank < 0:
        raise BallotError(
            f"The decrypted totals add up to {len(contents):,}, more than the {counted:,} "
            "ballots the board counted.",
            code=RefusalCode.STATE,
        )
    invalid.extend({"position": None, "reason": NO_MARK} for _ in range(blank))
    return contents, invalid


def _close_payload(election: Election) -> dict[str, Any]:
    entry = BoardEntry.objects.get(election_id=election.pk, kind=BoardKind.CLOSE)
    return board.payload_of(entry)


def _amend_returns(returns: dict[str, Any], invalid: list[dict[str, Any]]) -> dict[str, Any]:
    """The close's figures with the invalid online ballots moved from counted to spoilt."""
    amended = json.loads(json.dumps(returns))
    online = amended["by_channel"][Channel.ONLINE.value]
    reasons = Counter(
        f"{INVALID_AFTER_DECRYPTION}: {row['reason']}"
        if row["reason"] != NO_MARK
        else row["reason"]
        for row in invalid
    )
    online["counted"] -= len(invalid)
    online["spoilt"] = online.get("spoilt", 0) + len(invalid)
    online["invalid_after_decryption"] = [row for row in invalid if row["position"] is not None]
    spoilt = Counter(amended.get("spoilt") or {})
    spoilt.update(reasons)
    amended["spoilt"] = dict(sorted(spoilt.items()))
    amended["counted"] -= len(invalid)
    return amended


def take_result(ballot: Ballot) -> None:
    """Inside the count (the ballot row locked, closed): the decrypted online votes written as
    anonymous counted ballots beside the papers, the invalid ones counted as spoilt with their
    reasons and positions. Refused, writing nothing, before the trustees have decrypted, or
    when the board and the returns disagree on how many online votes count."""
    election = _election(ballot)
    if election is None:
        return
    result = _result(election)
    close = _close_payload(election)
    returns = ballot.returns or {}
    online = (returns.get("by_channel") or {}).get(Channel.ONLINE.value) or {}
    if "invalid_after_decryption" in online:
        raise BallotError("The decrypted ballots were taken already.", code=RefusalCode.STATE)
    if int(online.get("counted", 0)) != int(close["counted"]):
        raise BallotError(
            f"The board counted {close['counted']:,} encrypted ballots but the close counted "
            f"{online.get('counted', 0):,} online returns: the count stops so that this can be "
            "investigated.",
            clause=CLAUSE,
            code=RefusalCode.STATE,
        )
    contents, invalid = online_contents(ballot, result, int(close["counted"]))
    closing.write_counted(ballot, contents)
    ballot.returns = _amend_returns(returns, invalid)
    ballot.save(update_fields=["returns"])
    record(
        actor=None,
        verb=AuditVerb.TAKE_RESULT,
        obj=ballot,
        after={
            "counted": len(contents),
            "invalid": len(invalid),
            "board_head": election.board_head,
        },
        clause=CLAUSE,
        reason="the ballot's count",
    )


def verifiable_record_files(election: Election) -> dict[str, bytes]:
    """The verifiable record's files (``moot verify``'s format): ``election.json``, the board,
    each ranked question's count files re-made from the result entry, the manifest signed by
    the site's audit key (when it has one)."""
    from moot.ballots.record import site_key
    from moot.verify.vrecord_write import record_files
    from moot.verify.vresult import count_files, ranking_of

    entries = [json.loads(entry.body) for entry in board.entries(election)]
    if not entries or entries[-1]["type"] != vboard.RESULT:
        raise BallotError(
            "The verifiable record is written once the board has its result.",
            code=RefusalCode.STATE,
        )
    document = json.loads(election.election_json)
    counting = entries[0]["payload"]["counting"]
    title = str(document["ballot"]["title"])
    made: dict[str, bytes] = {}
    for row in entries[-1]["payload"]["questions"]:
        if row["type"] != "ranked":
            continue
        q = int(row["question"])
        question = document["questions"][q]
        n, pack = len(question["candidates"]), int(question["pack"])
        rankings = []
        for chunks in row["plaintexts"]:
            ranks = unpack(chunks, n, pack)
            if not isinstance(ranks, InvalidRanking):
                rankings.append(ranking_of(ranks))
        # The post-issue events the result was counted with (withdrawals), when it holds them.
        extra: dict[str, Any] = {"events": row["events"]} if "events" in row else {}
        files, _elected = count_files(q, question, counting[str(q)], title, rankings, **extra)
        made.update(files)
    return record_files(document, entries, made, signing_key=site_key())


def record_parts(ballot: Ballot) -> list[tuple[str, bytes]]:
    """The verifiable record's files under ``verifiable/`` for issue 11's published record."""
    from moot.verify.record_verifiable import PREFIX

    election = _election(ballot)
    if election is None:
        return []
    return [(PREFIX + name, data) for name, data in verifiable_record_files(election).items()]
