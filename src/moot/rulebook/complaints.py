"""The ``[complaints]`` chapter: the complaints and disciplinary process (issue 10; the format
is in docs/rulebook.md). Pure: the standard library only.

It says which categories of complaint there are (and which concern a protected
characteristic), the working-day deadlines of each stage and the nation whose bank holidays
they skip, why a clock may stop, the sanctions and which need a panel, how a suspension is
reviewed, how long readmission is barred, panel sizes, the conflict rules, how long training
lasts, how long each kind of record is kept, the statistics' suppression rule, the evidence
files accepted, the reasons a decision may never rest on, and who is told what at each
milestone. Every rule carries its clause.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

NATIONS = ("england_wales", "scotland", "northern_ireland")
EVIDENCE_TYPES = ("pdf", "png", "jpeg", "txt", "docx")
DEADLINE_STAGES = ("investigation", "report", "decision", "appeal_window", "review")
SANCTION_KINDS = ("warning", "reminder_of_conduct", "education", "suspension", "expulsion")
# What a decision may conclude: not upheld, no further action, or one of the sanctions.
CRITERION_OUTCOMES = ("not_upheld", "no_further_action", *SANCTION_KINDS)
CONFLICT_RULES = (
    "same_branch",
    "same_constituency",
    "office_with",
    "shared_slate",
    "same_address",
    "earlier_role",
    "complainant_or_witness",
)
RECORD_TYPES = (
    "case_file",
    "evidence",
    "read_log",
    "communications",
    "sanction",
    "no_further_action",
)
PARTIES = ("complainant", "third_party", "respondent")
MILESTONES = (
    "received",
    "triaged",
    "investigation",
    "suspension",
    "report",
    "decided",
    "review",
    "appeal",
    "closed",
)


@dataclass(frozen=True)
class Category:
    slug: str
    title: str
    protected_characteristic: bool
    clause: str
    text: str = ""


@dataclass(frozen=True)
class ClockStopReason:
    slug: str
    title: str
    clause: str


@dataclass(frozen=True)
class SanctionRule:
    kind: str
    title: str
    needs_panel: bool
    clause: str
    text: str = ""


@dataclass(frozen=True)
class StageDeadline:
    stage: str
    working_days: int


@dataclass(frozen=True)
class RetentionPeriod:
    record_type: str
    years: int


# The steps whose grounds cite a published criterion (R-E3).
CRITERION_STEPS = ("triage", "suspension", "decision", "review", "appeal")


@dataclass(frozen=True)
class Criterion:
    """A published criterion a step's decision may rest on (R-E3): ``steps`` says which of
    CRITERION_STEPS may cite it."""

    slug: str
    title: str
    steps: tuple[str, ...]
    clause: str
    # The decisions it can support (CRITERION_OUTCOMES); empty: any. "no_case_to_answer"
    # supports not upholding the complaint, never a sanction.
    outcomes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Milestone:
    """Who is told at a milestone: ``tell`` lists parties among ``complainant`` (the conduct
    was directed at them), ``third_party`` (a complainant about conduct not directed at them)
    and ``respondent``; ``text`` is what they are told."""

    slug: str
    tell: tuple[str, ...]
    text: str
    clause: str


@dataclass(frozen=True)
class ComplaintRules:
    clause: str = ""
    text: str = ""
    nation: str = "england_wales"
    acknowledgement_days: int = 2
    acknowledgement_clause: str = ""
    triage_working_days: int = 10
    triage_clause: str = ""
    deadlines: tuple[StageDeadline, ...] = ()
    deadlines_clause: str = ""
    categories: tuple[Category, ...] = ()
    clock_stop_reasons: tuple[ClockStopReason, ...] = ()
    sanctions: tuple[SanctionRule, ...] = ()
    suspension_review_working_days: int = 20
    suspension_clause: str = ""
    readmission_bar_years: int = 5
    readmission_clause: str = ""
    panel_size: int = 3
    appeal_panel_size: int = 3
    review_panel_size: int = 1
    panels_clause: str = ""
    conflict_rules: tuple[str, ...] = CONFLICT_RULES
    conflicts_clause: str = ""
    training_validity_months: int = 24
    training_clause: str = ""
    retention: tuple[RetentionPeriod, ...] = ()
    retention_clause: str = ""
    suppression_hide_max: int = 7
    suppression_round_to: int = 5
    suppression_clause: str = ""
    evidence_max_bytes: int = 10 * 1024 * 1024
    evidence_max_files: int = 10
    evidence_types: tuple[str, ...] = EVIDENCE_TYPES
    evidence_clause: str = ""
    improper_reasons: tuple[str, ...] = ()
    improper_reasons_clause: str = ""
    milestones: tuple[Milestone, ...] = ()
    # The process's steps (docs/cases.md, "The process"): the respondent's time to reply to
    # the notice, how far a hearing may be postponed for a companion, the least words of
    # reasons, how many years of offices and contests link a person with a party, the criteria.
    reply_working_days: int = 10
    postponement_working_days: int = 5
    reasons_min_words: int = 10
    conflict_lookback_years: int = 5
    criteria: tuple[Criterion, ...] = ()
    process_clause: str = ""

    def criteria_for(self, step: str) -> tuple[Criterion, ...]:
        """The published criteria a ``step``'s grounds may cite."""
        return tuple(c for c in self.criteria if step in c.steps)

    @property
    def enabled(self) -> bool:
        """Whether the edition has a complaints chapter (a case needs its categories)."""
        return bool(self.categories)

    def category(self, slug: str) -> Category | None:
        return next((c for c in self.categories if c.slug == slug), None)

    def sanction(self, kind: str) -> SanctionRule | None:
        return next((s for s in self.sanctions if s.kind == kind), None)

    def clock_stop_reason(self, slug: str) -> ClockStopReason | None:
        return next((r for r in self.clock_stop_reasons if r.slug == slug), None)

    def milestone(self, slug: str) -> Milestone | None:
        return next((m for m in self.milestones if m.slug == slug), None)

    def deadline_days(self, stage: str) -> int | None:
        """The working days a stage has (None when the rulebook sets none)."""
        return next((d.working_days for d in self.deadlines if d.stage == stage), None)

    def retention_years(self, record_type: str) -> int | None:
        """The years a kind of record is kept after the case closes."""
        return next((r.years for r in self.retention if r.record_type == record_type), None)


NO_COMPLAINTS = ComplaintRules()


def _cited(table: Any, key: str, fallback: str) -> str:
    cited = table.clause(key, "") or fallback
    if not cited:
        raise table.error(key, f'the rule needs its clause: add {key} = "6.3"')
    return cited


def _whole_table(table: Any, allowed: tuple[str, ...], unit: str) -> dict[str, int]:
    values = {}
    for key in list(table.data):
        if key in {"clause", "text"}:
            continue
        if key not in allowed:
            table.used.add(key)
            raise table.error(key, f"not one of {', '.join(allowed)}")
        values[key] = table.whole(key, unit=unit, minimum=0)
    return values


def _categories(root: Any) -> tuple[Category, ...]:
    categories = []
    seen: set[str] = set()
    for entry in root.array("categories"):
        slug = entry.slug("slug", example='"bullying"')
        if slug in seen:
            raise entry.error("slug", f'the category "{slug}" is defined twice; keep one')
        seen.add(slug)
        categories.append(
            Category(
                slug=slug,
                title=entry.text("title"),
                protected_characteristic=entry.flag("protected_characteristic", False),
                clause=entry.clause(),
                text=entry.text("text", ""),
            )
        )
        entry.done()
    return tuple(categories)


def _clock_stops(root: Any) -> tuple[ClockStopReason, ...]:
    reasons = []
    for entry in root.array("clock_stop_reasons"):
        reasons.append(
            ClockStopReason(
                slug=entry.slug("slug", example='"police_investigation"'),
                title=entry.text("title"),
                clause=entry.clause(),
            )
        )
        entry.done()
    return tuple(reasons)


def _sanctions(root: Any) -> tuple[SanctionRule, ...]:
    sanctions = []
    seen: set[str] = set()
    for entry in root.array("sanctions"):
        kind = entry.choice("kind", SANCTION_KINDS)
        if kind in seen:
            raise entry.error("kind", f'the sanction "{kind}" is listed twice; keep one')
        seen.add(kind)
        sanctions.append(
            SanctionRule(
                kind=kind,
                title=entry.text("title"),
                needs_panel=entry.flag("needs_panel", False),
                clause=entry.clause(),
                text=entry.text("text", ""),
            )
        )
        entry.done()
    return tuple(sanctions)


def _milestones(root: Any) -> tuple[Milestone, ...]:
    milestones = []
    seen: set[str] = set()
    for entry in root.array("communications"):
        slug = entry.choice("milestone", MILESTONES)
        if slug in seen:
            raise entry.error("milestone", f'the milestone "{slug}" is listed twice; keep one')
        seen.add(slug)
        milestones.append(
            Milestone(
                slug=slug,
                tell=entry.choices("tell", PARTIES),
                text=entry.text("text"),
                clause=entry.clause(),
            )
        )
        entry.done()
    return tuple(milestones)


def _criteria(root: Any) -> tuple[Criterion, ...]:
    criteria = []
    seen: set[str] = set()
    for entry in root.array("criteria"):
        slug = entry.slug("slug", example='"breach_found"')
        if slug in seen:
            raise entry.error("slug", f'the criterion "{slug}" is defined twice; keep one')
        seen.add(slug)
        criteria.append(
            Criterion(
                slug=slug,
                title=entry.text("title"),
                steps=entry.choices("steps", CRITERION_STEPS),
                clause=entry.clause(),
                outcomes=entry.choices("outcomes", CRITERION_OUTCOMES, default=[]),
            )
        )
        entry.done()
    return tuple(criteria)


def _improper(table: Any) -> tuple[str, ...]:
    value = table._get("improper_reasons", [], '["press interest"]')
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise table.error(
            "improper_reasons", 'expected an array of phrases such as ["press interest"]'
        )
    return tuple(v.strip().lower() for v in value)


def parse_complaints(table: Any) -> ComplaintRules:
    """Read the optional ``[complaints]`` table (a ``parse._Table``). Without it the edition
    has no complaints process (``NO_COMPLAINTS``): cases cannot be opened under it."""
    if not table.data:
        table.done()
        return NO_COMPLAINTS
    clause = table.clause()
    text = table.text("text", "")
    nation = table.choice("nation", NATIONS, "england_wales")
    acknowledgement_days = table.whole("acknowledgement_days", unit="days", minimum=0, example=2)
    acknowledgement_clause = _cited(table, "acknowledgement_clause", clause)
    triage_days = table.whole("triage_working_days", unit="working days", minimum=1, example=10)
    triage_clause = _cited(table, "triage_clause", clause)
    improper = _improper(table)
    improper_clause = _cited(table, "improper_reasons_clause", clause) if improper else ""

    deadlines_table = table.table("deadlines")
    deadlines = _whole_table(deadlines_table, DEADLINE_STAGES, "working days")
    missing = [stage for stage in DEADLINE_STAGES if stage not in deadlines]
    if missing:
        raise deadlines_table.error_at(
            deadlines_table.path,
            f"missing deadline for {', '.join(missing)}; add e.g. {missing[0]} = 20",
        )
    deadlines_clause = _cited(deadlines_table, "clause", clause)
    deadlines_table.done()

    suspension = table.table("suspension")
    review_days = suspension.whole("review_working_days", unit="working days", minimum=1)
    suspension_clause = _cited(suspension, "clause", clause)
    bar_years = suspension.whole("readmission_bar_years", unit="years", minimum=0, example=5)
    readmission_clause = _cited(suspension, "readmission_clause", suspension_clause)
    suspension.done()

    panels = table.table("panels")
    panel_size = panels.whole("panel", unit="members", minimum=1, example=3)
    appeal_size = panels.whole("appeal", unit="members", minimum=1, example=3)
    review_size = panels.whole("review", unit="reviewers", minimum=1, example=1)
    panels_clause = _cited(panels, "clause", clause)
    panels.done()

    conflicts = table.table("conflicts")
    rules = conflicts.choices("rules", CONFLICT_RULES)
    lookback = conflicts.whole("lookback_years", 5, unit="years", minimum=0, example=5)
    conflicts_clause = _cited(conflicts, "clause", clause)
    conflicts.done()

    training = table.table("training")
    validity = training.whole("validity_months", unit="months", minimum=1, example=24)
    training_clause = _cited(training, "clause", clause)
    training.done()

    retention = table.table("retention")
    retention_years = _whole_table(retention, RECORD_TYPES, "years")
    missing = [kind for kind in RECORD_TYPES if kind not in retention_years]
    if missing:
        raise retention.error_at(
            retention.path, f"missing retention for {', '.join(missing)}; add e.g. {missing[0]} = 6"
        )
    retention_clause = _cited(retention, "clause", clause)
    retention.done()

    suppression = table.table("suppression")
    hide_max = suppression.whole("hide_max", unit="cases", minimum=0, example=7)
    round_to = suppression.whole("round_to", unit="cases", minimum=1, example=5)
    suppression_clause = _cited(suppression, "clause", clause)
    suppression.done()

    evidence = table.table("evidence")
    max_mb = evidence.whole("max_megabytes", unit="megabytes", minimum=1, example=10)
    max_files = evidence.whole("max_files", unit="files", minimum=1, example=10)
    types = evidence.choices("types", EVIDENCE_TYPES)
    evidence_clause = _cited(evidence, "clause", clause)
    evidence.done()

    categories = _categories(table)
    if not categories:
        raise table.error_at(
            table.path, "missing [[complaints.categories]] entries; add at least one"
        )
    clock_stops = _clock_stops(table)
    sanctions = _sanctions(table)
    milestones = _milestones(table)
    process = table.table("process", required=False)
    reply_days = process.whole("reply_working_days", 10, unit="working days", minimum=1)
    postponement_days = process.whole(
        "postponement_working_days", 5, unit="working days", minimum=1
    )
    min_words = process.whole("reasons_min_words", 10, unit="words", minimum=1)
    process_clause = process.clause("clause", "") or clause
    process.done()
    criteria = _criteria(table)
    table.done()
    return ComplaintRules(
        clause=clause,
        text=text,
        nation=nation,
        acknowledgement_days=acknowledgement_days,
        acknowledgement_clause=acknowledgement_clause,
        triage_working_days=triage_days,
        triage_clause=triage_clause,
        deadlines=tuple(StageDeadline(k, v) for k, v in deadlines.items()),
        deadlines_clause=deadlines_clause,
        categories=categories,
        clock_stop_reasons=clock_stops,
        sanctions=sanctions,
        suspension_review_working_days=review_days,
        suspension_clause=suspension_clause,
        readmission_bar_years=bar_years,
        readmission_clause=readmission_clause,
        panel_size=panel_size,
        appeal_panel_size=appeal_size,
        review_panel_size=review_size,
        panels_clause=panels_clause,
        conflict_rules=rules,
        conflicts_clause=conflicts_clause,
        training_validity_months=validity,
        training_clause=training_clause,
        retention=tuple(RetentionPeriod(k, v) for k, v in retention_years.items()),
        retention_clause=retention_clause,
        suppression_hide_max=hide_max,
        suppression_round_to=round_to,
        suppression_clause=suppression_clause,
        evidence_max_bytes=max_mb * 1024 * 1024,
        evidence_max_files=max_files,
        evidence_types=types,
        evidence_clause=evidence_clause,
        improper_reasons=improper,
        improper_reasons_clause=improper_clause,
        milestones=milestones,
        reply_working_days=reply_days,
        postponement_working_days=postponement_days,
        reasons_min_words=min_words,
        conflict_lookback_years=lookback,
        criteria=criteria,
        process_clause=process_clause,
    )
