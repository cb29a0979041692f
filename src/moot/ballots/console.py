"""The returning officer's console (``/ballots/<id>/manage/``) and the public ballot page
(``/ballots/<id>/``) are made of sections, one per stage of a ballot's life.

``STAGES`` lists the console's sections in order: a key, a title, the URL name of the topic's
page (in the "ballots" namespace) and the path it has in the design (linked as it is until
that page exists), and what the stage is for. ``stage_state`` says, from the ballot's state,
whether the stage is done, is the one to act on now, or is to come, and what the next step is.

How another topic adds to a section, without editing this app's templates: a template
``ballots/console_<key>.html`` (the console) or ``ballots/public_<key>.html`` (the public page)
is included in that section when it exists, with ``ballot`` and ``stage`` in its context. A new
stage is a targeted addition to ``STAGES`` (and to ``PUBLIC_SECTIONS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from moot.ballots import hooks
from moot.ballots.models import Ballot, BallotState
from moot.ballots.queries import reached
from moot.dates import long_date, long_datetime


@dataclass(frozen=True)
class Stage:
    key: str
    title: str
    url_name: str  # in the "ballots" namespace
    path: str  # the design's path under /ballots/<id>/
    purpose: str


STAGES: list[Stage] = [
    Stage("timetable", "Definition and timetable", "definition", "definition/",
          "Seats, constraints, method, channels, precedence, dates; edited until the freeze."),
    Stage("officers", "Officers", "officers", "officers/",
          "The returning officer, the independent scrutineer (before the issue) and the tellers."),
    Stage("nominations", "Nominations", "nominations", "nominations/",
          "Units nominate at meetings; candidates consent; the threshold decides who stands."),
    Stage("freeze", "Freeze", "freeze", "freeze/",
          "The definition is hashed and the roll of voters frozen as at the freeze date."),
    Stage("issue", "Issue", "issue", "issue/",
          "Credentials and paper numbers are made and the invitations queued."),
    Stage("deliveries", "Deliveries", "deliveries", "deliveries/",
          "Invitations, reissues and reminders by e-mail and post; bounces go to post."),
    Stage("turnout", "Turnout", "turnout", "turnout/",
          "Who has voted, counted by region; no cell under the rulebook's minimum; no results."),
    Stage("events", "Events after the issue", "events", "events/",
          "A candidate withdrawn, suspended or reinstated, an endorsement withdrawn: notices."),
    Stage("close", "Close", "close", "close/",
          "One return per member by the declared precedence; the rest set aside with reasons."),
    Stage("count", "Count", "count", "count/",
          "The count of the anonymous ballots, the women's minimum as a constraint."),
    Stage("scrutineer", "Scrutineer's report", "scrutineer", "scrutineer/",
          "The scrutineer signs the report before anyone sees the result."),
    Stage("declare", "Declaration", "declare", "declare/",
          "The returning officer declares the result."),
    Stage("record", "The published record", "record", "record/",
          "The bundle anyone can re-run with moot ballot verify."),
]  # fmt: skip

# The public page's sections that other topics fill (``ballots/public_<key>.html``).
PUBLIC_SECTIONS = [
    "nominations",
    "candidates",
    "endorsements",
    "notices",
    "roll",
    "turnout",
    "results",
    "record",
]


def stage_url(ballot: Ballot, stage: Stage) -> str:
    """The stage's page: its named URL once the topic has it, else its path in the design."""
    try:
        return reverse(f"ballots:{stage.url_name}", args=[ballot.pk])
    except NoReverseMatch:
        return f"/ballots/{ballot.pk}/{stage.path}"


@cache
def template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


@dataclass(frozen=True)
class Section:
    stage: Stage
    status: str  # "done", "now", "later"
    text: str  # where it stands, and the next step
    url: str
    template: str | None  # the topic's own part, when it has one
    links: tuple[tuple[str, str], ...] = ()  # more pages of the stage: (label, url)


def _when(moment: Any) -> str:
    if moment is None:
        return "a date not set"
    if hasattr(moment, "hour"):
        return long_datetime(timezone.localtime(moment))
    return long_date(moment)


def _timetable(ballot: Ballot) -> tuple[str, str]:
    if ballot.state == BallotState.DRAFT:
        until = _when(ballot.freeze_date)
        return "now", f"A draft, version {ballot.version}: edit it until the freeze on {until}."
    fixed = ballot.definition_hash or "not recorded"
    return "done", f"Fixed at the freeze: version {ballot.version}, SHA-256 {fixed}."


def _officers(ballot: Ballot) -> tuple[str, str]:
    missing = [
        name
        for name, person in (
            ("a returning officer", ballot.returning_officer_id),
            ("a scrutineer", ballot.scrutineer_id),
        )
        if person is None
    ]
    if missing:
        return "now", f"Appoint {' and '.join(missing)} (the scrutineer before the issue)."
    return "done", "The returning officer and the scrutineer are appointed; tellers as needed."


def _nominations(ballot: Ballot) -> tuple[str, str]:
    if ballot.state != BallotState.DRAFT:
        return "done", "Closed: the candidates on the ballot were fixed at the freeze."
    if ballot.kind == "question":
        return "done", "A question has no nominations."
    today = timezone.localdate()
    if ballot.nominations_open and today < ballot.nominations_open:
        return "later", f"Open on {_when(ballot.nominations_open)}."
    if ballot.nominations_close and today <= ballot.nominations_close:
        until = _when(ballot.nominations_close)
        return "now", f"Open until {until}: record units' nominations."
    return "now", "Closed: check the threshold and consents before the freeze."


def _freeze(ballot: Ballot) -> tuple[str, str]:
    if ballot.state == BallotState.DRAFT:
        when = _when(ballot.freeze_date)
        today = timezone.localdate()
        nominating = ballot.nominations_close is not None and today <= ballot.nominations_close
        if (ballot.freeze_date is not None and today < ballot.freeze_date) or nominating:
            return "later", f"Later, on {when}: the definition and the roll are fixed then."
        return "now", f"Freeze now (due on {when}): the definition and the roll are fixed."
    return "done", f"Frozen on {_when(ballot.frozen_at)}."


def _issue(ballot: Ballot) -> tuple[str, str]:
    if ballot.state == BallotState.DRAFT:
        return "later", f"After the freeze; planned for {_when(ballot.issue_at)}."
    if ballot.state == BallotState.FROZEN:
        when = _when(ballot.issue_at)
        return "now", f"Issue at {when}: credentials, papers and invitations."
    return "done", f"Issued on {_when(ballot.opened_at)}."


def _while_open(ballot: Ballot) -> tuple[str, str]:
    if not reached(ballot, "open"):
        return "later", "From the issue."
    if ballot.state == BallotState.OPEN:
        return "now", f"Open until {_when(ballot.close_at)}."
    return "done", "The ballot has closed."


def _close(ballot: Ballot) -> tuple[str, str]:
    if not reached(ballot, "open"):
        return "later", f"Closes at {_when(ballot.close_at)}."
    if ballot.state == BallotState.OPEN:
        return "now", f"Close at or after {_when(ballot.close_at)}."
    return "done", f"Closed on {_when(ballot.closed_at)}."


def _count(ballot: Ballot) -> tuple[str, str]:
    if not reached(ballot, "closed"):
        return "later", "After the close."
    if ballot.state == BallotState.CLOSED:
        return "now", "Count the anonymous counted ballots."
    return "done", f"Counted on {_when(ballot.counted_at)}."


def _scrutineer(ballot: Ballot) -> tuple[str, str]:
    if ballot.signed_at is not None:
        return "done", f"Signed on {_when(ballot.signed_at)}."
    if ballot.state == BallotState.COUNTED:
        return "now", "Awaiting the scrutineer's report: the result stays locked until signed."
    return "later", "After the count."


def _declare(ballot: Ballot) -> tuple[str, str]:
    if ballot.state == BallotState.DECLARED:
        return "done", f"Declared on {_when(ballot.declared_at)}."
    if ballot.state == BallotState.COUNTED and ballot.signed_at is not None:
        return "now", "Declare the result."
    return "later", "After the scrutineer's report is signed."


def _record(ballot: Ballot) -> tuple[str, str]:
    if ballot.state == BallotState.DECLARED:
        return "now", "Publish the record (and check it with moot ballot verify)."
    return "later", "After the declaration."


STATE_OF: dict[str, Callable[[Ballot], tuple[str, str]]] = {
    "timetable": _timetable,
    "officers": _officers,
    "nominations": _nominations,
    "freeze": _freeze,
    "issue": _issue,
    "deliveries": _while_open,
    "turnout": _while_open,
    "events": _while_open,
    "close": _close,
    "count": _count,
    "scrutineer": _scrutineer,
    "declare": _declare,
    "record": _record,
}


def stage_state(ballot: Ballot, key: str) -> tuple[str, str]:
    """Whether the stage ``key`` is done ("done"), the one to act on ("now") or to come
    ("later") for ``ballot``, and what to do next."""
    return STATE_OF[key](ballot)


def sections(ballot: Ballot) -> list[Section]:
    """The console's sections for ``ballot``, in order."""
    found = []
    for stage in STAGES:
        status, text = stage_state(ballot, stage.key)
        name = f"ballots/console_{stage.key}.html"
        found.append(
            Section(
                stage,
                status,
                text,
                stage_url(ballot, stage),
                name if template_exists(name) else None,
            )
        )
    # The stages an app above adds (a verifiable ballot's trustees and credentials: hooks).
    for extra in hooks.console_stages(ballot):
        links = tuple((str(label), str(url)) for label, url in extra.get("links") or ())
        section = Section(
            Stage(str(extra["key"]), str(extra["title"]), "", "", str(extra.get("purpose", ""))),
            str(extra["status"]),
            str(extra["text"]),
            links[0][1] if links else "",
            None,
            links[1:],
        )
        keys = [s.stage.key for s in found]
        after = extra.get("after")
        found.insert(keys.index(after) + 1 if after in keys else len(found), section)
    return found


def public_templates() -> list[str]:
    """The public page's parts other topics have written, in order."""
    names = [f"ballots/public_{key}.html" for key in PUBLIC_SECTIONS]
    return [name for name in names if template_exists(name)]
