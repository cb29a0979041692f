"""The demo's national executive ballots (docs/ballots.md): last year's, declared with its
published record, and this year's, open now and partly voted.

Both are built only through the actions — the units, register, meetings and polls actions for
the constituency parties that nominate, the ballots actions for everything of a ballot — each
step at its own date: the actions check their timetable against the clock (a ballot is called
with its freeze to come, frozen after nominations close, issued at least the rulebook's days
after the freeze), so the history is replayed with ``time_machine.travel(..., tick=False)``.

While the demo is seeded, background tasks run inline and e-mail goes to Django's in-memory
backend: the invitations are sent through the real task (their deliveries are marked sent),
the record of last year's ballot is built at its declaration, and no invitation is printed on
the terminal (``make run`` would otherwise print a few thousand through its console backend).
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.test.utils import override_settings
from django.utils import timezone

from moot.demo import seed

# The demo's ballot officers (e-mail local part, first name, last name, what they do).
RETURNING_OFFICER = "returning-officer"
SCRUTINEER = "scrutineer"
TELLERS = ("teller-one", "teller-two")
OFFICER_NAMES = {
    RETURNING_OFFICER: ("Rosalind", "Quarrie"),
    SCRUTINEER: ("Samuel", "Okonjo-Vane"),
    "teller-one": ("Tamsin", "Ferrow"),
    "teller-two": ("Tobias", "Lindqvist"),
}
# More constituency parties, so 14 parties can each nominate five of the 14 candidates
# (the preset's threshold): (name, slug, code, region slug).
EXTRA_CLPS = (
    ("Brackenford CLP", "brackenford", "C103", "northmarch"),
    ("Cinderhill CLP", "cinderhill", "C104", "northmarch"),
    ("Dunmere Vale CLP", "dunmere-vale", "C105", "northmarch"),
    ("Elderwick CLP", "elderwick", "C106", "northmarch"),
    ("Foxlow Bridge CLP", "foxlow-bridge", "C107", "northmarch"),
    ("Galloway Reach CLP", "galloway-reach", "C203", "southvale"),
    ("Hartsmoor CLP", "hartsmoor", "C204", "southvale"),
    ("Ivybank CLP", "ivybank", "C205", "southvale"),
    ("Juniper Sands CLP", "juniper-sands", "C206", "southvale"),
    ("Kestrel Downs CLP", "kestrel-downs", "C207", "southvale"),
    ("Larkspur Ford CLP", "larkspur-ford", "C208", "southvale"),
)
EXTRA_CLP_MEMBERS = 80
CANDIDATES = 14
NOMINATIONS_EACH = 5
POSTAL_VOTERS = 40  # members without an e-mail address: the roll sends them a paper
# Days before the issue (the day the papers and credentials go out).
CALLED, OPENS, MEETS, CLOSES, CONSENTS, ENDORSED = 50, 49, 36, 30, 29, 27
# This year: issued two days ago, closing three days ahead; the withdrawal a day after issue.
ISSUED_DAYS_AGO, CLOSES_IN_DAYS = 2, 3
LAST_YEAR_DAYS = 365
LAST_YEAR_VOTING_DAYS = 14
ONLINE_VOTES = {"last": 320, "this": 140}
PAPERS_KEYED = {"last": 24, "this": 14}

STATEMENTS = (
    (
        "I have organised tenants across the region for a decade. On the executive I will push for "
        "a members' housing commission and an annual report to every branch."
    ),
    (
        "Our branches need money and training more than slogans. I will argue for a fair share of "
        "subscriptions returned to constituency parties."
    ),
    (
        "As a care worker and union rep I know what insecure work does to families; I will make it "
        "the executive's first campaign."
    ),
    (
        "I want open books: every executive decision published within a week, and a members' "
        "question time twice a year."
    ),
)


@dataclass
class DemoBallots:
    current: Any
    last: Any
    officers: dict[str, Any] = field(default_factory=dict)  # local part -> User
    voter: Any = None  # the demo member's roll entry (not voted)
    postal: Any = None  # a postal voter's roll entry (not returned)
    verifiable: Any = None  # Brackenford's verifiable question (moot.demo.verifiable)


@contextmanager
def _at(moment: datetime.datetime) -> Iterator[datetime.datetime]:
    import time_machine

    with time_machine.travel(moment, tick=False):
        yield moment


def _moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _email(local: str) -> str:
    return f"{local}@{seed.DEMO_DOMAIN}"


_PASSWORD_HASH: list[str] = []


def _user(email: str, first: str, last: str) -> Any:
    """A demo sign-in with the demo password, hashed once for all of them (hashing it 46
    times would take most of the seed's time)."""
    from django.contrib.auth.hashers import make_password

    from moot.accounts.models import User

    if not _PASSWORD_HASH:
        _PASSWORD_HASH.append(make_password(seed.DEMO_PASSWORD))
    user = User(username=email, email=email, first_name=first, last_name=last)
    user.password = _PASSWORD_HASH[0]
    user.save()
    return user


def _photo(colour: tuple[int, int, int], initials: str) -> io.BytesIO:
    """A small portrait made in memory (a coloured card with the candidate's initials)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 300), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((70, 50, 170, 150), fill=(250, 240, 225))
    draw.rectangle((50, 170, 190, 300), fill=(250, 240, 225))
    draw.text((105, 230), initials, fill=colour)
    out = io.BytesIO()
    image.save(out, format="PNG")
    out.seek(0)
    out.name = "portrait.png"
    return out


def seed_ballots(org: seed.DemoOrg) -> DemoBallots:
    """Last year's declared national executive ballot and this year's open one."""
    with override_settings(
        TASKS={
            "default": {
                "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                "QUEUES": ["default", "mail"],
            }
        },
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ):
        from django.core import mail

        outbox = getattr(mail, "outbox", None)
        try:
            return _seed(org)
        finally:
            if outbox is None and hasattr(mail, "outbox"):
                del mail.outbox  # the invitations stay in their delivery rows, not in memory
            elif outbox is not None:
                mail.outbox = outbox


def _seed(org: seed.DemoOrg) -> DemoBallots:
    from django.core.management import call_command

    # The declaration's record is signed with the site's audit key (`make run` makes it first).
    call_command("audit", "ensure-key", verbosity=0, stdout=io.StringIO())
    rng = random.Random(seed.SEED + 11)
    today = org.today
    admin = org.accounts["admin"]
    officers = _officers(admin)
    clps = _nominating_parties(org, rng, admin)
    secretaries = _secretaries(clps, today, admin)
    _postal_voters(org, rng, admin)
    voter = org.members.get("member")

    last_issue = today - datetime.timedelta(days=LAST_YEAR_DAYS + ISSUED_DAYS_AGO)
    last = _run(
        "last",
        clps,
        secretaries,
        officers,
        rng,
        admin,
        issue_day=last_issue,
        close_at=_moment(last_issue + datetime.timedelta(days=LAST_YEAR_VOTING_DAYS), 12),
        skip=voter,
        pick=0,
        verifiable=True,
    )
    last = _declare(last, officers)

    this_issue = today - datetime.timedelta(days=ISSUED_DAYS_AGO)
    current = _run(
        "this",
        clps,
        secretaries,
        officers,
        rng,
        admin,
        issue_day=this_issue,
        close_at=_moment(today + datetime.timedelta(days=CLOSES_IN_DAYS), 12),
        skip=voter,
        pick=1,
    )
    from moot.ballots.models import RollEntry
    from moot.demo.verifiable import seed_verifiable

    return DemoBallots(
        current=current,
        last=last,
        verifiable=seed_verifiable(org, officers),
        officers=officers,
        voter=RollEntry.objects.filter(ballot=current, member=voter).first(),
        postal=RollEntry.objects.filter(ballot=current, channel="post", voted=False)
        .order_by("paper_number")
        .first(),
    )


# --- people and parties ---------------------------------------------------------------------


def _officers(admin: Any) -> dict[str, Any]:
    """The returning officer (national staff, who may call a national ballot), the scrutineer
    (independent: no office in the party) and two tellers."""
    made = {}
    for local, (first, last) in OFFICER_NAMES.items():
        made[local] = _user(_email(local), first, last)
    seed._assign_staff_role(made[RETURNING_OFFICER], "national_staff", admin)
    return made


def _nominating_parties(org: seed.DemoOrg, rng: random.Random, admin: Any) -> list[Any]:
    """Riverside's neighbours plus eleven more constituency parties (units action, registers
    through the CSV import as the foundation does): 14 parties that nominate."""
    from moot.members.imports import import_members
    from moot.members.models import Member
    from moot.units.actions import do_create_unit

    clps = [clp for slug, clp in org.constituencies.items() if slug != seed.RIVERSIDE_SLUG]
    next_number = int(Member.objects.order_by("-number").values_list("number", flat=True)[0][1:])
    for name, slug, code, region in EXTRA_CLPS:
        clp = do_create_unit(
            name=name,
            slug=slug,
            kind="constituency",
            parent=org.regions[region],
            code=code,
            acting_user=admin,
        )
        ward = do_create_unit(
            name=f"{name.removesuffix(' CLP')} branch",
            slug=f"{slug}-branch",
            kind="branch",
            parent=clp,
            code=f"{code}-01",
            acting_user=admin,
        )
        text = seed._register_csv(
            rng,
            count=EXTRA_CLP_MEMBERS,
            constituency=slug,
            wards=[ward.slug],
            today=org.today,
            first_number=next_number + 1,
            recent_share=0.03,
        )
        report = import_members(
            text,
            dry_run=False,
            acting_user=admin,
            source_name=f"demo register: {name}",
            backdate_reason="the demo's register, moved from the party's previous system",
        )
        if not report.ok:
            raise RuntimeError(f"demo register for {name} is invalid: {report.errors[:3]}")
        next_number += EXTRA_CLP_MEMBERS
        org.constituencies[slug] = clp
        org.branches[slug] = [ward]
        clps.append(clp)
    return clps


def _pool(clp: Any, today: datetime.date) -> list[Any]:
    from moot.members.models import Member

    return list(
        Member.objects.filter(
            constituency=clp,
            status="active",
            joined_on__lte=today - datetime.timedelta(days=6 * 365),
            user__isnull=True,
        )
        .exclude(gender="")
        .order_by("number")
    )


def _account(member: Any, local: str, admin: Any) -> Any:
    from moot.members.actions import do_link_account

    user = _user(_email(local), member.first_name, member.last_name)
    do_link_account(member, user, acting_user=admin)
    return user


def _secretaries(clps: list[Any], today: datetime.date, admin: Any) -> list[Any]:
    """Each nominating party's secretary, in office for two years (they record nominations)."""
    from moot.units.actions import do_appoint_officer

    accounts = []
    for clp in clps:
        member = _pool(clp, today)[-1]
        do_appoint_officer(
            clp.posts.get(slug="secretary"),
            member,
            start=today - datetime.timedelta(days=2 * 365 + 30),
            elected_ref="agm:two-years-ago",
            acting_user=admin,
        )
        accounts.append(_account(member, f"secretary.{clp.slug}", admin))
    return accounts


def _postal_voters(org: seed.DemoOrg, rng: random.Random, admin: Any) -> None:
    """Members without an e-mail address (the register action): the roll gives them papers."""
    from moot.members.models import Member
    from moot.members.register import do_change_register_entry

    pool = list(
        Member.objects.filter(status="active", user__isnull=True)
        .exclude(constituency=org.riverside)
        .order_by("number")
    )
    for member in rng.sample(pool, POSTAL_VOTERS):
        do_change_register_entry(
            member, email="", reason="no e-mail address: votes by post", acting_user=admin
        )


# --- one ballot -----------------------------------------------------------------------------


def _run(  # noqa: PLR0917 - the demo's two ballots differ in these
    which: str,
    clps: list[Any],
    secretaries: list[Any],
    officers: dict[str, Any],
    rng: random.Random,
    admin: Any,
    *,
    issue_day: datetime.date,
    close_at: datetime.datetime,
    skip: Any,
    pick: int,
    verifiable: bool = False,
) -> Any:
    from moot.ballots.actions.definition import do_create_ballot, edition, spec_from_preset
    from moot.ballots.actions.officers import (
        do_appoint_returning_officer,
        do_appoint_scrutineer,
        do_appoint_teller,
    )
    from moot.demo import verifiable_national as national_verifiable

    ro = officers[RETURNING_OFFICER]
    preset = edition().ballots.preset("national_executive")
    freeze = issue_day - datetime.timedelta(days=preset.freeze_days_before_issue)
    year = issue_day.year

    def day(before: int) -> datetime.date:
        return issue_day - datetime.timedelta(days=before)

    with _at(_moment(day(CALLED), 10)):
        spec = dataclasses.replace(
            spec_from_preset(preset, title=f"National executive election {year}"),
            nominations_open=day(OPENS),
            nominations_close=day(CLOSES),
            freeze_date=freeze,
            issue_at=_moment(issue_day, 9),
            reminders=(),
            close_at=close_at,
        )
        national = clps[0].parent.parent
        ballot = do_create_ballot(national, spec, acting_user=ro)
        ballot = do_appoint_returning_officer(ballot, ro, acting_user=ro)
        ballot = do_appoint_scrutineer(ballot, officers[SCRUTINEER], acting_user=ro)
        for local in TELLERS:
            do_appoint_teller(ballot, officers[local], acting_user=ro)
        if verifiable:
            national_verifiable.make_verifiable(ballot, officers)
        candidates = _candidates(clps, issue_day, admin, which, pick)
    if verifiable:
        with _at(_moment(day(CALLED), 15)):
            national_verifiable.key_ceremony(ballot, officers)
    with _at(_moment(day(MEETS), 19)):
        for index, clp in enumerate(clps):
            nominees = [candidates[(index + k) % CANDIDATES][0] for k in range(NOMINATIONS_EACH)]
            nominate_at_meeting(ballot, clp, nominees, secretaries[index], ro)
    _consent(ballot, candidates, day(CONSENTS))
    endorsements = _endorse(ballot, candidates, clps, day(ENDORSED), ro)
    from moot.ballots.actions.roll import do_freeze_ballot, do_issue_ballot

    # The ballot's key files are named after its freeze and issue instants: the minutes and
    # seconds of the real clock keep a reseed (`moot demo --reset`, or a test's database made
    # afresh) on the same day clear of the last seed's key files.
    real = timezone.now()
    instant = datetime.timedelta(
        minutes=real.minute, seconds=real.second, microseconds=real.microsecond
    )
    with _at(_moment(freeze, 10) + instant):
        ballot = do_freeze_ballot(ballot.pk, acting_user=ro)
    cast = None
    if verifiable:
        with _at(_moment(freeze, 14)):
            cast = national_verifiable.cast_encrypted(
                ballot, national_verifiable.open_election(ballot)
            )
    with _at(_moment(issue_day, 9, 5) + instant):
        ballot = do_issue_ballot(ballot.pk, acting_user=ro)
    if which == "this":
        _withdraw_endorsement(
            ballot, endorsements, _moment(issue_day + datetime.timedelta(1), 11), ro
        )
    _cast(ballot, rng, which, skip, _moment(issue_day + datetime.timedelta(days=1), 8), cast)
    _key(ballot, rng, which, officers, _moment(issue_day + datetime.timedelta(days=1), 15))
    return ballot


def _candidates(
    clps: list[Any], issue_day: datetime.date, admin: Any, which: str, pick: int
) -> list[tuple[Any, Any]]:
    """14 candidates, one from each nominating party, women and men alternately, each with a
    sign-in account (they consent and write their statements themselves)."""
    out = []
    for index, clp in enumerate(clps[:CANDIDATES]):
        want = "woman" if index % 2 == 0 else "man"
        pool = [m for m in _pool(clp, issue_day) if m.gender == want]
        member = pool[pick]
        out.append((member, _account(member, f"candidate.{which}.{index + 1}", admin)))
    return out


def nominate_at_meeting(
    ballot: Any,
    clp: Any,
    nominees: list[Any],
    secretary: Any,
    staff: Any,
    *,
    location: str = "Community hall",
) -> list[Any]:
    """The party's general meeting: quorate, a show-of-hands poll held for the ballot electing
    ``nominees`` (plurality, as many seats), closed; the secretary records the result as the
    party's nominations, which are returned. The demo's seed and bench/national_ballot.py both
    nominate through it."""
    from moot.ballots.actions.nominations import (
        do_hold_nomination_vote,
        do_record_unit_nomination,
    )
    from moot.meetings.actions import (
        do_check_in,
        do_close_meeting,
        do_create_meeting,
        do_start_meeting,
    )
    from moot.meetings.queries import quorum_state
    from moot.members.models import Member
    from moot.members.queries import eligible_member_ids
    from moot.polls.actions import (
        do_close_poll,
        do_enter_teller_counts,
        do_open_poll,
    )

    today = timezone.localdate()
    meeting = do_create_meeting(
        unit=clp,
        kind="general",
        title=f"{clp.name}: general meeting (national executive nominations)",
        starts_at=timezone.now(),
        location=location,
        notice_sent_on=today - datetime.timedelta(days=21),
        acting_user=secretary,
    )
    present = max(quorum_state(meeting).required, 4 * len(nominees)) + 3
    voters = sorted(eligible_member_ids(clp, "meeting", at=today))[:present]
    for member in Member.objects.filter(pk__in=voters).order_by("pk"):
        do_check_in(meeting, member, acting_user=secretary)
    meeting = do_start_meeting(meeting, acting_user=staff)
    poll = do_hold_nomination_vote(
        ballot,
        meeting=meeting,
        nominees=nominees,
        seats=len(nominees),
        method="plurality",
        voting="show_of_hands",
        acting_user=secretary,
    )
    poll = do_open_poll(poll, acting_user=staff)
    do_enter_teller_counts(poll, {str(o.pk): 4 for o in poll.options.all()}, acting_user=staff)
    poll = do_close_poll(poll, acting_user=staff)
    do_close_meeting(meeting, acting_user=staff)
    return do_record_unit_nomination(ballot, unit=clp, poll=poll, acting_user=secretary)


def _consent(ballot: Any, candidates: list[tuple[Any, Any]], day: datetime.date) -> None:
    """Each candidate consents; most write a statement; every third uploads a photo."""
    from moot.ballots.actions.nominations import (
        do_consent_candidacy,
        do_update_candidate_statement,
    )
    from moot.ballots.models import Candidate
    from moot.ballots.photos import do_set_candidate_photo

    colours = ((38, 84, 124), (122, 46, 70), (46, 110, 74), (120, 86, 30))
    with _at(_moment(day, 18)):
        for index, (member, account) in enumerate(candidates):
            candidate = Candidate.objects.get(ballot=ballot, member=member)
            candidate = do_consent_candidacy(candidate, acting_user=account)
            if index % 5 != 4:
                candidate = do_update_candidate_statement(
                    candidate, STATEMENTS[index % len(STATEMENTS)], acting_user=account
                )
            if index % 3 == 0:
                initials = f"{member.first_name[:1]}{member.last_name[:1]}"
                do_set_candidate_photo(
                    candidate,
                    _photo(colours[index % len(colours)], initials),
                    acting_user=account,
                )


SLATES = (("tenants-together", (0, 2, 3, 6, 9)), ("clean-rivers-now", (1, 4, 8, 10)))


def _endorse(
    ballot: Any, candidates: list[tuple[Any, Any]], clps: list[Any], day: datetime.date, ro: Any
) -> list[Any]:
    """Two slates (campaign groups outside the party) endorse candidates."""
    from moot.ballots.actions.events import do_record_endorsement
    from moot.ballots.models import Candidate
    from moot.units.models import Organisation

    made = []
    with _at(_moment(day, 12)):
        for slug, picks in SLATES:
            organisation = Organisation.objects.get(slug=slug)
            for index in picks:
                candidate = Candidate.objects.get(ballot=ballot, member=candidates[index][0])
                made.append(
                    do_record_endorsement(
                        ballot,
                        candidate=candidate,
                        organisation=organisation,
                        reference=f"{organisation.name}: executive committee resolution",
                        acting_user=ro,
                    )
                )
    return made


def _withdraw_endorsement(
    ballot: Any, endorsements: list[Any], moment: datetime.datetime, ro: Any
) -> None:
    """After the issue a slate withdraws an endorsement: a post-issue event with its authority
    and the notice voters are shown."""
    from moot.ballots.actions.events import do_record_ballot_event
    from moot.ballots.models import Endorsement

    endorsement = Endorsement.objects.select_related("candidate", "organisation").get(
        pk=endorsements[2].pk
    )
    name = endorsement.organisation.name
    candidate = endorsement.candidate
    with _at(moment):
        do_record_ballot_event(
            ballot,
            kind="endorsement_withdrawn",
            candidate=candidate,
            endorsement=endorsement,
            authority=f"Letter from the secretary of {name} to the returning officer, "
            f"dated {timezone.localdate():%d %B %Y}",
            notice=f"{name} has withdrawn its endorsement of {candidate.name}. The ballot "
            "paper you were sent may still show it.",
            acting_user=ro,
        )


def _ranking(rng: random.Random, ids: list[int], weights: list[float]) -> list[int]:
    pool, w = list(ids), list(weights)
    out = []
    for _ in range(rng.randint(2, 9)):
        chosen = rng.choices(range(len(pool)), w)[0]
        out.append(pool.pop(chosen))
        w.pop(chosen)
    return out


def _weights(ballot: Any) -> tuple[list[int], list[float]]:
    ids = list(
        ballot.candidates.filter(on_ballot=True).order_by("position").values_list("pk", flat=True)
    )
    popular = random.Random(ballot.seed or 0)
    return ids, [popular.uniform(0.3, 3.0) for _ in ids]


def _cast(  # noqa: PLR0917 - the verifiable ballot's cast beside the rest
    ballot: Any,
    rng: random.Random,
    which: str,
    skip: Any,
    moment: datetime.datetime,
    cast: Any = None,
) -> None:
    """Online votes through the casting action, each with its voter's credential; for a
    verifiable ballot ``cast`` encrypts each ranking and casts it as the booth does."""
    from moot.ballots.actions.casting import do_cast_online
    from moot.ballots.credentials import credential_for, entry_for_credential
    from moot.ballots.models import RollEntry

    ids, weights = _weights(ballot)
    entries = list(
        RollEntry.objects.filter(ballot=ballot, eligible=True, channel="online")
        .exclude(member=skip)
        .select_related("member")
        .order_by("pk")
    )
    with _at(moment):
        for entry in rng.sample(entries, min(ONLINE_VOTES[which], len(entries))):
            if cast is not None:
                cast(ballot, entry, _ranking(rng, ids, weights))
                continue
            found = entry_for_credential(ballot, credential_for(ballot, entry))
            do_cast_online(ballot, found, _ranking(rng, ids, weights))


def _key(
    ballot: Any,
    rng: random.Random,
    which: str,
    officers: dict[str, Any],
    moment: datetime.datetime,
) -> None:
    """Returned papers keyed by both tellers (agreeing: each paper is accepted)."""
    from moot.ballots.actions.casting import do_key_paper
    from moot.ballots.credentials import paper_check
    from moot.ballots.models import RollEntry

    ids, weights = _weights(ballot)
    numbers = [
        number
        for number in RollEntry.objects.filter(ballot=ballot, paper_number__isnull=False)
        .order_by("paper_number")
        .values_list("paper_number", flat=True)
        if number is not None
    ]
    # The first papers stay unreturned: the banner names one for a teller to key.
    with _at(moment):
        for number in numbers[len(numbers) - min(PAPERS_KEYED[which], len(numbers) - 2) :]:
            choice = _ranking(rng, ids, weights)
            check = paper_check(ballot, number)
            for local in TELLERS:
                do_key_paper(ballot, number, check, choice, acting_user=officers[local])


def _declare(ballot: Any, officers: dict[str, Any]) -> Any:
    """At its close: closed (a verifiable ballot's trustees then mix and decrypt), counted,
    the scrutineer's report signed, declared (the record is built by the task the declaration
    queues, inline during the seed)."""
    from moot.ballots import scrutineer
    from moot.ballots.actions.closing import (
        do_close_ballot,
        do_count_ballot,
        do_declare_ballot,
        do_sign_scrutineer_report,
    )
    from moot.verifiable.models import Election

    ro = officers[RETURNING_OFFICER]
    with _at(ballot.close_at + datetime.timedelta(minutes=5)):
        ballot = do_close_ballot(ballot, acting_user=ro)
    if Election.objects.filter(ballot=ballot).exists():
        from moot.demo.verifiable_national import mix_and_decrypt

        with _at(ballot.close_at + datetime.timedelta(hours=2)):
            mix_and_decrypt(ballot)  # the trustees, in turn, on their own machines
    with _at(ballot.close_at + datetime.timedelta(hours=3)):
        ballot = do_count_ballot(ballot, acting_user=ro)
    with _at(ballot.close_at + datetime.timedelta(days=1, hours=-2)):
        statements = {key: {"satisfied": True, "reasons": ""} for key in scrutineer.STATEMENTS}
        ballot = do_sign_scrutineer_report(
            ballot, statements=statements, acting_user=officers[SCRUTINEER]
        )
    with _at(ballot.close_at + datetime.timedelta(days=1)):
        return do_declare_ballot(ballot, acting_user=ro)
