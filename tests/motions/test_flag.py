"""The chair's private "likely not competent" flag for a motion that names a member under a
disciplinary process: the chair and national staff see it; the member, the mover and the
secretary do not — not on the page, not in the API, not in the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from factories import UserFactory
from moot.audit.models import AuditEvent
from moot.motions import queries
from motions.conftest import make_person

FLAG = "Likely not competent: it appears to concern an individual disciplinary case"


@pytest.fixture
def suspended(assembly: Any) -> Any:
    return make_person(
        assembly.clp, first_name="Zoë", last_name="O'Brien-Hart", suspended=True, status_weeks_ago=2
    )


@pytest.fixture
def motion(assembly: Any, table: Any, suspended: Any) -> Any:
    return table(
        title="Solidarity with a comrade",
        text="This meeting expresses its full support for ZOE O BRIEN HART and calls for her "
        "immediate reinstatement.",
    )


def test_the_chair_and_national_staff_see_the_flag_with_the_clause(
    assembly: Any, motion: Any
) -> None:
    for user in (assembly.chair.user, assembly.staff):
        flags = queries.chair_flags(motion, user)
        assert [f.clause for f in flags] == ["15.6.1"]
        assert flags[0].text.startswith(FLAG)


@pytest.mark.parametrize("who", ["member", "mover", "secretary", "superuser"])
def test_nobody_else_sees_it(assembly: Any, motion: Any, who: str) -> None:
    user = (
        UserFactory(is_superuser=True, email="root@example.org")
        if who == "superuser"
        else getattr(assembly, who).user
    )
    assert queries.chair_flags(motion, user) == []
    client = Client()
    client.force_login(user)
    page = client.get(f"/motions/{motion.pk}/")
    if who != "superuser":  # a superuser without a staff role may not see motions at all
        assert page.status_code == 200
    # The flag is the chair's; the motion itself is held until the chair rules (its page and
    # the API give only "A motion awaiting the chair's ruling on competence (…)").
    api = client.get(f"/api/motions/{motion.pk}")
    for body in (page.content.decode(), api.content.decode()):
        assert "Likely not competent" not in body
        assert "Consider ruling it" not in body
        # The unit's secretary reads a held motion as a withheld one, each read recorded.
        assert ("O BRIEN HART" in body) == (who == "secretary")
    reads = AuditEvent.objects.filter(verb="motions.read_confidential", actor=user).count()
    assert reads == (2 if who == "secretary" else 0)


def test_the_flag_says_nothing_about_who_or_which_case(assembly: Any, motion: Any) -> None:
    text = queries.chair_flags(motion, assembly.chair.user)[0].text
    for secret in ("Zoë", "Brien", "suspended", "investigation", "Hart"):
        assert secret not in text


def test_the_flag_is_on_the_chairs_page_and_stored_nowhere(assembly: Any, motion: Any) -> None:
    client = Client()
    client.force_login(assembly.chair.user)
    page = client.get(f"/motions/{motion.pk}/").content.decode()
    assert FLAG in page
    listing = client.get(f"/meetings/{assembly.meeting.pk}/motions/").content.decode()
    assert "Note for the chair" in listing
    for user in (assembly.member.user, assembly.mover.user, assembly.secretary.user):
        other = Client()
        other.force_login(user)
        listing = other.get(f"/meetings/{assembly.meeting.pk}/motions/").content.decode()
        assert "Note for the chair" not in listing
    assert not AuditEvent.objects.filter(after__icontains="disciplinary").exists()
    assert "disciplinary" not in str(list(AuditEvent.objects.values("after", "reason")))


def test_no_flag_for_names_of_members_in_good_standing_or_partial_names(
    assembly: Any, table: Any, suspended: Any
) -> None:
    clean = table(
        title="Thanks to our officers",
        text=f"This meeting thanks {assembly.member.first_name} {assembly.member.last_name} and "
        "Zoë for their work, and welcomes O'Brien-Hartley Street's new bus stop.",
    )
    assert queries.chair_flags(clean, assembly.chair.user) == []


def test_reversed_name_order_and_an_amendment_naming_them_are_caught(
    assembly: Any, table: Any, suspended: Any
) -> None:
    from moot.motions.actions import do_propose_amendment

    motion = table(title="Housing", text="This meeting resolves to campaign for council homes.")
    assert queries.chair_flags(motion, assembly.chair.user) == []
    do_propose_amendment(
        motion,
        action="insert",
        line_from=1,
        text="It thanks O'Brien-Hart, Zoe for her leadership.",
        mover=assembly.member,
        acting_user=assembly.member.user,
    )
    assert queries.chair_flags(motion, assembly.chair.user)
