"""A national ballot taking nominations from constituency parties and affiliates, and the
closed polls at constituency meetings that nominate (made through the meetings and polls
actions: a meeting in progress, five members checked in, a show of hands counted, closed)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from factories import MeetingFactory, MemberFactory, UserFactory
from moot.ballots.models import Ballot


def national_ballot(world: Any, **kwargs: Any) -> Ballot:
    today = timezone.localdate()
    fields = {
        "unit": world.national,
        "title": "National executive: constituency section",
        "kind": "election",
        "position": "National executive member",
        "seats": 2,
        "min_women": 1,
        "method": "scottish-stv",
        "nomination_threshold": 2,
        "nominating_kinds": ["constituency", "affiliate"],
        "nominations_open": today - datetime.timedelta(days=10),
        "nominations_close": today + datetime.timedelta(days=10),
        "clause": "5.7",
        "channels": ["online", "post"],
    }
    fields.update(kwargs)
    return Ballot.objects.create(**fields)


def candidate_member(unit: Any, **kwargs: Any) -> Any:
    """A member who may stand (a year and more of membership) with an account."""
    kwargs.setdefault("joined_weeks_ago", 120)
    return MemberFactory(constituency=unit, with_account=True, **kwargs)


def nominating_poll(
    unit: Any,
    winners: list[Any],
    *,
    secretary: Any,
    losers: tuple = (),
    ballot: Any = None,
) -> Any:
    """A closed show-of-hands poll at a meeting of ``unit`` held tonight: ``winners`` (members)
    each get more votes than ``losers``; seats = len(winners). With ``ballot``, the poll is
    linked to it as its nomination vote (what ``do_hold_nomination_vote`` records)."""
    from moot.meetings.actions import do_check_in
    from moot.polls.actions import (
        do_close_poll,
        do_create_poll,
        do_enter_teller_counts,
        do_open_poll,
    )

    staff = UserFactory()
    from moot.accounts.models import StaffAssignment

    StaffAssignment.objects.get_or_create(user=staff, role="national_staff", unit=None)
    meeting = MeetingFactory(in_progress=True, unit=unit, kind="general", acting_user=staff)
    voters = [MemberFactory(constituency=unit, joined_weeks_ago=60) for _ in range(6)]
    for voter in voters:
        do_check_in(meeting, voter, acting_user=staff)
    everyone = list(winners) + list(losers)
    poll = do_create_poll(
        title=f"{unit.name}: nominations to the national executive",
        kind="election",
        method="plurality" if len(winners) == 1 else "scottish-stv",
        options=[(m.full_name, m) for m in everyone],
        seats=len(winners),
        voting="show_of_hands",
        meeting=meeting,
        acting_user=staff,
    )
    if len(winners) != 1:
        raise ValueError("nominating_poll counts hands for one seat; pass one winner")
    poll = do_open_poll(poll, acting_user=staff)
    options = {o.member_id: o.pk for o in poll.options.all()}
    counts = {str(options[winners[0].pk]): 4}
    for loser in losers:
        counts[str(options[loser.pk])] = 1
    do_enter_teller_counts(poll, counts, acting_user=staff)
    if ballot is not None:
        from moot.ballots.models import NominationPoll

        NominationPoll.objects.create(ballot=ballot, poll=poll, unit=unit)
    return do_close_poll(poll, acting_user=staff)
