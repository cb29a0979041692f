"""Reads about officer elections: lists, candidates, nominations awaiting someone, the
result, and what meetings show (agenda item links, the minutes section)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from moot.elections.models import Election, ElectionState, Nomination, NominationState

METHOD_WORDS = {
    "plurality": "first past the post",
    "irv": "exhaustive ballot (counted as an instant run-off)",
    "scottish-stv": "single transferable vote (Scottish STV rules)",
    "meek": "single transferable vote (Meek's method)",
}


def elections_visible_to(user: Any, *, meeting: Any = None, unit: Any = None) -> list[Election]:
    """Elections the user may see (of a meeting, or of a unit), latest first."""
    qs = Election.objects.select_related("post", "unit", "meeting", "poll")
    if meeting is not None:
        qs = qs.filter(meeting=meeting)
    if unit is not None:
        qs = qs.filter(unit=unit)
    elections = qs.order_by("-election_date", "post__order", "id")[:200]
    return [e for e in elections if user.has_perm("elections.view_election", e)]


def unit_run_by(user: Any) -> Any:
    """The first unit (in the tree's order) where the user holds an office that runs its
    elections, or None: the scope of the list page's "set up an election" button."""
    from moot.accounts.roles import roles_of
    from moot.polls.permissions import MANAGING_POSTS
    from moot.units.models import Unit

    unit_ids = roles_of(user).office_units(MANAGING_POSTS)
    return Unit.objects.filter(pk__in=unit_ids).order_by("path").first()


def candidates(election: Election) -> list[Nomination]:
    """The nominations standing (on the ballot, or eligible to be), in nomination order."""
    return list(
        election.nominations.filter(state=NominationState.STANDING).select_related(
            "nominee", "partner"
        )
    )


def nominations(election: Election) -> list[Nomination]:
    return list(
        election.nominations.select_related("nominee", "partner", "nominator", "seconder").order_by(
            "id"
        )
    )


def awaiting(user: Any) -> list[Nomination]:
    """Nominations waiting for this user: to consent (as nominee or partner) or to second."""
    from moot.polls.permissions import member_of

    member = member_of(user)
    if member is None:
        return []
    return list(
        Nomination.objects.filter(
            Q(nominee=member, nominee_consent__isnull=True)
            | Q(partner=member, partner_consent__isnull=True)
            | Q(seconder=member, seconded=False),
            election__state=ElectionState.NOMINATIONS,
            state__in=(NominationState.AWAITING_SECONDER, NominationState.AWAITING_CONSENT),
        ).select_related("election__post", "nominee", "partner", "seconder")
    )


def needs_from(nomination: Nomination, member: Any) -> list[str]:
    """What ``member`` still has to do about ``nomination``: "second", "consent"."""
    if member is None:
        return []
    needs = []
    if nomination.seconder_id == member.pk and not nomination.seconded:
        needs.append("second")
    if nomination.nominee_id == member.pk and nomination.nominee_consent is None:
        needs.append("consent")
    if nomination.partner_id == member.pk and nomination.partner_consent is None:
        needs.append("consent")
    return needs


def result_rows(election: Election) -> list[dict[str, Any]]:
    """Each candidate's votes in the first and last round, from the poll's stored table."""
    poll = election.poll
    if poll is None or not poll.is_closed or not poll.result:
        return []
    from moot.polls.results import public_result

    table = public_result(poll).get("table") or {}
    rows = []
    for row in table.get("rows") or []:
        values = row.get("values") or []
        rows.append(
            {
                "name": row.get("name"),
                "first": values[0] if values else "",
                "last": values[-1] if values else "",
            }
        )
    return rows


def elected_text(election: Election) -> str:
    declaration = election.declaration or {}
    names = [entry["label"] for entry in declaration.get("elected", [])]
    if not names:
        return "nobody"
    return ", ".join(names)


# ---------------------------------------------------------------------------------------------
# Meetings: agenda item links and the minutes section (registered in ElectionsConfig.ready)


def item_links(item: Any, user: Any) -> list[tuple[str, str]]:
    """Links shown with an election agenda item: the candidates, "Vote now" while the vote is
    open, the result once counted."""
    if getattr(item, "kind", "") != "election":
        return []
    links: list[tuple[str, str]] = []
    for election in Election.objects.filter(agenda_item=item).select_related("poll", "unit"):
        if not user.has_perm("elections.view_election", election):
            continue
        page = reverse("elections:detail", args=[election.pk])
        links.append((f"{election.post.title}: candidates", page))
        poll = election.poll
        if poll is not None and poll.is_open and user.has_perm("polls.vote", poll):
            # Straight to the ballot, which shows the statements: the same address as the poll's
            # own "Vote now", so the agenda item shows one such link, not two.
            links.append(
                (f"Vote now: {election.post.title}", reverse("polls:vote", args=[poll.pk]))
            )
        if poll is not None and poll.is_closed:
            links.append((f"Result: {election.post.title}", page + "#result"))
    meeting = item.meeting
    if not meeting.is_closed and user.has_perm("elections.manage_election", meeting.unit):
        create = reverse("elections:create")
        links.append(
            (
                "Set up an election for this item",
                f"{create}?unit={meeting.unit_id}&meeting={meeting.pk}&item={item.pk}",
            )
        )
    return links


def minutes_section(meeting: Any) -> Any:
    """The elections held at the meeting: method, the counts, who was elected and any
    balance adjustment, each traced to the election and its poll."""
    from moot.meetings.hooks import MinutesSection

    elections = list(
        Election.objects.filter(meeting=meeting)
        .select_related("post", "poll")
        .order_by("post__order", "id")
    )
    if not elections:
        return None
    paragraphs: list[str] = []
    refs: list[tuple[str, str]] = []
    for election in elections:
        paragraphs.append(_minutes_paragraph(election))
        refs.append((election.title, reverse("elections:detail", args=[election.pk])))
        if election.poll_id:
            refs.append(
                (f"Poll {election.poll_id}", reverse("polls:detail", args=[election.poll_id]))
            )
    return MinutesSection(
        title="Elections",
        paragraphs=paragraphs,
        source_note="Drafted from the elections' nominations, their polls' stored counts and "
        "the declarations.",
        refs=refs,
    )


def _quorum_when_opened(election: Election) -> str:
    """The quorum as it stood when the vote opened (meetings.queries.quorum_at)."""
    from moot.meetings.queries import quorum_at

    quorum = quorum_at(election.meeting, election.poll.opened_at)
    if quorum.quorate:  # the quorum is stated once, in its own section of the minutes
        return ""
    clause = f", clause {quorum.clause}" if quorum.clause else ""
    return (
        f"When the vote opened the meeting was not quorate: {quorum.present_eligible} eligible "
        f"members present, {quorum.required} required ({quorum.text}{clause})."
    )


def _minutes_paragraph(election: Election) -> str:
    method = METHOD_WORDS.get(election.method, election.method)
    seats = f"{election.seats} seats, " if election.seats > 1 else ""
    head = f"{election.title} ({seats}{method})."
    standing = candidates(election)
    poll = election.poll
    parts = [head]
    if poll is None:
        if election.is_declared:
            parts.append(
                f"{len(standing)} candidate{'s' if len(standing) != 1 else ''} stood for "
                f"{election.seats} seat{'s' if election.seats != 1 else ''}; no vote was needed."
            )
        else:
            parts.append(
                f"{len(standing)} candidate{'s' if len(standing) != 1 else ''} standing; the "
                "vote has not been opened."
            )
    elif not poll.is_closed:
        names = ", ".join(o.label for o in poll.options.all())
        parts.append(f"Candidates: {names}. Voting is {poll.get_state_display().lower()}.")
    else:
        from moot.polls.results import how_taken, public_result

        if poll.opened_at is not None and (inquorate := _quorum_when_opened(election)):
            parts.append(inquorate)
        result = public_result(poll)
        ballots = result.get("ballots", 0)
        eligible = result.get("eligible")
        parts.append(
            f"{ballots} ballot{'s' if ballots != 1 else ''} cast"
            + (f" by {eligible} eligible members present" if eligible is not None else "")
            + f" ({how_taken(poll, in_a_sentence=True)})."
        )
        for note in ("low_turnout", "withheld"):
            if result.get(note):
                parts.append(result[note]["note"])
        table = result.get("table") or {}
        rows = table.get("rows") or []
        rounds = len(table.get("actions") or [])
        if rows:
            if rounds > 1:
                counts = "; ".join(
                    f"{row['name']} {row['values'][0]} in the first round, "
                    f"{row['values'][-1]} in the last"
                    for row in rows
                )
                parts.append(f"Votes over {rounds} rounds: {counts}.")
            else:
                counts = "; ".join(f"{row['name']} {row['values'][0]}" for row in rows)
                parts.append(f"Votes: {counts}.")
        if election.min_women:
            parts.append(
                f"The count elected at least {election.min_women} women "
                f"(clause {election.min_women_clause})."
            )
    if election.is_declared:
        declaration = election.declaration or {}
        parts.extend(declaration.get("account") or [])
        vacant = declaration.get("vacant") or 0
        parts.append(
            f"Declared elected: {elected_text(election)}"
            + (f"; {vacant} seat{'s' if vacant != 1 else ''} left vacant" if vacant else "")
            + "."
        )
    elif poll is not None and poll.is_closed:
        parts.append("The result has not been declared yet.")
    return " ".join(parts)
