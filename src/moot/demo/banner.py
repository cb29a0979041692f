"""What `make run` prints (``moot demo --banner``): the demo's sign-ins and what to do next,
worked out from the database as it is now — who holds the chair and the secretary's post
today, whether the demo AGM is still to open, open or closed (and its minutes), whether it
was called on an earlier day (then: ``moot demo --reset``), and the branch AGM ahead that
still takes motions and nominations. Nothing in it is fixed text about the state."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from moot.dates import clock, long_date
from moot.demo import seed

RESET = "moot demo --reset"
VERIFY = (
    'moot verify ballot-{pk}-record.zip --public-key "$(moot audit public-key | grep ^ed25519:)"'
)
LATE = datetime.time(23, 0)  # from then, the banner warns that the AGM opens on its day only


def _email(local: str) -> str:
    return f"{local}@{seed.DEMO_DOMAIN}"


def _holders(unit: Any, today: datetime.date) -> dict[str, Any]:
    """Post slug -> the member holding it today (the first, for a job share)."""
    from moot.units.queries import holdings_on

    held: dict[str, Any] = {}
    for holding in holdings_on(unit, today).select_related("post", "member").order_by("pk"):
        held.setdefault(holding.post.slug, holding.member)
    return held


def _account_lines(riverside: Any, today: datetime.date) -> list[str]:
    from moot.accounts.models import User

    emails = [_email(local) for _, local, _ in seed.DEMO_ACCOUNTS]
    users = {u.email: u for u in User.objects.filter(email__in=emails).select_related("member")}
    held = _holders(riverside, today) if riverside is not None else {}
    width = max(len(e) for e in emails)
    lines = []
    for role, local, described in seed.DEMO_ACCOUNTS:
        description = described
        email = _email(local)
        user = users.get(email)
        if user is None:
            lines.append(f"    {email.ljust(width)}  (not created: run `{RESET}`)")
            continue
        member = getattr(user, "member", None)
        if role in ("chair", "secretary") and member is not None:
            holder = held.get(role)
            if holder is not None and holder.pk != member.pk:
                description = (
                    f"former {role} of {riverside.name} (the {role} is now {holder.full_name})"
                )
            elif holder is None:
                description = f"former {role} of {riverside.name} (the post is vacant)"
        name = user.get_full_name()
        lines.append(f"    {email.ljust(width)}  {name}, {description}")
    return lines


def _who(member: Any) -> str:
    """A member's name, with the demo sign-in that is theirs when there is one."""
    if member is None:
        return "nobody named"
    user = getattr(member, "user", None)
    email = getattr(user, "email", "")
    if email.endswith(f"@{seed.DEMO_DOMAIN}") and not email.startswith("candidate."):
        return f"{member.full_name} ({email})"
    return member.full_name


def _agm_lines(agm: Any, base: str, today: datetime.date) -> list[str]:
    from moot.meetings.queries import (
        attendance_of_member,
        current_item,
        minutes_awaiting_approval,
        minutes_of,
    )

    called = timezone.localtime(agm.starts_at)
    day = called.date()
    yesterday = today - datetime.timedelta(days=1)
    when = {today: "today", yesterday: "yesterday"}.get(day, f"on {long_date(day)}")
    lines = [
        f"  The demo AGM: {agm.title}, {base}/meetings/{agm.pk}/",
        f"  called for {clock(called)} {when}; in the chair: {_who(agm.chair)}.",
    ]
    member = _demo_member()
    if agm.is_scheduled:
        # A meeting is opened on its own day only (do_start_meeting): after midnight, reset.
        if day < today:
            return [
                *lines,
                f"  It was never opened and its day has passed: run `{RESET}` to seed the demo",
                "  afresh with the AGM called for now.",
            ]
        if timezone.localtime().time() >= LATE:
            lines.append(
                "  Open it before midnight: a meeting opens on its own day only (after that, "
                f"`{RESET}`)."
            )
        lines += [
            f"  Next: sign in as {_who(agm.chair)} and open the meeting from the chair's",
            f"  console, {base}/meetings/{agm.pk}/chair/ ; on a phone, sign in as",
            f"  {_email('member')} and check in with the meeting code {agm.check_in_code}.",
            "  The chair stands for chair: at the elections' item she hands the chair to",
            f"  {_email('vice-chair')}, who opens, closes and declares the elections.",
        ]
        awaiting = minutes_awaiting_approval(agm)
        item = agm.items.filter(kind="minutes").order_by("position").first()
        if awaiting is not None and item is not None:
            lines.append(
                f"  Last year's minutes ({base}/meetings/{awaiting.meeting_id}/minutes/) wait "
                f"for approval at item {item.position}."
            )
        return lines
    if agm.is_open:
        item = current_item(agm)
        at = f'at item {item.position}, "{item.title}"' if item is not None else "between items"
        checked = member is not None and attendance_of_member(agm, member) is not None
        lines += [
            f"  Open since {clock(agm.opened_at)}, now {at}.",
            f"  Next: carry on from the chair's console, {base}/meetings/{agm.pk}/chair/ ;",
            f"  {_email('member')} is checked in."
            if checked
            else f"  {_email('member')} has not checked in yet: code {agm.check_in_code}.",
        ]
        return lines
    minutes = minutes_of(agm)
    closed = timezone.localtime(agm.closed_at) if agm.closed_at else None
    lines.append(
        f"  Closed{f' at {clock(closed)}' if closed else ''}; minutes: "
        + (
            f"{minutes.get_state_display().lower()}, {base}/meetings/{agm.pk}/minutes/"
            if minutes is not None
            else f"not drafted yet — draft them at {base}/meetings/{agm.pk}/minutes/"
        )
    )
    lines.append(f"  To run the AGM again from the start: `{RESET}` (this empties the database).")
    return lines


def _demo_member() -> Any:
    from moot.members.models import Member

    return Member.objects.filter(user__email=_email("member")).select_related("branch").first()


def _branch_lines(base: str, today: datetime.date) -> list[str]:
    """The branch AGM ahead where the demo member can still bring business."""
    from moot.elections.actions import nomination_window
    from moot.elections.models import Election
    from moot.meetings.models import Meeting
    from moot.motions.actions import tabling_window
    from moot.motions.queries import edition_for, meeting_date

    member = _demo_member()
    if member is None or member.branch is None:
        return []
    meeting = (
        Meeting.objects.filter(unit=member.branch, state="scheduled", starts_at__gte=timezone.now())
        .order_by("starts_at")
        .first()
    )
    if meeting is None:
        return []
    day = meeting_date(meeting)
    lines = [f"  Ahead: {meeting.title} on {long_date(day)}, {base}/meetings/{meeting.pk}/"]
    if tabling_window(meeting, today, follow=False).open:
        needed = edition_for(meeting).meeting_kind(meeting.kind).motion_deadline_days
        last = day - datetime.timedelta(days=needed)
        lines.append(
            f"  {_email('member')} can table a motion to it until {long_date(last)}: "
            f"{base}/meetings/{meeting.pk}/motions/new/"
        )
    for election in Election.objects.filter(meeting=meeting).select_related("post"):
        window = nomination_window(election, today)
        if window.open:
            lines.append(
                f"  and nominate for {election.post.title} "
                f"({window.status[:1].lower()}{window.status[1:]}): "
                f"{base}/elections/{election.pk}/"
            )
    return lines


def banner(port: int) -> str:
    from moot.audit.management.commands.audit import where_lines
    from moot.meetings.models import Meeting
    from moot.units.models import Unit

    base = f"http://127.0.0.1:{port}"
    today = timezone.localdate()
    riverside = Unit.objects.filter(slug=seed.RIVERSIDE_SLUG).first()
    lines = [
        "",
        f"  moot is running at {base}/",
        "",
        "  Demo sign-ins (the Commonweal Party; every person is invented), each with the",
        f"  password {seed.DEMO_PASSWORD}:",
        *_account_lines(riverside, today),
    ]
    agm = (
        Meeting.objects.filter(unit__slug=seed.RIVERSIDE_SLUG, kind="agm")
        .select_related("chair__user")
        .order_by("-starts_at", "-pk")
        .first()
    )
    if agm is not None:
        lines += ["", *_agm_lines(agm, base, today)]
    branch = _branch_lines(base, today)
    if branch:
        lines += ["", *branch]
    lines += _case_lines(base)
    lines += _ballot_lines(base)
    from moot.demo.verifiable import verifiable_lines

    lines += verifiable_lines(base)
    lines += ["", *(f"  {line}" for line in where_lines()), ""]
    return "\n".join(lines)


def _case_lines(base: str) -> list[str]:
    """The complaints demo, when it was seeded: the panel member's sign-in, the public
    complainant's receipt code and where the figures are."""
    from moot.accounts.models import User
    from moot.demo.cases import DEMO_RECEIPT_CODE, PANEL_EMAIL_LOCAL

    panel = User.objects.filter(email=_email(PANEL_EMAIL_LOCAL)).first()
    if panel is None:
        return []
    return [
        "",
        "  Complaints (every case is invented; only complaints staff and the people on a case see",
        "  it — the chair and secretary of the respondent's unit see nothing):",
        f"    {_email('complaints')} handles the cases: {base}/cases/",
        f"    {panel.email} ({panel.get_full_name()}) sits on a panel: {base}/cases/",
        f"    an anonymous public complaint, followed with the receipt code {DEMO_RECEIPT_CODE}:",
        f"      {base}/complain/follow-up/   (make a new one at {base}/complain/)",
        f"    the published statistics: {base}/cases/statistics/",
    ]


def _ballot_lines(base: str) -> list[str]:
    """The national ballots, when they were seeded: the officers' sign-ins, this year's ballot
    with its state and next step, the member who has not voted, a paper still to key, and
    last year's published record with the command that verifies it."""
    from moot.accounts.models import User
    from moot.ballots.credentials import paper_check
    from moot.ballots.models import Ballot, RollEntry
    from moot.demo.ballots import RETURNING_OFFICER, SCRUTINEER, TELLERS

    ballots = list(
        Ballot.objects.filter(
            unit__kind="national", returning_officer__email=_email(RETURNING_OFFICER)
        ).order_by("-issue_at")[:2]
    )
    if not ballots:
        return []
    people = {u.email: u for u in User.objects.filter(email__endswith=f"@{seed.DEMO_DOMAIN}")}
    lines = ["", "  National ballots (one member, one vote; every candidate is invented):"]
    for local, what in (
        (RETURNING_OFFICER, "returning officer (national staff): the console"),
        (TELLERS[0], "teller: keys returned papers"),
        (TELLERS[1], "teller: keys the same papers a second time"),
        (SCRUTINEER, "independent scrutineer: reads everything, signs the report"),
    ):
        user = people.get(_email(local))
        if user is not None:
            lines.append(f"    {user.email}  {user.get_full_name()}, {what}")
    current = ballots[0]
    state = current.get_state_display().lower()
    lines.append(f"  {current.title}: {state}, {base}/ballots/{current.pk}/")
    if current.state == "open":
        voter = RollEntry.objects.filter(
            ballot=current, member__user__email=_email("member"), voted=False
        ).first()
        closes = timezone.localtime(current.close_at)
        lines.append(f"  closes at {clock(closes)} on {long_date(closes.date())}.")
        lines.append(f"  Next: as the returning officer, {base}/ballots/{current.pk}/manage/ ;")
        if voter is not None:
            lines.append(
                f"  on a phone, sign in as {_email('member')} (has not voted) and vote at "
                f"{base}/ballots/{current.pk}/vote/"
            )
        paper = (
            RollEntry.objects.filter(ballot=current, paper_number__isnull=False, voted=False)
            .order_by("paper_number")
            .first()
        )
        if paper is not None and paper.paper_number is not None:
            lines.append(
                f"  a postal vote came back: as both tellers key paper {paper.paper_number} "
                f"(check code {paper_check(current, paper.paper_number)}) at "
                f"{base}/ballots/{current.pk}/papers/key/"
            )
        lines.append(
            f"  After the close ({long_date(closes.date())}): close, count, the scrutineer "
            "signs, the returning officer declares."
        )
    elif current.state == "declared":
        lines.append(f"  Declared: {base}/ballots/{current.pk}/results/")
    else:
        lines.append(f"  Next: the console, {base}/ballots/{current.pk}/manage/")
    for ballot in ballots[1:]:
        if ballot.state == "declared":
            lines.append(f"  {ballot.title}: declared, {base}/ballots/{ballot.pk}/results/")
            lines += _board_lines(ballot, base)
            lines += [
                f"  its published record: {base}/ballots/{ballot.pk}/record/ ; download it and",
                "  verify it (with its verifiable part: every proof, shuffle and decryption):",
                "    " + VERIFY.format(pk=ballot.pk),
            ]
    return lines


def _board_lines(ballot: Any, base: str) -> list[str]:
    """A verifiable ballot's public board: its entries by kind, as they are now."""
    from collections import Counter

    from moot.verifiable.models import BoardEntry, Election

    election = Election.objects.filter(ballot=ballot).first()
    if election is None:
        return []
    kinds = Counter(
        BoardEntry.objects.filter(election=election).values_list("kind", flat=True).iterator()
    )
    shown = ", ".join(
        f"{kinds[kind]} {kind}{'s' if kinds[kind] > 1 else ''}"
        for kind in ("ballot", "shuffle", "decryption", "result")
        if kinds[kind]
    )
    return [
        (
            f"  run verifiable: {election.trustee_count} trustees, {election.threshold} "
            f"decrypt; its public board ({shown}):"
        ),
        f"    {base}/ballots/{ballot.pk}/verifiable/board/",
    ]
