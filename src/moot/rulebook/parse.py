"""TOML text → a validated ``Edition``. Every error names the source, the key path and the fix.

Tables keyed by a slug (``[meetings.agm]``) keep the order they are written in; arrays of
tables (``[[proscribed]]``) are addressed as ``proscribed[2]``, counting from 1."""

from __future__ import annotations

import datetime
import difflib
import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any, TypeVar

from moot.rulebook.ballots import parse_ballots
from moot.rulebook.complaints import parse_complaints
from moot.rulebook.errors import RulebookError
from moot.rulebook.model import (
    AGENDA_ITEM_KINDS,
    MAJORITY_BASES,
    MEMBER_STATUSES,
    REGISTER_AUTHORITIES,
    REQUIRED_PURPOSES,
    SUSPENSION_RECORDERS,
    UNIT_OFFICER_REGISTER_ROLES,
    AffiliationRule,
    AffiliationRules,
    CompetenceCategory,
    Decision,
    Edition,
    EligibilityRule,
    Majority,
    MeetingKind,
    MembershipRules,
    OfficerRules,
    PostSpec,
    Proscription,
    QuorumRule,
    RegisterRules,
    StatusRule,
)
from moot.rulebook.policies import parse_policies
from moot.rulebook.polls import parse_polls

T = TypeVar("T")
_MISSING: Any = object()
SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
CLAUSE = re.compile(r"^[A-Za-z0-9]+(?:[.\-/][A-Za-z0-9]+)*$")
SHARE = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*%|(\d+)\s*/\s*(\d+))\s*$")
DEFAULT_UNIT_KINDS = ("national", "region", "constituency", "branch")
DEFAULT_ORGANISATION_KINDS = (
    "trade_union",
    "socialist_society",
    "campaign_group",
    "cooperative",
    "other",
)


def _show(value: Any) -> str:
    """A value as TOML would write it, for "got ..." in messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return (
            "an array" if len(value) < 1 or not isinstance(value[0], dict) else "an array of tables"
        )
    return str(value)


class _Table:
    """A TOML table being read: typed getters that track the key path and which keys were
    used, so unknown keys (typos) are reported with the nearest known key."""

    def __init__(self, data: Any, path: str, source: str) -> None:
        self.path = path
        self.source = source
        if not isinstance(data, dict):
            raise self.error_at(path, f"expected a table, got {_show(data)}")
        self.data: dict[str, Any] = data
        self.used: set[str] = set()

    def key_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error_at(self, path: str, message: str) -> RulebookError:
        return RulebookError(message, source=self.source, path=path or "(top level)")

    def error(self, key: str, message: str) -> RulebookError:
        return self.error_at(self.key_path(key), message)

    def _near_miss(self, key: str) -> None:
        """A required key is missing: if a key written here looks like a misspelling of it,
        report that key (the likelier mistake) rather than the missing one."""
        others = [k for k in self.data if k != key and k not in self.used]
        close = difflib.get_close_matches(key, others, n=1, cutoff=0.8)
        if close:
            raise self.error(close[0], f'unknown key; did you mean "{key}"?')

    def _get(self, key: str, default: Any, example: str) -> Any:
        self.used.add(key)
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            self._near_miss(key)
            raise self.error_at(self.path, f'missing key "{key}"; add it, e.g. {key} = {example}')
        return default

    def text(self, key: str, default: Any = _MISSING, *, example: str = '"..."') -> str:
        value = self._get(key, default, example)
        if not isinstance(value, str):
            raise self.error(
                key, f"expected text in quotes, got {_show(value)}; write {key} = {example}"
            )
        return value.strip()

    def clause(self, key: str = "clause", default: Any = _MISSING) -> str:
        value = self.text(key, default, example='"7.2"')
        if value and not CLAUSE.match(value):
            raise self.error(
                key,
                f'expected a clause number such as "7.2" or "C7.VIII.2", got {_show(value)}',
            )
        return value

    def slug(self, key: str, default: Any = _MISSING, *, example: str = '"iron-lantern"') -> str:
        value = self.text(key, default, example=example)
        if not SLUG.match(value):
            raise self.error(
                key,
                'expected a slug of lower-case letters, digits and - or _ (e.g. "iron-lantern"), '
                f"got {_show(value)}",
            )
        return value

    def whole(
        self,
        key: str,
        default: Any = _MISSING,
        *,
        unit: str = "",
        minimum: int = 0,
        example: int = 14,
    ) -> int:
        what = f"a whole number of {unit}" if unit else "a whole number"
        value = self._get(key, default, str(example))
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(
                key, f"expected {what}, got {_show(value)}; write a number such as {example}"
            )
        if value < minimum:
            raise self.error(key, f"expected {what} of at least {minimum}, got {value}")
        return value

    def flag(self, key: str, default: Any = _MISSING) -> bool:
        value = self._get(key, default, "true")
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false (no quotes), got {_show(value)}")
        return value

    def date(self, key: str, default: Any = _MISSING) -> datetime.date | None:
        value = self._get(key, default, "2026-01-01")
        if value is None:
            return None
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            raise self.error(
                key, f"expected a date written as YYYY-MM-DD without quotes, got {_show(value)}"
            )
        return value

    def share(self, key: str, default: Any = _MISSING) -> tuple[Fraction | None, str]:
        value = self._get(key, default, '"5%"')
        if value is None:
            return None, ""
        match = SHARE.match(value) if isinstance(value, str) else None
        if not match:
            raise self.error(
                key,
                f'expected a share such as "5%" or "1/3" (in quotes), got {_show(value)}',
            )
        if match.group(1) is not None:
            share = Fraction(match.group(1)) / 100
        else:
            if int(match.group(3)) == 0:
                raise self.error(key, f'the share {_show(value)} divides by zero; write e.g. "1/3"')
            share = Fraction(int(match.group(2)), int(match.group(3)))
        if share > 1:
            raise self.error(
                key, f"a share cannot exceed the whole (100% or 1/1), got {_show(value)}"
            )
        return share, value.strip().replace(" ", "")

    def choices(
        self, key: str, allowed: tuple[str, ...], default: Any = _MISSING
    ) -> tuple[str, ...]:
        value = self._get(key, default, json.dumps(list(allowed[:2])))
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(
                key,
                f"expected an array of text such as {json.dumps(list(allowed[:2]))}, got "
                f"{_show(value)}",
            )
        for index, item in enumerate(value, start=1):
            if item not in allowed:
                raise self.error(
                    f"{key}[{index}]",
                    f"{_show(item)} is not one of "
                    f"{', '.join(allowed)}{_did_you_mean(item, allowed)}",
                )
        if len(set(value)) != len(value):
            duplicate = next(v for v in value if value.count(v) > 1)
            raise self.error(key, f"{_show(duplicate)} is listed twice; list it once")
        return tuple(value)

    def choice(self, key: str, allowed: tuple[str, ...], default: Any = _MISSING) -> str:
        value = self.text(key, default, example=json.dumps(allowed[0]))
        if value not in allowed:
            raise self.error(
                key,
                f"{_show(value)} is not one of {', '.join(allowed)}{_did_you_mean(value, allowed)}",
            )
        return value

    def table(self, key: str, *, required: bool = True) -> _Table:
        self.used.add(key)
        if key not in self.data:
            if required:
                self._near_miss(key)
                where = f"[{self.key_path(key)}]"
                raise self.error_at(
                    self.path, f"missing table {where}; add it (see docs/rulebook.md)"
                )
            return _Table({}, self.key_path(key), self.source)
        return _Table(self.data[key], self.key_path(key), self.source)

    def subtables(self, key: str, *, required: bool = True) -> Iterator[tuple[str, _Table]]:
        """``[key.<slug>]`` tables in the order written."""
        outer = self.table(key, required=required)
        for name, value in outer.data.items():
            outer.used.add(name)
            if not isinstance(value, dict):
                raise outer.error(
                    name, f"expected a table [{outer.key_path(name)}], got {_show(value)}"
                )
            yield name, _Table(value, outer.key_path(name), self.source)

    def array(self, key: str, *, required: bool = False) -> Iterator[_Table]:
        """``[[key]]`` arrays of tables, addressed ``key[1]``, ``key[2]``..."""
        self.used.add(key)
        if key not in self.data:
            if required:
                raise self.error_at(
                    self.path, f"missing [[{self.key_path(key)}]] entries; add at least one"
                )
            return
        value = self.data[key]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(key, f"expected [[{self.key_path(key)}]] tables, got {_show(value)}")
        for index, item in enumerate(value, start=1):
            yield _Table(item, f"{self.key_path(key)}[{index}]", self.source)

    def done(self) -> None:
        for key in self.data:
            if key not in self.used:
                known = sorted(self.used)
                raise self.error(
                    key,
                    f"unknown key{_did_you_mean(key, known)}; the keys here are "
                    f"{', '.join(known) or 'none'}",
                )


def _did_you_mean(value: str, known: Any) -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _unique(items: list[T], key: Callable[[T], str], table: _Table, what: str, path: str) -> None:
    seen: set[str] = set()
    for item in items:
        name = key(item)
        if name in seen:
            raise table.error_at(path, f'{what} "{name}" is defined twice; keep one')
        seen.add(name)


# ------------------------------------------------------------------------------------------------


def parse_edition(text: str, source: str = "edition") -> Edition:
    """Parse and validate an edition's TOML. Raises ``RulebookError`` naming ``source``, the
    key path and the fix."""
    if not isinstance(text, str):
        raise RulebookError("expected the edition's TOML as text", source=source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r"\(at (line \d+, column \d+|end of document)\)", message)
        detail = re.sub(r"\s*\(at [^)]*\)", "", message)
        raise RulebookError(
            f"not valid TOML ({detail}); check the quotes, brackets and '=' on that line",
            source=source,
            path=where.group(1) if where else "",
        ) from None
    root = _Table(data, "", source)
    edition = _edition(root, source, text)
    root.done()
    return edition


def _edition(root: _Table, source: str, text: str) -> Edition:
    head = root.table("edition")
    name = head.slug("name", example='"party-2027"')
    title = head.text("title", "")
    version = head.text("version", "")
    effective_from = head.date("effective_from", None)
    organisation = head.text("organisation", "")
    summary = head.text("summary", "")
    unit_kinds = _vocabulary(head, "unit_kinds", DEFAULT_UNIT_KINDS)
    organisation_kinds = _vocabulary(head, "organisation_kinds", DEFAULT_ORGANISATION_KINDS)
    head.done()

    membership = _membership(root.table("membership"))
    eligibility = _eligibility(root)
    meeting_kinds = _meetings(root, unit_kinds)
    majorities = _majorities(root)
    decisions = _decisions(root, majorities)
    not_competent = _not_competent(root)
    officers = _officers(root, unit_kinds)
    affiliation = _affiliation(root.table("affiliation"), unit_kinds, organisation_kinds)
    proscribed = _proscribed(root)
    complaints = parse_complaints(root.table("complaints", required=False))
    policies = parse_policies(root, unit_kinds)
    polls = parse_polls(root.table("polls", required=False))
    ballots = parse_ballots(root, unit_kinds)
    return Edition(
        name=name,
        title=title or name,
        version=version,
        effective_from=effective_from,
        organisation=organisation,
        summary=summary,
        unit_kinds=unit_kinds,
        organisation_kinds=organisation_kinds,
        membership=membership,
        eligibility=eligibility,
        meeting_kinds=meeting_kinds,
        majorities=majorities,
        decisions=decisions,
        not_competent=not_competent,
        officers=officers,
        affiliation=affiliation,
        proscribed=proscribed,
        policies=policies,
        source=source,
        source_text=text,
        digest=hashlib.sha256(text.encode()).hexdigest(),
        complaints=complaints,
        polls=polls,
        ballots=ballots,
    )


def _vocabulary(head: _Table, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = head._get(key, list(default), json.dumps(list(default[:2])))
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise head.error(
            key,
            f"expected a non-empty array of slugs such as {json.dumps(list(default[:2]))}, got "
            f"{_show(value)}",
        )
    for index, item in enumerate(value, start=1):
        if not SLUG.match(item):
            raise head.error(f"{key}[{index}]", f"expected a slug, got {_show(item)}")
    if len(set(value)) != len(value):
        raise head.error(key, "a kind is listed twice; list each once")
    missing = [kind for kind in default if kind not in value]
    if missing:
        raise head.error(
            key,
            f"{_show(missing[0])} is missing; moot records {', '.join(default)}, so list each "
            "(you may add others)",
        )
    return tuple(value)


def _membership(table: _Table) -> MembershipRules:
    clause = table.clause()
    text = table.text("text")
    grace = table.whole("lapse_grace_days", 0, unit="days")
    unit_clause = table.clause("unit_clause")
    unit_text = table.text("unit_text", "")
    statuses = []
    for status, entry in table.subtables("statuses"):
        if status not in MEMBER_STATUSES:
            raise entry.error_at(
                entry.path,
                f"{_show(status)} is not a membership status moot records; use one of "
                f"{', '.join(MEMBER_STATUSES)}{_did_you_mean(status, MEMBER_STATUSES)}",
            )
        standing = entry.flag("standing")
        statuses.append(
            StatusRule(
                status=status,
                title=entry.text("title", status.replace("_", " ")),
                continuous=entry.flag("continuous"),
                standing=standing,
                clause=entry.clause(),
                text=entry.text("text"),
                remedy=entry.text("remedy", ""),
            )
        )
        entry.done()
    register = _register(table.table("register", required=False))
    missing = [s for s in MEMBER_STATUSES if s not in {r.status for r in statuses}]
    if missing:
        raise table.error_at(
            f"{table.path}.statuses",
            f"missing [membership.statuses.{missing[0]}]; every status moot records needs a rule "
            f"({', '.join(MEMBER_STATUSES)})",
        )
    table.done()
    return MembershipRules(
        clause=clause,
        text=text,
        lapse_grace_days=grace,
        unit_clause=unit_clause,
        unit_text=unit_text,
        statuses=tuple(statuses),
        register=register,
    )


def _register(table: _Table) -> RegisterRules:
    """[membership.register]: the register's one authority (the national membership office
    unless the edition says each unit's secretary), and whether a unit's secretary may propose.
    Absent, the office decides and secretaries propose."""
    default = RegisterRules()
    rules = RegisterRules(
        authority=table.choice("authority", REGISTER_AUTHORITIES, default.authority),
        unit_officers=table.choice(
            "unit_officers", UNIT_OFFICER_REGISTER_ROLES, default.unit_officers
        ),
        suspensions=table.choice("suspensions", SUSPENSION_RECORDERS, default.suspensions),
        clause=table.clause("clause", default.clause),
        text=table.text("text", default.text),
    )
    table.done()
    return rules


def _eligibility(root: _Table) -> tuple[EligibilityRule, ...]:
    rules = []
    for purpose, entry in root.subtables("eligibility"):
        if not SLUG.match(purpose):
            raise entry.error_at(
                entry.path, f"expected a slug for the purpose, got {_show(purpose)}"
            )
        freeze = entry.flag("freeze_date", False)
        rule = EligibilityRule(
            purpose=purpose,
            title=entry.text("title", purpose),
            event=entry.text("event", f"the {purpose}", example='"the meeting"'),
            min_weeks=entry.whole("min_weeks", unit="weeks", example=8),
            in_unit=entry.flag("in_unit", True),
            freeze_date=freeze,
            clause=entry.clause(),
            text=entry.text("text"),
            freeze_clause=entry.clause("freeze_clause", "") if freeze else "",
        )
        if freeze and not rule.freeze_clause:
            raise entry.error_at(
                entry.path,
                'missing key "freeze_clause"; a rule with freeze_date = true cites the clause of '
                'the freeze date, e.g. freeze_clause = "7.3.2"',
            )
        if not freeze and "freeze_clause" in entry.data:
            raise entry.error(
                "freeze_clause",
                "freeze_clause is only read when freeze_date = true; set freeze_date = true or "
                "remove it",
            )
        entry.done()
        rules.append(rule)
    present = {r.purpose for r in rules}
    for purpose in REQUIRED_PURPOSES:
        if purpose not in present:
            raise root.error_at(
                "eligibility",
                f"missing [eligibility.{purpose}]; moot asks about "
                f"{', '.join(REQUIRED_PURPOSES)}, so each needs a rule",
            )
    return tuple(rules)


def _meetings(root: _Table, unit_kinds: tuple[str, ...]) -> tuple[MeetingKind, ...]:
    kinds = []
    for slug, entry in root.subtables("meetings"):
        if not SLUG.match(slug):
            raise entry.error_at(
                entry.path, f"expected a slug for the meeting kind, got {_show(slug)}"
            )
        clause = entry.clause()
        quorum_table = entry.table("quorum")
        share, share_text = quorum_table.share("share")
        quorum = QuorumRule(
            share=share if share is not None else Fraction(0),
            share_text=share_text,
            minimum=quorum_table.whole("minimum", 0, unit="members", example=5),
            clause=quorum_table.clause(),
            text=quorum_table.text("text", ""),
        )
        quorum_table.done()
        kind = MeetingKind(
            slug=slug,
            name=entry.text("name", example='"annual general meeting"'),
            unit_kinds=entry.choices("unit_kinds", unit_kinds),
            elects_officers=entry.flag("elects_officers", False),
            notice_days_members=entry.whole("notice_days_members", unit="days"),
            notice_days_units=entry.whole("notice_days_units", 0, unit="days"),
            notice_clause=entry.clause("notice_clause", clause) or clause,
            motion_deadline_days=entry.whole("motion_deadline_days", 0, unit="days"),
            nomination_deadline_days=entry.whole("nomination_deadline_days", 0, unit="days"),
            deadline_clause=entry.clause("deadline_clause", clause) or clause,
            inquorate_business=entry.choices("inquorate_business", AGENDA_ITEM_KINDS, []),
            quorum=quorum,
            clause=clause,
            text=entry.text("text", ""),
        )
        if not kind.unit_kinds:
            raise entry.error(
                "unit_kinds",
                f'list at least one kind of unit that holds {kind.name}s, e.g. ["constituency"]',
            )
        entry.done()
        kinds.append(kind)
    return tuple(kinds)


def _majorities(root: _Table) -> tuple[Majority, ...]:
    rules = []
    for name, entry in root.subtables("majorities"):
        if not SLUG.match(name):
            raise entry.error_at(entry.path, f"expected a slug for the majority, got {_show(name)}")
        numerator = entry.whole("numerator", minimum=1, example=2)
        denominator = entry.whole("denominator", minimum=1, example=3)
        if numerator > denominator:
            raise entry.error(
                "numerator",
                f"the numerator ({numerator}) exceeds the denominator ({denominator}); a majority "
                "is a share of the votes, e.g. 2 and 3 for two thirds",
            )
        rules.append(
            Majority(
                name=name,
                title=entry.text("title", name),
                numerator=numerator,
                denominator=denominator,
                at_least=entry.flag("at_least", False),
                basis=entry.choice("basis", MAJORITY_BASES, "cast"),
                clause=entry.clause(),
                text=entry.text("text"),
            )
        )
        entry.done()
    if not any(m.name == "simple" for m in rules):
        raise root.error_at(
            "majorities", "missing [majorities.simple]; every edition defines the simple majority"
        )
    return tuple(rules)


def _decisions(root: _Table, majorities: tuple[Majority, ...]) -> tuple[Decision, ...]:
    names = tuple(m.name for m in majorities)
    decisions = []
    for slug, entry in root.subtables("decisions", required=False):
        if slug in names:
            raise entry.error_at(
                entry.path,
                f'"{slug}" is already the name of a majority; name the decision differently',
            )
        majority = entry.choice("majority", names)
        default_basis = next(m.basis for m in majorities if m.name == majority)
        decisions.append(
            Decision(
                slug=slug,
                title=entry.text("title", slug.replace("_", " ")),
                majority=majority,
                basis=entry.choice("basis", MAJORITY_BASES, default_basis),
                clause=entry.clause(),
                text=entry.text("text"),
            )
        )
        entry.done()
    return tuple(decisions)


def _not_competent(root: _Table) -> tuple[CompetenceCategory, ...]:
    items = [
        _finish(
            entry,
            CompetenceCategory(
                slug=entry.slug("slug"),
                title=entry.text("title"),
                text=entry.text("text"),
                clause=entry.clause(),
                confidential=entry.flag("confidential", False),
                described_as=entry.text("described_as", "a confidential matter"),
            ),
        )
        for entry in root.array("not_competent")
    ]
    _unique(items, lambda c: c.slug, root, "the competence category", "not_competent")
    return tuple(items)


def _finish(table: _Table, value: T) -> T:
    table.done()
    return value


def _officers(root: _Table, unit_kinds: tuple[str, ...]) -> tuple[OfficerRules, ...]:
    result = []
    for unit_kind, entry in root.subtables("officers", required=False):
        if unit_kind not in unit_kinds:
            raise entry.error_at(
                entry.path,
                f"{_show(unit_kind)} is not a kind of unit of this edition "
                f"({', '.join(unit_kinds)}){_did_you_mean(unit_kind, unit_kinds)}",
            )
        clause = entry.clause()
        posts = []
        for post_table in entry.array("posts", required=True):
            job_share = post_table.flag("job_share_allowed", False)
            post = PostSpec(
                slug=post_table.slug("slug"),
                title=post_table.text("title"),
                reserved_for_women=post_table.flag("reserved_for_women", False),
                exclusive_group=post_table.text("exclusive_group", ""),
                job_share_allowed=job_share,
                max_sharers=post_table.whole(
                    "max_sharers", 2 if job_share else 1, unit="people", minimum=1, example=2
                ),
                seats=post_table.whole("seats", 1, unit="seats", minimum=1, example=1),
                clause=post_table.clause("clause", clause) or clause,
                text=post_table.text("text", ""),
                note=post_table.text("note", ""),
            )
            if job_share and post.max_sharers < 2:
                raise post_table.error(
                    "max_sharers",
                    "a post that allows job shares needs max_sharers of at least 2; or set "
                    "job_share_allowed = false",
                )
            if not job_share and "max_sharers" in post_table.data and post.max_sharers != 1:
                raise post_table.error(
                    "max_sharers",
                    "max_sharers is only read when job_share_allowed = true; set it or remove "
                    "max_sharers",
                )
            post_table.done()
            posts.append(post)
        _unique(posts, lambda p: p.slug, entry, "the post", f"{entry.path}.posts")
        share, _ = entry.share("min_women_share", None)
        first_posts = entry.whole("first_posts", 0, unit="posts", example=6)
        in_first = entry.whole("min_women_in_first_posts", 0, unit="women", example=3)
        min_women = entry.whole("min_women", 0, unit="women", example=2)
        if first_posts > len(posts):
            raise entry.error(
                "first_posts",
                f"{first_posts} is more than the {len(posts)} posts listed; lower it or add posts",
            )
        if in_first > first_posts:
            raise entry.error(
                "min_women_in_first_posts",
                f"{in_first} women cannot be found in the first {first_posts} posts; lower it or "
                "raise first_posts",
            )
        if min_women > sum(p.seats * p.max_sharers for p in posts):
            raise entry.error(
                "min_women", f"{min_women} is more than the officers there can be; lower it"
            )
        has_balance = share is not None or min_women or in_first
        has_exclusive = any(p.exclusive_group for p in posts)
        result.append(
            OfficerRules(
                unit_kind=unit_kind,
                title=f"officers of a {unit_kind}",
                clause=clause,
                text=entry.text("text", ""),
                posts=tuple(posts),
                min_women_share=share,
                min_women=min_women,
                first_posts=first_posts,
                min_women_in_first_posts=in_first,
                balance_clause=_required_clause(entry, "balance_clause", has_balance, clause),
                balance_text=entry.text("balance_text", ""),
                exclusive_clause=_required_clause(entry, "exclusive_clause", has_exclusive, clause),
                exclusive_text=entry.text("exclusive_text", ""),
                job_share_clause=entry.clause("job_share_clause", clause) or clause,
                job_share_text=entry.text("job_share_text", ""),
            )
        )
        entry.done()
    return tuple(result)


def _required_clause(entry: _Table, key: str, needed: Any, default: str) -> str:
    if needed and key not in entry.data:
        raise entry.error_at(
            entry.path,
            f'missing key "{key}"; the rule it names is in force here, so cite its clause, e.g. '
            f'{key} = "7.7.2"',
        )
    return entry.clause(key, default) or default


def _affiliation(
    table: _Table, unit_kinds: tuple[str, ...], organisation_kinds: tuple[str, ...]
) -> AffiliationRules:
    clause = table.clause()
    text = table.text("text", "")
    rules = []
    for org_kind, entry in table.subtables("by_kind", required=False):
        if org_kind not in organisation_kinds:
            raise entry.error_at(
                entry.path,
                f"{_show(org_kind)} is not a kind of organisation of this edition "
                f"({', '.join(organisation_kinds)}){_did_you_mean(org_kind, organisation_kinds)}",
            )
        rules.append(
            _finish(
                entry,
                AffiliationRule(
                    organisation_kind=org_kind,
                    title=entry.text("title", org_kind.replace("_", " ")),
                    unit_kinds=entry.choices("unit_kinds", unit_kinds),
                    clause=entry.clause("clause", clause) or clause,
                    text=entry.text("text", ""),
                ),
            )
        )
    table.done()
    return AffiliationRules(clause=clause, text=text, by_kind=tuple(rules))


def _proscribed(root: _Table) -> tuple[Proscription, ...]:
    items = [
        _finish(
            entry,
            Proscription(
                slug=entry.slug("slug"),
                name=entry.text("name"),
                since=entry.date("since", None),
                reason=entry.text("reason", ""),
                clause=entry.clause(),
            ),
        )
        for entry in root.array("proscribed")
    ]
    _unique(items, lambda p: p.slug, root, "the proscribed organisation", "proscribed")
    return tuple(items)
