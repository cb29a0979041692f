"""Unit actions against the rulebook preset: posts from the rulebook, affiliations (refusing a
proscribed organisation with its clause), officer constraints, edition adoption by date."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from factories import MemberFactory, OrganisationFactory, UserFactory
from moot.audit.queries import history_of, verify_chain
from moot.members.errors import ActionError
from moot.units.actions import (
    do_adopt_edition,
    do_appoint_officer,
    do_create_affiliation,
    do_create_unit,
    do_end_affiliation,
    do_end_holding,
)
from moot.units.models import AdoptedEdition, Affiliation, OfficeHolding
from moot.units.queries import edition_in_force, holdings_on

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def staff():
    return UserFactory(is_superuser=True)


@pytest.fixture
def clp(staff):
    national = do_create_unit(
        name="Party", slug="party", kind="national", parent=None, acting_user=staff
    )
    region = do_create_unit(
        name="Region", slug="region", kind="region", parent=national, acting_user=staff
    )
    return do_create_unit(
        name="Riverside CLP",
        slug="riverside",
        kind="constituency",
        parent=region,
        acting_user=staff,
    )


def test_units_get_posts_from_the_rulebook(clp, staff):
    edition = edition_in_force(TODAY)
    expected = [spec.slug for spec in edition.posts_for("constituency")]
    assert list(clp.posts.order_by("order").values_list("slug", flat=True)) == expected
    assert "secretary" in expected
    with pytest.raises(ActionError, match="belongs under a region"):
        do_create_unit(name="X", slug="x", kind="constituency", parent=None, acting_user=staff)
    assert history_of(clp)[0].verb == "units.create_unit"


def test_affiliation_and_its_end(clp, staff):
    union = OrganisationFactory(kind="trade_union", slug="dockers")
    affiliation = do_create_affiliation(
        clp,
        union,
        start=TODAY,
        decision="GC motion carried",
        decision_ref="motion:1",
        acting_user=staff,
    )
    assert affiliation.created_by == staff
    with pytest.raises(ActionError, match="already affiliated"):
        do_create_affiliation(clp, union, start=TODAY, decision="again", acting_user=staff)
    do_end_affiliation(
        affiliation,
        end=TODAY + datetime.timedelta(days=1),
        reason="disaffiliated",
        acting_user=staff,
    )
    assert [e.verb for e in history_of(affiliation)] == [
        "units.create_affiliation",
        "units.end_affiliation",
    ]


def test_proscribed_organisation_is_refused_with_its_clause(clp, staff):
    entry = edition_in_force(TODAY).proscribed[0]
    banned = OrganisationFactory(slug=entry.slug, name=entry.name, kind="other")
    with pytest.raises(ActionError) as excinfo:
        do_create_affiliation(clp, banned, start=TODAY, decision="x", acting_user=staff)
    assert excinfo.value.clause == entry.clause
    assert "proscribed" in str(excinfo.value)
    assert Affiliation.objects.count() == 0


def _post(clp, slug):
    return clp.posts.get(slug=slug)


def test_officer_constraints(clp, staff):
    start = TODAY - datetime.timedelta(days=10)
    woman = MemberFactory(constituency=clp, woman=True)
    man = MemberFactory(constituency=clp, man=True)
    holding = do_appoint_officer(_post(clp, "chair"), woman, start=start, acting_user=staff)
    assert holding in holdings_on(clp, TODAY)
    # One person may not hold two of chair/secretary/treasurer.
    # do_appoint_officer runs in its caller's transaction (savepoint=False): a refusal dooms the
    # caller's transaction, so each refused call gets one of its own here, as in an election.
    with pytest.raises(ActionError) as excinfo, transaction.atomic():
        do_appoint_officer(_post(clp, "secretary"), woman, start=start, acting_user=staff)
    assert excinfo.value.clause
    # The chair cannot be a job share.
    with pytest.raises(ActionError), transaction.atomic():
        do_appoint_officer(_post(clp, "chair"), man, start=start, job_share=True, acting_user=staff)
    # A post reserved for women.
    reserved = clp.posts.filter(reserved_for_women=True).first()
    if reserved is not None:
        with pytest.raises(ActionError), transaction.atomic():
            do_appoint_officer(reserved, man, start=start, acting_user=staff)
    # Someone from another unit.
    outsider = MemberFactory(woman=True)
    with pytest.raises(ActionError, match="is not a member of"), transaction.atomic():
        do_appoint_officer(_post(clp, "treasurer"), outsider, start=start, acting_user=staff)
    assert OfficeHolding.objects.count() == 1
    do_end_holding(holding, end=TODAY, reason="term ended", acting_user=staff)
    assert list(holdings_on(clp, TODAY)) == []
    assert verify_chain()[1] == []


def test_suspended_member_cannot_hold_office(clp, staff):
    member = MemberFactory(constituency=clp, suspended=True, woman=True)
    with pytest.raises(ActionError, match="cannot hold office"), transaction.atomic():
        do_appoint_officer(_post(clp, "chair"), member, start=TODAY, acting_user=staff)


def test_edition_adoption_by_date(staff):
    from moot import rulebook

    source = rulebook.preset_source("party")
    assert AdoptedEdition.objects.count() == 0
    from_date = TODAY + datetime.timedelta(days=30)
    adopted = do_adopt_edition(source_text=source, effective_from=from_date, acting_user=staff)
    assert edition_in_force(TODAY).name == rulebook.preset("party").name
    assert edition_in_force(from_date).name == adopted.edition_name
    with pytest.raises(ActionError, match="already adopted"):
        do_adopt_edition(source_text=source, effective_from=from_date, acting_user=staff)
    with pytest.raises(ActionError):
        do_adopt_edition(
            source_text="this is = not [valid", effective_from=TODAY, acting_user=staff
        )
    assert AdoptedEdition.objects.count() == 1


def test_refresh_posts_creates_the_posts_an_edition_adds(clp, staff):
    from moot.audit.models import AuditEvent
    from moot.units.actions import do_refresh_posts

    slugs = set(clp.posts.values_list("slug", flat=True))
    assert "treasurer" in slugs
    clp.posts.filter(slug="treasurer").delete()  # as if the edition in force had added it
    touched = do_refresh_posts(acting_user=staff)
    assert touched == type(clp).objects.count()
    assert set(clp.posts.values_list("slug", flat=True)) == slugs
    event = AuditEvent.objects.get(verb="units.refresh_posts")
    assert event.after == {"edition": edition_in_force(TODAY).name, "units": touched}
