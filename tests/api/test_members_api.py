"""The members API: filters, pages, visibility of sensitive fields, errors people can act on,
CSV import with a dry run."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.world import World
from factories import MemberFactory
from moot.members.models import Member

HEADER = "first_name,last_name,email,constituency,branch,joined_on,status\n"


def test_list_is_limited_to_what_the_caller_may_see(world: World, api_as) -> None:
    secretary = api_as("secretary").get("/api/members/").json()
    numbers = {row["number"] for row in secretary["results"]}
    assert world.target.number in numbers
    assert world.members["stranger"].number not in numbers
    staff = api_as("national_staff").get("/api/members/").json()
    assert staff["count"] == Member.objects.count()
    branch = api_as("branch_secretary").get("/api/members/").json()
    assert world.target.number not in {row["number"] for row in branch["results"]}


def test_ordinary_member_may_not_list_but_sees_own_record(world: World, api_as) -> None:
    client = api_as("member")
    refused = client.get("/api/members/")
    assert refused.status_code == 403
    assert "/api/members/me" in refused.json()["detail"]
    me = client.get("/api/members/me").json()
    assert me["number"] == world.members["member"].number
    assert me["hidden_fields"] == []


def test_filters_and_pagination(world: World, api_as) -> None:
    for n in range(7):
        MemberFactory(constituency=world.riverside, branch=world.south, last_name=f"Zed{n}")
    MemberFactory(constituency=world.riverside, suspended=True, last_name="Quill")
    client = api_as("secretary")
    page = client.get("/api/members/", {"unit": "south", "page_size": 3, "page": 2}).json()
    assert page["count"] == 8  # 7 new + target, all in the south branch
    assert page["pages"] == 3
    assert len(page["results"]) == 3
    last = client.get("/api/members/", {"unit": world.south.pk, "page_size": 3, "page": 3}).json()
    assert len(last["results"]) == 2
    suspended = client.get("/api/members/", {"status": "suspended"}).json()
    assert [r["last_name"] for r in suspended["results"]] == ["Quill"]
    found = client.get("/api/members/", {"q": "zed3"}).json()
    assert [r["last_name"] for r in found["results"]] == ["Zed3"]


def test_validation_errors_name_the_field_and_the_fix(world: World, api_as) -> None:
    client = api_as("secretary")
    bad = client.get("/api/members/", {"status": "asleep", "page_size": "0"})
    assert bad.status_code == 422
    body = bad.json()
    fields = {e["field"]: e for e in body["errors"]}
    assert "one of" in fields["status"]["fix"]
    assert "'active'" in fields["status"]["fix"]
    assert "at least 1" in fields["page_size"]["fix"]
    assert "query parameter 'status'" in body["detail"]
    date = client.get("/api/members/", {"at": "14/05/2026"}).json()
    assert "YYYY-MM-DD" in date["errors"][0]["fix"]
    unit = client.get("/api/members/", {"unit": "atlantis"})
    assert unit.status_code == 422
    assert "atlantis" in unit.json()["detail"]
    assert "Traceback" not in unit.content.decode()


def test_detail_hides_sensitive_fields_from_roles_without_them(world: World, api_as) -> None:
    url = f"/api/members/{world.target.pk}"
    secretary = api_as("secretary").get(url).json()
    assert secretary["gender"] == "woman"
    assert secretary["date_of_birth"] == "1980-05-17"
    assert secretary["phone"] == "01632 960001"
    assert secretary["periods"][0]["status"] == "active"
    auditor = api_as("auditor").get(url).json()
    assert auditor["gender"] is None
    assert auditor["date_of_birth"] is None
    assert auditor["email"] is None
    assert set(auditor["hidden_fields"]) == {
        "email",
        "phone",
        "address",
        "postcode",
        "date_of_birth",
        "gender",
    }
    branch_officer = api_as("branch_secretary").get(url)
    assert branch_officer.status_code == 404  # not revealed outside the officer's scope


def test_detail_lists_offices(world: World, api_as) -> None:
    secretary = world.members["secretary"]
    body = api_as("national_staff").get(f"/api/members/{secretary.pk}").json()
    assert [(o["post"], o["unit"]["slug"]) for o in body["offices"]] == [("secretary", "riverside")]


def test_unknown_member_and_anonymous_caller(world: World) -> None:
    anonymous = Client().get(f"/api/members/{world.target.pk}")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
    garbage = Client(HTTP_AUTHORIZATION="Bearer moot_not-a-real-token").get("/api/members/")
    assert garbage.status_code == 401


def upload(client: Client, text: str, **fields: str):
    file = SimpleUploadedFile("members.csv", text.encode(), content_type="text/csv")
    return client.post("/api/members/import", {"file": file, **fields})


def test_import_dry_run_then_real(world: World, api_as) -> None:
    csv_text = HEADER + "Ada,Okafor,ada@example.org,riverside,north,2024-01-05,active\n"
    client = api_as("secretary")
    dry = upload(client, csv_text, unit="riverside")
    assert dry.status_code == 200
    assert dry.json()["dry_run"] is True
    assert dry.json()["valid_rows"] == 1
    assert not Member.objects.filter(last_name="Okafor").exists()
    # A secretary's file goes to the membership office as a proposal (rulebook
    # [membership.register]): 202, nothing imported.
    proposed = upload(client, csv_text, unit="riverside", dry_run="false")
    assert proposed.status_code == 202, proposed.json()
    assert proposed.json()["created"] == 0
    assert proposed.json()["proposal"]
    assert not Member.objects.filter(last_name="Okafor").exists()
    # The office imports it; the 2024 join date is a back-date and needs its reason.
    office = api_as("national_staff")
    refused = upload(office, csv_text, unit="riverside", dry_run="false")
    assert refused.status_code == 422
    assert "back-dates it with a reason" in refused.json()["errors"][0]["message"]
    real = upload(office, csv_text, unit="riverside", dry_run="false", backdate_reason="paper form")
    assert real.status_code == 200, real.json()
    assert real.json()["created"] == 1
    assert Member.objects.filter(last_name="Okafor", constituency=world.riverside).exists()


def test_import_errors_per_row_and_column(world: World, api_as) -> None:
    csv_text = HEADER + (
        "Ada,Okafor,ada@example.org,riverside,north,2024-01-05,active\n"
        "Bea,,not-an-email,riverside,north,05/01/2024,active\n"
    )
    response = upload(api_as("national_staff"), csv_text, dry_run="false")
    assert response.status_code == 422
    body = response.json()
    assert body["ok"] is False
    assert body["created"] == 0
    places = {(e["row"], e["column"]) for e in body["errors"]}
    assert {(3, "last_name"), (3, "email"), (3, "joined_on")} <= places
    assert "nothing was imported" in body["summary"]
    assert not Member.objects.filter(last_name="Okafor").exists()


def test_secretary_imports_only_into_their_constituency(world: World, api_as) -> None:
    client = api_as("secretary")
    csv_text = HEADER + "Ada,Okafor,,elsewhere,,2024-01-05,active\n"
    mixed = upload(client, csv_text, unit="riverside")
    assert mixed.status_code == 422
    assert mixed.json()["errors"][0]["column"] == "constituency"
    no_unit = upload(client, csv_text)
    assert no_unit.status_code == 422
    assert "unit" in no_unit.json()["detail"]
    elsewhere = upload(client, csv_text, unit="elsewhere")
    assert elsewhere.status_code == 403
    chair = upload(api_as("chair"), csv_text, unit="riverside")
    assert chair.status_code == 403


def test_import_rejects_a_file_that_is_not_utf8(world: World, api_as) -> None:
    client = api_as("national_staff")
    file = SimpleUploadedFile("m.csv", HEADER.encode() + b"Ad\xe9,X,,riverside,,2024-01-05,\n")
    response = client.post("/api/members/import", {"file": file})
    assert response.status_code == 422
    assert "UTF-8" in response.json()["detail"]
    missing = client.post("/api/members/import", {})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "file"


def test_session_auth_needs_csrf_for_writes(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["national_staff"])
    assert browser.get("/api/members/").status_code == 200
    file = SimpleUploadedFile("members.csv", HEADER.encode())
    refused = browser.post("/api/members/import", {"file": file})
    assert refused.status_code == 403
    assert "X-CSRFToken" in refused.json()["detail"]


@pytest.mark.parametrize("value", ["¹", "١", "99999999999999999999"])
def test_unit_filter_that_only_looks_like_an_id_is_a_clear_422(api_as, value):
    """Unicode digits and over-long numbers are not ids: a 422 naming the parameter, never a
    server error (found by schemathesis)."""
    response = api_as("national_staff").get("/api/members/", {"unit": value})
    assert response.status_code == 422
    assert "query parameter 'unit'" in response.json()["detail"]
