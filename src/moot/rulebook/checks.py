"""The rulebook's answers for meetings, motions, elections, officers and affiliations. Each
check returns an ``Assessment`` whose reasons cite their clause; each value carries its clause."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from moot.rulebook.errors import RulebookError
from moot.rulebook.model import (
    AGENDA_ITEM_KINDS,
    AUDIENCES,
    Assessment,
    CompetenceCategory,
    Edition,
    Majority,
    OfficerRules,
    PostSpec,
    Quorum,
    Reason,
    SlateEntry,
)


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _listing(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items) or "nothing"
    return ", ".join(items[:-1]) + " and " + items[-1]


# -- Meetings ---------------------------------------------------------------------------------


def check_notice(
    edition: Edition,
    kind_slug: str,
    *,
    meeting_date: datetime.date,
    notice_date: datetime.date,
    audience: str = "members",
) -> Assessment:
    """Was notice given early enough? ``audience`` is "members" (notice of the business to
    members) or "units" (formal notice to branches and affiliates)."""
    kind = edition.meeting_kind(kind_slug)
    if audience not in AUDIENCES:
        raise RulebookError(
            f"audience {audience!r} is not one of {', '.join(AUDIENCES)}",
            source=edition.source,
            path=f"meetings.{kind_slug}",
        )
    needed = kind.notice_days_members if audience == "members" else kind.notice_days_units
    given = (meeting_date - notice_date).days
    to = "to members" if audience == "members" else "to branches and affiliates"
    if needed == 0:
        return Assessment(
            True,
            (Reason(f"no notice {to} is required for a {kind.name}", kind.notice_clause),),
        )
    if given < 0:
        text = (
            f"notice {to} was sent {_days(-given)} after the {kind.name}; clause "
            f"{kind.notice_clause} needs {needed} days before it"
        )
        return Assessment(False, (Reason(text, kind.notice_clause),))
    text = (
        f"notice {to} sent {_days(given)} before the {kind.name}; clause {kind.notice_clause} "
        f"needs {needed}"
    )
    return Assessment(given >= needed, (Reason(text, kind.notice_clause),))


def notice_due(
    edition: Edition, kind_slug: str, *, meeting_date: datetime.date, audience: str = "members"
) -> datetime.date:
    """The last day notice may be sent for a meeting on ``meeting_date``."""
    kind = edition.meeting_kind(kind_slug)
    needed = kind.notice_days_members if audience == "members" else kind.notice_days_units
    return meeting_date - datetime.timedelta(days=needed)


def quorum_for(edition: Edition, kind_slug: str, eligible: int) -> Quorum:
    """The quorum of a meeting of ``kind_slug`` with ``eligible`` members on its roll: the
    share of the roll rounded up, never below the floor (integer arithmetic)."""
    kind = edition.meeting_kind(kind_slug)
    if isinstance(eligible, bool) or not isinstance(eligible, int) or eligible < 0:
        raise RulebookError(
            f"the eligible count must be a whole number of at least 0, got {eligible!r}",
            source=edition.source,
            path=f"meetings.{kind_slug}.quorum",
        )
    rule = kind.quorum
    required = rule.required(eligible)
    noun = "member" if eligible == 1 else "members"
    text = f"{rule.share_text} of {eligible:,} eligible {noun}"
    if rule.minimum:
        text += f", at least {rule.minimum:,}"
    text += f": {required:,}"
    return Quorum(required=required, eligible=eligible, text=text, clause=rule.clause)


def check_quorum(edition: Edition, kind_slug: str, *, eligible: int, present: int) -> Assessment:
    """Is a meeting with ``present`` eligible members of ``eligible`` quorate?"""
    quorum = quorum_for(edition, kind_slug, eligible)
    verb = "is" if present == 1 else "are"
    text = f"{present:,} {verb} present; the quorum is {quorum.text}"
    return Assessment(present >= quorum.required, (Reason(text, quorum.clause),))


def check_inquorate_business(edition: Edition, kind_slug: str, item_kind: str) -> Assessment:
    """May an inquorate meeting of ``kind_slug`` take an agenda item of ``item_kind``?"""
    kind = edition.meeting_kind(kind_slug)
    if item_kind not in AGENDA_ITEM_KINDS:
        raise RulebookError(
            f"agenda item kind {item_kind!r} is not one of {', '.join(AGENDA_ITEM_KINDS)}",
            source=edition.source,
            path=f"meetings.{kind_slug}.inquorate_business",
        )
    clause = kind.quorum.clause
    label = item_kind.replace("_", " ")
    if item_kind in kind.inquorate_business:
        text = f"an inquorate {kind.name} may still take {label} items"
        return Assessment(True, (Reason(text, clause),))
    allowed = _listing(k.replace("_", " ") for k in kind.inquorate_business)
    text = (
        f"an inquorate {kind.name} may not take {label} business; clause {clause} allows only "
        f"{allowed}"
        if kind.inquorate_business
        else f"an inquorate {kind.name} may not take {label} business; clause {clause} allows none"
    )
    return Assessment(False, (Reason(text, clause),))


def _deadline(
    edition: Edition,
    kind_slug: str,
    *,
    meeting_date: datetime.date,
    on: datetime.date,
    days_attr: str,
    what: str,
) -> Assessment:
    kind = edition.meeting_kind(kind_slug)
    needed = getattr(kind, days_attr)
    clause = kind.deadline_clause
    given = (meeting_date - on).days
    deadline = meeting_date - datetime.timedelta(days=needed)
    if given < 0:
        text = (
            f"{what} received {_days(-given)} after the {kind.name}; it was due by {_day(deadline)}"
        )
        return Assessment(False, (Reason(text, clause),))
    if needed == 0:
        text = f"{what} received {_days(given)} before the {kind.name}; no deadline applies"
        return Assessment(True, (Reason(text, clause),))
    text = f"{what} received {_days(given)} before the {kind.name}; clause {clause} needs {needed}"
    if given < needed:
        text += f" (the deadline was {_day(deadline)})"
    return Assessment(given >= needed, (Reason(text, clause),))


def check_motion_deadline(
    edition: Edition, kind_slug: str, *, meeting_date: datetime.date, tabled_on: datetime.date
) -> Assessment:
    """Was a motion received by the deadline for a meeting of ``kind_slug``?"""
    return _deadline(
        edition,
        kind_slug,
        meeting_date=meeting_date,
        on=tabled_on,
        days_attr="motion_deadline_days",
        what="motion",
    )


def check_nomination_deadline(
    edition: Edition, kind_slug: str, *, meeting_date: datetime.date, nominated_on: datetime.date
) -> Assessment:
    """Was a nomination received by the deadline for a meeting of ``kind_slug``?"""
    return _deadline(
        edition,
        kind_slug,
        meeting_date=meeting_date,
        on=nominated_on,
        days_attr="nomination_deadline_days",
        what="nomination",
    )


# -- Majorities and competence --------------------------------------------------------------


def majority(edition: Edition, name: str) -> Majority:
    """The majority called ``name`` ("simple", "absolute", "two-thirds"), or the one a kind of
    decision needs ("motion", "suspend_standing_orders", ...), carrying the decision's clause
    and basis. Unknown names raise ``RulebookError`` listing the known ones."""
    decision = edition.decision(name)
    if decision is not None:
        rule = edition.majority_rule(decision.majority)
        return rule.with_basis(decision.basis, decision.clause, decision.text)
    return edition.majority_rule(name)


def competence_category(edition: Edition, slug: str) -> CompetenceCategory:
    """A category of business that is not competent (``RulebookError`` when unknown)."""
    return edition.competence_category(slug)


def check_competence(edition: Edition, slug: str | None) -> Assessment:
    """Business ruled to fall in category ``slug`` is refused citing it; None is competent."""
    if not slug:
        return Assessment(True, ())
    category = edition.competence_category(slug)
    text = f"not competent business: {category.title.lower()}; {category.text}"
    return Assessment(False, (Reason(text, category.clause),))


# -- Officers -------------------------------------------------------------------------------


def _ceil(value: int, numerator: int, denominator: int) -> int:
    return -(-(value * numerator) // denominator)


def check_officer_slate(
    edition: Edition,
    unit_kind: str,
    entries: Iterable[SlateEntry],
    *,
    complete: bool = False,
) -> Assessment:
    """Judge a unit's officers (who holds which post) against the edition.

    Checks that every post exists for this kind of unit; reserved posts are held by women; a
    post held by more people than its seats is a job share where the post allows one, of at
    most its ``max_sharers``; no one holds two posts of one exclusive group (chair, secretary,
    treasurer); and the gender balance (a share of all officers, a number of women, and a number
    among the first posts). With ``complete=False`` (appointing one by one) the balance is
    refused only when vacant seats can no longer make it up; with ``complete=True`` (a final
    slate) vacant seats count for nothing.
    """
    rules = edition.officers_for(unit_kind)
    entries = list(dict.fromkeys(entries))
    refused: list[Reason] = []
    if rules is None:
        if entries:
            text = f"a {unit_kind} has no officer posts in {edition.name}"
            return Assessment(False, (Reason(text, edition.membership.unit_clause),))
        return Assessment(True, ())
    posts = {p.slug: p for p in rules.posts}
    for entry in entries:
        if entry.post not in posts:
            refused.append(
                Reason(
                    f"{entry.post!r} is not an officer post of a {unit_kind} in {edition.name}",
                    rules.clause,
                )
            )
    entries = [e for e in entries if e.post in posts]
    holders: dict[str, list[SlateEntry]] = defaultdict(list)
    for entry in entries:
        holders[entry.post].append(entry)

    for slug, held in holders.items():
        refused.extend(_post_problems(rules, posts[slug], held))
    refused.extend(_exclusive_problems(rules, posts, entries))
    balance, balance_ok = _balance(rules, holders, complete=complete)
    refused.extend(balance)
    if refused:
        return Assessment(False, tuple(refused))
    allowed = [Reason(f"the posts of a {unit_kind} under clause {rules.clause}", rules.clause)]
    allowed.extend(balance_ok)
    return Assessment(True, tuple(allowed))


def _post_problems(rules: OfficerRules, post: PostSpec, held: list[SlateEntry]) -> list[Reason]:
    problems = []
    if post.reserved_for_women and not all(e.woman for e in held):
        problems.append(Reason(f"{post.title} is reserved for a woman", post.clause))
    shared = len(held) > post.seats or any(e.job_share for e in held)
    if shared and not post.job_share_allowed:
        problems.append(
            Reason(
                f"{post.title} may not be held as a job share; clause {rules.job_share_clause}",
                rules.job_share_clause,
            )
        )
    elif len(held) > post.seats * post.max_sharers:
        problems.append(
            Reason(
                f"a job share of {post.title} is at most {post.max_sharers} people; "
                f"{len(held)} would hold it",
                rules.job_share_clause,
            )
        )
    return problems


def _exclusive_problems(
    rules: OfficerRules, posts: dict[str, PostSpec], entries: list[SlateEntry]
) -> list[Reason]:
    by_person: dict[tuple[str, str], list[str]] = defaultdict(list)
    for entry in entries:
        group = posts[entry.post].exclusive_group
        if group and entry.post not in by_person[entry.person, group]:
            by_person[entry.person, group].append(entry.post)
    problems = []
    for held in by_person.values():
        if len(held) > 1:
            titles = _listing(posts[slug].title.lower() for slug in held)
            problems.append(
                Reason(
                    f"one person would hold both {titles}; clause {rules.exclusive_clause} "
                    "allows only one of them",
                    rules.exclusive_clause,
                )
            )
    return problems


def _balance(
    rules: OfficerRules, holders: dict[str, list[SlateEntry]], *, complete: bool
) -> tuple[list[Reason], list[Reason]]:
    """(refusals, approvals) for the gender balance, counting officers as post holders."""
    clause = rules.balance_clause
    filled = [e for post in rules.posts for e in holders.get(post.slug, [])]
    women = sum(1 for e in filled if e.woman)
    vacant = (
        0 if complete else sum(max(0, p.seats - len(holders.get(p.slug, []))) for p in rules.posts)
    )
    refused: list[Reason] = []
    approved: list[Reason] = []
    still = f", with {vacant} seat{'s' if vacant != 1 else ''} still to fill" if vacant else ""

    def women_of(count: int, total: int) -> str:
        return f"{count} of {total} officer{'s' if total != 1 else ''} would be women"

    if rules.min_women_share is not None and rules.min_women_share > 0:
        share = rules.min_women_share
        total = len(filled) + vacant
        need = _ceil(total, share.numerator, share.denominator)
        share_text = "half" if share == 1 / 2 else f"{share.numerator}/{share.denominator}"
        text = (
            f"{women_of(women, len(filled))}{still}; clause {clause} needs at least "
            f"{share_text} of all officers"
        )
        (approved if women + vacant >= need else refused).append(Reason(text, clause))
    if rules.min_women:
        text = (
            f"{women_of(women, len(filled))}{still}; clause {clause} needs at least "
            f"{rules.min_women}"
        )
        (approved if women + vacant >= rules.min_women else refused).append(Reason(text, clause))
    if rules.first_posts and rules.min_women_in_first_posts:
        first = rules.posts[: rules.first_posts]
        first_filled = [e for p in first for e in holders.get(p.slug, [])]
        first_women = sum(1 for e in first_filled if e.woman)
        first_vacant = (
            0 if complete else sum(max(0, p.seats - len(holders.get(p.slug, []))) for p in first)
        )
        still_first = f", with {first_vacant} still to fill" if first_vacant else ""
        text = (
            f"{first_women} of the first {rules.first_posts} posts would be held by women"
            f"{still_first}; clause {clause} needs at least {rules.min_women_in_first_posts}"
        )
        met = first_women + first_vacant >= rules.min_women_in_first_posts
        (approved if met else refused).append(Reason(text, clause))
    return refused, approved


# -- Affiliation ----------------------------------------------------------------------------


def check_affiliation(
    edition: Edition, *, unit_kind: str, org_kind: str, org_slug: str = ""
) -> Assessment:
    """May an organisation of ``org_kind`` (slug ``org_slug``) affiliate to a unit of
    ``unit_kind``? A proscribed organisation never may."""
    proscription = edition.proscription(org_slug) if org_slug else None
    if proscription is not None:
        text = f"{proscription.name} is proscribed"
        if proscription.reason:
            text += f" ({proscription.reason})"
        return Assessment(False, (Reason(text, proscription.clause),))
    if unit_kind not in edition.unit_kinds:
        raise RulebookError(
            f"unit kind {unit_kind!r} is not one of {', '.join(edition.unit_kinds)}",
            source=edition.source,
            path="edition.unit_kinds",
        )
    general = edition.affiliation
    rule = next((r for r in general.by_kind if r.organisation_kind == org_kind), None)
    label = org_kind.replace("_", " ")
    if rule is None:
        text = (
            f"an organisation of kind {label!r} may not affiliate to any unit; clause "
            f"{general.clause} lists who may"
        )
        return Assessment(False, (Reason(text, general.clause),))
    if unit_kind not in rule.unit_kinds:
        places = _listing(
            f"a {k}" if k != "national" else "the national party" for k in rule.unit_kinds
        )
        text = f"{rule.title} may affiliate only to {places}; clause {rule.clause}"
        return Assessment(False, (Reason(text, rule.clause),))
    text = f"{rule.title} may affiliate to a {unit_kind} under clause {rule.clause}"
    return Assessment(True, (Reason(text, rule.clause),))
