"""Printable ballot papers, the paper fallback for a vote at a meeting (the tellers count the
papers and enter the figures as TellerCount), and the links and projector fragments polls adds
to a meeting's agenda items through ``moot.meetings.hooks`` (polls → meetings is the allowed
direction; meetings never imports polls)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from moot.polls import queries
from moot.polls.access import access_poll
from moot.polls.models import Poll, PollState, Voting

MAX_PAPERS = 5000

INSTRUCTIONS = {
    "yes_no": "Put a cross (X) in ONE box.",
    "single": "Put a cross (X) in the box next to ONE candidate.",
    "multi": "Put a cross (X) next to each candidate you support.",
    "ranked": "Write 1 next to your first choice, 2 next to your second, and so on. Rank as "
    "many or as few as you like; use each number once.",
}


def papers_count(poll: Poll, requested: str | None) -> int:
    """How many papers to print: as asked (1 to 5,000), else one per eligible voter."""
    if requested:
        try:
            return max(1, min(MAX_PAPERS, int(requested)))
        except ValueError:
            pass
    return max(1, min(MAX_PAPERS, queries.eligible_count(poll)))


@login_required
@require_GET
def ballot_papers(request: HttpRequest, poll_id: int) -> HttpResponse:
    """A PDF of ballot papers for the poll (``?count=n``; default one per eligible voter), two
    to a page, with the options in the poll's order and the instructions for its ballot kind."""
    from weasyprint import CSS, HTML

    poll = access_poll(poll_id, request.user, for_write=True)
    kind = queries.ballot_kind(poll.method)
    count = papers_count(poll, request.GET.get("count"))
    instructions = INSTRUCTIONS[kind]
    if kind == "multi" and poll.method == "block":
        instructions = f"Put a cross (X) next to up to {poll.seats} candidates."
    html = render_to_string(
        "polls/papers.html",
        {
            "poll": poll,
            "meeting": getattr(poll, "meeting", None),
            "options": list(poll.options.all()),
            "instructions": instructions,
            "papers": range(count),
            "ranked": kind == "ranked",
        },
    )
    stylesheet = CSS(filename=finders.find("polls/papers.css"))
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        stylesheets=[stylesheet]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poll-{poll.pk}-ballot-papers.pdf"'
    return response


def _polls_of(item: Any) -> list[Poll]:
    return list(Poll.objects.filter(agenda_item_id=item.pk).order_by("created_at", "id"))


def agenda_item_links(item: Any, user: Any) -> list[tuple[str, str]]:
    """For each poll of the agenda item: the ballot while it is open (for those who may
    vote), the poll's page, and the ballot papers for those who run it."""
    links: list[tuple[str, str]] = []
    for poll in _polls_of(item):
        if not user.has_perm("polls.view_poll", poll):
            continue
        if poll.is_open and poll.voting == Voting.ELECTRONIC and user.has_perm("polls.vote", poll):
            links.append((f"Vote now: {poll.title}", reverse("polls:vote", args=[poll.pk])))
        label = "Result" if poll.is_closed else "Poll"
        links.append((f"{label}: {poll.title}", reverse("polls:detail", args=[poll.pk])))
        if poll.state != PollState.CLOSED and user.has_perm("polls.manage_poll", poll):
            links.append(
                (f"Ballot papers (PDF): {poll.title}", reverse("polls:papers", args=[poll.pk]))
            )
    return links


def projector_fragments(item: Any, user: Any) -> list[str]:
    """The live turnout (and, after close, the result) of the item's polls on the projector."""
    return [
        reverse("polls:projector_fragment", args=[poll.pk])
        for poll in _polls_of(item)
        if poll.state != PollState.DRAFT and user.has_perm("polls.view_poll", poll)
    ]


def _when(moment: Any) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%H:%M")


def _outcome(poll: Poll) -> str:
    result = poll.result or {}
    if result.get("note"):
        return str(result["note"]).rstrip(".")
    if result.get("carried") is True:
        return "carried"
    if result.get("carried") is False:
        return "not carried"
    elected = result.get("elected") or []
    return "elected: " + ", ".join(elected) if elected else "no one elected"


def votes_minutes_section(meeting: Any) -> Any:
    """For the minutes: every vote at the meeting, with the quorum when it opened (from the
    attendance record) and the figures at the close, each naming its poll record."""
    from moot.meetings.hooks import MinutesSection
    from moot.meetings.queries import quorum_at

    polls = list(
        Poll.objects.filter(meeting=meeting)
        .exclude(state=PollState.DRAFT)
        .order_by("opened_at", "id")
    )
    if not polls:
        return None
    paragraphs = []
    refs = []
    for poll in polls:
        if poll.voting == Voting.ELECTRONIC:
            how = "electronic secret ballot" if poll.secret else "electronic named vote"
        else:  # a show of hands or paper ballots: the tellers' counts, neither named nor stored
            how = poll.get_voting_display().lower()
        line = f"{poll.title} ({how}, {poll.method})"
        if poll.opened_at:
            quorum = quorum_at(meeting, poll.opened_at)
            verdict = "quorate" if quorum.quorate else "NOT quorate"
            line += (
                f": opened at {_when(poll.opened_at)} with {quorum.present_eligible:,} eligible "
                f"members present (quorum {quorum.required:,}, clause {quorum.clause}: {verdict})"
            )
        if poll.is_closed and poll.result is not None:
            ballots = (poll.result or {}).get("ballots", 0)
            line += (
                f"; closed at {_when(poll.closed_at)}: {ballots:,} "
                f"{'vote' if ballots == 1 else 'votes'} of "
                f"{poll.present_at_close or 0:,} eligible present; {_outcome(poll)}"
            )
        elif poll.is_open:
            line += "; still open when the minutes were drafted"
        paragraphs.append(f"{line}. [poll {poll.pk}]")
        refs.append((f"Poll {poll.pk}", reverse("polls:detail", args=[poll.pk])))
    return MinutesSection(
        "Votes and the quorum at each vote",
        paragraphs,
        "From the poll records (opening and closing times, ballots counted, eligible present at "
        "the close) and the attendance register (who was present when each vote opened).",
        refs,
    )


def register_meeting_hooks() -> None:
    from moot.meetings import hooks

    hooks.register_item_links(agenda_item_links)
    hooks.register_projector_fragments(projector_fragments)
    hooks.register_minutes_section("votes", 85, votes_minutes_section)
