"""factory-boy factories shared by every test package.

    UnitFactory(kind="branch")                 # builds the tree above it as needed
    MemberFactory(joined_weeks_ago=10)         # active member who joined 10 weeks ago
    MemberFactory(in_arrears=True, status_weeks_ago=3)   # active, then in arrears 3 weeks ago
    MemberFactory(suspended=True), MemberFactory(lapsed=True), MemberFactory(woman=True)
    MemberFactory(with_account=True)           # and their own account (``member.user``)
    UserFactory(), OrganisationFactory(), PostFactory(), OfficeHoldingFactory()
    StaffAssignmentFactory(role="auditor")     # an account with a staff role
    MeetingFactory(), MeetingFactory(in_progress=True), MeetingFactory(closed=True)
    MotionFactory(meeting=...), PollFactory(open=True, electorate=[...]), ElectionFactory()

Members get their status intervals (``initial_periods``) as the real actions would write them;
no audit events are written for the register (factories set up state, actions are what tests
exercise). Meetings, motions, polls and elections are made THROUGH their actions
(``do_create_meeting``, ``do_start_meeting``...), so a factory reaches only states that a
user could reach, each with its audit events.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from moot.demo import names
from moot.members.actions import initial_periods
from moot.members.models import Member, MembershipPeriod
from moot.units.models import PARENT_KIND, Affiliation, OfficeHolding, Organisation, Post, Unit


def today() -> datetime.date:
    return timezone.localdate()


class UserFactory(DjangoModelFactory):
    class Meta:
        model = "accounts.User"
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    username = factory.LazyAttribute(lambda o: o.email)
    first_name = factory.Sequence(lambda n: names.FIRST_NAMES_WOMEN[n % 44])
    last_name = factory.Sequence(lambda n: names.SURNAMES[n % len(names.SURNAMES)])
    password = factory.django.Password("moot-test-password")


def _parent_for(unit: factory.builder.Resolver) -> Unit | None:
    parent_kind = PARENT_KIND[unit.kind]
    return UnitFactory(kind=parent_kind) if parent_kind else None


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    kind = "constituency"
    name = factory.Sequence(lambda n: f"Unit {n}")
    slug = factory.Sequence(lambda n: f"unit-{n}")
    code = factory.Sequence(lambda n: f"U{n:04d}")
    parent = factory.LazyAttribute(_parent_for)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = "trade_union"


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member

    class Params:
        # The member's own account, its address made from their number.
        with_account = factory.Trait(
            user=factory.SubFactory(
                UserFactory,
                email=factory.LazyAttribute(
                    lambda o: f"{o.factory_parent.number.lower()}@members.example.org"
                ),
            )
        )
        joined_weeks_ago = 52
        status_weeks_ago = None  # when the current status began (None: on joining)
        active = factory.Trait(status="active")
        in_arrears = factory.Trait(status="in_arrears")
        lapsed = factory.Trait(status="lapsed")
        suspended = factory.Trait(status="suspended")
        expelled = factory.Trait(status="expelled")
        resigned = factory.Trait(status="resigned")
        applied = factory.Trait(status="applied")
        woman = factory.Trait(gender="woman")
        man = factory.Trait(gender="man")

    number = factory.Sequence(lambda n: f"T{n:07d}")
    first_name = factory.Sequence(lambda n: names.FIRST_NAMES_MEN[n % len(names.FIRST_NAMES_MEN)])
    last_name = factory.Sequence(lambda n: names.SURNAMES[(n * 7) % len(names.SURNAMES)])
    email = factory.LazyAttribute(lambda o: f"{o.number.lower()}@example.org")
    gender = ""
    constituency = factory.SubFactory(UnitFactory, kind="constituency")
    branch = None
    joined_on = factory.LazyAttribute(
        lambda o: today() - datetime.timedelta(weeks=o.joined_weeks_ago)
    )
    status = "active"

    # Not a model field: popped in _create and turned into the status history.
    status_since = factory.LazyAttribute(
        lambda o: (
            None
            if o.status_weeks_ago is None
            else today() - datetime.timedelta(weeks=o.status_weeks_ago)
        )
    )

    @classmethod
    def _create(cls, model_class: type[Member], *args: object, **kwargs: object) -> Member:
        since = kwargs.pop("status_since")
        member = super()._create(model_class, *args, **kwargs)
        for plan in initial_periods(member.joined_on, member.status, since):  # type: ignore[arg-type]
            MembershipPeriod.objects.create(
                member=member, status=plan.status, start=plan.start, end=plan.end
            )
        return member


class PostFactory(DjangoModelFactory):
    class Meta:
        model = Post

    unit = factory.SubFactory(UnitFactory, kind="constituency")
    slug = factory.Sequence(lambda n: f"post-{n}")
    title = factory.Sequence(lambda n: f"Officer {n}")
    seats = 1


class OfficeHoldingFactory(DjangoModelFactory):
    class Meta:
        model = OfficeHolding

    post = factory.SubFactory(PostFactory)
    member = factory.SubFactory(MemberFactory, constituency=factory.SelfAttribute("..post.unit"))
    start = factory.LazyFunction(lambda: today() - datetime.timedelta(days=100))


class AffiliationFactory(DjangoModelFactory):
    class Meta:
        model = Affiliation

    unit = factory.SubFactory(UnitFactory, kind="constituency")
    organisation = factory.SubFactory(OrganisationFactory)
    start = factory.LazyFunction(lambda: today() - datetime.timedelta(days=365))
    decision = "agreed by the General Committee"


class StaffAssignmentFactory(DjangoModelFactory):
    """An account with a staff role: the whole organisation (``unit=None``) or one unit."""

    class Meta:
        model = "accounts.StaffAssignment"

    user = factory.SubFactory(UserFactory)
    role = "national_staff"
    unit = None


def tonight(days: int = 0) -> datetime.datetime:
    """19:00 local time, ``days`` from today."""
    day = today() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(19, 0)))


class MeetingFactory(factory.Factory):
    """A meeting scheduled with ``do_create_meeting`` (an AGM of a new constituency, 30 days
    ahead, notice from today). ``in_progress=True``: tonight's, notice sent 30 days ago, opened
    with ``do_start_meeting``; ``closed=True``: then closed with ``do_close_meeting``."""

    class Meta:
        model = "meetings.Meeting"

    class Params:
        in_progress = factory.Trait(
            reached="in_progress",
            starts_at=factory.LazyFunction(tonight),
            notice_sent_on=factory.LazyFunction(lambda: today() - datetime.timedelta(days=30)),
        )
        closed = factory.Trait(
            reached="closed",
            starts_at=factory.LazyFunction(tonight),
            notice_sent_on=factory.LazyFunction(lambda: today() - datetime.timedelta(days=30)),
        )

    unit = factory.SubFactory(UnitFactory, kind="constituency")
    kind = "agm"
    starts_at = factory.LazyFunction(lambda: tonight(30))
    location = "Hollow Community Hall"
    notice_sent_on = None
    chair = None
    secretary = None
    acting_user = None
    # Not a field: the state to reach through the actions ("scheduled", "in_progress", "closed").
    reached = "scheduled"

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: Any) -> Any:
        from moot.meetings.actions import do_close_meeting, do_create_meeting, do_start_meeting

        reached = kwargs.pop("reached")
        if reached not in {"scheduled", "in_progress", "closed"}:
            raise ValueError(
                f"MeetingFactory(reached={reached!r}): a meeting is scheduled, "
                "in_progress or closed"
            )
        meeting = do_create_meeting(**kwargs)
        acting_user = kwargs["acting_user"]
        if reached in {"in_progress", "closed"}:
            meeting = do_start_meeting(meeting, acting_user=acting_user)
        if reached == "closed":
            meeting = do_close_meeting(meeting, acting_user=acting_user)
        return meeting

    @classmethod
    def _build(cls, model_class: type, *args: object, **kwargs: Any) -> Any:
        raise TypeError("a meeting is made through its actions: MeetingFactory(), not .build()")


class MotionFactory(factory.Factory):
    """A motion tabled with ``do_table_motion`` by its mover (a member with an account of the
    meeting's unit) at a meeting scheduled 30 days ahead."""

    class Meta:
        model = "motions.Motion"

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Motion {n}: safe cycling routes to every school")
    text = (
        "This meeting resolves to ask the county council to build protected cycle routes to "
        "every school within three years."
    )
    mover = factory.SubFactory(
        MemberFactory, with_account=True, constituency=factory.SelfAttribute("..meeting.unit")
    )
    seconder = factory.SubFactory(
        MemberFactory, with_account=True, constituency=factory.SelfAttribute("..meeting.unit")
    )
    acting_user = factory.SelfAttribute("mover.user")

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: Any) -> Any:
        from moot.motions.actions import do_table_motion

        meeting = kwargs.pop("meeting")
        return do_table_motion(meeting, **kwargs)

    @classmethod
    def _build(cls, model_class: type, *args: object, **kwargs: Any) -> Any:
        raise TypeError("a motion is made through its actions: MotionFactory(), not .build()")


class PollFactory(factory.Factory):
    """A standalone poll created with ``do_create_poll`` (a draft); ``open=True`` opens it with
    ``do_open_poll`` for the frozen ``electorate`` (a list of members)."""

    class Meta:
        model = "polls.Poll"

    class Params:
        open = factory.Trait(reached="open")

    title = factory.Sequence(lambda n: f"Election of the chair {n}")
    kind = "election"
    method = "scottish-stv"
    options = ("Ada", "Ben", "Cal")
    unit = factory.SubFactory(UnitFactory, kind="constituency")
    returning_officer = factory.SubFactory(UserFactory)
    acting_user = factory.SelfAttribute("returning_officer")
    electorate: Any = ()
    reached = "draft"

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: Any) -> Any:
        from moot.polls.actions import do_create_poll, do_open_poll

        reached = kwargs.pop("reached")
        electorate = list(kwargs.pop("electorate"))
        poll = do_create_poll(**kwargs)
        if reached == "open":
            poll = do_open_poll(poll, electorate=electorate, acting_user=kwargs["acting_user"])
        return poll

    @classmethod
    def _build(cls, model_class: type, *args: object, **kwargs: Any) -> Any:
        raise TypeError("a poll is made through its actions: PollFactory(), not .build()")


class ElectionFactory(factory.Factory):
    """An election to a unit's post created with ``do_create_election`` by national staff:
    first past the post, nominations open from 10 days ago to yesterday, held today."""

    class Meta:
        model = "elections.Election"

    post = factory.SubFactory(PostFactory, slug="chair", title="Chair")
    method = "plurality"
    nominations_open_on = factory.LazyFunction(lambda: today() - datetime.timedelta(days=10))
    nominations_close_on = factory.LazyFunction(lambda: today() - datetime.timedelta(days=1))
    election_date = factory.LazyFunction(today)
    acting_user = factory.LazyFunction(lambda: StaffAssignmentFactory().user)

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: Any) -> Any:
        from moot.elections.actions import do_create_election

        return do_create_election(**kwargs)

    @classmethod
    def _build(cls, model_class: type, *args: object, **kwargs: Any) -> Any:
        raise TypeError("an election is made through its actions: ElectionFactory(), not .build()")


class BallotFactory(factory.Factory):
    """A ballot of a unit's members called with ``do_create_ballot`` by national staff, from a
    rulebook preset (``preset``, default the national executive's; its unit a national unit
    unless ``unit`` is given) with its default timetable from today; any other keyword
    overrides a value of the definition (``BallotFactory(seats=3, min_women=1)``: a value the
    preset fixes makes it a ballot under the chapter's general clause)."""

    class Meta:
        model = "ballots.Ballot"

    preset = "national_executive"
    unit = factory.LazyAttribute(
        lambda o: (
            UnitFactory(kind="national", parent=None)
            if o.preset == "national_executive"
            else UnitFactory(kind="constituency")
        )
    )
    acting_user = factory.LazyFunction(lambda: StaffAssignmentFactory().user)

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: Any) -> Any:
        import dataclasses

        from moot.ballots.actions.definition import do_create_ballot, edition, spec_from_preset

        preset = edition().ballots.preset(kwargs.pop("preset"))
        unit = kwargs.pop("unit")
        acting_user = kwargs.pop("acting_user")
        if "clause" not in kwargs and any(
            kwargs.get(name, getattr(preset, name)) != getattr(preset, name)
            for name in preset.locked()
        ):
            # A value the preset fixes is overridden: the ballot is called under the chapter's
            # general clause, not the preset's (whose values are fixed).
            kwargs["clause"] = edition().ballots.clause
        spec = dataclasses.replace(spec_from_preset(preset), **kwargs)
        return do_create_ballot(unit, spec, acting_user=acting_user)

    @classmethod
    def _build(cls, model_class: type, *args: object, **kwargs: Any) -> Any:
        raise TypeError("a ballot is made through its actions: BallotFactory(), not .build()")


class CandidateFactory(DjangoModelFactory):
    """A candidate of a draft ballot, consented (``consented=False`` for one who has not). The
    nominations that put a candidate on the ballot are B2's actions; this sets up the state."""

    class Meta:
        model = "ballots.Candidate"

    class Params:
        consented = True

    ballot = factory.SubFactory(BallotFactory)
    member = factory.SubFactory(MemberFactory, with_account=True)
    name = factory.LazyAttribute(lambda o: f"{o.member.first_name} {o.member.last_name}")
    woman = factory.LazyAttribute(lambda o: o.member.gender == "woman")
    consented_at = factory.LazyAttribute(lambda o: timezone.now() if o.consented else None)


class RollEntryFactory(DjangoModelFactory):
    """A member's entry on a ballot's roll (eligible, online, not yet issued a credential); the
    freeze (B3) writes the real roll in bulk."""

    class Meta:
        model = "ballots.RollEntry"

    ballot = factory.SubFactory(BallotFactory)
    member = factory.SubFactory(MemberFactory)
    unit = factory.LazyAttribute(lambda o: o.member.constituency)
    region = factory.LazyAttribute(lambda o: o.member.constituency.parent)
    email = factory.LazyAttribute(lambda o: o.member.email)
