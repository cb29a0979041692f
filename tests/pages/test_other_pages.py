"""Units, organisations, affiliations, rulebook, audit trail and dashboards through the test
client: who sees what, refusals, forms' errors, chain verification."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from factories import AffiliationFactory, OrganisationFactory
from moot.audit.models import AuditEvent
from moot.units.models import Affiliation

pytestmark = pytest.mark.django_db


def test_unit_tree_lists_every_unit_nested(world, as_role):
    response = as_role("member").get(reverse("units:list"))
    body = response.content.decode()
    assert response.status_code == 200
    for unit in (world.national, world.region, world.riverside, world.north, world.east):
        assert f'href="/units/{unit.pk}/"' in body
    # Branches are nested inside their constituency's list.
    riverside_at = body.index(f'href="/units/{world.riverside.pk}/"')
    assert riverside_at < body.index(f'href="/units/{world.north.pk}/"')


def test_unit_tree_is_refused_to_an_account_without_membership(as_role):
    response = as_role("outsider").get(reverse("units:list"))
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


def test_unit_detail_shows_officers_branches_and_affiliations(world, as_role):
    AffiliationFactory(unit=world.riverside, decision_ref="gc:2024-01")
    body = as_role("member").get(reverse("units:detail", args=[world.riverside.pk])).content
    text = body.decode()
    assert world.members["secretary"].full_name in text
    assert "North" in text
    assert "South" in text
    assert "gc:2024-01" in text
    assert "Record an affiliation" not in text  # a plain member may not manage them


def test_missing_unit_is_the_404_page(as_role):
    response = as_role("member").get(reverse("units:detail", args=[999999]))
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_secretary_records_an_affiliation_and_errors_are_shown(world, as_role):
    org = OrganisationFactory(name="Union of Testers")
    client = as_role("secretary")
    url = reverse("units:affiliation_create", args=[world.riverside.pk])
    missing = client.post(url, {"organisation": org.pk, "start": "", "decision": ""})
    assert missing.status_code == 400
    assert "This field is required" in missing.content.decode()
    done = client.post(
        url, {"organisation": org.pk, "start": "2025-01-01", "decision": "Agreed by the GC"}
    )
    assert done.status_code == 302
    assert Affiliation.objects.filter(unit=world.riverside, organisation=org).exists()
    twice = client.post(
        url, {"organisation": org.pk, "start": "2025-02-01", "decision": "Agreed again"}
    )
    assert twice.status_code == 400
    assert "already affiliated" in twice.content.decode()


def test_affiliation_form_is_refused_to_the_chair(world, as_role):
    org = OrganisationFactory()
    response = as_role("chair").post(
        reverse("units:affiliation_create", args=[world.riverside.pk]),
        {"organisation": org.pk, "start": "2025-01-01", "decision": "x"},
    )
    assert response.status_code == 403


def test_ending_an_affiliation(world, as_role):
    affiliation = AffiliationFactory(unit=world.riverside)
    url = reverse("units:affiliation_end", args=[affiliation.pk])
    client = as_role("secretary")
    assert client.get(url).status_code == 200
    too_early = client.post(url, {"end": "1990-01-01", "reason": "motion:9"})
    assert too_early.status_code == 400
    assert "must be after the start" in too_early.content.decode()
    ended = client.post(url, {"end": timezone.localdate().isoformat(), "reason": "motion:9"})
    assert ended.status_code == 302
    affiliation.refresh_from_db()
    assert affiliation.end == timezone.localdate()


def test_affiliations_list_current_and_past(world, as_role):
    today = timezone.localdate()
    current = AffiliationFactory(unit=world.riverside, decision_ref="ref-current")
    AffiliationFactory(
        unit=world.elsewhere,
        start=today - datetime.timedelta(days=900),
        end=today - datetime.timedelta(days=30),
        decision_ref="ref-past",
    )
    client = as_role("member")
    now = client.get(reverse("units:affiliations")).content.decode()
    assert current.decision_ref in now
    assert "ref-past" not in now
    past = client.get(reverse("units:affiliations"), {"when": "past"}).content.decode()
    assert "ref-past" in past
    assert "ref-current" not in past


def test_organisations_mark_the_proscribed_with_their_clause(world, as_role):
    from moot.units.queries import edition_in_force

    entries = list(edition_in_force().proscribed)
    assert entries, "the preset edition proscribes at least one organisation"
    entry = entries[0]
    OrganisationFactory(name=entry.name, slug=entry.slug, kind="other")
    OrganisationFactory(name="Plain Union", slug="plain-union")
    body = as_role("member").get(reverse("units:organisations")).content.decode()
    assert f"clause {entry.clause}" in body
    only = as_role("member").get(reverse("units:organisations"), {"kind": "proscribed"})
    assert "Plain Union" not in only.content.decode()


def test_rulebook_page_shows_the_edition_and_refuses_a_bad_date(world, as_role):
    client = as_role("member")
    response = client.get(reverse("rulebook:current"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "in force on" in body
    assert "clause" in body
    bad = client.get(reverse("rulebook:current"), {"on": "soon"}).content.decode()
    assert "is not a date" in bad
    assert as_role("outsider").get(reverse("rulebook:current")).status_code == 403


def test_audit_trail_filters_and_refusal(world, as_role):
    from django.db import transaction

    from moot.audit.actions import record

    with transaction.atomic():
        record(actor=world.users["admin"], verb="members.update", obj=world.target, reason="r1")
        record(actor=world.users["secretary"], verb="units.create_unit", obj=world.north)
    client = as_role("auditor")
    body = client.get(reverse("audit:trail")).content.decode()
    assert "members.update" in body
    assert "units.create_unit" in body
    only = client.get(reverse("audit:trail"), {"verb": "units."}).content.decode()
    assert "units.create_unit" in only
    assert "members.update" not in only
    by_object = client.get(
        reverse("audit:trail"), {"object": f"members.member:{world.target.pk}"}
    ).content.decode()
    assert "members.update" in by_object
    assert "units.create_unit" not in by_object
    bad = client.get(reverse("audit:trail"), {"object": "member"}).content.decode()
    assert "is not an object type" in bad
    refused = as_role("secretary").get(reverse("audit:trail"))
    assert refused.status_code == 403


def test_audit_verify_reports_whole_then_an_edited_event(world, as_role):
    from django.db import transaction

    from moot.audit.actions import record

    with transaction.atomic():
        record(actor=world.users["admin"], verb="members.update", obj=world.target, reason="r1")
        record(actor=world.users["admin"], verb="members.update", obj=world.target, reason="r2")
    client = as_role("national_staff")
    whole = client.post(reverse("audit:verify")).content.decode()
    assert "<strong>Whole:</strong>" in whole
    event = AuditEvent.objects.order_by("seq").first()
    with connection.cursor() as cursor:  # tamper behind the model's back
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET reason = %s WHERE id = %s",
            ["rewritten", event.pk],
        )
    broken = client.post(reverse("audit:verify")).content.decode()
    assert "<strong>Broken:</strong>" in broken
    assert f"event #{event.seq}" in broken
    assert as_role("chair").post(reverse("audit:verify")).status_code == 403


def test_audit_trail_pages_by_sequence(world, as_role):
    from django.db import transaction

    from moot.audit.actions import record

    with transaction.atomic():
        for n in range(55):
            record(actor=None, verb="test.page", object_type="x.y", object_id=n, reason=f"n{n}")
    client = as_role("auditor")
    first = client.get(reverse("audit:trail")).content.decode()
    assert "Older events" in first
    older = client.get(reverse("audit:trail"), {"before": 6}).content.decode()
    assert "n4" in older
    assert "n54" not in older


def test_dashboards_per_role(world, as_role):
    officer = as_role("secretary").get(reverse("dashboard")).content.decode()
    assert "Your units" in officer
    assert "Riverside" in officer
    staff = as_role("national_staff").get(reverse("dashboard")).content.decode()
    assert "The organisation" in staff
    assert "Audit trail" in staff
    auditor = as_role("auditor").get(reverse("dashboard")).content.decode()
    assert "events recorded" in auditor or "event recorded" in auditor
    assert "Your units" not in auditor


def test_complaints_dashboard_counts_suspensions(world, as_role):
    from factories import MemberFactory

    MemberFactory(constituency=world.riverside, suspended=True)
    MemberFactory(constituency=world.elsewhere, suspended=True)
    body = as_role("complaints_staff").get(reverse("dashboard")).content.decode()
    assert "<strong>2</strong> members suspended pending investigation" in body


def test_member_dashboard_shows_own_eligibility(world, as_role):
    body = as_role("member").get(reverse("dashboard")).content.decode()
    assert "Your membership" in body
    assert "vote at a meeting on" in body


def test_navigation_follows_permissions(as_role):
    member_nav = as_role("member").get(reverse("units:list")).content.decode()
    assert 'href="/members/"' not in member_nav
    assert 'href="/audit/"' not in member_nav
    staff_nav = as_role("national_staff").get(reverse("units:list")).content.decode()
    assert 'href="/members/"' in staff_nav
    assert 'href="/audit/"' in staff_nav
