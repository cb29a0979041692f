"""Member forms: validation messages and saving through the actions."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from factories import MemberFactory, UnitFactory, UserFactory
from moot.audit.queries import history_of
from moot.members.forms import ImportForm, MemberForm, ResignationForm, StatusChangeForm
from moot.members.models import Member

pytestmark = pytest.mark.django_db


def test_member_form_hides_gender_unless_allowed_and_checks_branch():
    member = MemberFactory()
    assert "gender" not in MemberForm(instance=member).fields
    assert "gender" in MemberForm(instance=member, show_sensitive=True).fields
    wrong_branch = UnitFactory(kind="branch")
    data = {
        "first_name": "Ada",
        "last_name": "Ashwick",
        "email": "",
        "phone": "",
        "address": "",
        "postcode": "",
        "date_of_birth": (datetime.date.today() + datetime.timedelta(days=2)).isoformat(),
        "constituency": member.constituency_id,
        "branch": wrong_branch.pk,
    }
    form = MemberForm(data, instance=member)
    assert not form.is_valid()
    assert "cannot be in the future" in str(form.errors["date_of_birth"])
    assert "is not a branch of" in str(form.errors["branch"])


def test_member_form_saves_through_the_action():
    member = MemberFactory(first_name="Ada")
    user = UserFactory()
    data = {
        "first_name": "Adah",
        "last_name": member.last_name,
        "email": "someone-else@example.org",  # not a field of the form: the register's
        "phone": "",
        "address": "",
        "postcode": "",
        "date_of_birth": "",
        "constituency": member.constituency_id,
        "branch": "",
    }
    form = MemberForm(data, instance=member)
    assert form.is_valid(), form.errors
    form.save(acting_user=user)
    member.refresh_from_db()
    assert member.first_name == "Adah"
    assert member.email != "someone-else@example.org"
    assert history_of(member)[0].actor == user


def test_status_change_form_reports_the_rule_of_the_history():
    member = MemberFactory(joined_weeks_ago=2)
    form = StatusChangeForm(
        {"status": "lapsed", "start": "2001-01-01", "reason": "x"}, member=member
    )
    assert not form.is_valid()
    assert "before the member joined" in str(form.errors)
    assert "active" not in dict(form.fields["status"].choices)


def test_resignation_form_needs_an_office_for_an_office_resignation():
    member = MemberFactory()
    form = ResignationForm(
        {"kind": "office", "effective_on": datetime.date.today().isoformat()}, member=member
    )
    assert not form.is_valid()
    assert "Choose the office" in str(form.errors["holding"])


def test_import_form_dry_run_and_encoding():
    UnitFactory(slug="riverside")
    good = b"first_name,last_name,joined_on,constituency\nAda,Ash,2020-01-01,riverside\n"
    form = ImportForm({"dry_run": "on"}, {"file": SimpleUploadedFile("m.csv", good)})
    assert form.is_valid(), form.errors
    report = form.save(acting_user=None)
    assert report.ok
    assert report.dry_run
    assert Member.objects.count() == 0
    bad = ImportForm({}, {"file": SimpleUploadedFile("m.csv", b"\xff\xfe")})
    assert not bad.is_valid()
    assert "is not UTF-8" in str(bad.errors["file"])
