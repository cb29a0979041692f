"""Insider cases of a ballot's close, count and declaration (docs/security.md, "Ballots: close,
count and declaration"): the manager reading the result before the scrutineer signs, a partisan
returning officer declaring before the scrutineer, and a copy of the database taken after the
close pairing voters with ballots."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from ballots.closing_world import closing_ballot, counted_ballot
from factories import UserFactory
from moot.audit.models import AuditEvent
from moot.ballots import secrecy
from moot.ballots.actions.closing import do_close_ballot, do_declare_ballot
from moot.ballots.errors import BallotError
from moot.ballots.models import Ballot, CountedBallot, PaperKeying, Return, RollEntry

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_manager_reads_nothing_of_the_result_before_the_sign_off(
    django_capture_on_commit_callbacks,
) -> None:
    world = counted_ballot(django_capture_on_commit_callbacks)
    pk = world.ballot.pk
    elected = world.ballot.result["elected"]
    ro = _client(world.returning_officer)
    for url in (f"/ballots/{pk}/results/", f"/ballots/{pk}/count/", f"/ballots/{pk}/declare/"):
        page = ro.get(url)
        assert page.status_code == 200, url
        text = page.content.decode()
        assert not any(f"Elected: {name}" in text for name in elected), url
        assert "First preferences" not in text
    for name in ("count.json", "count.txt", "ballots.blt", "ballots-cdf.json", "chart.svg"):
        assert ro.get(f"/ballots/{pk}/results/{name}").status_code == 409, name
    assert ro.get(f"/ballots/{pk}/scrutineer/").status_code == 403
    assert ro.get(f"/api/ballots/{pk}/result").status_code == 409
    assert ro.get(f"/api/ballots/{pk}/scrutineer-report").status_code == 403
    # Nor does the audit trail say it: the count's event holds hashes only.
    after = AuditEvent.objects.get(verb="ballots.count_ballot").after
    assert not any(name in json.dumps(after) for name in elected)
    # A stranger and an anonymous visitor see the lock too.
    for client in (_client(UserFactory()), Client()):
        assert client.get(f"/ballots/{pk}/results/count.json").status_code == 409


def test_a_partisan_returning_officer_cannot_declare_before_the_scrutineer(
    django_capture_on_commit_callbacks,
) -> None:
    world = counted_ballot(django_capture_on_commit_callbacks)
    pk = world.ballot.pk
    with pytest.raises(BallotError, match="has not signed the report"):
        do_declare_ballot(world.ballot, acting_user=world.returning_officer)
    ro = _client(world.returning_officer)
    answer = ro.post(f"/ballots/{pk}/declare/", {"confirm": "on"})
    assert answer.status_code == 400
    assert "locked until the scrutineer signs" in answer.content.decode()
    assert ro.post(f"/api/ballots/{pk}/declare").status_code == 409
    # Nor sign the report in the scrutineer's place.
    signed = ro.post(
        f"/api/ballots/{pk}/scrutineer-report/sign",
        {k: {"satisfied": True} for k in "abc"},
        content_type="application/json",
    )
    assert signed.status_code == 403
    ballot = Ballot.objects.get(pk=pk)
    assert ballot.state == "counted"
    assert ballot.signed_at is None
    assert ballot.declared_at is None
    assert not AuditEvent.objects.filter(verb="ballots.declare_ballot").exists()


def test_a_copy_of_the_database_after_the_close_cannot_pair_voters_with_ballots(
    django_capture_on_commit_callbacks,
) -> None:
    world = closing_ballot(voters=6, precedence="paper_wins")
    for n, entry in enumerate(world.entries):
        world.cast(entry, "online", ["Ada Ashdown"] if n % 2 else ["Bea Birch", "Cy Crane"])
    world.key_once(2, ["Cy Crane"])
    # What an operator's copy taken before the close holds: entries beside sealed contents.
    old_copy = list(Return.objects.filter(ballot=world.ballot).values_list("entry_id", "sealed"))
    with django_capture_on_commit_callbacks(execute=True):
        ballot = do_close_ballot(world.ballot, acting_user=world.returning_officer)
    assert not Return.objects.filter(ballot=ballot).exists()
    assert not PaperKeying.objects.filter(ballot=ballot).exists()
    # The counted ballots name no voter, channel or time, and nothing refers to them.
    assert {f.name for f in CountedBallot._meta.get_fields()} == {"id", "ballot", "content"}
    # Who voted is on the roll (turnout), but no column there says what.
    assert RollEntry.objects.filter(ballot=ballot, voted=True).count() == 6
    # The old copy's sealed contents cannot be opened any more: the key is gone.
    for _entry, sealed in old_copy:
        with pytest.raises(BallotError):
            secrecy.unseal(ballot, sealed)
    # The close's audit event holds aggregates only.
    after = AuditEvent.objects.get(verb="ballots.close_ballot").after
    assert set(after) == {"by_channel", "spoilt", "counted", "precedence"}
    for row in after["by_channel"].values():
        assert set(row) == {"received", "counted", "spoilt", "set_aside", "replaced"}


# -- the result lock, role by role (issue 11 item 9; review finding: only the ballot's own
# scrutineer reads the result before the sign-off; nobody else, not an auditor, not a superuser,
# never a candidate; after the declaration everyone, anonymous callers of the API too).

LOCK_ROLES = (
    "anonymous",
    "member",
    "candidate",
    "candidate_scrutinising",
    "returning_officer",
    "national_staff",
    "auditor",
    "superuser",
    "scrutineer",
)


def _lock_world(capture):
    from factories import MemberFactory, StaffAssignmentFactory

    world = counted_ballot(capture)
    candidate = world.by_name("Cy Crane")
    candidate.member = MemberFactory(with_account=True)
    candidate.save(update_fields=["member"])
    # A candidate who also audits the unit: still no result before the declaration.
    other = world.by_name("Di Dunmore")
    other.member = MemberFactory(with_account=True)
    other.save(update_fields=["member"])
    StaffAssignmentFactory(user=other.member.user, role="auditor")
    users = {
        "anonymous": None,
        "member": MemberFactory(with_account=True).user,
        "candidate": candidate.member.user,
        "candidate_scrutinising": other.member.user,
        "returning_officer": world.returning_officer,
        "national_staff": StaffAssignmentFactory(role="national_staff").user,
        "auditor": StaffAssignmentFactory(role="auditor").user,
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "scrutineer": world.scrutineer,
    }
    return world, users


def _reads(world, user) -> dict[str, bool]:
    """What ``user`` reads of the result now: each page or file, True when the result shows."""
    pk = world.ballot.pk
    client = Client() if user is None else _client(user)
    elected = world.ballot.result["elected"]
    results_page = client.get(f"/ballots/{pk}/results/")
    scrutineer_page = client.get(f"/ballots/{pk}/scrutineer/")
    download = client.get(f"/ballots/{pk}/results/count.json")
    api = client.get(f"/api/ballots/{pk}/result")
    return {
        "results page": results_page.status_code == 200
        and f"Elected: {elected[0]}" in results_page.content.decode(),
        "scrutineer page": scrutineer_page.status_code == 200
        and "First preferences" in scrutineer_page.content.decode(),
        "count.json": download.status_code == 200,
        "API result": api.status_code == 200 and api.json().get("elected") == elected,
    }


SATISFIED = {key: {"satisfied": True, "reasons": ""} for key in ("a", "b", "c")}


def test_the_result_lock_role_by_role(django_capture_on_commit_callbacks) -> None:
    from moot.ballots.actions.closing import do_sign_scrutineer_report

    world, users = _lock_world(django_capture_on_commit_callbacks)
    wrong = []

    def check(stage: str, readers: set[str]) -> None:
        for role in LOCK_ROLES:
            got = _reads(world, users[role])
            for what, reads in got.items():
                if reads != (role in readers):
                    wrong.append(f"{stage}, {role}, {what}: reads={reads}")

    check("counted", {"scrutineer"})
    # The auditor reads the administration's aggregates before the sign-off, not the votes.
    page = _client(users["auditor"]).get(f"/ballots/{world.ballot.pk}/scrutineer/")
    assert page.status_code == 200
    assert "Counted (valid papers)" in page.content.decode()
    assert "not the result" in page.content.decode()
    world.ballot = do_sign_scrutineer_report(
        world.ballot, statements=SATISFIED, acting_user=world.scrutineer
    )
    # After it, those who oversee the ballot; national staff as the oversee rule (B1's) says.
    staff_manage = users["national_staff"].has_perm("ballots.oversee_ballot", world.ballot)
    signed = {"scrutineer", "returning_officer", "auditor", "superuser"}
    check("signed", signed | ({"national_staff"} if staff_manage else set()))
    # A candidate who is also a superuser may open the scrutineer's page, never the signed
    # report's text with the votes (review v: the text leaked what the table hid).
    candidate_admin = users["candidate"]
    candidate_admin.is_superuser = True
    candidate_admin.save(update_fields=["is_superuser"])
    page = _client(candidate_admin).get(f"/ballots/{world.ballot.pk}/scrutineer/")
    assert "Valid votes for each candidate" not in page.content.decode()
    assert "The report as text" not in page.content.decode()
    candidate_admin.is_superuser = False
    candidate_admin.save(update_fields=["is_superuser"])
    with django_capture_on_commit_callbacks(execute=False):
        world.ballot = do_declare_ballot(world.ballot, acting_user=world.returning_officer)
    check("declared", set(LOCK_ROLES))
    assert not wrong, "\n".join(wrong)


def test_after_the_declaration_anyone_reads_the_results_api(
    django_capture_on_commit_callbacks,
) -> None:
    from moot.ballots.actions.closing import do_sign_scrutineer_report

    world = counted_ballot(django_capture_on_commit_callbacks)
    pk = world.ballot.pk
    anonymous = Client()
    for path in ("result", "scrutineer-report", "countbacks"):
        assert anonymous.get(f"/api/ballots/{pk}/{path}").status_code == 401, path
    do_sign_scrutineer_report(world.ballot, statements=SATISFIED, acting_user=world.scrutineer)
    with django_capture_on_commit_callbacks(execute=False):
        do_declare_ballot(world.ballot, acting_user=world.returning_officer)
    assert (
        anonymous.get(f"/api/ballots/{pk}/result").json()["elected"]
        == (world.ballot.result["elected"])
    )
    report = anonymous.get(f"/api/ballots/{pk}/scrutineer-report").json()
    assert report["statements"]["a"]["satisfied"] is True
    assert anonymous.get(f"/api/ballots/{pk}/countbacks").json() == []
    # A bad token is refused, never read as anonymous.
    forged = Client(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert forged.get(f"/api/ballots/{pk}/result").status_code == 401
    # The scrutineer's report page is public and read-only.
    page = anonymous.get(f"/ballots/{pk}/scrutineer/")
    assert page.status_code == 200
    assert "Sign the report" not in page.content.decode()
    assert anonymous.post(f"/ballots/{pk}/scrutineer/", {}).status_code == 403
