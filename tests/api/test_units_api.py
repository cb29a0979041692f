"""Units, organisations and affiliations in the API."""

from __future__ import annotations

import datetime

from accounts.world import World
from factories import AffiliationFactory, OrganisationFactory


def test_tree_in_order_with_depth(world: World, api_as) -> None:
    rows = api_as("member").get("/api/units/").json()
    slugs = [row["slug"] for row in rows]
    assert slugs.index("national") < slugs.index("region") < slugs.index("riverside")
    assert slugs.index("riverside") < slugs.index("north")
    depth = {row["slug"]: row["depth"] for row in rows}
    assert depth == {
        "national": 0,
        "region": 1,
        "riverside": 2,
        "north": 3,
        "south": 3,
        "elsewhere": 2,
        "east": 3,
    }


def test_unit_detail(world: World, api_as) -> None:
    body = api_as("member").get(f"/api/units/{world.riverside.pk}").json()
    assert [u["slug"] for u in body["ancestors"]] == ["national", "region"]
    assert sorted(u["slug"] for u in body["children"]) == ["north", "south"]
    posts = {p["slug"]: p for p in body["posts"]}
    assert posts["secretary"]["holders"][0]["member_id"] == world.members["secretary"].pk
    # member, branch secretary, chair, secretary (north) and the target (south)
    assert body["counts"]["members"] == 5
    assert body["counts"]["branches"] == 2


def test_affiliation_filters(world: World, api_as) -> None:
    today = datetime.date.today()
    union = OrganisationFactory(slug="union")
    ended = AffiliationFactory(
        unit=world.riverside,
        organisation=union,
        start=today - datetime.timedelta(days=900),
        end=today - datetime.timedelta(days=400),
    )
    current = AffiliationFactory(unit=world.riverside, organisation=OrganisationFactory())
    AffiliationFactory(unit=world.elsewhere, organisation=union)
    client = api_as("member")
    mine = client.get("/api/affiliations/", {"unit": "riverside"}).json()
    assert {a["id"] for a in mine} == {ended.pk, current.pk}
    now = client.get("/api/affiliations/", {"unit": "riverside", "on": str(today)}).json()
    assert [a["id"] for a in now] == [current.pk]
    by_org = client.get("/api/affiliations/", {"organisation": "union"}).json()
    assert len(by_org) == 2
    bad = client.get("/api/affiliations/", {"organisation": "nobody"})
    assert bad.status_code == 422
    assert "nobody" in bad.json()["detail"]


def test_end_affiliation_is_audited_and_explained(world: World, api_as) -> None:
    from moot.audit.models import AuditEvent

    affiliation = AffiliationFactory(unit=world.riverside)
    client = api_as("secretary")
    url = f"/api/affiliations/{affiliation.pk}/end"
    too_early = client.post(url, {"end": "1990-01-01"}, content_type="application/json")
    assert too_early.status_code == 422
    assert "must be after the start" in too_early.json()["detail"]
    done = client.post(url, {"end": "2099-01-01", "reason": "GC"}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["end"] == "2099-01-01"
    assert AuditEvent.objects.filter(verb="units.end_affiliation").exists()
    refused = api_as("chair").post(url, {"end": "2099-02-01"}, content_type="application/json")
    assert refused.status_code == 403
