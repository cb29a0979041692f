"""Verify a ballot's published record (the bundle ``moot ballot export`` writes) from the file
alone: no database, no server, nothing of Django (``moot ballot verify BUNDLE``).

The bundle is a zip of these files (``FILES``), each described in docs/ballots.md:

* ``manifest.json``: the SHA-256 of every other file, the ballot, the declared elected list;
* ``definition.json``: the frozen definition (seats, method, tie-break, seed, candidates);
* ``roll-commitment.json``: the frozen roll's Merkle root, size and counts;
* ``issue.json``: credentials issued, reissued and revoked by channel; deliveries by state;
* ``events.json``: post-issue events with authority, time, clause, notice and the returns
  received before and after each;
* ``returns.json``: returns received by channel, set aside by reason, spoilt by reason, counted;
* ``ballots.blt`` and ``ballots-cdf.json``: the counted ballots, anonymous, in one order;
* ``count.txt``, ``count.json``, ``rctab-summary.json``: the declared count's report;
* ``scrutineer-report.json``: the scrutineer's report (TULRCA s.52);
* ``audit-head.json``: the audit chain's head at the declaration (signed) and the freeze's
  event with the definition's hash.
* ``countback-<n>.json`` (one per countback after the declaration, if any): re-run and
  compared byte for byte by :mod:`moot.verify.record_countbacks`.
* ``verifiable/…`` (a ballot run verifiable, issue 12): the board and the verifiable record,
  checked by :mod:`moot.verify.record_verifiable` (which calls ``moot verify``'s checker)
  and joined to the count.

:func:`verify_bundle` checks the hashes, recounts with :mod:`moot.verify.ballot_count` (the
function the server counted with) and compares the report byte for byte, and checks that the
figures add up. Each failure names the file and what is wrong.

Whoever changes the ballots can re-derive every file, so a bundle that adds up proves only that
it is internally consistent. That it is the site's record is shown by the site's signature over
the manifest (which holds the SHA-256 of every other file), checked with a key the verifier is
given (:mod:`moot.verify.record_keys`), never with a key found in the bundle. Without one the
report says UNAUTHENTICATED (``Report.authenticated`` is False).
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "moot-ballot-record/1"
MANIFEST = "manifest.json"
FILES = (
    "definition.json",
    "roll-commitment.json",
    "issue.json",
    "events.json",
    "returns.json",
    "ballots.blt",
    "ballots-cdf.json",
    "count.txt",
    "count.json",
    "rctab-summary.json",
    "scrutineer-report.json",
    "audit-head.json",
    MANIFEST,
)
# A countback after the declaration (``countback-<n>.json``, n = 1, 2, … in the order they were
# recorded): listed and hashed by the manifest like every other file, so the site's signature
# covers it; not part of the content digest the audit head carries (that is the declaration's).
COUNTBACK = re.compile(r"^countback-([1-9][0-9]{0,3})\.json$")
COUNTBACK_FORMAT = "moot-ballot-countback/1"


def is_record_file(name: str) -> bool:
    from moot.verify.record_verifiable import is_verifiable_file

    return name in FILES or COUNTBACK.match(name) is not None or is_verifiable_file(name)


def countback_name(number: int) -> str:
    return f"countback-{number}.json"


def countback_names(names: Any) -> list[str]:
    """The countback files among ``names``, by number."""
    found = [(int(m.group(1)), name) for name in names if (m := COUNTBACK.match(name))]
    return [name for _, name in sorted(found)]


def record_order(names: Any) -> list[str]:
    """The files in the zip's order: ``FILES`` (the manifest last) with the countbacks just
    before the manifest."""
    from moot.verify.record_verifiable import verifiable_names

    present = set(names)
    return [
        *(name for name in FILES if name in present and name != MANIFEST),
        *countback_names(present),
        *verifiable_names(present),  # a verifiable ballot's board and record (issue 12)
        *([MANIFEST] if MANIFEST in present else []),
    ]


# A zip's stated sizes are checked before anything is read: a bundle of 500,000 ballots is
# some hundreds of megabytes uncompressed; a file claiming more is refused, not inflated.
MAX_FILE_BYTES = 2 * 1024**3
MAX_TOTAL_BYTES = 4 * 1024**3


def dump_json(data: object) -> bytes:
    """The one way a JSON file of the bundle is written (the verifier compares bytes)."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


CONTENT_FILES = tuple(name for name in FILES if name not in ("audit-head.json", MANIFEST))


def content_digest(files: Mapping[str, bytes]) -> str:
    """The SHA-256 over the record's content (every file but the audit head and the manifest):
    of the JSON object file name → SHA-256, keys sorted, no spaces. The site signs it."""
    return content_digest_of({name: member_sha256(files[name]) for name in CONTENT_FILES})


def content_digest_of(hashes: Mapping[str, str]) -> str:
    """:func:`content_digest` from the files' SHA-256 (name → hex) already computed."""
    listed = {name: hashes[name] for name in CONTENT_FILES}
    return sha256_hex(json.dumps(listed, sort_keys=True, separators=(",", ":")).encode())


def canonical_sha256(data: object) -> str:
    """The definition's hash as recorded at the freeze (``definition.sha256_of``)."""
    return sha256_hex(
        json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )


@dataclass(frozen=True)
class Problem:
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass
class Report:
    """What :func:`verify_bundle` found: the problems (none when the bundle holds) and the
    checks that passed, in order."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)
    elected: list[str] = field(default_factory=list)
    # The trusted key (32 raw bytes) given by the caller, or pinned by its fingerprint.
    trusted_key: bytes | None = None
    fingerprint: str | None = None
    authenticated: bool = False
    recount: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def holds(self) -> bool:
        """Consistent AND signed by the trusted key: the only state that is "the record holds"."""
        return self.ok and self.authenticated

    def fail(self, file: str, message: str) -> None:
        self.problems.append(Problem(file, message))

    def lines(self) -> list[str]:
        out = [f"ok   {line}" for line in self.passed]
        out += [f"FAIL {problem}" for problem in self.problems]
        elected = ", ".join(self.elected) or "none"
        if self.holds:
            out.append(
                f"{self.source}: the record holds and is signed by the site's key; "
                f"elected: {elected}"
            )
        elif self.ok:
            out.append(
                f"{self.source}: UNAUTHENTICATED: the files are internally consistent (elected: "
                f"{elected}) but nothing shows they are the site's record: anyone can re-derive "
                "a consistent bundle from changed ballots. Verify with the site's key: "
                "--public-key KEY (or --key-fingerprint FINGERPRINT), from the record page or "
                "`moot audit public-key`"
            )
        else:
            out.append(f"{self.source}: the record does NOT hold ({len(self.problems)} problem(s))")
        return out


# The CDF says the same ballots as the BLT, in the same bytes the site writes from it: it is
# hashed as it is read from the zip and kept there (some hundreds of megabytes at 500,000
# ballots), read again only when it differs, to say what differs.
STREAMED = ("ballots-cdf.json",)


@dataclass(frozen=True)
class ZipMember:
    """A file of the bundle left in the zip: its SHA-256 and size, read when needed."""

    path: str
    name: str
    sha256: str
    size: int

    def read(self) -> bytes:
        with zipfile.ZipFile(self.path) as archive:
            return archive.read(self.name)


def member_bytes(value: bytes | ZipMember) -> bytes:
    return value.read() if isinstance(value, ZipMember) else value


def member_sha256(value: bytes | ZipMember) -> str:
    return value.sha256 if isinstance(value, ZipMember) else sha256_hex(value)


def _streamed(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str) -> ZipMember:
    digest = hashlib.sha256()
    size = 0
    with archive.open(info) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return ZipMember(path, info.filename, digest.hexdigest(), size)


class _StopError(Exception):
    """A problem after which the checks that depend on it cannot run."""


def read_bundle(path: str | Path) -> tuple[dict[str, Any], list[Problem]]:
    """The files of the zip at ``path`` by name (bytes; the ``STREAMED`` ones as a
    :class:`ZipMember`), and the problems of its shape (a missing or unexpected member, a
    member too large, a zip that cannot be read)."""
    source = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        return {}, [Problem(source, "no such file; check the path")]
    except (zipfile.BadZipFile, OSError) as exc:
        return {}, [Problem(source, f"not a readable zip file ({exc})")]
    problems: list[Problem] = []
    files: dict[str, Any] = {}
    with archive:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        if total > MAX_TOTAL_BYTES:
            return {}, [Problem(source, f"claims {total:,} bytes uncompressed; refused")]
        names = [info.filename for info in infos]
        for name, seen in Counter(names).items():
            if seen > 1:
                problems.append(Problem(name, f"appears {seen} times in the zip; expected once"))
        for info in infos:
            if not is_record_file(info.filename):
                problems.append(
                    Problem(
                        info.filename,
                        "is not a file of a ballot record; expected only: "
                        + ", ".join(FILES)
                        + ", countback-1.json, countback-2.json, … and a verifiable "
                        "ballot's verifiable/election.json, verifiable/board.jsonl, …",
                    )
                )
                continue
            if info.file_size > MAX_FILE_BYTES:
                problems.append(Problem(info.filename, f"claims {info.file_size:,} bytes; refused"))
                continue
            try:
                if info.filename in STREAMED:
                    files[info.filename] = _streamed(archive, info, source)
                else:
                    files[info.filename] = archive.read(info)
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                problems.append(Problem(info.filename, f"cannot be read from the zip ({exc})"))
    return files, problems


def verify_bundle(
    path: str | Path, *, public_key: bytes | None = None, fingerprint: str | None = None
) -> Report:
    """Verify the bundle at ``path`` (see the module docstring), with the site's public key (32
    raw bytes) or its fingerprint (64 hex digits) when given."""
    files, problems = read_bundle(path)
    report = Report(str(path), trusted_key=public_key, fingerprint=fingerprint)
    report.problems.extend(problems)
    if problems and not files:
        return report
    return verify_files(files, report)


def verify_files(
    files: Mapping[str, Any],
    report: Report | None = None,
    *,
    public_key: bytes | None = None,
    fingerprint: str | None = None,
) -> Report:
    """Verify a bundle already read (name → bytes, or a :class:`ZipMember`)."""
    report = report or Report("the bundle", trusted_key=public_key, fingerprint=fingerprint)
    missing = [name for name in FILES if name not in files]
    for name in missing:
        report.fail(name, "missing from the bundle")
    if missing:
        return report
    try:
        hashes = {name: member_sha256(value) for name, value in files.items()}
        manifest = _check_manifest(files, hashes, report)
        data = {
            name: _json(files, name, report)
            for name in FILES
            if name.endswith(".json") and name not in STREAMED
        }
        _check_definition(data["definition.json"], manifest, report)
        _check_roll(data["roll-commitment.json"], report)
        counted = _check_returns(data["returns.json"], report)
        _check_issue(data["issue.json"], data["roll-commitment.json"], counted, report)
        _check_events(data["events.json"], data["returns.json"], data["definition.json"], report)
        blt_text = _text(files, "ballots.blt", report)
        _check_ballots(blt_text, files, hashes, counted, report)
        _check_count(data, files, blt_text, manifest, report)
        from moot.verify.record_countbacks import check_countbacks

        check_countbacks(data, files, blt_text, manifest, report)
        _check_audit_head(data["audit-head.json"], hashes, manifest, report)
        from moot.verify.record_keys import check_signatures

        check_signatures(data["audit-head.json"], manifest, report)
        _check_scrutineer(data["scrutineer-report.json"], data["returns.json"], report)
        from moot.verify.record_verifiable import check_verifiable

        check_verifiable(data, files, blt_text, report)
    except _StopError:
        pass
    return report


# -- the pieces --------------------------------------------------------------------------------


def _require(value: Any, kind: type | tuple[type, ...], file: str, what: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise _ProblemError(file, f"{what}: expected {_article(names)}, found {value!r:.60}")
    return value


def _article(name: str) -> str:
    words = {"dict": "a JSON object", "list": "a list", "int": "a whole number", "str": "text"}
    return " or ".join(words.get(part, part) for part in name.split(" or "))


class _ProblemError(Exception):
    def __init__(self, file: str, message: str) -> None:
        super().__init__(message)
        self.file = file
        self.message = message


def _count(value: Any, file: str, what: str) -> int:
    value = _require(value, int, file, what)
    if value < 0:
        raise _ProblemError(file, f"{what}: {value} is negative")
    return int(value)


def _json(files: Mapping[str, bytes], name: str, report: Report) -> Any:
    if name not in files:
        raise _StopError
    try:
        return json.loads(files[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.fail(name, f"is not valid JSON ({exc})")
        raise _StopError from None


def _text(files: Mapping[str, bytes], name: str, report: Report) -> str:
    if name not in files:
        raise _StopError
    try:
        return files[name].decode("utf-8")
    except UnicodeDecodeError as exc:
        report.fail(name, f"is not UTF-8 text ({exc})")
        raise _StopError from None


def _check_manifest(
    files: Mapping[str, Any], hashes: Mapping[str, str], report: Report
) -> dict[str, Any]:
    manifest = _json(files, MANIFEST, report)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        report.fail(MANIFEST, f'is not a ballot record manifest (no "format": "{FORMAT}")')
        raise _StopError
    if files[MANIFEST] != dump_json(manifest):
        report.fail(
            MANIFEST,
            "is not written as the site writes it (JSON indented by 2, keys sorted, one final "
            "newline): its bytes were edited",
        )
    listed = manifest.get("files")
    if not isinstance(listed, dict):
        report.fail(MANIFEST, '"files": expected an object of file name → SHA-256')
        raise _StopError
    bad = 0
    for name in record_order(files):
        if name == MANIFEST:
            continue
        expected = listed.get(name)
        actual = hashes[name]
        if expected is None:
            report.fail(MANIFEST, f"does not list {name}")
            bad += 1
        elif expected != actual:
            report.fail(
                name,
                f"its SHA-256 is {actual}, the manifest says {expected}: the file was changed "
                "after the record was made (or the manifest was)",
            )
            bad += 1
    for name in listed:
        if not is_record_file(name) or name == MANIFEST:
            report.fail(MANIFEST, f"lists {name!r}, which is not a file of a ballot record")
            bad += 1
        elif name not in files:
            report.fail(name, "is listed by the manifest but missing from the bundle")
            bad += 1
    if not bad:
        report.passed.append(f"{MANIFEST}: the SHA-256 of all {len(listed)} files match")
    elected = manifest.get("elected")
    if not isinstance(elected, list) or not all(isinstance(name, str) for name in elected):
        report.fail(MANIFEST, '"elected": expected the list of names declared elected')
        raise _StopError
    return manifest


def _guard(report: Report, check: Any, *args: Any) -> Any:
    try:
        return check(*args)
    except _ProblemError as exc:
        report.fail(exc.file, exc.message)
        return None


def _check_definition(definition: Any, manifest: Mapping[str, Any], report: Report) -> None:
    file = "definition.json"

    def check() -> None:
        _require(definition, dict, file, "the definition")
        seats = _count(definition.get("seats"), file, '"seats"')
        candidates = _require(definition.get("candidates"), list, file, '"candidates"')
        if definition.get("ballot") != manifest.get("ballot"):
            raise _ProblemError(
                file,
                f'"ballot" is {definition.get("ballot")!r}, the manifest\'s is '
                f"{manifest.get('ballot')!r}: the files are of different ballots",
            )
        if not candidates and definition.get("kind") != "question":
            # A question lists none: its answers Yes and No are the count's candidates.
            raise _ProblemError(file, '"candidates": the ballot has no candidates')
        if seats < 1:
            raise _ProblemError(file, f'"seats": {seats}; a ballot fills at least one')
        ids = [c.get("id") if isinstance(c, dict) else None for c in candidates]
        if len(set(ids)) != len(ids) or None in ids:
            raise _ProblemError(file, '"candidates": each needs an "id" of its own')
        names = [c.get("name") for c in candidates]
        if not all(isinstance(n, str) and n for n in names):
            raise _ProblemError(file, '"candidates": each needs a "name"')
        expected = manifest.get("definition_sha256")
        actual = canonical_sha256(definition)
        if expected != actual:
            raise _ProblemError(
                file,
                f"its canonical SHA-256 is {actual}, not the hash recorded at the freeze "
                f'({expected}, manifest.json "definition_sha256"): the definition was changed',
            )
        report.passed.append(
            f"{file}: {len(candidates)} candidates for {seats} seat(s); its SHA-256 {actual} is "
            "the manifest's (compare it with the freeze's event in the site's audit trail, "
            "ballots.freeze_ballot)"
        )

    _guard(report, check)


def _check_roll(roll: Any, report: Report) -> None:
    file = "roll-commitment.json"

    def total(key: str, field_name: str) -> int:
        rows = _require(roll.get(key), list, file, f'"{key}"')
        return sum(
            _count(
                _require(row, dict, file, f'"{key}" row {n}').get(field_name),
                file,
                f'"{key}" row {n} {field_name}',
            )
            for n, row in enumerate(rows, start=1)
        )

    def check() -> None:
        _require(roll, dict, file, "the roll commitment")
        size = _count(roll.get("size"), file, '"size"')
        root = roll.get("root")
        if not (isinstance(root, str) and len(root) == 64):
            raise _ProblemError(file, '"root": expected the Merkle root, 64 hex digits')
        for key in ("constituencies", "regions"):
            counted = total(key, "eligible")
            if counted != size:
                raise _ProblemError(
                    file,
                    f'the "{key}" counts add up to {counted:,}, the roll\'s "size" is {size:,}',
                )
        assessed = _count(roll.get("assessed"), file, '"assessed"')
        refused = _count(roll.get("refused"), file, '"refused"')
        if size + refused != assessed:
            raise _ProblemError(
                file,
                f"{size:,} eligible + {refused:,} refused = {size + refused:,}, but "
                f"{assessed:,} members were assessed",
            )
        by_reason = total("refusals", "members")
        if by_reason != refused:
            raise _ProblemError(
                file, f'the "refusals" by reason add up to {by_reason:,}, "refused" is {refused:,}'
            )
        channels = _require(roll.get("channels", {}), dict, file, '"channels"')
        by_channel = sum(_count(n, file, f'"channels" {k!r}') for k, n in channels.items())
        if channels and by_channel != size:
            raise _ProblemError(
                file, f'the "channels" add up to {by_channel:,}, the roll\'s "size" is {size:,}'
            )
        report.passed.append(
            f"{file}: {size:,} eligible of {assessed:,} assessed; counts per constituency, "
            "region, channel and refusal add up"
        )

    _guard(report, check)


def _channel_figures(returns: Mapping[str, Any], file: str) -> dict[str, tuple[int, int, int]]:
    """received, set aside, counted per channel."""
    by_channel = _require(returns.get("by_channel"), dict, file, '"by_channel"')
    figures = {}
    for channel, row in by_channel.items():
        where = f'"by_channel" {channel!r}'
        _require(row, dict, file, where)
        received = _count(row.get("received"), file, f"{where} received")
        set_aside = _require(row.get("set_aside", {}), dict, file, f"{where} set_aside")
        aside = sum(_count(n, file, f"{where} set aside {k!r}") for k, n in set_aside.items())
        counted = _count(row.get("counted"), file, f"{where} counted")
        figures[channel] = (received, aside, counted)
    return figures


def _check_returns(returns: Any, report: Report) -> int:
    file = "returns.json"
    try:
        _require(returns, dict, file, "the returns")
        figures = _channel_figures(returns, file)
        spoilt_by = _require(returns.get("spoilt", {}), dict, file, '"spoilt"')
        spoilt = sum(_count(n, file, f'"spoilt" {k!r}') for k, n in spoilt_by.items())
        counted = _count(returns.get("counted"), file, '"counted"')
    except _ProblemError as exc:
        report.fail(exc.file, exc.message)
        raise _StopError from None
    received = sum(r for r, _, _ in figures.values())
    aside = sum(a for _, a, _ in figures.values())
    by_channel = sum(c for _, _, c in figures.values())
    ok = True
    if received - aside - spoilt != counted:
        report.fail(
            file,
            f"received {received:,} − set aside {aside:,} − spoilt {spoilt:,} = "
            f'{received - aside - spoilt:,}, but "counted" is {counted:,}',
        )
        ok = False
    if by_channel != counted:
        report.fail(
            file, f'the channels\' counted add up to {by_channel:,}, "counted" is {counted:,}'
        )
        ok = False
    channel_spoilt = 0
    for channel, (r, a, c) in figures.items():
        row = returns["by_channel"][channel]
        if "spoilt" in row:
            try:
                sp = _count(row["spoilt"], file, f'"by_channel" {channel!r} spoilt')
            except _ProblemError as exc:
                report.fail(exc.file, exc.message)
                ok = False
                continue
            channel_spoilt += sp
            if r - a - sp != c:
                report.fail(
                    file,
                    f"{channel}: received {r:,} − set aside {a:,} − spoilt {sp:,} = "
                    f'{r - a - sp:,}, but its "counted" is {c:,}',
                )
                ok = False
        elif c > r - a:
            report.fail(
                file,
                f"{channel}: counted {c:,} is more than received {r:,} − set aside {a:,}",
            )
            ok = False
    if channel_spoilt and channel_spoilt != spoilt:
        report.fail(
            file,
            f"the channels' spoilt add up to {channel_spoilt:,}, the spoilt by reason to "
            f"{spoilt:,}",
        )
        ok = False
    if ok:
        report.passed.append(
            f"{file}: received {received:,} − set aside {aside:,} − spoilt {spoilt:,} = "
            f"counted {counted:,}"
        )
    return counted


def _check_issue(issue: Any, roll: Any, counted: int, report: Report) -> None:
    file = "issue.json"

    def check() -> None:
        _require(issue, dict, file, "the issue figures")
        credentials = _require(issue.get("credentials"), dict, file, '"credentials"')
        totals = {}
        for what in ("issued", "reissued", "revoked"):
            row = _require(credentials.get(what), dict, file, f'"credentials" {what}')
            totals[what] = sum(
                _count(n, file, f'"credentials" {what} {channel!r}') for channel, n in row.items()
            )
        if totals["revoked"] != totals["reissued"]:
            raise _ProblemError(
                file,
                f"{totals['reissued']:,} credentials reissued but {totals['revoked']:,} "
                "revoked: each reissue revokes the one it replaces",
            )
        eligible = roll.get("size") if isinstance(roll, dict) else None
        if isinstance(eligible, int) and totals["issued"] != eligible:
            raise _ProblemError(
                file,
                f"{totals['issued']:,} credentials issued, the roll has {eligible:,} eligible "
                "members (roll-commitment.json)",
            )
        if counted > totals["issued"]:
            raise _ProblemError(
                file,
                f"{counted:,} ballots counted but only {totals['issued']:,} credentials issued",
            )
        deliveries = _require(issue.get("deliveries", {}), dict, file, '"deliveries"')
        for kind, row in deliveries.items():
            _require(row, dict, file, f'"deliveries" {kind!r}')
        report.passed.append(
            f"{file}: {totals['issued']:,} issued, {totals['reissued']:,} reissued = "
            f"{totals['revoked']:,} revoked"
        )

    _guard(report, check)


def _check_events(events: Any, returns: Any, definition: Any, report: Report) -> None:
    file = "events.json"

    def check() -> None:
        _require(events, list, file, "the events")
        received = sum(r for r, _, _ in _channel_figures(returns, "returns.json").values())
        known = (
            {c.get("id") for c in definition.get("candidates", []) if isinstance(c, dict)}
            if isinstance(definition, dict)
            else set()
        )
        previous = -1
        last_time = ""
        for n, event in enumerate(events, start=1):
            where = f"event {n}"
            _require(event, dict, file, where)
            for key in ("kind", "authority", "notice", "occurred_at"):
                if not isinstance(event.get(key), str) or not event[key]:
                    raise _ProblemError(file, f'{where}: "{key}" is missing')
            if event.get("candidate") not in known:
                raise _ProblemError(
                    file, f"{where}: candidate {event.get('candidate')!r} is not on the ballot"
                )
            before = _count(event.get("returns_before"), file, f"{where} returns_before")
            after = _count(event.get("returns_after"), file, f"{where} returns_after")
            if before + after != received:
                raise _ProblemError(
                    file,
                    f"{where} ({event['kind']}): {before:,} returns before + {after:,} after = "
                    f"{before + after:,}, but {received:,} were received (returns.json)",
                )
            if event["occurred_at"] < last_time or before < previous:
                raise _ProblemError(
                    file,
                    f"{where}: out of order (returns before {before:,} at "
                    f"{event['occurred_at']}, after the previous event's {previous:,} at "
                    f"{last_time})",
                )
            previous, last_time = before, event["occurred_at"]
        report.passed.append(f"{file}: {len(events)} event(s), before + after = received")

    _guard(report, check)


def _check_ballots(
    blt_text: str,
    files: Mapping[str, Any],
    hashes: Mapping[str, str],
    counted: int,
    report: Report,
) -> None:
    from moot.counting.formats._common import RankRules, Roster, Tally
    from moot.counting.formats.blt import parse_blt
    from moot.counting.formats.cdf import cdf_chunks, cdf_papers
    from moot.counting.model import CountError

    try:
        election = parse_blt(blt_text, source="ballots.blt")
    except CountError as exc:
        report.fail("ballots.blt", str(exc))
        raise _StopError from None
    total = election.ballots.total
    if total != counted:
        report.fail("ballots.blt", f"holds {total:,} ballots, returns.json counted {counted:,}")
    # The site writes the CDF from the BLT (write_cdf): the same bytes say the same ballots,
    # without parsing some hundreds of megabytes of JSON: the SHA-256 of what write_cdf gives,
    # a record at a time, is the file's. Otherwise, read it to say what differs.
    derived = hashlib.sha256()
    pending: list[str] = []
    for chunk in cdf_chunks(election):
        pending.append(chunk)
        if len(pending) >= 4096:
            derived.update("".join(pending).encode())
            pending.clear()
    derived.update("".join(pending).encode())
    if derived.hexdigest() == hashes["ballots-cdf.json"]:
        if total == counted:
            report.passed.append(
                f"ballots.blt and ballots-cdf.json: the same {total:,} ballots = counted"
            )
        return
    blt_papers = Counter(
        dict(zip(election.ballots.rankings, election.ballots.weights, strict=True))
    )
    names = [c.name for c in election.candidates]
    try:
        data = json.loads(member_bytes(files["ballots-cdf.json"]).decode("utf-8"))
        papers, _ = cdf_papers(
            "ballots-cdf.json",
            Roster(names, fixed=True, source="ballots-cdf.json"),
            RankRules(),
            Tally(),
            data=data,
        )
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        report.fail("ballots-cdf.json", f"is not valid JSON ({exc})")
        return
    except CountError as exc:
        report.fail("ballots-cdf.json", str(exc))
        return
    cdf_counter: Counter[Any] = Counter()
    for ranking, weight in papers:
        cdf_counter[ranking] += weight
    cdf_total = sum(cdf_counter.values())
    if cdf_total != counted:
        report.fail(
            "ballots-cdf.json", f"holds {cdf_total:,} ballots, returns.json counted {counted:,}"
        )
    elif cdf_counter != blt_papers:
        differ = sorted(
            (cdf_counter - blt_papers) + (blt_papers - cdf_counter),
            key=lambda ranking: [list(level) for level in ranking],
        )
        shown = " > ".join(names[level[0]] for level in differ[0] if level) or "a blank ballot"
        report.fail(
            "ballots-cdf.json",
            f"its ballots differ from ballots.blt ({len(differ)} distinct ranking(s) in one "
            f"and not the other, e.g. {shown})",
        )
    elif total == counted:
        report.passed.append(
            f"ballots.blt and ballots-cdf.json: the same {total:,} ballots = counted"
        )


def _first_difference(expected: str, found: str) -> str:
    ours, theirs = expected.splitlines(), found.splitlines()
    for n, (a, b) in enumerate(zip(ours, theirs, strict=False), start=1):
        if a != b:
            return f"line {n} is {b!r:.80}, the recount gives {a!r:.80}"
    if len(ours) != len(theirs):
        return f"{len(theirs)} lines, the recount gives {len(ours)}"
    return "the line endings or the final newline differ"


def _check_count(
    data: Mapping[str, Any],
    files: Mapping[str, bytes],
    blt_text: str,
    manifest: Mapping[str, Any],
    report: Report,
) -> None:
    from moot.counting.model import CountError
    from moot.verify.ballot_count import count_record, render_record

    events = data["events.json"] if isinstance(data["events.json"], list) else []
    try:
        result = count_record(data["definition.json"], blt_text, events)
        text, as_json, rctab = render_record(result)
    except (CountError, ValueError, KeyError, TypeError) as exc:
        report.fail("count.json", f"the recount from the bundle fails: {exc}")
        return
    derived = {
        "count.txt": text.encode(),
        "count.json": dump_json(as_json),
        "rctab-summary.json": dump_json(rctab),
    }
    same = True
    for name, expected in derived.items():
        found = files.get(name)
        if found is None:
            continue
        if found != expected:
            same = False
            report.fail(
                name,
                "differs from the recount of ballots.blt: "
                + _first_difference(
                    expected.decode("utf-8"), found.decode("utf-8", errors="replace")
                ),
            )
    elected = as_json.get("elected")
    recounted = [str(name) for name in elected] if isinstance(elected, list) else []
    declared = list(manifest.get("elected", []))
    report.elected = recounted
    report.recount = as_json
    if declared != recounted:
        report.fail(
            MANIFEST,
            f"declared elected {', '.join(declared) or 'nobody'}; the recount elects "
            f"{', '.join(recounted) or 'nobody'}",
        )
    elif same:
        report.passed.append(
            "count.txt, count.json, rctab-summary.json: re-derived byte for byte; the declared "
            "result is the recount's"
        )


def _check_audit_head(
    head: Any, hashes: Mapping[str, str], manifest: Mapping[str, Any], report: Report
) -> None:
    """The head's shape, the content digest and the freeze's definition hash. Its signature is
    checked by :func:`_check_signatures`, with the trusted key only."""
    file = "audit-head.json"

    def check() -> None:
        _require(head, dict, file, "the audit head")
        checkpoint = _require(head.get("checkpoint"), dict, file, '"checkpoint"')
        seq = _count(checkpoint.get("seq"), file, '"checkpoint" seq')
        digest = checkpoint.get("hash")
        if not (isinstance(digest, str) and len(digest) == 64):
            raise _ProblemError(file, '"checkpoint" hash: expected 64 hex digits')
        content = _require(head.get("record"), dict, file, '"record"')
        given = content_digest_of(hashes)
        if content.get("content_sha256") != given:
            raise _ProblemError(
                file,
                f'"record" content_sha256 is {content.get("content_sha256")!r}, the files give '
                f"{given}: the files are not the ones the site recorded",
            )
        freeze = _require(head.get("freeze"), dict, file, '"freeze"')
        frozen = freeze.get("definition_sha256")
        if frozen != manifest.get("definition_sha256"):
            raise _ProblemError(
                file,
                f'"freeze" definition_sha256 is {frozen!r}, the manifest\'s is '
                f"{manifest.get('definition_sha256')!r}: the definition is not the one frozen",
            )
        report.passed.append(
            f"{file}: audit chain head #{seq} {digest[:16]}…; the content digest matches the "
            f"files; the definition's hash is the one the freeze recorded (audit event "
            f"#{freeze.get('seq')})"
        )

    _guard(report, check)


def _check_scrutineer(scrutineer: Any, returns: Any, report: Report) -> None:
    """The signed report's figures are the record's: counted, returned, spoilt and set aside
    by reason, and the elected of the recount."""
    file = "scrutineer-report.json"

    def check() -> None:
        _require(scrutineer, dict, file, "the scrutineer's report")
        signed_by = scrutineer.get("scrutineer")
        if not isinstance(signed_by, str) or not signed_by or not scrutineer.get("signed_at"):
            raise _ProblemError(file, "the report is not signed (no scrutineer, no signed_at)")
        figures = _channel_figures(returns, "returns.json")
        expected: dict[str, Any] = {
            "counted": returns.get("counted"),
            "returned total": sum(r for r, _, _ in figures.values()),
            "spoilt": returns.get("spoilt", {}),
        }
        aside: Counter[str] = Counter()
        for row in returns["by_channel"].values():
            aside.update(row.get("set_aside") or {})
        expected["set aside"] = dict(aside)
        found = {
            "counted": scrutineer.get("counted"),
            "returned total": (scrutineer.get("returned") or {}).get("total"),
            "spoilt": scrutineer.get("spoilt"),
            "set aside": scrutineer.get("set_aside"),
        }
        for what, value in expected.items():
            if found[what] != value:
                raise _ProblemError(
                    file, f"{what} is {found[what]!r}, the record's returns say {value!r}"
                )
        votes = scrutineer.get("valid_votes") or {}
        if report.elected and votes.get("elected") != report.elected:
            raise _ProblemError(
                file,
                f"the report names {votes.get('elected')!r} elected; the recount elects "
                f"{report.elected!r}",
            )
        if report.recount:
            _check_valid_votes(votes, report.recount, file)
        statements = scrutineer.get("statements") or {}
        unsatisfied = [k for k, v in statements.items() if not (v or {}).get("satisfied")]
        note = (
            "satisfied on every statement"
            if not unsatisfied
            else "NOT satisfied on " + ", ".join(f"({k})" for k in unsatisfied)
        )
        report.passed.append(
            f"{file}: signed by {signed_by} on {str(scrutineer.get('signed_at'))[:10]}, {note}; "
            "its figures are the record's"
        )

    _guard(report, check)


def _round_votes(recount: Mapping[str, Any], which: int) -> dict[str, Any]:
    rounds = recount.get("rounds") or []
    if not rounds:
        return {}
    tallies = rounds[which].get("tallies") or {}
    return {name: tallies.get(name, "0") for name in recount.get("candidates", [])}


def _check_valid_votes(votes: Any, recount: Mapping[str, Any], file: str) -> None:
    """The report's valid votes per candidate (first preferences, final round), quota and
    withdrawn are the recount's."""
    _require(votes, dict, file, '"valid_votes"')
    expected: dict[str, Any] = {
        "candidates": list(recount.get("candidates") or []),
        "quota": recount.get("quota"),
        "first_preferences": _round_votes(recount, 0),
        "final": _round_votes(recount, -1),
        "withdrawn": list(recount.get("withdrawn") or []),
    }
    for what, value in expected.items():
        found = votes.get(what)
        if found == value:
            continue
        if isinstance(found, dict) and isinstance(value, dict):
            differ = sorted(
                name for name in set(found) | set(value) if found.get(name) != value.get(name)
            )
            name = differ[0]
            raise _ProblemError(
                file,
                f'"valid_votes" {what}: {name} has {found.get(name)!r}, the recount gives '
                f"{value.get(name)!r} ({len(differ)} candidate(s) differ)",
            )
        raise _ProblemError(
            file, f'"valid_votes" {what} is {found!r:.80}, the recount gives {value!r:.80}'
        )


__all__ = [
    "CONTENT_FILES",
    "COUNTBACK_FORMAT",
    "FILES",
    "FORMAT",
    "Problem",
    "Report",
    "ZipMember",
    "canonical_sha256",
    "content_digest",
    "content_digest_of",
    "countback_name",
    "countback_names",
    "dump_json",
    "record_order",
    "verify_bundle",
    "verify_files",
]
