"""What elections supplies through the extension points of the apps it uses: polls never
imports elections, so the ballot learns about candidates from here (registered in
``ElectionsConfig.ready()``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from moot.elections.models import Election, Nomination
from moot.polls.hooks import OptionDetails


def ballot_details(poll: Any) -> dict[int, OptionDetails]:
    """For an election's poll, each candidate's statement on the ballot, by poll option: the
    candidate's own words and, for a job share, who shares the post. Only what every voter may
    read on the candidates page — never anyone's gender, eligibility or a refusal's reason.
    Candidates not on the ballot (withdrawn, declined, refused before the vote opened) have no
    option, so nothing of theirs is shown."""
    if poll.kind != "election":
        return {}
    nominations = list(
        Nomination.objects.filter(poll_option__poll_id=poll.pk).select_related("nominee", "partner")
    )
    names = {n.pk: " and ".join(person.full_name for person in n.people()) for n in nominations}
    taken = list(names.values())
    details: dict[int, OptionDetails] = {}
    for nomination in nominations:
        name = names[nomination.pk]
        facts: tuple[str, ...] = ()
        if nomination.is_joint:
            facts = (f"A job share: {name} stand together and would share the post.",)
        details[nomination.poll_option_id] = OptionDetails(
            # Two candidates of one name: the ballot's label (which tells them apart) instead.
            name=name if taken.count(name) == 1 else "",
            statement=nomination.statement.strip(),
            facts=facts,
        )
    return details


def poll_subjects(poll: Any, user: Any) -> list[tuple[str, str]]:
    """For a poll's page: the election it counts. Its close needs nothing moved on here: the
    election page reads the poll's state ("Counted, not yet declared") and the returning officer
    declares the result, a step of its own."""
    if poll.kind != "election":
        return []
    return [
        (f"Election: {election.title}", reverse("elections:detail", args=[election.pk]))
        for election in Election.objects.filter(poll=poll)
        if user.has_perm("elections.view_election", election)
    ]


def refuse_a_candidate_closing(poll: Any, acting_user: Any) -> None:
    """For ``polls.hooks.register_after_close``: closing an election's poll from anywhere (its
    own page, the API) is refused when whoever closes it stands in the election; the refusal
    undoes the close (it runs inside the close's transaction)."""
    from moot.elections.actions._common import check_not_a_candidate
    from moot.elections.errors import ElectionError
    from moot.elections.models import Election
    from moot.polls.errors import PollError

    election = Election.objects.filter(poll_id=poll.pk).first()
    if election is not None:
        try:
            check_not_a_candidate(election, acting_user, "close its vote")
        except ElectionError as exc:
            # The poll's page and API catch the polls app's refusal.
            raise PollError(exc.message, code=exc.code) from exc


def declared_on_poll(poll: Any) -> str | None:
    """For ``polls.hooks.register_declared``: who the election on ``poll`` declared, with the
    balance rule's clause when the declaration did not follow the count (otherwise None: the
    count's "Elected" already says it)."""
    from moot.elections.models import Election, ElectionState

    election = Election.objects.filter(poll_id=poll.pk, state=ElectionState.DECLARED).first()
    if election is None:
        return None
    declaration = election.declaration or {}
    if not declaration.get("adjusted"):
        return None
    names = ", ".join(e["label"] for e in declaration.get("elected") or []) or "nobody"
    clauses = ", ".join(declaration.get("clauses") or [])
    return f"{names} (the balance rule{f', clause {clauses}' if clauses else ''})"
