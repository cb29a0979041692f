"""The typed, frozen objects an edition is parsed into. Every rule carries the clause it comes
from and its text, so a decision can cite it.

The rulebook page renders these dataclasses field by field, in declaration order, so the order
of fields here is the order a reader sees them in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from moot.rulebook.ballots import NO_BALLOTS, BallotRules
from moot.rulebook.complaints import NO_COMPLAINTS, ComplaintRules
from moot.rulebook.errors import RulebookError
from moot.rulebook.policies import NO_POLICIES, PolicyRules
from moot.rulebook.polls import DEFAULT_POLL_RULES, PollRules

# Shared vocabularies (also used by members, units, meetings and motions).
MEMBER_STATUSES = (
    "applied",
    "active",
    "in_arrears",
    "lapsed",
    "suspended",
    "expelled",
    "resigned",
)
AGENDA_ITEM_KINDS = (
    "apologies",
    "minutes",
    "report",
    "motion",
    "election",
    "speaker",
    "training",
    "any_other_business",
)
REQUIRED_PURPOSES = ("meeting", "ballot", "stand", "nominate")
MAJORITY_BASES = ("cast", "present")
AUDIENCES = ("members", "units")


@dataclass(frozen=True)
class Reason:
    """One reason in a verdict, with the clause it rests on ("" when none applies)."""

    text: str
    clause: str = ""

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Assessment:
    """A verdict: allowed or not, with the reasons. A refusal lists only what refused it; an
    approval lists what allowed it. (Deliberately not falsy when refused: templates test
    ``{% if verdict %}`` for "was there an answer"; read ``.allowed``.)"""

    allowed: bool
    reasons: tuple[Reason, ...] = ()

    @property
    def clause(self) -> str:
        """The first clause cited (for an audit event that cites one)."""
        return next((r.clause for r in self.reasons if r.clause), "")

    @property
    def text(self) -> str:
        return "; ".join(r.text for r in self.reasons)


@dataclass(frozen=True)
class StatusInterval:
    """One interval of a member's status history: ``start`` inclusive, ``end`` exclusive
    (None while open)."""

    status: str
    start: datetime.date
    end: datetime.date | None = None


@dataclass(frozen=True)
class StatusRule:
    """What a membership status means: whether it counts towards continuous membership and
    whether a member in it may exercise their rights."""

    status: str
    title: str
    continuous: bool
    standing: bool
    clause: str
    text: str
    remedy: str = ""


# Who keeps the register ([membership.register] authority): the national membership office,
# or each unit's secretary for the members of their unit.
REGISTER_AUTHORITIES = ("national_office", "unit_secretary")
# What a unit's secretary may do when the office keeps the register.
UNIT_OFFICER_REGISTER_ROLES = ("propose", "nothing")
# Who records a suspension pending investigation and lifts it: complaints staff only, or also
# national staff (the complaints process; RULES.md §10).
SUSPENSION_RECORDERS = ("complaints_staff", "complaints_and_national_staff")


@dataclass(frozen=True)
class RegisterRules:
    """Who may admit a member, set or back-date the day a membership starts, change a member's
    e-mail address or move them to another unit (the register's one authority), and what a
    unit's secretary may do about it: propose (the authority decides) or nothing."""

    authority: str = "national_office"
    unit_officers: str = "propose"
    suspensions: str = "complaints_staff"
    clause: str = ""
    text: str = (
        "The national membership office keeps the register: it admits members, records the "
        "day a membership starts, changes a member's e-mail address and moves members between "
        "units. A membership starts on the day it is recorded unless the office back-dates it "
        "with a reason. A unit's secretary may propose such changes; the office decides."
    )

    @property
    def office_decides(self) -> bool:
        return self.authority == "national_office"

    @property
    def officers_propose(self) -> bool:
        return self.office_decides and self.unit_officers == "propose"

    @property
    def national_staff_suspend(self) -> bool:
        return self.suspensions == "complaints_and_national_staff"


@dataclass(frozen=True)
class MembershipRules:
    clause: str
    text: str
    lapse_grace_days: int
    unit_clause: str
    unit_text: str
    statuses: tuple[StatusRule, ...]
    register: RegisterRules = RegisterRules()

    @cached_property
    def by_status(self) -> dict[str, StatusRule]:
        return {rule.status: rule for rule in self.statuses}


@dataclass(frozen=True)
class EligibilityRule:
    """Who may take part in something ("meeting", "ballot", "stand", "nominate", ...)."""

    purpose: str
    title: str
    event: str
    min_weeks: int
    in_unit: bool
    freeze_date: bool
    clause: str
    text: str
    freeze_clause: str = ""


@dataclass(frozen=True)
class QuorumRule:
    share: Fraction
    share_text: str
    minimum: int
    clause: str
    text: str

    def required(self, eligible: int) -> int:
        """Members needed: the share of ``eligible``, rounded up, and never below the floor."""
        if eligible < 0:
            raise RulebookError(f"the eligible count cannot be negative (got {eligible})")
        product = self.share * eligible
        rounded_up = -((-product.numerator) // product.denominator)
        return max(self.minimum, rounded_up)


@dataclass(frozen=True)
class Quorum:
    """A quorum worked out for a roll: ``required`` members, explained in ``text``."""

    required: int
    eligible: int
    text: str
    clause: str


@dataclass(frozen=True)
class MeetingKind:
    slug: str
    name: str
    unit_kinds: tuple[str, ...]
    elects_officers: bool
    notice_days_members: int
    notice_days_units: int
    notice_clause: str
    motion_deadline_days: int
    nomination_deadline_days: int
    deadline_clause: str
    inquorate_business: tuple[str, ...]
    quorum: QuorumRule
    clause: str
    text: str


@dataclass(frozen=True)
class Majority:
    """A required majority. ``is_met(yes, no, present)``: on basis "cast" the total is the
    votes for and against (abstentions are not votes); on basis "present" it is the members
    present, so an abstention counts against. ``at_least`` distinguishes "at least two thirds"
    from "more than half"."""

    name: str
    title: str
    numerator: int
    denominator: int
    at_least: bool
    basis: str
    clause: str
    text: str

    def total(self, yes: int, no: int, present: int) -> int:
        return yes + no if self.basis == "cast" else present

    def is_met(self, yes: int, no: int, present: int = 0) -> bool:
        if min(yes, no, present) < 0:
            raise RulebookError(
                f"vote counts cannot be negative (yes {yes}, no {no}, present {present})"
            )
        if self.basis == "present" and present < yes + no:
            raise RulebookError(
                f"{yes + no} votes were cast but only {present} members are counted as present; "
                "count the members present again"
            )
        total = self.total(yes, no, present)
        if total == 0:
            return False
        if self.at_least:
            return yes * self.denominator >= self.numerator * total
        return yes * self.denominator > self.numerator * total

    def needed(self, yes: int, no: int, present: int = 0) -> int:
        """The smallest number of votes for that would meet this majority on that total."""
        total = self.total(yes, no, present)
        if total == 0:
            return 1
        bound = self.numerator * total
        if self.at_least:
            return -(-bound // self.denominator)
        return bound // self.denominator + 1

    def with_basis(self, basis: str, clause: str, text: str) -> Majority:
        return Majority(
            name=self.name,
            title=self.title,
            numerator=self.numerator,
            denominator=self.denominator,
            at_least=self.at_least,
            basis=basis,
            clause=clause,
            text=text,
        )


@dataclass(frozen=True)
class Decision:
    """A kind of decision and the majority it needs (``basis`` overrides the majority's)."""

    slug: str
    title: str
    majority: str
    basis: str
    clause: str
    text: str


@dataclass(frozen=True)
class CompetenceCategory:
    """A category of business that is not competent for a unit. A ``confidential`` category's
    motions are shown, once ruled out under it, only as "a motion concerning
    ``described_as`` was received and ruled not competent (clause …)"."""

    slug: str
    title: str
    text: str
    clause: str
    confidential: bool = False
    described_as: str = "a confidential matter"


@dataclass(frozen=True)
class PostSpec:
    """An officer post of a kind of unit."""

    slug: str
    title: str
    reserved_for_women: bool
    exclusive_group: str
    job_share_allowed: bool
    max_sharers: int
    seats: int
    clause: str
    text: str = ""
    note: str = ""


@dataclass(frozen=True)
class OfficerRules:
    """The posts of one kind of unit, in election order, and the rules on who holds them."""

    unit_kind: str
    title: str
    clause: str
    text: str
    posts: tuple[PostSpec, ...]
    min_women_share: Fraction | None
    min_women: int
    first_posts: int
    min_women_in_first_posts: int
    balance_clause: str
    balance_text: str
    exclusive_clause: str
    exclusive_text: str
    job_share_clause: str
    job_share_text: str


@dataclass(frozen=True)
class SlateEntry:
    """One person in one post, as judged by ``check_officer_slate``. ``person`` is any stable
    identifier (it is compared, never shown)."""

    post: str
    person: str
    woman: bool
    job_share: bool = False


@dataclass(frozen=True)
class AffiliationRule:
    organisation_kind: str
    title: str
    unit_kinds: tuple[str, ...]
    clause: str
    text: str


@dataclass(frozen=True)
class AffiliationRules:
    clause: str
    text: str
    by_kind: tuple[AffiliationRule, ...]


@dataclass(frozen=True)
class Proscription:
    slug: str
    name: str
    since: datetime.date | None
    reason: str
    clause: str


@dataclass(frozen=True)
class Edition:
    """A parsed, validated rulebook edition."""

    name: str
    title: str
    version: str
    effective_from: datetime.date | None
    organisation: str
    summary: str
    unit_kinds: tuple[str, ...]
    organisation_kinds: tuple[str, ...]
    membership: MembershipRules
    eligibility: tuple[EligibilityRule, ...]
    meeting_kinds: tuple[MeetingKind, ...]
    majorities: tuple[Majority, ...]
    decisions: tuple[Decision, ...]
    not_competent: tuple[CompetenceCategory, ...]
    officers: tuple[OfficerRules, ...]
    affiliation: AffiliationRules
    proscribed: tuple[Proscription, ...]
    source: str
    source_text: str
    digest: str
    complaints: ComplaintRules = NO_COMPLAINTS  # [complaints]: the case process
    policies: PolicyRules = NO_POLICIES
    polls: PollRules = DEFAULT_POLL_RULES  # [polls]: what a result publishes (secrecy, turnout)
    ballots: BallotRules = NO_BALLOTS  # [ballots]: ballots of all a unit's members (issue 11)

    def __str__(self) -> str:
        return self.title or self.name

    def _unknown(self, what: str, value: str, known: list[str], path: str) -> RulebookError:
        listed = ", ".join(repr(k) for k in known) or "none"
        return RulebookError(
            f"{what} {value!r} is not defined by edition {self.name!r}; it defines {listed}",
            source=self.source,
            path=path,
        )

    @cached_property
    def _eligibility_by_purpose(self) -> dict[str, EligibilityRule]:
        return {rule.purpose: rule for rule in self.eligibility}

    def eligibility_rule(self, purpose: str) -> EligibilityRule:
        rule = self._eligibility_by_purpose.get(purpose)
        if rule is not None:
            return rule
        raise self._unknown(
            "purpose", purpose, [r.purpose for r in self.eligibility], f"eligibility.{purpose}"
        )

    @property
    def purposes(self) -> tuple[str, ...]:
        return tuple(r.purpose for r in self.eligibility)

    def status_rule(self, status: str) -> StatusRule:
        rule = self.membership.by_status.get(status)
        if rule is not None:
            return rule
        raise self._unknown(
            "membership status",
            status,
            [r.status for r in self.membership.statuses],
            f"membership.statuses.{status}",
        )

    @property
    def status_clauses(self) -> dict[str, str]:
        """The clause governing each membership status (cited when a status changes)."""
        return {r.status: r.clause for r in self.membership.statuses}

    def meeting_kind(self, slug: str) -> MeetingKind:
        for kind in self.meeting_kinds:
            if kind.slug == slug:
                return kind
        raise self._unknown(
            "meeting kind", slug, [k.slug for k in self.meeting_kinds], f"meetings.{slug}"
        )

    def meeting_kinds_for(self, unit_kind: str) -> tuple[MeetingKind, ...]:
        return tuple(k for k in self.meeting_kinds if unit_kind in k.unit_kinds)

    def officers_for(self, unit_kind: str) -> OfficerRules | None:
        """The officer rules of a kind of unit (None when the edition gives it no posts)."""
        if unit_kind not in self.unit_kinds:
            raise self._unknown("unit kind", unit_kind, list(self.unit_kinds), "edition.unit_kinds")
        return next((o for o in self.officers if o.unit_kind == unit_kind), None)

    def posts_for(self, unit_kind: str) -> tuple[PostSpec, ...]:
        """The posts of a kind of unit, in election order (none for a kind without officers)."""
        rules = self.officers_for(unit_kind)
        return rules.posts if rules is not None else ()

    def majority_rule(self, name: str) -> Majority:
        for rule in self.majorities:
            if rule.name == name:
                return rule
        raise self._unknown(
            "majority",
            name,
            [m.name for m in self.majorities] + [d.slug for d in self.decisions],
            f"majorities.{name}",
        )

    def decision(self, slug: str) -> Decision | None:
        return next((d for d in self.decisions if d.slug == slug), None)

    def proscription(self, slug: str) -> Proscription | None:
        return next((p for p in self.proscribed if p.slug == slug), None)

    def competence_category(self, slug: str) -> CompetenceCategory:
        for category in self.not_competent:
            if category.slug == slug:
                return category
        raise self._unknown(
            "competence category",
            slug,
            [c.slug for c in self.not_competent],
            "not_competent",
        )
