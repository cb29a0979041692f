"""The whole AGM in a real browser (issue 4, items 6 and 10): the chair at a desk and a member on
a phone, in two browser contexts, with axe (WCAG 2.2 A/AA) on every page either of them visits.

The demo organisation (Riverside & Hollow CLP, 2,000 members) is seeded into the live server's
database; tonight's AGM is built on it through the real actions (notice 30 days ago, an agenda
with motions and an officer election, 100 eligible members checked in so that the meeting is
quorate, two motions tabled, two candidates nominated who consented). The first test does not
use the demo's own AGM (``moot.demo.agm``), which has already ruled on its motions;
here the chair does that live:

chair signs in → opens the meeting → checks the member in by name → the quorum panel shows the
figures → takes the motions item → rules the disciplinary motion not competent (category,
clause, reasons) → opens an electronic secret vote on the affiliation motion → the member votes
on the phone → the chair closes it: carried → the member's screen follows the chair to the
election item → the chair opens the election → the member ranks the candidates → the chair
closes it and reads the counts → declares → closes the meeting → drafts the minutes → the PDF
downloads. The projector is checked on the way.

The second test walks the demo AGM itself, as `moot demo` seeds it: the member checks in with
the meeting code, the chair's election is opened, voted, declared, and the figures in the
minutes are compared with the attendance register and the ballots.
"""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
PRESENT = 100  # eligible members checked in before the chair arrives (the quorum is 78)
AFFILIATE_TO = "clean-rivers-now"
OTHER_BALLOTS = 6  # ballots cast by members in the room besides the one on the phone


def tonight() -> datetime.datetime:
    """Today, 19:00 local time (the meeting opens on its day only)."""
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(19)))


def build_agm(org: Any) -> dict[str, Any]:
    """Tonight's AGM of Riverside & Hollow CLP, through the actions, ready for the chair."""
    from factories import UserFactory
    from moot.elections.actions import do_answer_nomination, do_create_election, do_nominate
    from moot.meetings.actions import do_add_agenda_item, do_check_in, do_create_meeting
    from moot.members.models import Member
    from moot.members.queries import eligible_member_ids
    from moot.motions.actions import do_table_motion
    from moot.units.models import Post

    today = timezone.localdate()
    secretary = org.accounts["secretary"]
    chair_member = org.members["chair"]
    member = org.members["member"]
    meeting = do_create_meeting(
        unit=org.riverside,
        kind="agm",
        title=f"Annual general meeting {today.year}",
        starts_at=tonight(),
        location="Hollow Community Hall, 4 Weir Lane",
        chair=chair_member,
        secretary=org.members["secretary"],
        notice_sent_on=today - datetime.timedelta(days=30),
        acting_user=secretary,
    )
    items = {
        kind: do_add_agenda_item(meeting, kind=kind, title=title, acting_user=secretary)
        for kind, title in (
            ("apologies", "Apologies for absence"),
            ("motion", "Motions"),
            ("election", "Election of officers"),
            ("any_other_business", "Any other business"),
        )
    }

    # A quorate room, without the member who arrives on the phone.
    officers = {m.pk for m in org.members.values()}
    eligible = sorted(eligible_member_ids(org.riverside, "meeting", at=today) - officers)
    may_stand = eligible_member_ids(org.riverside, "stand", at=today)
    rng = random.Random(4)
    present = list(
        Member.objects.filter(pk__in=rng.sample(eligible, PRESENT)).order_by("search_name")
    )
    for person in [chair_member, org.members["secretary"], *present]:
        do_check_in(meeting, person, acting_user=secretary)
    assert member.pk not in {p.pk for p in present}

    # Motions, tabled three weeks ago (before the rulebook's deadline).
    tabled_on = today - datetime.timedelta(days=21)
    a, b, c, d = present[:4]
    group = org.organisations[AFFILIATE_TO]
    affiliation = do_table_motion(
        meeting,
        title=f"Affiliation to {group.name}",
        text=(
            f"This party notes the work of {group.name} to stop sewage discharges into the "
            f"River Hollow.\n\nThis party resolves to affiliate to {group.name}."
        ),
        mover=a,
        seconder=b,
        affiliate_to=group,
        agenda_item=items["motion"],
        tabled_on=tabled_on,
        acting_user=secretary,
    )
    named = (
        Member.objects.filter(constituency=org.riverside, status="suspended")
        .order_by("number")
        .first()
    )
    disciplinary = do_table_motion(
        meeting,
        title=f"Support for {named.full_name}",
        text=(
            f"This meeting expresses its confidence in {named.full_name}.\n\n"
            f"This meeting calls on the national executive to drop the complaint against "
            f"{named.full_name}."
        ),
        mover=c,
        seconder=d,
        agenda_item=items["motion"],
        tabled_on=tabled_on,
        acting_user=secretary,
    )

    # The election of the chair: two candidates with accounts, nominated and consenting.
    officer_user = org.accounts["secretary"]
    election = do_create_election(
        post=Post.objects.get(unit=org.riverside, slug="chair"),
        meeting=meeting,
        agenda_item=items["election"],
        method="irv",
        nominations_open_on=today - datetime.timedelta(days=40),
        nominations_close_on=today - datetime.timedelta(days=15),
        acting_user=officer_user,
    )
    # Women, so that either result keeps the officers' balance the rulebook asks for (a man
    # replacing the outgoing chair could leave the seat vacant: tested in tests/elections).
    standing = [p for p in present[4:10] if p.pk in may_stand]
    candidates = [
        p for p in present[10 + OTHER_BALLOTS :] if p.pk in may_stand and p.gender == "woman"
    ][:2]
    nominators = standing[:2]
    for candidate in candidates:
        candidate.user = UserFactory(email=f"{candidate.number.lower()}@members.example.org")
        candidate.save(update_fields=["user"])
        nomination = do_nominate(
            election,
            nominee=candidate,
            nominator=nominators[0],
            seconder=nominators[1],
            on=today - datetime.timedelta(days=20),
            acting_user=officer_user,
        )
        do_answer_nomination(
            nomination,
            accept=True,
            statement=f"{candidate.first_name} has organised the Hollow ward for six years.",
            acting_user=candidate.user,
        )
    return {
        "meeting": meeting,
        "items": items,
        "affiliation": affiliation,
        "disciplinary": disciplinary,
        "election": election,
        "candidates": candidates,
        "voters": present[10 : 10 + OTHER_BALLOTS],
    }


@pytest.fixture
def turns(live_server_turns: Callable[[], Any]) -> Callable[[], Any]:
    """``with turns():`` around the test's own database work while pages are open (see
    ``live_server_turns`` in tests/conftest.py: on in-memory SQLite, requests take turns)."""
    return live_server_turns


def phone_page(browser: Any) -> Any:
    from browser.conftest import record_console_error

    context = browser.new_context(
        viewport=PHONE, locale="en-GB", is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: record_console_error(page.console_errors, m))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    return page


def cast_for(voters: list[Any], poll: Any, choices: list[Any]) -> None:
    """Ballots of other members in the room (their phones are not under test)."""
    from moot.polls.actions import do_cast_ballot

    for voter, choice in zip(voters, choices, strict=True):
        do_cast_ballot(poll, voter, choice, acting_user=voter.user)


def take_item(chair: Any, title: str) -> None:
    """The chair's "Take this item" button for the agenda item ``title`` (its accessible name
    ends with the title, from visually hidden text)."""
    name = re.compile(rf"^Take this item\W+{re.escape(title)}$")
    chair.get_by_role("button", name=name).click()
    now = re.compile(rf"Now: \d+\. {re.escape(title)}")
    expect(chair.locator(".messages")).to_contain_text(now)


def give_accounts(voters: list[Any]) -> None:
    from factories import UserFactory

    for voter in voters:
        if voter.user_id is None:
            voter.user = UserFactory(email=f"{voter.number.lower()}@members.example.org")
            voter.save(update_fields=["user"])


def test_the_agm_from_check_in_to_minutes(
    live_server: Any, demo: Any, page: Any, axe: Any, turns: Callable[[], Any]
) -> None:
    from moot.demo.seed import DEMO_PASSWORD
    from moot.meetings.queries import quorum_state
    from moot.motions.models import Motion
    from moot.polls.models import Participation, SecretBallot

    agm = build_agm(demo)
    meeting = agm["meeting"]
    member = demo.members["member"]
    give_accounts(agm["voters"])
    base = live_server.url
    chair = page

    # The chair signs in at the desk and opens the meeting from the console.
    sign_in(chair, base, "chair@example.org", DEMO_PASSWORD)
    chair.goto(f"{base}/meetings/{meeting.pk}/chair/")
    expect(chair.get_by_role("heading", name="Chair's console")).to_be_visible()
    axe.check(chair, "chair's console before the start")
    chair.get_by_role("button", name="Open the meeting").click()
    expect(chair.locator(".messages")).to_contain_text("The meeting is open")

    # The member arrives; the chair checks them in by name at the door.
    chair.goto(f"{base}/meetings/{meeting.pk}/check-in/")
    chair.get_by_label("Name or member number").fill(f"{member.first_name} {member.last_name}")
    results = chair.locator("#check-in-results")
    button = results.get_by_role("button", name=f"Check in {member}", exact=True)
    expect(button).to_be_visible()
    axe.check(chair, "check-in search results")
    button.click()
    expect(chair.locator(".messages")).to_contain_text(f"{member} is checked in and may vote")
    with turns():
        quorum = quorum_state(meeting)
    assert quorum.present_eligible == PRESENT + 3  # the room, chair and secretary, the member
    panel = chair.locator("#quorum-panel")
    expect(panel.locator(".quorum__figure")).to_contain_text(
        f"{quorum.present_eligible} eligible members present of {quorum.required} required"
    )
    expect(panel).to_contain_text("Quorate")
    expect(panel).to_contain_text(f"clause {quorum.clause}")
    axe.check(chair, "check-in after a check-in")

    # The member follows the meeting on the phone.
    phone = phone_page(chair.context.browser)
    sign_in(phone, base, "member@example.org", DEMO_PASSWORD)
    phone.goto(f"{base}/meetings/{meeting.pk}/")
    live = phone.locator("#live")
    expect(live).to_contain_text("the chair has not taken an item yet")
    axe.check(phone, "meeting page on the phone (open, no item)")

    # The chair takes the motions item; the phone follows within a refresh.
    chair.goto(f"{base}/meetings/{meeting.pk}/chair/")
    take_item(chair, "Motions")
    expect(live.locator(".current-item__title")).to_contain_text("Motions", timeout=15_000)
    axe.check(chair, "chair's console (motions)")

    # The disciplinary motion: ruled not competent, with the category, clause and reasons.
    disciplinary = agm["disciplinary"]
    chair.goto(f"{base}/motions/{disciplinary.pk}/")
    # The chair alone is told that the motion names someone under a disciplinary process.
    flag = chair.get_by_role("region", name="For the chair only")
    expect(flag).to_contain_text("not competent")
    axe.check(chair, "motion page (disciplinary, with the chair's flag)")
    # The member sees neither the flag nor the motion: it names a member suspended pending
    # investigation, so it is held until the chair rules (issue 9 item 1).
    phone.goto(f"{base}/motions/{disciplinary.pk}/")
    expect(phone.get_by_role("heading", level=1)).not_to_contain_text(disciplinary.title)
    expect(phone.locator("main")).to_contain_text("awaiting the chair's ruling on competence")
    expect(phone.locator("main")).not_to_contain_text(disciplinary.title)
    expect(phone.locator(".chair-only")).to_have_count(0)
    axe.check(phone, "motion page on the phone (no flag)")
    phone.goto(f"{base}/meetings/{meeting.pk}/")
    chair.get_by_role("link", name="Rule on competence").click()
    axe.check(chair, "ruling form")
    category = chair.get_by_label("Category of business that is not competent")
    chair.get_by_label("not competent", exact=True).check()
    category.select_option("individual_disciplinary_case")
    # A ruling without reasons is refused, saying what is missing; nothing is recorded.
    chair.locator("form.stacked").get_by_role("button").click()
    expect(chair.locator("main")).to_contain_text("A ruling needs written reasons")
    with turns():
        assert not disciplinary.rulings.exists()
    axe.check(chair, "ruling refused without reasons")
    chair.get_by_label("not competent", exact=True).check()
    category.select_option("individual_disciplinary_case")
    reasons = (
        "The motion asks this meeting to take a view on a complaint about one named member; "
        "individual disciplinary cases are for the national disciplinary process alone."
    )
    chair.get_by_label("Reasons").fill(reasons)
    chair.locator("form.stacked").get_by_role("button").click()
    expect(chair.get_by_role("heading", level=1)).to_contain_text(disciplinary.title)
    rulings = chair.locator("section[aria-labelledby=rulings-heading]")
    expect(rulings).to_contain_text("Ruled not competent")
    expect(rulings.locator(".clause").first).to_contain_text("clause")
    expect(rulings).to_contain_text(reasons)
    with turns():
        disciplinary.refresh_from_db()
    assert disciplinary.state == "not_competent"
    axe.check(chair, "motion ruled not competent")

    # The affiliation motion: an electronic secret vote.
    affiliation = agm["affiliation"]
    chair.goto(f"{base}/motions/{affiliation.pk}/")
    chair.get_by_label("Electronic vote on members' phones").check()
    expect(chair.get_by_label("Secret ballot (electronic votes only)")).to_be_checked()
    chair.get_by_role("button", name="Put the motion to the vote").click()
    expect(chair.locator("section[aria-labelledby=vote-heading]")).to_contain_text(
        "the result is hidden until the vote closes"
    )
    axe.check(chair, "motion with the vote open")
    with turns():
        affiliation = Motion.objects.select_related("poll").get(pk=affiliation.pk)
    poll = affiliation.poll
    assert poll.is_open
    assert poll.secret
    assert poll.meeting_id == meeting.pk

    # The member votes on the phone from the meeting page's link.
    vote_link = live.get_by_role("link", name=re.compile(r"^Vote now")).first
    expect(vote_link).to_be_visible(timeout=15_000)
    axe.check(phone, "meeting page on the phone (vote open)")
    vote_link.click()
    expect(phone.get_by_role("group", name=f"Your vote on: {poll.title}")).to_be_visible()
    axe.check(phone, "motion ballot on the phone")
    phone.get_by_label("Yes", exact=True).check()
    phone.get_by_role("button", name="Cast my vote").click()
    expect(phone.get_by_role("heading", name="Your vote has been recorded")).to_be_visible()
    axe.check(phone, "vote recorded (motion)")
    phone.go_back()  # a second vote from the same phone is not offered, and would be refused
    phone.reload()
    expect(phone.locator("main")).to_contain_text("You have voted in this poll")
    with turns():
        assert Participation.objects.filter(poll=poll, member=member).count() == 1
        assert SecretBallot.objects.filter(poll=poll).count() == 1
        yes, no = (poll.options.get(code=code).pk for code in ("yes", "no"))
        cast_for(agm["voters"], poll, [yes, yes, yes, no, yes, no])

    # The chair closes the vote: carried (5 for, 2 against), and the affiliation is made.
    chair.reload()
    chair.get_by_role("link", name="Close the vote and record the outcome").click()
    axe.check(chair, "confirm closing the vote")
    chair.get_by_role("button", name="Close the poll and count").click()
    vote = chair.locator("section[aria-labelledby=vote-heading]")
    expect(vote).to_contain_text("Carried.")
    with turns():
        affiliation.refresh_from_db()
    assert affiliation.state == "carried", affiliation.outcome_text
    assert affiliation.affiliation_id is not None
    axe.check(chair, "motion carried")
    chair.get_by_role("link", name="The vote and its count").click()
    expect(chair.get_by_role("heading", name="Result")).to_be_visible()
    axe.check(chair, "motion vote result")

    # The chair moves to the election; the phone shows the current item.
    chair.goto(f"{base}/meetings/{meeting.pk}/chair/")
    take_item(chair, "Election of officers")
    phone.goto(f"{base}/meetings/{meeting.pk}/")
    live = phone.locator("#live")
    expect(live.locator(".current-item__title")).to_contain_text("Election of officers")

    # The election: opened by the chair, ranked on the phone, closed, counted, declared.
    election = agm["election"]
    chair.goto(f"{base}/elections/{election.pk}/")
    axe.check(chair, "election before the vote")
    chair.get_by_role("button", name="Close nominations and open the vote").click()
    expect(chair.get_by_role("link", name="Close the vote and count")).to_be_visible()
    axe.check(chair, "election with the vote open")
    with turns():
        election.refresh_from_db()
        ballot = election.poll
        first, second = (c.label for c in election.nominations.order_by("pk"))
    vote_link = live.get_by_role("link", name=re.compile(r"^Vote now")).first
    expect(vote_link).to_be_visible(timeout=15_000)
    vote_link.click()
    if "/polls/" not in phone.url:  # the election's candidates page leads to the ballot
        axe.check(phone, "candidates on the phone")
        phone.get_by_role("link", name="Go to the ballot").click()
    expect(phone.get_by_role("group", name="Rank the candidates")).to_be_visible()
    axe.check(phone, "ranked ballot on the phone")
    phone.get_by_label(second).select_option("1")
    phone.get_by_label(first).select_option("2")
    phone.get_by_role("button", name="Cast my vote").click()
    expect(phone.get_by_role("heading", name="Your vote has been recorded")).to_be_visible()
    axe.check(phone, "vote recorded (election)")
    with turns():
        options = {o.label: o.pk for o in ballot.options.all()}
        cast_for(
            agm["voters"],
            ballot,
            [[options[first]]] * 2 + [[options[second], options[first]]] * 4,
        )
        assert SecretBallot.objects.filter(poll=ballot).count() == OTHER_BALLOTS + 1
    phone.get_by_role("link", name="Back to the meeting").click()
    expect(phone.locator("#live .current-item__title")).to_contain_text("Election of officers")

    chair.reload()
    chair.get_by_role("link", name="Close the vote and count").click()
    axe.check(chair, "confirm closing the election's vote")
    chair.get_by_role("button", name="Close the vote and count").click()
    result = chair.locator("#result")
    expect(result).to_be_visible()
    expect(result).to_contain_text(second)
    expect(result).to_contain_text("5")  # the winner's first preferences: 4 + the phone's
    axe.check(chair, "election counted")
    chair.get_by_role("link", name="Declare the result").click()
    axe.check(chair, "confirm declaring the result")
    chair.get_by_role("button", name="Declare the result").click()
    declaration = chair.locator("#declaration")
    expect(declaration.locator(".outcome")).to_contain_text(f"Elected: {second}")
    axe.check(chair, "election declared")

    # The projector, then the end of the meeting and its minutes.
    chair.goto(f"{base}/meetings/{meeting.pk}/projector/")
    expect(chair.locator("body")).to_contain_text("Election of officers")
    axe.check(chair, "projector")
    chair.goto(f"{base}/meetings/{meeting.pk}/chair/")
    chair.get_by_role("link", name="Adjourn or close the meeting").click()
    axe.check(chair, "end the meeting: unfinished business, adjourn or close")
    chair.get_by_role("button", name="Close the meeting").click()
    expect(chair.locator(".messages")).to_contain_text("The meeting is closed")
    chair.goto(f"{base}/meetings/{meeting.pk}/minutes/")
    chair.get_by_role("button", name="Draft the minutes from the records").click()
    minutes = chair.locator("main")
    expect(minutes).to_contain_text("not competent")
    # Confidential business: the minutes record the sentence and the clause, never the motion's
    # title, text or the ruling's reasons (which describe the case).
    expect(minutes).to_contain_text("individual disciplinary matter")
    expect(minutes).not_to_contain_text(disciplinary.title)
    expect(minutes).not_to_contain_text(reasons)
    expect(minutes).to_contain_text(f"Affiliation to {demo.organisations[AFFILIATE_TO].name}")
    expect(minutes).to_contain_text(f"Declared elected: {second}")
    axe.check(chair, "minutes (draft)")
    pdf_href = chair.get_by_role("link", name="Download as PDF").get_attribute("href")
    response = chair.context.request.get(f"{base}{pdf_href}")
    assert response.status == 200, response.status
    assert response.body().startswith(b"%PDF"), response.body()[:40]

    # The member's phone shows the meeting closed.
    phone.goto(f"{base}/meetings/{meeting.pk}/")
    expect(phone.locator("#live")).to_contain_text("The meeting closed at")
    axe.check(phone, "meeting page on the phone (closed)")

    axe.assert_clean()
    assert chair.console_errors == [], chair.console_errors
    assert phone.console_errors == [], phone.console_errors
    phone.context.close()


def test_the_demo_agm_from_the_code_to_the_minutes(
    live_server: Any, demo: Any, page: Any, axe: Any, turns: Callable[[], Any]
) -> None:
    """The issue's "Done when" walk on the demo AGM itself (``moot.demo.agm``, as `moot demo`
    seeds it): the member checks in on the phone with the meeting code, the chair opens the
    meeting, takes the elections' item and — a candidate for chair, refused the vote's opening —
    hands the chair to the vice-chair, who opens the contested election of the chair; the member
    votes; the vice-chair closes and declares and hands the chair back; the chair closes the
    meeting, and every figure in the drafted minutes is the one in the
    records (attendance register, ballots)."""
    from moot.demo.agm import seed_agm
    from moot.demo.seed import DEMO_PASSWORD
    from moot.elections.models import Election
    from moot.meetings.models import Attendance
    from moot.polls.models import Participation, SecretBallot

    meeting = seed_agm(demo)
    member = demo.members["member"]
    election = Election.objects.get(meeting=meeting, post__slug="chair")
    base = live_server.url
    chair = page

    # The member types in the code shown in the room (here: the QR code's link fills it in).
    phone = phone_page(chair.context.browser)
    sign_in(phone, base, "member@example.org", DEMO_PASSWORD)
    phone.goto(f"{base}/meetings/{meeting.pk}/join/?code={meeting.check_in_code}")
    axe.check(phone, "demo: self check-in with the code (phone)")
    phone.get_by_role("button", name="Check me in").click()
    expect(phone.locator("main")).to_contain_text("You are checked in and may vote")
    axe.check(phone, "demo: meeting page after check-in (phone)")

    sign_in(chair, base, "chair@example.org", DEMO_PASSWORD)
    chair.goto(f"{base}/meetings/{meeting.pk}/chair/")
    chair.get_by_role("button", name="Open the meeting").click()
    take_item(chair, "Election of officers")
    axe.check(chair, "demo: chair's console (elections)")
    # The demo chair stands for chair: her election's page says she cannot open, close or
    # declare it (no button), and the console asks her to hand the chair over; the vice-chair
    # (prefilled) takes it.
    chair.goto(f"{base}/elections/{election.pk}/")
    expect(chair.locator("#you-stand")).to_contain_text("You are a candidate in this election")
    expect(chair.get_by_role("button", name="Close nominations and open the vote")).to_have_count(0)
    chair.goto(f"{base}/meetings/{meeting.pk}/chair/")
    chair.get_by_role("link", name="Hand over the chair").click()
    axe.check(chair, "demo: hand over the chair")
    chair.get_by_role("button", name="Hand over the chair").click()
    expect(chair.locator(".messages")).to_contain_text("has the chair for this item")

    # The vice-chair, at another desk, opens, closes and declares.
    desk = phone_page(chair.context.browser)  # a second sign-in (a phone-sized one will do)
    sign_in(desk, base, "vice-chair@example.org", DEMO_PASSWORD)
    desk.goto(f"{base}/elections/{election.pk}/")
    desk.get_by_role("button", name="Close nominations and open the vote").click()
    expect(desk.get_by_role("link", name="Close the vote and count")).to_be_visible()

    phone.goto(f"{base}/meetings/{meeting.pk}/")
    live = phone.locator("#live")
    expect(live.locator(".current-item__title")).to_contain_text("Election of officers")
    live.get_by_role("link", name=re.compile(r"^Vote now")).first.click()
    if "/polls/" not in phone.url:
        phone.get_by_role("link", name="Go to the ballot").click()
    ballot = phone.get_by_role("group", name="Choose one")
    expect(ballot).to_be_visible()
    axe.check(phone, "demo: ballot for the chair (phone)")
    ballot.get_by_role("radio").first.check()
    phone.get_by_role("button", name="Cast my vote").click()
    expect(phone.get_by_role("heading", name="Your vote has been recorded")).to_be_visible()

    desk.reload()
    desk.get_by_role("link", name="Close the vote and count").click()
    desk.get_by_role("button", name="Close the vote and count").click()
    expect(desk.locator("#result")).to_contain_text("1 vote")
    desk.get_by_role("link", name="Declare the result").click()
    desk.get_by_role("button", name="Declare the result").click()
    expect(desk.locator("#declaration .outcome")).to_contain_text("Elected:")
    axe.check(desk, "demo: chair's election declared")
    # The item's business that the chair stood in is over: the chair is handed back.
    desk.goto(f"{base}/meetings/{meeting.pk}/chair/")
    desk.get_by_role("button", name=re.compile(r"^Hand the chair back")).click()
    assert desk.console_errors == [], desk.console_errors
    desk.context.close()

    chair.goto(f"{base}/meetings/{meeting.pk}/chair/")
    chair.get_by_role("link", name="Adjourn or close the meeting").click()
    chair.get_by_role("button", name="Close the meeting").click()
    chair.goto(f"{base}/meetings/{meeting.pk}/minutes/")
    chair.get_by_role("button", name="Draft the minutes from the records").click()
    minutes = chair.locator("main")
    expect(minutes).to_contain_text("Minutes drafted from the records")
    # Every figure is the one in the records.
    with turns():
        rows = Attendance.objects.filter(meeting=meeting)
        voters = rows.filter(capacity="voter", eligible=True).count()
        refused = rows.filter(capacity="voter", eligible=False).count()
        poll = Election.objects.get(pk=election.pk).poll
        cast = SecretBallot.objects.filter(poll=poll).count()
        assert cast == Participation.objects.filter(poll=poll).count() == 1
        assert Participation.objects.filter(poll=poll, member=member).exists()
    assert refused >= 1  # the demo turns some away at the door, with the rulebook's reasons
    expect(minutes).to_contain_text(f"{voters:,} members checked in as eligible voters")
    expect(minutes).to_contain_text(f"{refused} members were refused a vote")
    expect(minutes).to_contain_text(f"{cast} ballot")
    axe.check(chair, "demo: minutes")
    pdf = chair.context.request.get(f"{base}/meetings/{meeting.pk}/minutes.pdf")
    assert pdf.status == 200, pdf.status
    assert pdf.body().startswith(b"%PDF")

    axe.assert_clean()
    assert chair.console_errors == [], chair.console_errors
    assert phone.console_errors == [], phone.console_errors
    phone.context.close()
