"""The checks of a Belenios 2.0 archive, in order, each group reported on one line.

archive -> setup -> trustees -> credentials -> ballots -> tally -> shuffles -> decryptions ->
result. The first failure stops the run (:class:`VerifyError`, naming the file, the event's height
and the field).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moot.verify.belenios.archive import Archive, Event, load_json, read_archive
from moot.verify.belenios.election import (
    BallotStats,
    CountedBallot,
    check_ballot,
    check_credentials,
    check_setup,
    check_trustees,
)
from moot.verify.belenios.errors import VerifyError
from moot.verify.belenios.tally import check_decryptions, check_result, check_shuffles, check_tally

# Which event may follow which (None: the start of the archive).
_NEXT: dict[str | None, tuple[str, ...]] = {
    None: ("Setup",),
    "Setup": ("Ballot", "EndBallots"),
    "Ballot": ("Ballot", "EndBallots"),
    "EndBallots": ("EncryptedTally",),
    "EncryptedTally": ("Shuffle", "PartialDecryption"),
    "Shuffle": ("Shuffle", "EndShuffles"),
    "EndShuffles": ("PartialDecryption",),
    "PartialDecryption": ("PartialDecryption", "Result"),
    "Result": (),
}


@dataclass
class Report:
    uuid: str = ""
    lines: list[str] = field(default_factory=list)
    result: Any = None

    def ok(self, group: str, text: str) -> None:
        self.lines.append(f"ok  {group}: {text}")


def _check_sequence(events: list[Event]) -> None:
    previous: str | None = None
    for event in events:
        if event.type not in _NEXT[previous]:
            after = f"after {previous}" if previous else "first"
            raise VerifyError(
                "archive",
                f"{event.type} event not allowed {after}",
                file=event.hash,
                height=event.height,
            )
        previous = event.type
    if previous != "Result":
        last = events[-1]
        raise VerifyError(
            "archive",
            f"the archive ends with {last.type} at height {last.height}: no Result "
            "(incomplete or truncated)",
            file=last.hash,
            height=last.height,
        )


def _references(archive: Archive) -> set[str]:
    """Every data file an event reaches (directly, or through setup, tally and owned payloads)."""
    seen: set[str] = set()
    for event in archive.events:
        if event.payload is None:
            continue
        seen.add(event.payload)
        if event.type in ("Setup", "EncryptedTally", "Shuffle", "PartialDecryption"):
            obj = load_json(
                archive.data[event.payload],
                group="archive",
                file=event.payload,
                height=event.height,
            )
            keys = {
                "Setup": ("election", "trustees", "credentials"),
                "EncryptedTally": ("encrypted_tally",),
            }.get(event.type, ("payload",))
            if isinstance(obj, dict):
                seen.update(v for k, v in obj.items() if k in keys and isinstance(v, str))
    return seen


def verify(path: Path) -> Report:
    report = Report()
    archive = read_archive(path)
    _check_sequence(archive.events)
    stray = sorted(set(archive.data) - _references(archive))
    if stray:
        raise VerifyError("archive", "data file not reached from any event", file=stray[0])
    report.ok(
        "archive",
        f"{archive.files} files ({len(archive.data)} data, {len(archive.events)} events), "
        f"every name the SHA-256 of its contents, a chain of {len(archive.events)} events "
        f"(heights 0-{archive.events[-1].height}), every data file reached",
    )
    events = archive.events
    election, files, group_checks = check_setup(archive, events[0])
    report.uuid = election.uuid
    nh = sum(1 for q in election.questions if not q.homomorphic)
    report.ok(
        "setup",
        f"election {election.uuid} ({election.name}), fingerprint {election.fingerprint}, "
        f"{len(election.questions)} question(s) ({nh} non-homomorphic), "
        f"group {election.group.name} (the known parameters; {'; '.join(group_checks)})",
    )
    trustees = check_trustees(archive, election, files["trustees"])
    report.ok("trustees", f"{trustees}, the election key the product of their keys")
    weighted = check_credentials(archive, election, files["credentials"])
    report.ok(
        "credentials",
        f"{len(election.credentials)} public credentials, distinct, in the group"
        f"{' (weighted)' if weighted else ' (no weights)'}",
    )
    stats = BallotStats()
    counted: dict[int, CountedBallot] = {}
    for event in (e for e in events if e.type == "Ballot"):
        credential, cts = check_ballot(archive, election, event, stats)
        stats.accepted += 1
        if credential in counted:
            stats.revotes += 1
            del counted[credential]  # the last ballot counts, in its own place
        assert event.payload is not None
        counted[credential] = CountedBallot(
            event.height, event.payload, election.credentials[credential], cts
        )
    report.ok(
        "ballots",
        f"{stats.accepted} ballots, {stats.accepted} signatures by listed credentials, "
        f"{stats.revotes} superseded by a later ballot; proofs: {stats.individual} individual, "
        f"{stats.overall} overall, {stats.blank} blank, {stats.raw} raw-ElGamal",
    )
    ballots = list(counted.values())
    tally_event = next(e for e in events if e.type == "EncryptedTally")
    tally = check_tally(archive, election, tally_event, ballots)
    report.ok(
        "tally",
        f"{len(ballots)} ballots counted (total weight {sum(b.weight for b in ballots)}), "
        f"the encrypted tally recomputed ({sum(len(c) for c in tally)} ciphertexts)",
    )
    shuffles = [e for e in events if e.type == "Shuffle"]
    final, shuffle_stats = check_shuffles(
        archive, election, shuffles, tally, len(election.trustee_keys)
    )
    if shuffles:
        report.ok(
            "shuffles",
            f"{len(shuffles)} shuffles (by trustees {', '.join(map(str, shuffle_stats.owners))}), "
            f"{shuffle_stats.proofs} proofs of shuffle over {len(ballots)} ciphertexts each",
        )
    else:
        report.ok("shuffles", "none (no non-homomorphic question)")
    decryptions = [e for e in events if e.type == "PartialDecryption"]
    combined, owners, factors = check_decryptions(archive, election, decryptions, final)
    report.ok(
        "decryptions",
        f"{len(owners)} partial decryptions (trustees {', '.join(map(str, owners))}), "
        f"{factors} factors, {factors} proofs",
    )
    report.result = check_result(
        archive,
        election,
        events[-1],
        final,
        combined=combined,
        total_weight=sum(b.weight for b in ballots),
    )
    report.ok(
        "result", f"the published result is the decryption of the tally: {_brief(report.result)}"
    )
    return report


def _brief(result: Any) -> str:
    text = str(result).replace(" ", "")
    return text if len(text) <= 120 else text[:117] + "..."
