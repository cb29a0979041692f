"""Drafting minutes from the records. Minutes record what was done, not what was said
(RULES.md §13): the meeting, who chaired, notice, apologies, attendance figures, the quorum
stated once at the opening with its changes, the agenda as taken, invited speakers, officers'
reports with their text, then the sections motions and elections register (rulings with reasons,
votes and results), then the close. Every figure
names the record it comes from ("quorum check 12", "attendance register"), and each section
links to those records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from moot.dates import clock, long_date
from moot.meetings import hooks, queries
from moot.meetings.models import SPEAKER_KINDS, ItemKind, Meeting, QuorumCheck


def _time(moment: Any) -> str:
    return clock(moment)


def _date(moment: Any) -> str:
    return long_date(moment)


def _person(member: Any) -> str:
    return f"{member.first_name} {member.last_name}" if member is not None else "not recorded"


def _n(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def _urls(meeting: Meeting) -> dict[str, str]:
    return {
        "meeting": reverse("meetings:detail", args=[meeting.pk]),
        "register": reverse("meetings:attendance", args=[meeting.pk]),
        "audit": reverse("audit:trail") + f"?object=meetings.meeting:{meeting.pk}",
    }


def _section(
    key: str, title: str, paragraphs: list[str], source_note: str, refs: list[tuple[str, str]]
) -> dict[str, Any]:
    return {
        "key": key,
        "title": title,
        "paragraphs": paragraphs,
        "source_note": source_note,
        "refs": [list(ref) for ref in refs],
    }


def opening_section(meeting: Meeting) -> dict[str, Any]:
    urls = _urls(meeting)
    kind = queries.meeting_kind_of(meeting)
    where = {
        "in_person": meeting.location,
        "online": f"online ({meeting.online_url})",
        "hybrid": f"{meeting.location} and online",
    }.get(meeting.attendance_mode, meeting.location)
    paragraphs = [
        (
            f"{kind.name[:1].upper()}{kind.name[1:]} of {meeting.unit.name}, held on "
            f"{_date(meeting.starts_at)} at {where}. Called for {_time(meeting.starts_at)}; "
            f"opened at {_time(meeting.opened_at)}"
            + (f", {offset}." if (offset := queries.opening_offset(meeting)) else ".")
        ),
        f"Chair: {_person(meeting.chair)}. Secretary: {_person(meeting.secretary)}.",
    ]
    if meeting.notice_sent_on:
        days = (timezone.localdate(meeting.starts_at) - meeting.notice_sent_on).days
        paragraphs.append(
            f"Notice was sent on {long_date(meeting.notice_sent_on)}, {days} days "
            f"before the meeting (notice periods: {kind.notice_days_units} days to units, "
            f"{kind.notice_days_members} days to members; clause "
            f"{getattr(kind, 'notice_clause', kind.clause)})."
        )
    paragraphs.append(f"Rules in force: the rulebook edition {meeting.edition_name}.")
    return _section(
        "opening",
        "The meeting",
        paragraphs,
        f"From meeting record {meeting.pk} and its audit events (meetings.create_meeting, "
        "meetings.send_notice, meetings.start_meeting).",
        [("Meeting record", urls["meeting"]), ("Audit events of the meeting", urls["audit"])],
    )


def refusal_figures(meeting: Meeting) -> list[tuple[str, str, int]]:
    """(what, clause, how many) for the members refused a vote, as the minutes state them:
    figures by category, never names nor the status a member was in. Every refusal for a
    member's status (in arrears, lapsed, suspended, expelled, ...) is counted as "not in good
    standing" under the membership clause, so a disciplinary status (whose own clause would
    name it) is never revealed, not even by a category of one (DESIGN principle 5)."""
    edition = queries.edition_of(meeting)
    membership = edition.membership
    rule = edition.eligibility_rule("meeting")
    status_clauses = {status.clause for status in membership.statuses if not status.standing}
    # (one, several): "1 was not …", "3 were not …".
    labels = {
        "standing": (
            (
                f"was not in good standing on the day of {rule.event}",
                f"were not in good standing on the day of {rule.event}",
            ),
            membership.clause,
        ),
        "unit": (
            (
                f"was not a member of {meeting.unit.name}",
                f"were not members of {meeting.unit.name}",
            ),
            membership.unit_clause,
        ),
        "weeks": (
            (
                f"had not been a member for {rule.min_weeks} weeks",
                f"had not been members for {rule.min_weeks} weeks",
            ),
            rule.clause,
        ),
        "other": (
            (
                "was not entitled to vote for another reason the rulebook gives",
                "were not entitled to vote for another reason the rulebook gives",
            ),
            "",
        ),
    }
    counts = dict.fromkeys(labels, 0)
    # The stored clause is the first reason's: the member's status comes first, then the unit,
    # then the weeks of membership (rulebook.assess_eligibility), so it gives the main reason.
    for clause, n in queries.refusal_clauses(meeting):
        if clause in status_clauses or clause == membership.clause:
            counts["standing"] += n
        elif clause == membership.unit_clause:
            counts["unit"] += n
        elif clause == rule.clause:
            counts["weeks"] += n
        else:
            counts["other"] += n
    return [(labels[key][0][n != 1], labels[key][1], n) for key, n in counts.items() if n]


def attendance_section(meeting: Meeting) -> dict[str, Any]:
    urls = _urls(meeting)
    counts = queries.attendance_counts(meeting)
    paragraphs = [
        f"{_n(counts['voters'], 'member', 'members')} checked in as eligible voters; "
        f"{_n(counts['refused'], 'member was', 'members were')} refused a vote; "
        f"{_n(counts['observers'], 'observer', 'observers')} and "
        f"{_n(counts['guests'], 'guest', 'guests')} attended without a vote."
        + (
            f" {_n(counts['left'], 'person', 'people')} left before the close."
            if counts["left"]
            else ""
        )
    ]
    figures = refusal_figures(meeting)
    if figures:
        parts = [
            f"{n:,} {what}" + (f" (clause {clause})" if clause else "")
            for what, clause, n in figures
        ]
        paragraphs.append(
            f"{_n(counts['refused'], 'member was', 'members were')} not admitted as "
            f"{'a voter' if counts['refused'] == 1 else 'voters'}: {', '.join(parts)}."
        )
    return _section(
        "attendance",
        "Attendance",
        paragraphs,
        "Counted from the attendance register (one record per person, with the rulebook's "
        "reason and clause for each refusal, seen only by the meeting's officers); the minutes "
        "give figures only.",
        [("Attendance register", urls["register"])],
    )


def _occasion(check: QuorumCheck) -> str:
    if check.occasion == "start":
        return "at the opening"
    if check.occasion == "close":
        return "at the close"
    if check.agenda_item is not None:
        return f"when item {check.agenda_item.position} ({check.agenda_item.title}) was taken"
    return "during the meeting"


def _figures(check: QuorumCheck) -> str:
    return (
        f"{check.present_eligible:,} eligible members present of a roll of "
        f"{check.eligible_roll:,}; quorum {check.required:,}"
    )


def quorum_paragraphs(checks: list[QuorumCheck]) -> list[str]:
    """The quorum stated once, at the first check (the opening), then only its changes: lost
    or regained, with the time and the figures, each naming its check. A meeting that stayed
    quorate gets one sentence more, from the last check."""
    if not checks:
        return ["No quorum was recorded."]
    first = checks[0]
    verdict = "the meeting was quorate" if first.quorate else "the meeting was NOT quorate"
    occasion = _occasion(first)
    opening = (
        f"{occasion[:1].upper()}{occasion[1:]} ({_time(first.at)}): {_figures(first)} "
        f"({first.text}; clause {first.clause}): {verdict}. [quorum check {first.pk}]"
    )
    paragraphs = [opening]
    state = first.quorate
    for check in checks[1:]:
        if check.quorate == state:
            continue
        state = check.quorate
        change = "The quorum was regained" if state else "The quorum was lost"
        paragraphs.append(
            f"{change} at {_time(check.at)}, {_occasion(check)}: {_figures(check)}. "
            f"[quorum check {check.pk}]"
        )
    last = checks[-1]
    if len(checks) > 1 and len(paragraphs) == 1:
        paragraphs.append(
            f"The meeting remained {'quorate' if state else 'inquorate'} throughout "
            f"({_occasion(last)}, {_time(last.at)}: {last.present_eligible:,} present). "
            f"[quorum check {last.pk}]"
        )
    elif len(paragraphs) > 1 and last.quorate == state and last.occasion == "close":
        paragraphs.append(
            f"At the close ({_time(last.at)}): {last.present_eligible:,} present; the meeting "
            f"was {'quorate' if state else 'NOT quorate'}. [quorum check {last.pk}]"
        )
    return paragraphs


def quorum_section(meeting: Meeting) -> dict[str, Any]:
    urls = _urls(meeting)
    checks = list(meeting.quorum_checks.select_related("agenda_item").order_by("at", "id"))
    paragraphs = quorum_paragraphs(checks)
    roll_note = ""
    if meeting.eligible_roll_on:
        roll_note = (
            f" The roll of eligible members was counted on {long_date(meeting.eligible_roll_on)}."
        )
    return _section(
        "quorum",
        "Quorum",
        paragraphs,
        "From the quorum checks recorded at the opening, at each agenda item and at the close; "
        "stated at the opening and whenever it changed." + roll_note,
        [("Quorum checks", urls["register"] + "#quorum-checks")],
    )


def apologies_section(meeting: Meeting) -> dict[str, Any] | None:
    """Apologies for absence: the members who sent them and did not attend."""
    present = set(
        meeting.attendances.filter(member__isnull=False).values_list("member_id", flat=True)
    )
    names = [
        _person(apology.member)
        for apology in queries.apologies_of(meeting)
        if apology.member_id not in present
    ]
    if not names:
        return _section(
            "apologies",
            "Apologies for absence",
            ["No apologies for absence were recorded."],
            "From the apologies recorded before and during the meeting.",
            [("Apologies", reverse("meetings:apologies", args=[meeting.pk]))],
        )
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return _section(
        "apologies",
        "Apologies for absence",
        [f"Apologies for absence were received from {listed}."],
        "From the apologies sent by members before the meeting and recorded by the secretary "
        "or chair; members who came after all are not listed.",
        [("Apologies", reverse("meetings:apologies", args=[meeting.pk]))],
    )


def reports_section(meeting: Meeting) -> dict[str, Any] | None:
    """Officers' reports: each report item, who presented it and its text."""
    items = [item for item in queries.agenda(meeting) if item.kind == ItemKind.REPORT]
    if not items:
        return None
    paragraphs: list[str] = []
    for item in items:
        who = item.speaker or "The report"
        if not item.started_at:
            paragraphs.append(f"Item {item.position}. {item.title}: not reached.")
            continue
        lead = (
            f"Item {item.position}. {item.title}: {who} presented the report"
            if item.speaker
            else f"Item {item.position}. {item.title}: the report was presented"
        )
        text = [p.strip() for p in item.body.replace("\r\n", "\n").split("\n\n") if p.strip()]
        paragraphs.append(lead + ("; the report follows." if text else "."))
        paragraphs.extend(" ".join(p.split()) for p in text)
    return _section(
        "reports",
        "Reports",
        paragraphs,
        "From the report items of the agenda: who presented each and the text submitted.",
        [("Agenda", _urls(meeting)["meeting"] + "#agenda")],
    )


def agenda_section(meeting: Meeting) -> dict[str, Any]:
    urls = _urls(meeting)
    paragraphs = []
    for item in queries.agenda(meeting):
        taken = f"taken at {_time(item.started_at)}" if item.started_at else "not reached"
        paragraphs.append(f"{item.position}. {item.title} ({item.get_kind_display()}): {taken}.")
    if not paragraphs:
        paragraphs.append("The agenda was empty.")
    return _section(
        "agenda",
        "Agenda",
        paragraphs,
        "From the agenda items and the times the chair took each.",
        [("Agenda", urls["meeting"] + "#agenda")],
    )


def speakers_section(meeting: Meeting) -> dict[str, Any] | None:
    items = [item for item in queries.agenda(meeting) if item.kind in SPEAKER_KINDS]
    if not items:
        return None
    paragraphs = []
    for item in items:
        who = item.speaker + (
            f" ({item.speaker_organisation})" if item.speaker_organisation else ""
        )
        if item.started_at is None:
            planned = "training session" if item.kind == "training" else "talk"
            paragraphs.append(
                f"Item {item.position} ({who}: {planned} on {item.topic}) was not reached."
            )
            continue
        what = "gave a training session" if item.kind == "training" else "addressed the meeting"
        paragraphs.append(
            f"Item {item.position}: {who} {what} on {item.topic} at {_time(item.started_at)}."
        )
    return _section(
        "speakers",
        "Invited speakers and training",
        paragraphs,
        "From the speaker and training items of the agenda.",
        [("Agenda", _urls(meeting)["meeting"] + "#agenda")],
    )


def previous_minutes_section(meeting: Meeting) -> dict[str, Any] | None:
    """Minutes of earlier meetings approved at this one, as read or as corrected."""
    from moot.meetings.models import Minutes

    approved = list(Minutes.objects.filter(approved_at_meeting=meeting).select_related("meeting"))
    if not approved:
        return None
    paragraphs = []
    refs = []
    for minutes in approved:
        corrected = any(s["key"] == "corrections" for s in minutes.sections)
        paragraphs.append(
            f"The minutes of {minutes.meeting.title} ({_date(minutes.meeting.starts_at)}) were "
            f"approved {'as corrected' if corrected else 'as read'} at "
            f"{_time(minutes.approved_at)} (version {minutes.version}, SHA-256 "
            f"{minutes.content_hash})."
        )
        refs.append(
            (
                f"Minutes of {minutes.meeting.title}",
                reverse("meetings:minutes", args=[minutes.meeting_id]),
            )
        )
    return _section(
        "previous-minutes",
        "Minutes of the previous meeting",
        paragraphs,
        "From the approval records of the earlier minutes (meeting.approve_minutes).",
        refs,
    )


def closing_section(meeting: Meeting) -> dict[str, Any]:
    return _section(
        "close",
        "Close",
        [f"The chair closed the meeting at {_time(meeting.closed_at)}."],
        "From the meeting record (meetings.close_meeting).",
        [("Audit events of the meeting", _urls(meeting)["audit"])],
    )


OWN_SECTIONS: list[tuple[int, Callable[[Meeting], dict[str, Any] | None]]] = [
    (10, opening_section),
    (15, apologies_section),
    (20, attendance_section),
    (30, quorum_section),
    (35, previous_minutes_section),
    (40, agenda_section),
    (45, speakers_section),
    (50, reports_section),
    (90, closing_section),
]


def _registered(key: str, section: hooks.MinutesSection) -> dict[str, Any]:
    return _section(
        key,
        section.title,
        [str(p) for p in section.paragraphs],
        section.source_note,
        [(str(label), str(url)) for label, url in section.refs],
    )


def draft_sections(meeting: Meeting) -> list[dict[str, Any]]:
    """The minutes' sections, drafted from the records, in order."""
    ordered: list[tuple[int, str, dict[str, Any]]] = []
    for order, build in OWN_SECTIONS:
        section = build(meeting)
        if section is not None:
            ordered.append((order, section["key"], section))
    for key, order, fn in hooks.minutes_sections():
        registered = fn(meeting)
        if registered is not None:
            ordered.append((order, key, _registered(key, registered)))
    ordered.sort(key=lambda entry: (entry[0], entry[1]))
    return [section for _, _, section in ordered]
