"""What a user trips over (issue 9, item 10): the site's icon, one "forgotten password" link on
the sign-in page, a 403 logged as one line, and the projector's bare page."""

from __future__ import annotations

import logging
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_every_page_links_an_icon_that_static_files_serve(as_role):
    body = as_role("member").get(reverse("dashboard")).content.decode()
    icons = re.findall(r'<link rel="icon" href="/static/([^"]+)"', body)
    assert sorted(icons) == ["moot/favicon.ico", "moot/favicon.svg"]
    ico = finders.find("moot/favicon.ico")
    svg = finders.find("moot/favicon.svg")
    assert ico, "moot/favicon.ico is a static file of moot.site"
    assert svg, "moot/favicon.svg is a static file of moot.site"
    with open(ico, "rb") as f:
        assert f.read(4) == b"\x00\x00\x01\x00"  # the ICO header (reserved 0, type 1 = icon)
    with open(svg, encoding="utf-8") as f:
        assert f.read().startswith("<svg ")
    # The sign-in page (allauth's layout extends the base template) links it too.
    login = Client().get(reverse("account_login")).content.decode()
    assert 'rel="icon"' in login


def test_sign_in_page_has_one_forgotten_password_link(db):
    body = Client().get(reverse("account_login")).content.decode()
    # allauth puts it under the password box (the field's help, read out with it).
    assert body.count(f'href="{reverse("account_reset_password")}"') == 1
    assert "Forgot your password?" in body


def test_a_403_is_logged_as_one_line_without_a_traceback(world, as_role, caplog):
    caplog.set_level(logging.INFO)
    response = as_role("outsider").get(reverse("units:list"))
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1, [r.getMessage() for r in caplog.records]
    record = records[0]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert record.getMessage() == (
        f"Forbidden: user {world.users['outsider'].pk} GET {reverse('units:list')}"
    )
    assert "Traceback" not in caplog.text


def test_a_403_for_a_signed_out_visitor_names_them_anonymous(caplog):
    from moot.site.log_filters import ForbiddenOneLine

    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "x %s", ("y",), None)
    record.status_code = 403
    record.request = type("Request", (), {"method": "POST", "path": "/audit/verify/"})()
    assert ForbiddenOneLine().filter(record)
    assert record.getMessage() == "Forbidden: anonymous POST /audit/verify/"
    # Anything else passes as it was.
    other = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), None)
    other.status_code = 500
    assert ForbiddenOneLine().filter(other)
    assert other.getMessage() == "boom"


def test_projector_is_the_bare_page(world, as_role):
    meeting = MeetingFactory(
        unit=world.riverside, in_progress=True, acting_user=world.users["secretary"]
    )
    projector = as_role("secretary").get(reverse("meetings:projector", args=[meeting.pk]))
    assert projector.status_code == 200
    body = projector.content.decode()
    assert meeting.title in body
    assert 'class="meeting-projector"' in body
    for menu in ('class="site-header"', 'class="site-menu"', "Sign out", 'class="site-footer"'):
        assert menu not in body
    # Every other page keeps the menu.
    detail = as_role("secretary").get(reverse("meetings:detail", args=[meeting.pk]))
    assert 'class="site-menu"' in detail.content.decode()


@pytest.mark.parametrize("asked", ["en-US,en;q=0.9", "fr-FR", "de", ""])
def test_dates_are_british_whatever_language_the_browser_asks_for(world, as_role, asked):
    """Chromium asks for en-US by default; the meeting page still writes the one UK format
    ("Monday 7 December 2026, 19:00"), never "Dec. 7, 2026, 7 p.m."."""
    import datetime

    from django.utils import timezone

    day = timezone.localdate() + datetime.timedelta(days=60)
    starts = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 19, 0))
    meeting = MeetingFactory(
        unit=world.riverside, starts_at=starts, acting_user=world.users["secretary"]
    )
    headers = {"HTTP_ACCEPT_LANGUAGE": asked} if asked else {}
    body = (
        as_role("member")
        .get(reverse("meetings:detail", args=[meeting.pk]), **headers)
        .content.decode()
    )
    assert f"{day.day} {day:%B} {day.year}" in body
    assert f"{day:%b}. {day.day}" not in body
    assert "p.m." not in body
