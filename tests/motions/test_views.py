"""Pages and their permissions by role: a member of the unit, a member elsewhere, the mover, the
secretary, the chair, national staff; forms show the actions' refusals on the page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from factories import MemberFactory, UnitFactory, UserFactory
from moot.meetings.models import AgendaItem
from moot.motions.actions import do_propose_amendment, do_rule_on_motion
from moot.motions.hooks import item_links, minutes_section
from moot.motions.models import Motion, Ruling
from motions.conftest import make_person


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def outsider(db: Any) -> Any:
    other = UnitFactory(kind="constituency", name="Far Hills CLP")
    return make_person(other)


def test_anonymous_visitors_are_sent_to_sign_in(assembly: Any, table: Any) -> None:
    motion = table()
    for url in (f"/meetings/{assembly.meeting.pk}/motions/", f"/motions/{motion.pk}/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_a_member_of_another_unit_sees_nothing(assembly: Any, table: Any, outsider: Any) -> None:
    motion = table()
    client = client_for(outsider.user)
    # What they may not see is answered as what does not exist (moot.access).
    assert client.get(f"/meetings/{assembly.meeting.pk}/motions/").status_code == 404
    assert client.get(f"/motions/{motion.pk}/").status_code == 404
    assert client.get(f"/meetings/{assembly.meeting.pk}/motions/new/").status_code == 404
    assert client.get(f"/api/motions/{motion.pk}").status_code == 404


def test_a_member_tables_a_motion_and_sees_numbered_lines(assembly: Any) -> None:
    client = client_for(assembly.mover.user)
    page = client.get(f"/meetings/{assembly.next_meeting.pk}/motions/new/")
    assert page.status_code == 200
    assert assembly.mover.number in page.content.decode()  # the mover defaults to oneself
    response = client.post(
        f"/meetings/{assembly.next_meeting.pk}/motions/new/",
        {
            "title": "Library opening hours",
            "text": "This meeting resolves to campaign to keep Hollow library open on Saturdays.",
            "proposer_kind": "member",
            "mover": assembly.mover.number,
            "seconder": assembly.seconder.number.lower(),
        },
    )
    motion = Motion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/motions/{motion.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert '<li value="1"' in detail
    assert "Library opening hours" in detail
    listing = client.get(f"/meetings/{assembly.next_meeting.pk}/motions/").content.decode()
    assert "Library opening hours" in listing


def test_the_form_shows_the_refusal_of_a_late_motion_and_unknown_numbers(assembly: Any) -> None:
    from motions.conftest import make_meeting

    late = make_meeting(assembly.clp, days_ahead=2, chair=assembly.chair)
    client = client_for(assembly.mover.user)
    response = client.post(
        f"/meetings/{late.pk}/motions/new/",
        {
            "title": "Late",
            "text": "Text.",
            "proposer_kind": "member",
            "mover": assembly.mover.number,
            "seconder": assembly.seconder.number,
        },
    )
    assert response.status_code == 200
    assert "Too late to table this motion" in response.content.decode()
    response = client.post(
        f"/meetings/{assembly.next_meeting.pk}/motions/new/",
        {"title": "X", "text": "Y", "proposer_kind": "member", "seconder": "Z999"},
    )
    assert "No member who may be the seconder of this motion has the number Z999" in (
        response.content.decode()
    )
    assert not Motion.objects.exists()


def test_a_member_tables_in_their_own_name_the_secretary_for_others(assembly: Any) -> None:
    """The member's form has no branch or affiliate and its mover is the member, whatever is
    posted; the secretary's form offers them all."""
    member = client_for(assembly.mover.user)
    page = member.get(f"/meetings/{assembly.next_meeting.pk}/motions/new/").content.decode()
    assert 'name="branch"' not in page
    assert 'name="organisation"' not in page
    assert "You table a motion in your own name" in page
    data = {
        "title": "Library opening hours",
        "text": "This meeting resolves to keep the library open on Saturdays.",
        "proposer_kind": "branch",  # a tampered form
        "branch": assembly.branch.pk,
        "mover": assembly.member.number,
        "seconder": assembly.seconder.number,
    }
    response = member.post(f"/meetings/{assembly.next_meeting.pk}/motions/new/", data)
    assert response.status_code == 200  # not a choice this form offers
    assert not Motion.objects.exists()
    # Another mover posted is ignored: the mover is the member tabling.
    data["proposer_kind"] = "member"
    response = member.post(f"/meetings/{assembly.next_meeting.pk}/motions/new/", data)
    assert response.status_code == 302
    motion = Motion.objects.get()
    assert (motion.mover, motion.proposer_kind) == (assembly.mover, "member")
    secretary = client_for(assembly.secretary.user)
    page = secretary.get(f"/meetings/{assembly.next_meeting.pk}/motions/new/").content.decode()
    assert 'name="branch"' in page
    assert 'name="organisation"' in page


def test_only_the_chair_and_national_staff_may_rule(assembly: Any, table: Any) -> None:
    motion = table()
    for user in (assembly.member.user, assembly.mover.user, assembly.secretary.user):
        assert client_for(user).get(f"/motions/{motion.pk}/rule/").status_code == 403
    assert client_for(assembly.chair.user).get(f"/motions/{motion.pk}/rule/").status_code == 200
    assert client_for(assembly.staff).get(f"/motions/{motion.pk}/rule/").status_code == 200


def test_a_ruling_without_reasons_is_refused_on_the_page_then_recorded(
    assembly: Any, table: Any
) -> None:
    motion = table()
    client = client_for(assembly.chair.user)
    data = {"decision": "not_competent", "category": "individual_disciplinary_case"}
    response = client.post(f"/motions/{motion.pk}/rule/", {**data, "reasons": ""})
    assert response.status_code == 200
    assert "A ruling needs written reasons" in response.content.decode()
    assert not Ruling.objects.exists()
    response = client.post(
        f"/motions/{motion.pk}/rule/", {**data, "reasons": "It concerns one member's case."}
    )
    assert response.status_code == 302
    # An individual disciplinary case is confidential business: a member sees the ruling and
    # its clause, not the reasons (which may name the person); the chair reads them.
    page = client_for(assembly.member.user).get(f"/motions/{motion.pk}/").content.decode()
    assert "Ruled not competent" in page
    assert "clause 15.6.1" in page
    assert "It concerns one member&#x27;s case." not in page
    page = client.get(f"/motions/{motion.pk}/").content.decode()
    assert "It concerns one member&#x27;s case." in page


def test_managing_is_for_the_chair_secretary_and_staff(
    assembly: Any, table: Any, check_in: Any
) -> None:
    check_in(assembly.meeting, 5)  # a quorum: a vote is opened below
    motion = table()
    for user in (assembly.member.user, assembly.mover.user):
        client = client_for(user)
        assert (
            client.post(f"/motions/{motion.pk}/vote/", {"vote-voting": "paper"}).status_code == 403
        )
        assert client.get(f"/meetings/{assembly.meeting.pk}/motions/composite/").status_code == 403
        assert client.post(f"/motions/{motion.pk}/forward/").status_code == 403
    secretary = client_for(assembly.secretary.user)
    assert secretary.get(f"/meetings/{assembly.meeting.pk}/motions/composite/").status_code == 200
    response = secretary.post(f"/motions/{motion.pk}/vote/", {"vote-voting": "show_of_hands"})
    assert response.status_code == 302
    motion.refresh_from_db()
    assert motion.state == "debated"
    assert motion.poll.voting == "show_of_hands"


def test_the_mover_accepts_an_amendment_another_member_may_not(assembly: Any, table: Any) -> None:
    motion = table()
    amendment = do_propose_amendment(
        motion,
        action="insert",
        line_from=0,
        text="Preamble.",
        mover=assembly.member,
        acting_user=assembly.member.user,
    )
    assert (
        client_for(assembly.seconder.user)
        .post(f"/motions/amendments/{amendment.pk}/accept/")
        .status_code
        == 403
    )
    response = client_for(assembly.mover.user).post(f"/motions/amendments/{amendment.pk}/accept/")
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.state == "accepted"
    page = client_for(assembly.member.user).get(f"/motions/{motion.pk}/").content.decode()
    assert "The motion as amended" in page
    assert "Amendment accepted by the mover" in page  # the history, from the audit trail


def test_the_amendment_form_names_a_bad_line(assembly: Any, table: Any) -> None:
    motion = table()
    response = client_for(assembly.member.user).post(
        f"/motions/{motion.pk}/amend/",
        {"action": "delete", "line_from": 99, "mover": assembly.member.number},
    )
    assert response.status_code == 200
    assert "are not in the motion" in response.content.decode()


def test_received_motions_page_by_unit(assembly: Any, outsider: Any) -> None:
    assert (
        client_for(assembly.member.user)
        .get(f"/units/{assembly.region.pk}/received-motions/")
        .status_code
        == 200
    )
    assert (
        client_for(outsider.user).get(f"/units/{assembly.region.pk}/received-motions/").status_code
        == 404  # may not see them: as if there were none (moot.access)
    )


def test_item_links_and_minutes_section(assembly: Any, table: Any) -> None:
    item = AgendaItem.objects.create(
        meeting=assembly.meeting, position=1, kind="motion", title="Motions"
    )
    motion = table(agenda_item=item)
    do_rule_on_motion(
        motion,
        decision="competent",
        clause="7.1",
        reasons="Local transport is the party's business.",
        acting_user=assembly.chair.user,
    )
    links = item_links(item, assembly.member.user)
    assert links == [(f"Motion 1: {motion.title}", f"/motions/{motion.pk}/")]
    stranger = MemberFactory()
    stranger.user = UserFactory()
    stranger.save()
    assert item_links(item, stranger.user) == []
    section = minutes_section(assembly.meeting)
    assert section.title == "Motions"
    assert (
        "ruled it competent (clause 7.1): Local transport is the party's business."
        in (section.paragraphs[0])
    )
    assert section.refs == [("Motion 1", f"/motions/{motion.pk}/")]


def test_item_links_offer_vote_now_while_an_electronic_vote_is_open(
    assembly: Any, table: Any, check_in: Any
) -> None:
    from moot.motions.actions import do_close_motion_vote, do_open_motion_vote

    check_in(assembly.meeting, 5)
    item = AgendaItem.objects.create(
        meeting=assembly.meeting, position=1, kind="motion", title="Motions"
    )
    motion = do_open_motion_vote(
        table(agenda_item=item), voting="electronic", secret=True, acting_user=assembly.chair.user
    )
    links = dict(item_links(item, assembly.member.user))
    assert links["Vote now: motion 1"] == f"/polls/{motion.poll_id}/vote/"
    do_close_motion_vote(motion, acting_user=assembly.chair.user)
    assert "Vote now: motion 1" not in dict(item_links(item, assembly.member.user))


def test_the_index_links_the_received_motions_and_ruling_a_closed_motion_is_refused(
    assembly: Any, table: Any
) -> None:
    from moot.motions.actions import do_withdraw_motion

    motion = table()
    client = client_for(assembly.chair.user)
    assert "received by" not in client.get("/motions/").content.decode()
    Motion.objects.filter(pk=motion.pk).update(state="forwarded", forwarded_to=assembly.region)
    index = client.get("/motions/").content.decode()
    assert f'href="/units/{assembly.region.pk}/received-motions/"' in index
    other = table(title="Other")
    do_withdraw_motion(other, acting_user=assembly.mover.user)
    response = client.get(f"/motions/{other.pk}/rule/", follow=True)
    assert "it can be ruled on only before it is put to the vote" in response.content.decode()


def test_a_forwarded_motion_is_visible_to_the_receiving_units_officers(
    assembly: Any, table: Any, outsider: Any
) -> None:
    from factories import OfficeHoldingFactory, PostFactory

    # A regional treasurer: an office in the region, but not one that runs the CLP's meetings.
    regional = OfficeHoldingFactory(post=PostFactory(unit=assembly.region, slug="treasurer"))
    regional.member.user = UserFactory(email="region.treasurer@example.org")
    regional.member.save(update_fields=["user"])
    motion = table()
    regional_client = client_for(regional.member.user)
    assert regional_client.get(f"/motions/{motion.pk}/").status_code == 404  # may not see it
    Motion.objects.filter(pk=motion.pk).update(state="forwarded", forwarded_to=assembly.region)
    assert regional_client.get(f"/motions/{motion.pk}/").status_code == 200
    assert client_for(outsider.user).get(f"/motions/{motion.pk}/").status_code == 404
    page = regional_client.get(f"/units/{assembly.region.pk}/received-motions/").content.decode()
    assert motion.title in page


def test_members_see_that_a_proscribed_affiliation_cannot_take_effect(
    assembly: Any, table: Any, monkeypatch: Any
) -> None:
    import moot.units.queries as unit_queries
    from factories import OrganisationFactory

    lantern = OrganisationFactory(name="The Iron Lantern Network", slug="iron-lantern")
    # Proscribed after it was tabled (tabling one already proscribed is refused).
    with monkeypatch.context() as patch:
        patch.setattr(unit_queries, "proscription_of", lambda org, on=None: None)
        motion = table(title="Affiliate", text="This party affiliates.", affiliate_to=lantern)
    page = client_for(assembly.member.user).get(f"/motions/{motion.pk}/").content.decode()
    assert "If carried, this motion cannot take effect" in page
    assert "proscribed" in page
    assert "clause 1.5.2" in page


def test_the_chair_runs_a_show_of_hands_from_the_pages(
    assembly: Any, table: Any, check_in: Any
) -> None:
    check_in(assembly.meeting, 7)
    motion = table()
    chair = client_for(assembly.chair.user)
    chair.post(f"/motions/{motion.pk}/vote/", {"vote-voting": "show_of_hands"})
    motion.refresh_from_db()
    page = chair.get(f"/motions/{motion.pk}/").content.decode()
    assert "the tellers enter their counts there" in page
    counts = {
        f"option-{o.pk}": n for o, n in zip(motion.poll.options.all(), (4, 2, 1), strict=True)
    }
    assert chair.post(f"/polls/{motion.poll_id}/tellers/", counts).status_code == 302
    chair.post(f"/motions/{motion.pk}/vote/close/")
    page = chair.get(f"/motions/{motion.pk}/").content.decode()
    assert "<strong>Carried.</strong> 4 for, 2 against, 1 abstaining" in page
    assert "Outcome recorded" in page
    assert f"/polls/{motion.poll_id}/" in page
    minutes = minutes_section(assembly.meeting).paragraphs[0]
    assert "Vote: 4 for, 2 against, 1 abstaining (show of hands)" in minutes
