"""Insider tests for promise 3 (docs/security.md §3): need-to-know on personal and complaint
data. Finding 6: every officer of a unit, a youth officer included, read each member's
suspension reason, phone and address. Now the reason and reference of a suspension reach the
member and complaints staff only; contact details reach the member, a secretary over them,
national staff and complaints staff — on the page, in the API and in the CSV export alike.
Run on SQLite and, with DATABASE_URL set, on PostgreSQL."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.world import World, build_world
from factories import OfficeHoldingFactory, PostFactory, UserFactory

REASON = "Complaint 17: alleged abusive posts in the group chat"
REFERENCE = "case:17-d41c"
PHONE = "01632 960001"  # the world's target
ADDRESS = "1 River Row"
BIRTH = "1980-05-17"


@pytest.fixture
def world(db: Any) -> World:
    world = build_world()
    from moot.members.actions import do_change_member_status

    # The target has an account (so they can read their own record) and is suspended.
    target = world.target
    target.user = UserFactory(email="target@example.org")
    target.save(update_fields=["user"])
    world.users["target"] = target.user
    do_change_member_status(
        target,
        "suspended",
        timezone.localdate() - datetime.timedelta(days=3),
        reason=REASON,
        reference=REFERENCE,
        acting_user=world.users["national_staff"],
    )
    # The CLP's youth officer: an officer over the target who keeps no register.
    youth = world.members["member"]
    post = PostFactory(unit=world.riverside, slug="youth-officer", title="Youth officer")
    OfficeHoldingFactory(
        post=post, member=youth, start=timezone.localdate() - datetime.timedelta(days=30)
    )
    world.users["youth_officer"] = youth.user
    return world


# role -> (sees the suspension reason, sees contact details)
EXPECTED = {
    "youth_officer": (False, False),
    "chair": (False, False),
    "secretary": (False, True),
    "auditor": (False, False),
    "national_staff": (False, True),
    "complaints_staff": (True, True),
    "target": (True, True),
}


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_the_member_page_shows_each_role_only_what_it_may_see(world: World, role: str) -> None:
    sees_reason, sees_contact = EXPECTED[role]
    page = _client(world, role).get(reverse("members:detail", args=[world.target.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    # Everyone who may see the record sees the standing and its date; only the member,
    # complaints staff and the auditor read it in the complaints process's words.
    case_wording = role in {"target", "complaints_staff", "auditor"}
    assert ("suspended pending investigation" in text) is case_wording
    assert "suspended — may not take part" in text or case_wording
    assert (REASON in text, REFERENCE in text) == (sees_reason, sees_reason)
    assert (PHONE in text, ADDRESS in text) == (sees_contact, sees_contact)
    if not sees_reason:
        assert "for the member and complaints staff only" in text
    # Who recorded the suspension (a complaints officer, in life) goes with its reason.
    recorder = world.users["national_staff"]
    label = recorder.get_full_name() or recorder.email
    table = text.split('id="history-heading"', 1)[1].split('id="offices-heading"', 1)[0]
    assert (label in table) is sees_reason


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_the_api_gives_each_role_only_what_it_may_see(world: World, role: str) -> None:
    sees_reason, sees_contact = EXPECTED[role]
    data = _client(world, role).get(f"/api/members/{world.target.pk}").json()
    assert data["status"] == "suspended"
    [suspension] = [p for p in data["periods"] if p["status"] == "suspended"]
    assert suspension["start"] == str(timezone.localdate() - datetime.timedelta(days=3))
    assert (suspension["reason"] == REASON) is sees_reason
    assert (suspension["reference"] == REFERENCE) is sees_reason
    assert suspension["reason_hidden"] is not sees_reason
    assert (data["phone"] == PHONE) is sees_contact
    assert (data["date_of_birth"] == BIRTH) is sees_contact
    hidden = set(data["hidden_fields"])
    assert ({"phone", "address", "email", "date_of_birth"} <= hidden) is not sees_contact


def test_the_api_list_hides_contact_from_a_youth_officer(world: World) -> None:
    data = _client(world, "youth_officer").get("/api/members/", {"q": world.target.last_name})
    [row] = [r for r in data.json()["results"] if r["id"] == world.target.pk]
    assert row["phone"] is None
    assert row["address"] is None
    assert "phone" in row["hidden_fields"]


def test_the_export_holds_only_members_whose_contact_the_officer_may_see(world: World) -> None:
    """The North branch's secretary who is also Riverside's youth officer lists all Riverside
    (the youth office) but exports only North (the secretary's office)."""
    branch_secretary = world.members["branch_secretary"]
    post = world.riverside.posts.get(slug="youth-officer")
    OfficeHoldingFactory(
        post=post,
        member=branch_secretary,
        start=timezone.localdate() - datetime.timedelta(days=30),
    )
    client = _client(world, "branch_secretary")
    listing = client.get("/api/members/", {"q": world.target.last_name}).json()
    assert world.target.pk in [r["id"] for r in listing["results"]]
    response = client.get(reverse("members:export"))
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    numbers = {row["number"] for row in rows}
    assert world.target.number not in numbers
    assert PHONE not in response.content.decode()
    assert world.members["branch_secretary"].number in numbers
    assert "gender" not in rows[0]  # a secretary's export leaves the gender out


def test_predicates_named_for_the_audit_trail(world: World) -> None:
    """The predicates the audit trail's redaction uses (docs/security.md §3) answer as the
    table says."""
    target = world.target
    for role, (sees_reason, sees_contact) in EXPECTED.items():
        user = world.users[role]
        assert user.has_perm("members.view_standing_reason", target) is sees_reason, role
        assert user.has_perm("members.view_member_contact", target) is sees_contact, role


# --- finding 3: the chair's warning looks only at the meeting's own members -----------------


def test_the_chairs_warning_does_not_reveal_suspensions_in_other_units(world: World) -> None:
    """A motion naming a suspended member of another CLP is not flagged at Riverside (before,
    every suspended member of the party was matched, so a chair could probe any name); one
    naming Riverside's own suspended member is, at the CLP's meeting but not at another
    branch's."""
    from moot.members.actions import do_change_member_status
    from moot.motions.queries import names_member_under_process

    stranger = world.members["stranger"]
    do_change_member_status(
        stranger,
        "suspended",
        timezone.localdate() - datetime.timedelta(days=1),
        reason="elsewhere",
        acting_user=world.users["national_staff"],
    )
    about_stranger = f"This meeting supports {stranger.first_name} {stranger.last_name}."
    about_target = f"We stand with {world.target.last_name}, {world.target.first_name}!"
    assert not names_member_under_process(about_stranger, world.riverside)
    assert names_member_under_process(about_stranger, world.elsewhere)
    assert names_member_under_process(about_target, world.riverside)
    assert names_member_under_process(about_target, world.south)
    assert not names_member_under_process(about_target, world.north)


# --- finding 4: the chair is who the rulebook says; a change is audited, never self-made -----


def _agm_in(days: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(19, 0)))


def _schedule(world: World, **kwargs: Any) -> Any:
    from moot.meetings.actions import do_create_meeting

    kwargs.setdefault("acting_user", world.users["secretary"])
    return do_create_meeting(
        unit=world.riverside, kind="general", starts_at=_agm_in(40), location="Hall", **kwargs
    )


def test_a_new_meeting_is_chaired_by_the_units_chair(world: World) -> None:
    meeting = _schedule(world)
    assert meeting.chair == world.members["chair"]


def test_a_secretary_cannot_make_themself_chair(world: World) -> None:
    from moot.audit.models import AuditEvent
    from moot.meetings.actions import do_change_meeting_chair, do_update_meeting
    from moot.meetings.errors import MeetingError
    from moot.meetings.models import Meeting

    secretary = world.members["secretary"]
    with pytest.raises(MeetingError, match="cannot appoint yourself chair"):
        _schedule(world, chair=secretary)
    assert not Meeting.objects.exists()
    meeting = _schedule(world)
    events = AuditEvent.objects.count()
    with pytest.raises(MeetingError, match="changed on its own, with a reason"):
        do_update_meeting(meeting, changes={"chair": secretary}, acting_user=secretary.user)
    # Not the secretary's to change at all now (review finding B).
    with pytest.raises(MeetingError, match="Only the unit's chair"):
        do_change_meeting_chair(
            meeting, secretary, reason="I will do it", acting_user=secretary.user
        )
    # The edit form no longer has the field: a posted chair_number changes nothing.
    client = _client(world, "secretary")
    client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        {
            "title": meeting.title,
            "date": _agm_in(40).date().isoformat(),
            "time": "19:00",
            "attendance_mode": "in_person",
            "location": "Hall",
            "chair_number": secretary.number,
            "secretary_number": secretary.number,
        },
    )
    page = client.post(
        reverse("meetings:change_chair", args=[meeting.pk]),
        {"chair": secretary.number, "reason": "nobody else came"},
    )
    assert "Only the unit&#x27;s chair" in page.content.decode()
    meeting.refresh_from_db()
    assert meeting.chair == world.members["chair"]
    assert not AuditEvent.objects.filter(verb="meetings.change_meeting_chair").exists()
    assert AuditEvent.objects.count() >= events


def test_changing_the_chair_needs_a_reason_and_is_audited(world: World) -> None:
    from moot.audit.models import AuditEvent

    meeting = _schedule(world)
    # The rulebook's chair hands the chair on (a secretary may not: review finding B).
    client = _client(world, "chair")
    url = reverse("meetings:change_chair", args=[meeting.pk])
    deputy = world.members["branch_secretary"]
    refused = client.post(url, {"chair": deputy.number, "reason": ""})
    assert refused.status_code == 400
    stranger = world.members["stranger"]
    unknown = client.post(url, {"chair": stranger.number, "reason": "ill"})
    # A member of another unit is answered like a number that does not exist: no name.
    assert f"No member of Riverside has the number {stranger.number}" in unknown.content.decode()
    assert stranger.last_name not in unknown.content.decode()
    done = client.post(url, {"chair": deputy.number, "reason": "the chair is ill"})
    assert done.status_code == 302
    meeting.refresh_from_db()
    assert meeting.chair == deputy
    event = AuditEvent.objects.get(verb="meetings.change_meeting_chair")
    assert event.reason == "the chair is ill"
    assert event.before == {"chair": world.members["chair"].pk}
    assert event.after["chair"] == deputy.pk
    assert _client(world, "member").get(url).status_code in (403, 404)


# --- finding 5: refusals name nobody the user may not see; number look-ups are limited -------


def _schedule_with_secretary(client: Client, world: World, number: str) -> str:
    response = client.post(
        reverse("meetings:schedule"),
        {
            "unit": world.riverside.pk,
            "kind": "general",
            "date": (timezone.localdate() + datetime.timedelta(days=40)).isoformat(),
            "time": "19:00",
            "attendance_mode": "in_person",
            "location": "Hall",
            "secretary_number": number,
        },
    )
    return response.content.decode()


def test_a_number_of_another_unit_is_answered_without_a_name(world: World) -> None:
    stranger = world.members["stranger"]
    text = _schedule_with_secretary(_client(world, "secretary"), world, stranger.number)
    assert f"No member of Riverside is numbered {stranger.number}" in text
    assert stranger.last_name not in text
    assert stranger.first_name not in text


def test_number_lookups_outside_ones_units_are_limited_per_user(world: World) -> None:
    """Guessing numbers (each answer says whether the number exists) is limited to
    NUMBER_MISS_LIMIT misses per user in the window, counted in the database; a secretary's
    look-ups of their own unit's members are not counted."""
    from moot.limits import NUMBER_MISS_LIMIT
    from moot.limits.models import LimitHit

    client = _client(world, "secretary")
    own = world.members["member"].number
    for _ in range(NUMBER_MISS_LIMIT + 5):
        assert "wait about" not in _schedule_with_secretary(client, world, own)
    assert not LimitHit.objects.exists()
    for guess in range(NUMBER_MISS_LIMIT):
        text = _schedule_with_secretary(client, world, f"Z{guess:07d}")
        assert "wait about" not in text, guess
    refused = _schedule_with_secretary(client, world, world.members["stranger"].number)
    assert f"You have looked up {NUMBER_MISS_LIMIT} member numbers outside your units" in refused
    # Per user: another officer is not slowed by the secretary's guesses.
    other = _schedule_with_secretary(_client(world, "chair"), world, "Z9999999")
    assert "wait about" not in other


def test_a_motion_refusal_names_by_number_whom_the_user_may_not_see(world: World) -> None:
    """A member typing a guessed number as seconder learned '⟨name⟩ cannot be the seconder…'
    party-wide; now the refusal gives the number they typed, for a member of another unit and
    for one whose reason they may not read."""
    from moot.motions.actions.tabling import check_mover
    from moot.motions.errors import MotionError

    meeting = _schedule(world)
    member_user = world.users["branch_secretary"]  # North's: sees neither South nor Elsewhere
    for person in (world.members["stranger"], world.target):  # another CLP; suspended here
        with pytest.raises(MotionError) as refused:
            check_mover(meeting, person, "seconder", acting_user=member_user)
        text = str(refused.value)
        assert person.number in text
        assert person.last_name not in text
        assert person.first_name not in text
        assert REASON not in text


def test_searching_by_e_mail_finds_only_members_whose_contact_one_may_see(world: World) -> None:
    """The search box matches e-mail prefixes: a youth officer could spell out an address one
    character at a time. An e-mail search looks only among members whose contact the user may
    see."""
    target = world.target
    target.email = "hidden.address@example.org"
    target.save()
    query = {"q": "hidden.address@"}
    youth = _client(world, "youth_officer").get("/api/members/", query).json()
    assert youth["count"] == 0
    secretary = _client(world, "secretary").get("/api/members/", query).json()
    assert [row["id"] for row in secretary["results"]] == [target.pk]
    page = _client(world, "youth_officer").get(reverse("members:list"), query)
    assert target.last_name not in page.content.decode()
