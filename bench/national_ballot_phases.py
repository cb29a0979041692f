"""The phases of bench/national_ballot.py that run inside Django (one subprocess each, with the
driver's DATABASE_URL and settings). Each prints one JSON line for the driver.

    python bench/national_ballot_phases.py register MEMBERS REFUSE_FILE TODAY
    python bench/national_ballot_phases.py ballot TODAY
    python bench/national_ballot_phases.py freeze BALLOT
    python bench/national_ballot_phases.py issue BALLOT
    python bench/national_ballot_phases.py deliveries BALLOT
    python bench/national_ballot_phases.py papers BALLOT COUNT
    python bench/national_ballot_phases.py close BALLOT
    python bench/national_ballot_phases.py check BALLOT

Everything of the ballot goes through the ballots actions (and the units, members, meetings and
polls actions for what comes before it); only the register, the officers' accounts and their
sign-in sessions are written in bulk, as bench/live_vote.py does. Phases that happen on another
day than today travel there with time-machine (the calendar in national_ballot.py).
"""

from __future__ import annotations

import datetime
import json
import os
import random
import secrets
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

from national_ballot import (  # noqa: E402 - after the path is set
    BATCH,
    CALLED,
    CANDIDATES,
    CLOSES,
    CONSENTS,
    DEAD_ADDRESS,
    FIRST,
    FREEZES,
    LAST,
    MEETS,
    MEMBERS_PER_CLP,
    NO_EMAIL,
    NOMINATING_CLPS,
    NOMINATIONS_EACH,
    OPENS,
    REGIONS,
    REGISTERED,
    SHARED_EMAIL,
)

OFFICERS = ("returning.officer", "scrutineer", "teller.one", "teller.two")


def _django() -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "moot.site.settings")
    import django

    django.setup()


@contextmanager
def on_day(today: datetime.date, days_before: int, hour: int = 10) -> Any:
    """Travel to ``days_before`` days before ``today`` at ``hour`` (local time), clock ticking."""
    import time_machine
    from django.utils import timezone

    moment = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days_before), datetime.time(hour))
    )
    with time_machine.travel(moment, tick=True):
        yield moment


def user(email: str) -> Any:
    from moot.accounts.models import User

    return User.objects.get(email=email)


def officer(role: str) -> Any:
    return user(f"{role}@bench.example.org")


def ballot_of(ballot_id: int) -> Any:
    from moot.ballots.models import Ballot

    return Ballot.objects.get(pk=ballot_id)


# ---------------------------------------------------------------------------------------------


def register(members: int, refuse_file: str, today: datetime.date) -> dict[str, Any]:
    """The units through the units actions; the register in bulk (members and their status
    history; a realistic share without e-mail, sharing one, or with a dead address); the
    officers' accounts (the returning officer is national staff, who may call the ballot) with
    sign-in sessions for the pages."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import Count

    from moot.accounts.models import StaffAssignment, User
    from moot.members.models import Member, MembershipPeriod
    from moot.units.actions import do_create_unit

    rng = random.Random(20261207)
    started = time.perf_counter()
    with on_day(today, REGISTERED):
        staff = User.objects.create(
            email="returning.officer@bench.example.org",
            username="returning.officer@bench.example.org",
            password=make_password(None),
        )
        StaffAssignment.objects.create(user=staff, role="national_staff", unit=None)
        national = do_create_unit(
            name="Bench Party", slug="bench", kind="national", parent=None, acting_user=staff
        )
        regions = [
            do_create_unit(
                name=f"Bench Region {r}",
                slug=f"r{r}",
                kind="region",
                parent=national,
                code=f"R{r:02d}",
                acting_user=staff,
            )
            for r in range(REGIONS)
        ]
        clps = [
            do_create_unit(
                name=f"Bench CLP {c}",
                slug=f"clp-{c}",
                kind="constituency",
                parent=regions[c % REGIONS],
                code=f"C{c:03d}",
                acting_user=staff,
            )
            for c in range(max(NOMINATING_CLPS + 6, members // MEMBERS_PER_CLP))
        ]
    units_s = time.perf_counter() - started
    dead: list[str] = []
    no_email = shared_members = 0
    genders = ("woman", "man", "woman", "man", "non_binary", "woman", "man", "")
    for offset in range(0, members, BATCH):
        batch: list[Any] = []
        for n in range(offset, min(offset + BATCH, members)):
            draw = rng.random()
            if draw < NO_EMAIL:
                address = ""
                no_email += 1
            elif draw < NO_EMAIL + SHARED_EMAIL and batch and batch[-1].email:
                address = batch[-1].email  # the member before, in the same household
                shared_members += 1
            else:
                address = f"m{n:07d}@bench.example"
                if rng.random() < DEAD_ADDRESS:
                    dead.append(address)
            member = Member(
                number=f"B{n:07d}",
                first_name=FIRST[n % len(FIRST)],
                last_name=f"{LAST[(n // 7) % len(LAST)]}{n % 1000}",
                email=address,
                gender=genders[n % len(genders)],
                constituency=clps[n % len(clps)],
                joined_on=today - datetime.timedelta(days=REGISTERED + 30 + n % 4000),
                status="active",
            )
            member.fill_search_keys()
            batch.append(member)
        with transaction.atomic():
            made = Member.objects.bulk_create(batch)
            MembershipPeriod.objects.bulk_create(
                MembershipPeriod(member=m, status="active", start=m.joined_on) for m in made
            )
    shared = set(
        Member.objects.exclude(email="")
        .values("email")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("email", flat=True)
    )
    dead = [a for a in dead if a not in shared]
    Path(refuse_file).write_text("".join(f"{a}\n" for a in dead))
    for role in OFFICERS[1:]:
        address = f"{role}@bench.example.org"
        User.objects.create(email=address, username=address, password=make_password(None))
    return {
        "national": national.pk,
        "clps": len(clps),
        "regions": REGIONS,
        "members": members,
        "no_email": no_email,
        "shared_email_members": shared_members,
        "dead_addresses": len(dead),
        "units_s": round(units_s, 1),
        "register_s": round(time.perf_counter() - started, 1),
    }


def _account_for(member: Any, staff: Any) -> Any:
    """A sign-in account linked to ``member`` (members.actions.do_link_account)."""
    from django.contrib.auth.hashers import make_password

    from moot.accounts.models import User
    from moot.members.actions import do_link_account

    address = f"{member.number.lower()}@accounts.bench.example"
    account = User.objects.create(
        email=address,
        username=address,
        first_name=member.first_name,
        last_name=member.last_name,
        password=make_password(None),
    )
    do_link_account(member, account, acting_user=staff)
    return account


def ballot(today: datetime.date) -> dict[str, Any]:
    """Call the national executive ballot from the rulebook's preset (D-CALLED), appoint its
    officers, take 14 candidates' nominations from 14 constituency parties' meetings (D-MEETS),
    the candidates' consent (D-CONSENTS). The issue is today, a minute ago; the close in two
    days."""
    import dataclasses

    from django.utils import timezone

    from moot.ballots.actions.definition import do_create_ballot, edition, spec_from_preset
    from moot.ballots.actions.nominations import do_consent_candidacy
    from moot.ballots.actions.officers import (
        do_appoint_returning_officer,
        do_appoint_scrutineer,
        do_appoint_teller,
    )
    from moot.ballots.models import Candidate
    from moot.demo.ballots import nominate_at_meeting
    from moot.members.models import Member
    from moot.units.actions import do_appoint_officer
    from moot.units.models import Unit

    staff = officer("returning.officer")
    national = Unit.objects.get(kind="national")
    clps = list(Unit.objects.filter(kind="constituency").order_by("pk")[:NOMINATING_CLPS])
    now = timezone.now()
    with on_day(today, CALLED):
        preset = edition().ballots.preset("national_executive")
        spec = dataclasses.replace(
            spec_from_preset(preset, title="National executive: constituency section (bench)"),
            nominations_open=today - datetime.timedelta(days=OPENS),
            nominations_close=today - datetime.timedelta(days=CLOSES),
            freeze_date=today - datetime.timedelta(days=FREEZES),
            issue_at=now - datetime.timedelta(minutes=1),
            reminders=(),
            close_at=now + datetime.timedelta(days=2),
        )
        made = do_create_ballot(national, spec, acting_user=staff)
        made = do_appoint_returning_officer(made, staff, acting_user=staff)
        made = do_appoint_scrutineer(made, officer("scrutineer"), acting_user=staff)
        for role in ("teller.one", "teller.two"):
            do_appoint_teller(made, officer(role), acting_user=staff)
        # Each nominating party's secretary and candidate: long-standing members, with accounts.
        secretaries, candidates = [], []
        cutoff = today - datetime.timedelta(days=4 * 365)
        for index, clp in enumerate(clps):
            pool = list(
                Member.objects.filter(constituency=clp, joined_on__lte=cutoff)
                .exclude(gender="")
                .order_by("number")[:40]
            )
            want = "woman" if index % 2 == 0 else "man"
            candidate = next(m for m in pool if m.gender == want)
            secretary = next(m for m in pool if m.pk != candidate.pk)
            post = clp.posts.get(slug="secretary")
            do_appoint_officer(
                post,
                secretary,
                start=today - datetime.timedelta(days=CALLED + 100),
                elected_ref="agm:bench",
                acting_user=staff,
            )
            secretaries.append(_account_for(secretary, staff))
            candidates.append((candidate, _account_for(candidate, staff)))
    nominations = 0
    with on_day(today, MEETS, hour=19):
        for index, clp in enumerate(clps):
            nominees = [candidates[(index + k) % CANDIDATES][0] for k in range(NOMINATIONS_EACH)]
            nominations += len(
                nominate_at_meeting(
                    made, clp, nominees, secretaries[index], staff, location="Bench Community Hall"
                )
            )
    with on_day(today, CONSENTS):
        for member, account in candidates:
            do_consent_candidacy(
                Candidate.objects.get(ballot=made, member=member), acting_user=account
            )
    return {
        "ballot": made.pk,
        "candidates": len(candidates),
        "nominations": nominations,
        "women": sum(1 for m, _a in candidates if m.gender == "woman"),
    }


def freeze(ballot_id: int) -> dict[str, Any]:
    from django.db.models import Count

    from moot.ballots.actions.roll import do_freeze_ballot
    from moot.ballots.models import RollEntry

    began = time.perf_counter()
    frozen = do_freeze_ballot(ballot_id, acting_user=officer("returning.officer"))
    freeze_s = time.perf_counter() - began
    rows = (
        RollEntry.objects.filter(ballot=frozen)
        .values("eligible", "channel")
        .annotate(n=Count("id"))
    )
    return {
        "freeze_s": round(freeze_s, 1),
        "roll": {
            f"{'eligible' if r['eligible'] else 'refused'}/{r['channel']}": r["n"] for r in rows
        },
        "electorate": sum(r["n"] for r in rows if r["eligible"]),
        "candidates": list(
            frozen.candidates.filter(on_ballot=True)
            .order_by("position")
            .values_list("pk", flat=True)
        ),
    }


def issue(ballot_id: int) -> dict[str, Any]:
    from moot.ballots.actions.roll import do_issue_ballot
    from moot.ballots.models import Delivery

    began = time.perf_counter()
    issued = do_issue_ballot(ballot_id, acting_user=officer("returning.officer"))
    issue_s = time.perf_counter() - began
    deliveries = Delivery.objects.filter(ballot=issued, kind="invitation")
    return {
        "issue_s": round(issue_s, 1),
        "email": deliveries.filter(channel="online").count(),
        "post": deliveries.filter(channel="post").count(),
    }


def deliveries(ballot_id: int) -> dict[str, Any]:
    """Invitations by channel and state (the driver polls this until nothing is waiting)."""
    from django.db.models import Count

    from moot.ballots.models import Delivery

    rows = (
        Delivery.objects.filter(ballot_id=ballot_id, kind="invitation")
        .values("channel", "state")
        .annotate(n=Count("id"))
    )
    return {f"{r['channel']}/{r['state']}": r["n"] for r in rows}


def papers(ballot_id: int, count: int) -> dict[str, Any]:
    """A sample of returned papers as the print file has them: the number and its check code
    (credentials.paper_check, as printed beside the number), with signed-in sessions for the
    two tellers who key them on /ballots/<id>/papers/key/."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from moot.ballots.credentials import paper_check
    from moot.ballots.models import RollEntry

    the_ballot = ballot_of(ballot_id)
    numbers = list(
        RollEntry.objects.filter(ballot=the_ballot, paper_number__isnull=False)
        .order_by("paper_number")
        .values_list("paper_number", flat=True)[:count]
    )
    store = SessionStore()
    sessions = {}
    for role in ("teller.one", "teller.two"):
        account = officer(role)
        key = secrets.token_hex(16)
        data = store.encode(
            {
                "_auth_user_id": str(account.pk),
                "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                "_auth_user_hash": account.get_session_auth_hash(),
            }
        )
        Session.objects.create(
            session_key=key,
            session_data=data,
            expire_date=timezone.now() + datetime.timedelta(hours=6),
        )
        sessions[role] = key
    return {
        "papers": [[n, paper_check(the_ballot, n)] for n in numbers],
        "sessions": sessions,
    }


def close(ballot_id: int) -> dict[str, Any]:
    """At the close time (D+2, travelled to): close (precedence, de-duplication, unsealing,
    shuffling), count, the scrutineer's signature, the declaration, the export of the record."""
    from django.utils import timezone

    from moot.ballots import scrutineer
    from moot.ballots.actions.closing import (
        do_close_ballot,
        do_count_ballot,
        do_declare_ballot,
        do_sign_scrutineer_report,
    )

    the_ballot = ballot_of(ballot_id)
    ro = officer("returning.officer")
    import time_machine

    with time_machine.travel(the_ballot.close_at + datetime.timedelta(minutes=1), tick=True):
        began = time.perf_counter()
        the_ballot = do_close_ballot(the_ballot, acting_user=ro)
        close_s = time.perf_counter() - began
        began = time.perf_counter()
        the_ballot = do_count_ballot(the_ballot, acting_user=ro)
        count_s = time.perf_counter() - began
        statements = {key: {"satisfied": True, "reasons": ""} for key in scrutineer.STATEMENTS}
        the_ballot = do_sign_scrutineer_report(
            the_ballot, statements=statements, acting_user=officer("scrutineer")
        )
        the_ballot = do_declare_ballot(the_ballot, acting_user=ro)
        declared_at = timezone.now().isoformat()
    return {
        "close_s": round(close_s, 2),
        "count_only_s": round(count_s, 2),
        "returns": the_ballot.returns,
        "elected": (the_ballot.result or {}).get("elected"),
        "declared_at": declared_at,
    }


def check(ballot_id: int) -> dict[str, Any]:
    """What the database holds after the close, independently of the pages."""
    from moot.ballots.models import CountedBallot, Delivery, Return, RollEntry

    the_ballot = ballot_of(ballot_id)
    invitations = Delivery.objects.filter(ballot=the_ballot, kind="invitation")
    return {
        "state": the_ballot.state,
        "counted": CountedBallot.objects.filter(ballot=the_ballot).count(),
        "voted": RollEntry.objects.filter(ballot=the_ballot, voted=True).count(),
        "returns_left": Return.objects.filter(ballot=the_ballot).count(),
        "sent": list(
            invitations.filter(channel="online", state="sent").values_list("pk", flat=True)
        ),
        "waiting": invitations.filter(channel="online", state__in=["queued", "sending"]).count(),
        "failed": invitations.filter(state="failed").count(),
        "bounced": invitations.filter(state="bounced").count(),
        "post": invitations.filter(channel="post").count(),
        "result_counted": (the_ballot.returns or {}).get("counted"),
    }


def main() -> int:
    phase, *rest = sys.argv[1:]
    _django()
    if phase == "register":
        out = register(int(rest[0]), rest[1], datetime.date.fromisoformat(rest[2]))
    elif phase == "ballot":
        out = ballot(datetime.date.fromisoformat(rest[0]))
    elif phase == "papers":
        out = papers(int(rest[0]), int(rest[1]))
    else:
        out = {
            "freeze": freeze,
            "issue": issue,
            "deliveries": deliveries,
            "close": close,
            "check": check,
        }[phase](int(rest[0]))
    print(json.dumps(out, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
