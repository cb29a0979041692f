"""The ``[ballots]`` chapter: ballots of all the members of a unit (issue 11). Pure: the
standard library only. The format is in docs/rulebook.md.

It says who may call a ballot of which electorate (``[ballots.callers.<unit kind>]``: the
holders of named posts of that unit, and national staff), the presets a caller starts from
(``[ballots.presets.<slug>]``: the national executive's constituency section, a constituency's
officer post, a question put to a constituency's members), the least time between the freeze
and the issue, the secrecy of turnout figures (``min_cell``), until when a credential may be
reissued by each channel, when reminders go to members who have not voted, and how long
returned papers and the roll are kept. Every rule carries its clause.

Eligibility to vote is not here: it is ``[eligibility.ballot]``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moot.rulebook.model import Assessment
    from moot.rulebook.parse import _Table

BALLOT_KINDS = ("election", "question")
CHANNELS = ("online", "post")
PRECEDENCES = ("first_received", "online_wins", "paper_wins", "last_online")
CANDIDATE_ORDERS = ("alphabetical", "rotated")
# The tie-breaks moot.counting knows (moot.counting.tiebreak.TIE_BREAK_METHODS; the rulebook
# imports nothing of moot, a test keeps the two lists equal).
TIE_BREAKS = ("backwards", "forwards", "candidate-order", "random", "lot")
AFFILIATE = "affiliate"  # a nominating kind: an affiliated organisation, not a unit
# Turnout cells below this are never shown, whatever an edition says.
MIN_CELL_FLOOR = 2
# What a preset fixes unless it lists the value in ``editable`` (a caller may not lower the
# rulebook's constraints: the seats, the women's minimum, the nominations needed, who
# nominates, whether endorsements are shown, the family of counting method).
LOCKABLE = (
    "seats",
    "min_women",
    "nomination_threshold",
    "nominating_kinds",
    "show_endorsements",
    "method",
)
# The single transferable vote's rule sets are one family: a preset fixing "method" lets a
# caller choose another rule set of the same family, never another family.
STV_METHODS = frozenset(
    {"scottish-stv", "ers97", "gregory", "meek", "meek-nz", "meek-parametric", "wigm"}
)
SCRUTINEER_APPOINTERS = ("caller", "national_staff")


def method_family(method: str) -> str:
    """ "stv" for a rule set of the single transferable vote, else the method itself."""
    return "stv" if method in STV_METHODS else method


@dataclass(frozen=True)
class CallerRule:
    """Who may call a ballot of the members of a unit of one kind: the holders of ``posts`` of
    that unit, and national staff when ``national_staff``."""

    unit_kind: str
    posts: tuple[str, ...]
    national_staff: bool
    clause: str
    text: str = ""


@dataclass(frozen=True)
class BallotPreset:
    """A ballot a caller starts from: every value of the definition a caller would otherwise
    type, with the clause it rests on."""

    slug: str
    title: str
    unit_kind: str
    kind: str
    position: str
    seats: int
    min_women: int
    min_women_text: str
    nomination_threshold: int
    nominating_kinds: tuple[str, ...]
    method: str
    tie_break: str
    precedence: str
    channels: tuple[str, ...]
    candidate_order: str
    show_endorsements: bool
    freeze_days_before_issue: int
    voting_days: int
    clause: str
    text: str = ""
    editable: tuple[str, ...] = ()
    # Who appoints the scrutineer: "caller" (whoever may call the ballot) or "national_staff".
    scrutineer_appointed_by: str = "caller"
    scrutineer_clause: str = ""

    def locked(self) -> tuple[str, ...]:
        """The values of the definition this preset fixes."""
        return tuple(name for name in LOCKABLE if name not in self.editable)


@dataclass(frozen=True)
class BallotRules:
    clause: str = ""
    text: str = ""
    callers: tuple[CallerRule, ...] = ()
    presets: tuple[BallotPreset, ...] = ()
    # The freeze is at least this many days before the issue (the mailings are prepared from
    # the frozen roll).
    min_freeze_days: int = 0
    freeze_clause: str = ""
    freeze_text: str = ""
    # Turnout figures: a cell (a region's count) below min_cell is shown as "fewer than N".
    min_cell: int = 10
    secrecy_clause: str = ""
    secrecy_text: str = ""
    # Reissue: online until the close; by post until post_days_before_close days before it.
    reissue_online_until_close: bool = True
    reissue_post_days_before_close: int = 7
    reissue_clause: str = ""
    reissue_text: str = ""
    # Reminders to members who have not voted, this many days before the close.
    reminder_days_before_close: tuple[int, ...] = ()
    reminders_clause: str = ""
    reminders_text: str = ""
    # Returned papers and the roll are kept this long after the declaration; the anonymous
    # counted ballots this long for a countback.
    retention_papers_years: int = 1
    retention_roll_years: int = 1
    retention_countback_years: int = 2
    retention_clause: str = ""
    retention_text: str = ""

    @property
    def min_cell_shown(self) -> int:
        """The least count a turnout cell shows (never below the floor)."""
        return max(self.min_cell, MIN_CELL_FLOOR)

    def callers_for(self, unit_kind: str) -> CallerRule | None:
        return next((c for c in self.callers if c.unit_kind == unit_kind), None)

    def preset(self, slug: str) -> BallotPreset | None:
        return next((p for p in self.presets if p.slug == slug), None)

    def preset_of(self, unit_kind: str, clause: str) -> BallotPreset | None:
        """The preset a ballot of a ``unit_kind`` unit was called from (by its clause)."""
        return next(
            (p for p in self.presets if p.unit_kind == unit_kind and p.clause == clause), None
        )

    def presets_for(self, unit_kind: str) -> tuple[BallotPreset, ...]:
        return tuple(p for p in self.presets if p.unit_kind == unit_kind)

    def hidden(self, count: int) -> bool:
        """Whether a turnout cell of ``count`` is shown as "fewer than ``min_cell``" (a zero
        is hidden too: it would tell that nobody of a small group voted)."""
        return count < self.min_cell_shown


NO_BALLOTS = BallotRules()


def may_call(
    rules: BallotRules,
    unit_kind: str,
    *,
    posts_held: frozenset[str] | set[str] | tuple[str, ...],
    national_staff: bool,
) -> Assessment:
    """Whether a person holding ``posts_held`` in the unit (or a unit above it) and national
    staff or not may call a ballot of a unit of ``unit_kind`` (``[ballots.callers]``)."""
    from moot.rulebook.model import Assessment, Reason

    rule = rules.callers_for(unit_kind)
    if rule is None:
        return Assessment(
            False,
            (
                Reason(
                    f"the rulebook lets nobody call a ballot of the members of a {unit_kind} unit",
                    rules.clause,
                ),
            ),
        )
    if national_staff and rule.national_staff:
        return Assessment(True, (Reason("national staff may call it", rule.clause),))
    held = sorted(set(posts_held) & set(rule.posts))
    if held:
        return Assessment(True, (Reason(f"the {held[0]} may call it", rule.clause),))
    who = [f"the {p.replace('-', ' ').replace('_', ' ')}" for p in rule.posts]
    if rule.national_staff:
        who.append("national staff")
    listed = " or ".join(who) if who else "nobody"
    return Assessment(
        False,
        (Reason(f"a ballot of a {unit_kind} unit's members is called by {listed}", rule.clause),),
    )


def reissue_allowed(
    rules: BallotRules, channel: str, *, now: datetime.datetime, close_at: datetime.datetime
) -> Assessment:
    """Whether a credential may be reissued by ``channel`` at ``now`` (``[ballots.reissue]``):
    online until the close (when the edition allows it), by post until the set number of days
    before it."""
    from moot.rulebook.model import Assessment, Reason

    if now >= close_at:
        return Assessment(False, (Reason("the ballot has closed", rules.reissue_clause),))
    if channel == "online":
        if rules.reissue_online_until_close:
            return Assessment(True, (Reason("online until the close", rules.reissue_clause),))
        return Assessment(
            False, (Reason("credentials are not reissued online", rules.reissue_clause),)
        )
    last = close_at - datetime.timedelta(days=rules.reissue_post_days_before_close)
    if now < last:
        return Assessment(
            True, (Reason("by post until the last posting day", rules.reissue_clause),)
        )
    return Assessment(
        False,
        (
            Reason(
                f"papers are reissued by post until {rules.reissue_post_days_before_close} "
                "days before the close",
                rules.reissue_clause,
            ),
        ),
    )


def reminder_times(rules: BallotRules, close_at: datetime.datetime) -> list[datetime.datetime]:
    """When reminders go to members who have not voted, earliest first."""
    return sorted(
        close_at - datetime.timedelta(days=days) for days in rules.reminder_days_before_close
    )


# -- parsing ---------------------------------------------------------------------------------


def _callers(table: _Table, unit_kinds: tuple[str, ...], clause: str) -> tuple[CallerRule, ...]:
    callers: list[CallerRule] = []
    from moot.rulebook.parse import SLUG

    for unit_kind, entry in table.subtables("callers", required=True):
        if unit_kind not in unit_kinds:
            raise entry.error_at(
                entry.path, f"{unit_kind!r} is not a unit kind; use one of {', '.join(unit_kinds)}"
            )
        written = entry.data.get("posts", [])
        if not isinstance(written, list) or not all(isinstance(p, str) for p in written):
            raise entry.error("posts", 'expected an array of post slugs, e.g. ["secretary"]')
        posts = entry.choices("posts", tuple(written), [])
        for index, post in enumerate(posts, start=1):
            if not SLUG.match(post):
                raise entry.error(f"posts[{index}]", "a post is the slug of an officer post")
        rule = CallerRule(
            unit_kind=unit_kind,
            posts=posts,
            national_staff=entry.flag("national_staff", False),
            clause=entry.clause("clause", clause) or clause,
            text=entry.text("text", ""),
        )
        if not rule.posts and not rule.national_staff:
            raise entry.error_at(
                entry.path, 'name who may call it: posts = ["secretary"] or national_staff = true'
            )
        entry.done()
        callers.append(rule)
    return tuple(callers)


def _preset(slug: str, entry: _Table, unit_kinds: tuple[str, ...], clause: str) -> BallotPreset:
    unit_kind = entry.choice("unit_kind", unit_kinds)
    kind = entry.choice("kind", BALLOT_KINDS)
    seats = entry.whole("seats", 1, unit="seats", minimum=1, example=9)
    min_women = entry.whole("min_women", 0, unit="women", example=4)
    if min_women > seats:
        raise entry.error("min_women", f"cannot exceed the seats ({seats})")
    nominating = entry.choices("nominating_kinds", (*unit_kinds, AFFILIATE), [])
    channels = entry.choices("channels", CHANNELS, list(CHANNELS))
    if not channels:
        raise entry.error("channels", 'offer at least one channel, e.g. ["online", "post"]')
    method = entry.slug("method", example='"scottish-stv"')
    editable = entry.choices("editable", LOCKABLE, [])
    appointer = entry.choice("scrutineer_appointed_by", SCRUTINEER_APPOINTERS, "caller")
    preset_clause = entry.clause("clause", clause) or clause
    preset = BallotPreset(
        slug=slug,
        title=entry.text("title", slug.replace("_", " ")),
        unit_kind=unit_kind,
        kind=kind,
        position=entry.text("position", ""),
        seats=seats,
        min_women=min_women,
        min_women_text=entry.text("min_women_text", ""),
        nomination_threshold=entry.whole("nomination_threshold", 0, unit="nominations"),
        nominating_kinds=nominating,
        method=method,
        tie_break=entry.choice("tie_break", TIE_BREAKS, "backwards"),
        precedence=entry.choice("precedence", PRECEDENCES, "first_received"),
        channels=channels,
        candidate_order=entry.choice("candidate_order", CANDIDATE_ORDERS, "alphabetical"),
        show_endorsements=entry.flag("show_endorsements", True),
        freeze_days_before_issue=entry.whole("freeze_days_before_issue", 14, unit="days"),
        voting_days=entry.whole("voting_days", 21, unit="days", minimum=1),
        clause=preset_clause,
        text=entry.text("text", ""),
        editable=tuple(editable),
        scrutineer_appointed_by=appointer,
        scrutineer_clause=entry.clause("scrutineer_clause", preset_clause) or preset_clause,
    )
    if kind == "question" and (seats != 1 or min_women or nominating):
        raise entry.error_at(
            entry.path,
            "a question has one outcome: leave out seats, min_women and nominating_kinds",
        )
    entry.done()
    return preset


def parse_ballots(root: _Table, unit_kinds: tuple[str, ...]) -> BallotRules:
    """Read ``[ballots]`` (optional: an edition without it lets nobody call a ballot)."""
    if "ballots" not in root.data:
        root.used.add("ballots")
        return NO_BALLOTS
    table = root.table("ballots")
    clause = table.clause()
    text = table.text("text", "")
    callers = _callers(table, unit_kinds, clause)
    from moot.rulebook.parse import SLUG

    presets: list[BallotPreset] = []
    for slug, entry in table.subtables("presets", required=False):
        if not SLUG.match(slug):
            raise entry.error_at(
                entry.path, "a preset's name is a slug of lower-case letters, digits and - or _"
            )
        preset = _preset(slug, entry, unit_kinds, clause)
        if preset.unit_kind not in {c.unit_kind for c in callers}:
            raise entry.error(
                "unit_kind",
                f"nobody may call a ballot of a {preset.unit_kind} unit: add "
                f"[ballots.callers.{preset.unit_kind}]",
            )
        presets.append(preset)

    freeze = table.table("freeze", required=False)
    min_freeze_days = freeze.whole("min_days_before_issue", 0, unit="days")
    freeze_clause = freeze.clause("clause", clause) or clause
    freeze_text = freeze.text("text", "")
    freeze.done()

    secrecy = table.table("secrecy", required=False)
    min_cell = secrecy.whole("min_cell", 10, unit="members", minimum=MIN_CELL_FLOOR)
    secrecy_clause = secrecy.clause("clause", clause) or clause
    secrecy_text = secrecy.text("text", "")
    secrecy.done()

    reissue = table.table("reissue", required=False)
    online = reissue.flag("online_until_close", True)
    post_days = reissue.whole("post_days_before_close", 7, unit="days")
    reissue_clause = reissue.clause("clause", clause) or clause
    reissue_text = reissue.text("text", "")
    reissue.done()

    reminders = table.table("reminders", required=False)
    days = reminders.data.get("days_before_close", [])
    reminders.used.add("days_before_close")
    if not isinstance(days, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and d >= 1 for d in days
    ):
        raise reminders.error(
            "days_before_close", "expected an array of whole numbers of days, e.g. [7, 2]"
        )
    if len(set(days)) != len(days):
        raise reminders.error("days_before_close", "a day is listed twice; list it once")
    reminders_clause = reminders.clause("clause", clause) or clause
    reminders_text = reminders.text("text", "")
    reminders.done()

    retention = table.table("retention", required=False)
    papers = retention.whole("papers_years", 1, unit="years", minimum=1)
    roll = retention.whole("roll_years", 1, unit="years", minimum=1)
    countback = retention.whole("countback_years", 2, unit="years", minimum=1)
    retention_clause = retention.clause("clause", clause) or clause
    retention_text = retention.text("text", "")
    retention.done()
    table.done()
    return BallotRules(
        clause=clause,
        text=text,
        callers=callers,
        presets=tuple(presets),
        min_freeze_days=min_freeze_days,
        freeze_clause=freeze_clause,
        freeze_text=freeze_text,
        min_cell=min_cell,
        secrecy_clause=secrecy_clause,
        secrecy_text=secrecy_text,
        reissue_online_until_close=online,
        reissue_post_days_before_close=post_days,
        reissue_clause=reissue_clause,
        reissue_text=reissue_text,
        reminder_days_before_close=tuple(sorted(days, reverse=True)),
        reminders_clause=reminders_clause,
        reminders_text=reminders_text,
        retention_papers_years=papers,
        retention_roll_years=roll,
        retention_countback_years=countback,
        retention_clause=retention_clause,
        retention_text=retention_text,
    )
