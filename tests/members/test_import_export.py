"""CSV import and export of the member register (docs/members-import.md)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from factories import MemberFactory, UnitFactory, UserFactory
from moot.audit.models import AuditEvent
from moot.audit.queries import verify_chain
from moot.members.actions import do_import_members, export_members_csv
from moot.members.csv_columns import COLUMNS
from moot.members.models import Member, MembershipPeriod

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)
BACKDATE = "register moved from the old system"


@pytest.fixture
def clp():
    clp = UnitFactory(kind="constituency", slug="riverside", code="C101")
    UnitFactory(kind="branch", slug="lockside", parent=clp)
    return clp


@pytest.fixture
def secretary():
    return UserFactory(email="sec@example.org")


def row(**values: str) -> str:
    base = {
        "number": "",
        "first_name": "Ada",
        "last_name": "Ashwick",
        "email": "ada@example.org",
        "phone": "",
        "address": "1 Mill Race",
        "postcode": "zz1 1aa",
        "date_of_birth": "1980-02-03",
        "gender": "woman",
        "constituency": "riverside",
        "branch": "lockside",
        "joined_on": "2020-01-15",
        "status": "active",
        "status_since": "",
    }
    base.update(values)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([base[c] for c in COLUMNS])
    return out.getvalue()


def test_import_creates_members_periods_and_one_audit_event(clp, secretary):
    text = (
        HEADER
        + "\n"
        + row(number="M0000010")
        + row(
            first_name="Bram",
            last_name="Holtwood",
            email="",
            status="lapsed",
            status_since="2023-06-01",
            branch="",
            constituency="C101",
        )
    )
    report = do_import_members(text, dry_run=False, acting_user=secretary, backdate_reason=BACKDATE)
    assert report.ok, report.errors
    assert report.created == 2
    ada = Member.objects.get(number="M0000010")
    assert ada.postcode == "ZZ1 1AA"
    assert ada.branch.slug == "lockside"
    assert ada.search_name == "ashwick ada"
    bram = Member.objects.get(last_name="Holtwood")
    assert bram.number.startswith("M")  # numbered automatically
    assert bram.status == "lapsed"
    history = list(bram.periods.order_by("start").values_list("status", "start", "end"))
    assert history == [
        ("active", datetime.date(2020, 1, 15), datetime.date(2023, 6, 1)),
        ("lapsed", datetime.date(2023, 6, 1), None),
    ]
    events = AuditEvent.objects.filter(verb="members.import_members")
    assert events.count() == 1
    assert events[0].after["created"] == 2
    assert events[0].after["sha256"] == report.sha256
    assert verify_chain()[1] == []


def test_dry_run_writes_nothing(clp, secretary):
    report = do_import_members(HEADER + "\n" + row(), dry_run=True, acting_user=secretary)
    assert report.ok
    assert report.valid_rows == 1
    assert "nothing was written" in report.summary()
    assert Member.objects.count() == 0
    assert MembershipPeriod.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_one_bad_row_aborts_all_with_row_and_column(clp, secretary):
    text = (
        HEADER
        + "\n"
        + row(first_name="Good")
        + row(first_name="Cleo", joined_on="2024-13-01")
        + row(first_name="Dara", email="not-an-address", gender="wizard", branch="nowhere")
    )
    report = do_import_members(text, dry_run=False, acting_user=secretary, backdate_reason=BACKDATE)
    assert not report.ok
    assert Member.objects.count() == 0
    assert AuditEvent.objects.count() == 0
    messages = [str(e) for e in report.errors]
    assert "row 3, column joined_on: '2024-13-01' is not a date; use YYYY-MM-DD" in messages
    assert any(m.startswith("row 4, column email:") for m in messages)
    assert any(m.startswith("row 4, column gender:") for m in messages)
    assert any(m.startswith("row 4, column branch:") for m in messages)
    assert report.bad_rows == 2
    assert "nothing was imported" in report.summary()


def test_partial_mode_imports_the_valid_rows(clp, secretary):
    text = HEADER + "\n" + row(first_name="Good") + row(first_name="", joined_on="2020-01-01")
    report = do_import_members(
        text, dry_run=False, partial=True, acting_user=secretary, backdate_reason=BACKDATE
    )
    assert report.created == 1
    assert report.skipped == 1
    assert [str(e) for e in report.errors] == [
        "row 3, column first_name: is empty; every member needs a first and last name"
    ]
    assert Member.objects.get().first_name == "Good"


def test_header_problems_are_named(clp, secretary):
    report = do_import_members(
        "first_name,surname,joined_on\nAda,Ashwick,2020-01-01\n",
        dry_run=True,
        acting_user=secretary,
    )
    messages = [str(e) for e in report.errors]
    assert any("unknown column 'surname'" in m for m in messages)
    assert any("missing column 'last_name'" in m for m in messages)
    assert any("missing column 'constituency'" in m for m in messages)


def test_unit_default_fills_the_constituency(clp, secretary):
    text = "first_name,last_name,joined_on\nAda,Ashwick,2020-01-01\n"
    report = do_import_members(
        text, unit_default=clp, dry_run=False, acting_user=secretary, backdate_reason=BACKDATE
    )
    assert report.created == 1
    assert Member.objects.get().constituency == clp


def test_duplicate_and_existing_numbers_and_wrong_cell_count(clp, secretary):
    MemberFactory(number="M0000001", constituency=clp)
    text = (
        HEADER
        + "\n"
        + row(number="M0000001")
        + row(number="M0000002")
        + row(number="m0000002")
        + "only,three,cells\n"
    )
    report = do_import_members(text, dry_run=True, acting_user=secretary)
    messages = [str(e) for e in report.errors]
    assert "row 2, column number: member M0000001 already exists" in messages[0]
    assert "row 4, column number: member M0000002 also appears in row 3" in messages[1]
    assert messages[2].startswith("row 5: has 3 cells but the header has 14")


def test_future_dates_and_status_before_joining_are_refused(clp, secretary):
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    text = HEADER + "\n" + row(joined_on=future) + row(status="lapsed", status_since="2019-01-01")
    report = do_import_members(text, dry_run=True, acting_user=secretary)
    messages = [str(e) for e in report.errors]
    assert messages[0] == f"row 2, column joined_on: '{future}' is in the future"
    assert messages[1].startswith("row 3, column status_since: '2019-01-01' is before joined_on")


def test_export_round_trip(clp, secretary):
    text = (
        HEADER
        + "\n"
        + row(number="M0000100", address="Flat 2, 3 Weir Street")
        + row(number="M0000101", first_name="Zoë", status="suspended", status_since="2024-03-01")
    )
    assert do_import_members(
        text, dry_run=False, acting_user=secretary, backdate_reason=BACKDATE
    ).ok
    exported = export_members_csv(Member.objects.all(), include_sensitive=True)
    lines = list(csv.DictReader(io.StringIO(exported)))
    assert [line["number"] for line in lines] == ["M0000100", "M0000101"]
    assert lines[0]["address"] == "Flat 2, 3 Weir Street"
    assert lines[1]["status"] == "suspended"
    assert lines[1]["status_since"] == "2024-03-01"
    assert lines[1]["gender"] == "woman"
    # Re-import into an empty register gives the same rows back.
    Member.objects.all().delete()
    again = do_import_members(
        exported, dry_run=False, acting_user=secretary, backdate_reason=BACKDATE
    )
    assert again.ok, again.errors
    assert export_members_csv(Member.objects.all(), include_sensitive=True) == exported


def test_export_leaves_out_gender_unless_asked(clp, secretary):
    MemberFactory(constituency=clp, woman=True)
    header = export_members_csv(Member.objects.all()).splitlines()[0]
    assert "gender" not in header.split(",")


def test_management_command(clp, secretary, tmp_path, capsys):
    path = tmp_path / "members.csv"
    path.write_text(HEADER + "\n" + row() + row(first_name="Eve", joined_on="bad"), "utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command("import_members", str(path))
    assert "row 3, column joined_on: 'bad' is not a date; use YYYY-MM-DD" in str(excinfo.value)
    assert Member.objects.count() == 0
    call_command("import_members", str(path), "--partial", "--backdate-reason", BACKDATE)
    assert Member.objects.count() == 1
    out = capsys.readouterr().out
    assert "imported 1 of 2 members" in out


def test_management_command_dry_run_and_bad_encoding(clp, tmp_path, capsys):
    path = tmp_path / "members.csv"
    path.write_text(HEADER + "\n" + row(), "utf-8")
    call_command("import_members", str(path), "--dry-run")
    assert Member.objects.count() == 0
    assert "dry run" in capsys.readouterr().out
    path.write_bytes(b"first_name\n\xff\xfe\n")
    with pytest.raises(CommandError, match="is not UTF-8"):
        call_command("import_members", str(path))


def test_a_backdated_import_needs_the_offices_reason_and_keeps_it(clp, secretary):
    from moot.members.queries import eligibility

    text = HEADER + "\n" + row(number="M0000077") + row(joined_on=str(datetime.date.today()))
    refused = do_import_members(text, dry_run=False, acting_user=secretary)
    assert not refused.ok
    assert refused.backdated_rows == 1
    (problem,) = refused.errors
    assert str(problem).startswith("row 2, column joined_on: 1 rows start the membership before")
    assert "clause 2.6" in problem.message
    assert Member.objects.count() == 0
    assert not AuditEvent.objects.exists()

    report = do_import_members(text, dry_run=False, acting_user=secretary, backdate_reason=BACKDATE)
    assert report.created == 2
    old = Member.objects.get(number="M0000077")
    assert old.backdate_reason == BACKDATE
    assert Member.objects.exclude(pk=old.pk).get().backdate_reason == ""
    event = AuditEvent.objects.get(verb="members.import_members")
    assert event.after["backdated"] == 1
    assert event.after["backdate_reason"] == BACKDATE
    assert event.clause == "2.6"
    verdict = eligibility(old, "meeting")
    assert verdict.allowed
    assert any(
        "back-dated by the membership office" in r.text and BACKDATE in r.text and r.clause == "2.6"
        for r in verdict.reasons
    )
