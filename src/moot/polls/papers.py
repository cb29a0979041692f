"""Printable ballot papers, the paper fallback for a vote at a meeting (the tellers count the
papers and enter the figures as TellerCount), and the links and projector fragments polls adds
to a meeting's agenda items through ``moot.meetings.hooks`` (polls → meetings is the allowed
direction; meetings never imports polls)."""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from moot.on_commit import enqueue_on_commit
from moot.polls import queries
from moot.polls.access import access_poll
from moot.polls.errors import PollError
from moot.polls.models import Poll, PollState, Voting
from moot.polls.results import how_taken, public_result

# At most this many papers in one PDF (2,500 A4 pages); more is refused with a message. Up to
# SYNC_PAPERS are drawn while the request waits (a second or two); more are prepared by a
# background task (``tasks.prepare_ballot_papers``) and downloaded when ready.
MAX_PAPERS = 5000
SYNC_PAPERS = 60
PAPERS_DIR = "ballot-papers"
# A preparation not finished after this long is taken to have failed and is started again.
PREPARING_FOR = datetime.timedelta(minutes=15)

INSTRUCTIONS = {
    "yes_no": "Put a cross (X) in ONE box.",
    "single": "Put a cross (X) in the box next to ONE candidate.",
    "multi": "Put a cross (X) next to each candidate you support.",
    "ranked": "Write 1 next to your first choice, 2 next to your second, and so on. Rank as "
    "many or as few as you like; use each number once.",
}


def papers_count(poll: Poll, requested: str | None) -> int:
    """How many papers to print: as asked (a whole number from 1 to 5,000), else one per
    eligible voter (at most 5,000). Anything else is refused, saying what to ask for."""
    if requested is None or requested.strip() == "":
        return max(1, min(MAX_PAPERS, queries.eligible_count(poll)))
    try:
        count = int(requested.strip())
    except ValueError:
        raise PollError(
            f"count={requested!r:.40}: give the number of papers as a whole number from 1 to "
            f"{MAX_PAPERS:,}.",
            field="count",
        ) from None
    if not 1 <= count <= MAX_PAPERS:
        raise PollError(
            f"count={count:,}: one PDF holds 1 to {MAX_PAPERS:,} papers; for more, print "
            f"{MAX_PAPERS:,} and print the file again.",
            field="count",
        )
    return count


def _paper_context(poll: Poll) -> dict[str, Any]:
    kind = queries.ballot_kind(poll.method)
    instructions = INSTRUCTIONS[kind]
    if kind == "multi" and poll.method == "block":
        instructions = f"Put a cross (X) next to up to {poll.seats} candidates."
    return {
        "poll": poll,
        "meeting": getattr(poll, "meeting", None),
        "options": list(poll.options.all()),
        "instructions": instructions,
        "ranked": kind == "ranked",
    }


def render_papers_pdf(poll: Poll, count: int) -> bytes:
    """``count`` ballot papers, two to an A4 page. Every paper of a poll is the same, so one
    sheet is laid out once and its page repeated: the layout's memory and time do not grow
    with the count (the PDF itself does, by about 2 KB a page)."""
    from weasyprint import CSS, HTML

    html = render_to_string("polls/papers.html", {**_paper_context(poll), "papers": range(2)})
    stylesheet = CSS(filename=finders.find("polls/papers.css"))
    sheet = HTML(string=html).render(stylesheets=[stylesheet])
    (page,) = sheet.pages
    pages = [page] * ((count + 1) // 2)
    if count % 2:  # an odd count ends with a sheet of one paper
        html = render_to_string("polls/papers.html", {**_paper_context(poll), "papers": range(1)})
        pages[-1] = HTML(string=html).render(stylesheets=[stylesheet]).pages[0]
    return bytes(sheet.copy(pages).write_pdf())


def papers_file_name(poll: Poll, count: int) -> str:
    """The stored PDF's name: the poll, the count and a digest of what is printed on a paper,
    so a paper changed while the poll is a draft gets a new file."""
    context = _paper_context(poll)
    meeting = context["meeting"]
    printed = [
        poll.title,
        poll.question,
        context["instructions"],
        poll.secret,
        getattr(poll.unit, "name", "") if poll.unit_id else "",
        (meeting.title, meeting.starts_at.isoformat()) if meeting is not None else None,
        [option.label for option in context["options"]],
    ]
    digest = hashlib.sha256(json.dumps(printed, default=str).encode()).hexdigest()[:16]
    return f"{PAPERS_DIR}/poll-{poll.pk}-{count}-{digest}.pdf"


def write_papers_file(poll_id: int, count: int, name: str) -> str:
    """For the task: render the papers and store them under ``name``; the ``.preparing``
    marker goes once the file is whole, so a download never gets a part of it. A failure is
    kept in a ``.failed`` marker for the page to show."""
    poll = Poll.objects.select_related("meeting", "unit").filter(pk=poll_id).first()
    if poll is None:
        default_storage.delete(f"{name}.preparing")
        return f"poll {poll_id} no longer exists; nothing prepared"
    try:
        pdf = render_papers_pdf(poll, count)
        default_storage.delete(name)
        default_storage.save(name, ContentFile(pdf))
    except Exception as exc:
        default_storage.delete(f"{name}.failed")
        default_storage.save(f"{name}.failed", ContentFile(f"{type(exc).__name__}: {exc}"))
        default_storage.delete(f"{name}.preparing")
        raise
    default_storage.delete(f"{name}.preparing")
    _forget_other_files(poll.pk, keep=name)
    return f"{count:,} papers of poll {poll_id}: {len(pdf):,} bytes"


def _poll_files(poll_id: int, ending: str) -> list[str]:
    """The stored paths of the poll's papers files whose names end in ``ending``."""
    try:
        _, files = default_storage.listdir(PAPERS_DIR)
    except FileNotFoundError:
        return []
    return [
        f"{PAPERS_DIR}/{file}"
        for file in files
        if file.startswith(f"poll-{poll_id}-") and file.endswith(ending)
    ]


def _forget_other_files(poll_id: int, *, keep: str) -> None:
    """Older PDFs of the same poll (another count, or papers since changed)."""
    for path in _poll_files(poll_id, ".pdf"):
        if path != keep:
            default_storage.delete(path)


def _preparing_since(name: str) -> datetime.datetime | None:
    marker = f"{name}.preparing"
    if not default_storage.exists(marker):
        return None
    with default_storage.open(marker) as handle:
        return datetime.datetime.fromisoformat(handle.read().decode().strip())


def _other_preparation(poll_id: int, *, name: str) -> str:
    """The name of papers of the same poll still being prepared (another count, or papers
    since changed), or "": one preparation per poll at a time, so that asking for a new count
    again and again cannot queue worker-minutes without end (second hostile review)."""
    for marker in _poll_files(poll_id, ".pdf.preparing"):
        other = marker.removesuffix(".preparing")
        since = _preparing_since(other)
        if other != name and since is not None and timezone.now() - since <= PREPARING_FOR:
            return other
    return ""


def _start_preparing(poll: Poll, count: int, name: str) -> None:
    from moot.polls.tasks import prepare_ballot_papers

    default_storage.delete(f"{name}.failed")
    default_storage.delete(f"{name}.preparing")
    default_storage.save(f"{name}.preparing", ContentFile(timezone.now().isoformat()))
    enqueue_on_commit(prepare_ballot_papers, poll.pk, count, name)


@login_required
@require_GET
def ballot_papers(request: HttpRequest, poll_id: int) -> HttpResponse:
    """A PDF of ballot papers for the poll (``?count=n``; default one per eligible voter), two
    to a page, with the options in the poll's order and the instructions for its ballot kind.

    Up to ``SYNC_PAPERS`` the PDF is the answer. More are prepared in the background: the
    first request starts the task and answers a page saying the papers are being prepared
    (it reloads itself); once ready, the same address gives the PDF. A failed preparation is
    shown, and asking again starts it again."""
    poll = access_poll(poll_id, request.user, for_write=True)
    try:
        count = papers_count(poll, request.GET.get("count"))
    except PollError as exc:
        return render(request, "polls/papers_status.html", {"poll": poll, "error": exc}, status=400)
    if count <= SYNC_PAPERS:
        response = HttpResponse(render_papers_pdf(poll, count), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="poll-{poll.pk}-ballot-papers.pdf"'
        return response
    name = papers_file_name(poll, count)
    since = _preparing_since(name)
    if since is None and default_storage.exists(name):
        return FileResponse(
            default_storage.open(name),
            content_type="application/pdf",
            filename=f"poll-{poll.pk}-ballot-papers-{count}.pdf",
        )
    failed = ""
    if since is None and default_storage.exists(f"{name}.failed"):
        with default_storage.open(f"{name}.failed") as handle:
            failed = handle.read().decode()
        default_storage.delete(f"{name}.failed")  # reloading the page tries again
    elif since is None or timezone.now() - since > PREPARING_FOR:
        if _other_preparation(poll.pk, name=name):
            busy = PollError(
                "Other ballot papers of this poll are still being prepared: ask for these "
                "once they are ready (one preparation per poll at a time).",
                code="conflict",
            )
            context = {"poll": poll, "error": busy}
            return render(request, "polls/papers_status.html", context, status=409)
        _start_preparing(poll, count, name)
    context = {"poll": poll, "count": count, "failed": failed}
    return render(request, "polls/papers_status.html", context, status=202 if not failed else 500)


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
        if poll.is_open and user.has_perm("polls.manage_poll", poll):
            # From the chair's console: the close's confirmation, then back to the console.
            console = reverse("meetings:chair", args=[item.meeting_id])
            close = reverse("polls:close", args=[poll.pk])
            links.append((f"Close the vote…: {poll.title}", f"{close}?next={console}"))
    return links


def projector_fragments(item: Any, user: Any) -> list[str]:
    """The live turnout (and, after close, the result) of the item's polls on the projector."""
    return [
        reverse("polls:projector_fragment", args=[poll.pk])
        for poll in _polls_of(item)
        if poll.state != PollState.DRAFT and user.has_perm("polls.view_poll", poll)
    ]


def _when(moment: Any) -> str:
    from moot.dates import clock

    return clock(moment)


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
        line = f"{poll.title} ({how_taken(poll, in_a_sentence=True)}, {poll.method})"
        if poll.opened_at:
            line += f": opened at {_when(poll.opened_at)}"
            # The quorum is stated once, in its own section; a vote is marked only when the
            # meeting was not quorate as it opened.
            quorum = quorum_at(meeting, poll.opened_at)
            if not quorum.quorate:
                line += (
                    f" when the meeting was NOT quorate ({quorum.present_eligible:,} eligible "
                    f"members present, quorum {quorum.required:,}, clause {quorum.clause})"
                )
        notes = ""
        if poll.is_closed and poll.result is not None:
            result = public_result(poll)
            ballots = result.get("ballots", 0)
            line += (
                f"; closed at {_when(poll.closed_at)}: {ballots:,} "
                f"{'vote' if ballots == 1 else 'votes'} of "
                f"{poll.present_at_close or 0:,} eligible present; {_outcome(poll)}"
            )
            notes = "".join(
                f" {result[key]['note']}" for key in ("low_turnout", "withheld") if result.get(key)
            )
        elif poll.is_open:
            line += "; still open when the minutes were drafted"
        paragraphs.append(f"{line}.{notes} [poll {poll.pk}]")
        refs.append((f"Poll {poll.pk}", reverse("polls:detail", args=[poll.pk])))
    return MinutesSection(
        "Votes",
        paragraphs,
        "From the poll records (opening and closing times, ballots counted, eligible present at "
        "the close) and the attendance register (whether the meeting was quorate when each vote "
        "opened).",
        refs,
    )


def register_meeting_hooks() -> None:
    from moot.meetings import hooks

    hooks.register_item_links(agenda_item_links)
    hooks.register_projector_fragments(projector_fragments)
    hooks.register_minutes_section("votes", 85, votes_minutes_section)
