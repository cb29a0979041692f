"""factory-boy factories shared by every test package.

    UnitFactory(kind="branch")                 # builds the tree above it as needed
    MemberFactory(joined_weeks_ago=10)         # active member who joined 10 weeks ago
    MemberFactory(in_arrears=True, status_weeks_ago=3)   # active, then in arrears 3 weeks ago
    MemberFactory(suspended=True), MemberFactory(lapsed=True), MemberFactory(woman=True)
    UserFactory(), OrganisationFactory(), PostFactory(), OfficeHoldingFactory()

Members get their status intervals (``initial_periods``) as the real actions would write them;
no audit events are written (factories set up state, actions are what tests exercise).
"""

from __future__ import annotations

import datetime

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
