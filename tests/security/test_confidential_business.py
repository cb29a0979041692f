"""Insider tests for confidential business (docs/security.md, "Confidential business"; issue 9
item 1): a motion ruled not competent as concerning an individual disciplinary case names a
member and a complaint. Before, its full text reached every member on its page, in the API and
in the minutes PDF. Now members, other officers, national staff, the auditor and anonymous
visitors see only "A motion concerning an individual disciplinary matter was received and ruled
not competent (clause 15.6.1)."; the chair, the unit's secretary and complaints staff read it on
its page, and each read is in the audit log.

The walk fetches every page reachable from the home page and the meeting's pages, every GET of
the API's OpenAPI document with the ids of the records involved, the HTML the minutes PDF is
made from, the audit trail and the calendar file, and looks for the motion's distinctive words.
Run on SQLite and, with DATABASE_URL set, on PostgreSQL."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from accounts.world import World
from factories import MeetingFactory, MemberFactory
from moot.audit.models import AuditEvent

# Distinctive words of the confidential motion: none of them may reach anyone who may not read it.
SUBJECT = "Ottoline Vantongeren"
TITLE = f"Solidarity with {SUBJECT}"
TEXT = (
    f"This meeting expresses its confidence in {SUBJECT}, whose complaint reference "
    "QX-4471-Brackenfold is before the disputes panel.\n\n"
    "This meeting asks the general secretary to drop the complaint."
)
REASONS = f"The motion concerns the complaint against {SUBJECT} (QX-4471-Brackenfold)."
SECRETS = (SUBJECT, "Vantongeren", "QX-4471", "Brackenfold", "Zebediah", "Quillfeather", "Marisol")
SENTENCE = (
    "A motion concerning an individual disciplinary matter was received and ruled not "
    "competent (clause 15.6.1)."
)
STATUS_REASON = "Complaint 88: Hollowmere allotments dispute"
NEVER = ("anonymous", "member", "branch_secretary", "national_staff", "auditor", "outsider")
READERS = ("chair", "secretary", "complaints_staff")
MAX_PAGES = 250
REGISTER = re.compile(r"^/(api/)?members/")
PEOPLE_FREE = SECRETS[:4]
SKIP = re.compile(r"/(accounts/logout|static|media|admin)/|\.(pdf|svg|png|ico)$")


@pytest.fixture
def business(world: World) -> dict[str, Any]:
    return make_business(world)


def make_business(world: World) -> dict[str, Any]:
    """Riverside's meeting (in progress, the world's chair and secretary) with an ordinary
    motion and the confidential one on the agenda, the confidential one ruled not competent."""
    from moot.meetings.actions import do_add_agenda_item
    from moot.motions.actions import do_rule_on_motion, do_table_motion

    chair, secretary = world.members["chair"], world.members["secretary"]
    tabled_on = timezone.localdate() - datetime.timedelta(days=21)  # before the deadline
    meeting = MeetingFactory(
        in_progress=True,
        unit=world.riverside,
        title="Riverside general meeting",
        chair=chair,
        secretary=secretary,
        acting_user=secretary.user,
    )
    item = do_add_agenda_item(meeting, kind="motion", title="Motions", acting_user=secretary.user)
    mover = MemberFactory(
        constituency=world.riverside,
        branch=world.north,
        first_name="Zebediah",
        last_name="Quillfeather",
        with_account=True,
    )
    seconder = MemberFactory(
        constituency=world.riverside,
        first_name="Marisol",
        last_name="Penhallow",
        with_account=True,
    )
    plain = do_table_motion(
        meeting,
        title="Evening buses to the hospital",
        text="This meeting asks for buses.",
        mover=world.members["member"],
        seconder=world.members["branch_secretary"],
        agenda_item=item,
        tabled_on=tabled_on,
        acting_user=secretary.user,
    )
    confidential = do_table_motion(
        meeting,
        title=TITLE,
        text=TEXT,
        mover=mover,
        seconder=seconder,
        agenda_item=item,
        tabled_on=tabled_on,
        acting_user=secretary.user,
    )
    ruling = do_rule_on_motion(
        confidential,
        decision="not_competent",
        category="individual_disciplinary_case",
        reasons=REASONS,
        acting_user=chair.user,
    )
    # A member under a disciplinary process, refused at the door of the same meeting: their
    # suspension (and its reason) is for complaints staff, not for the other members.
    from moot.meetings.actions import do_check_in
    from moot.members.actions import do_change_member_status

    do_change_member_status(
        world.target,
        "suspended",
        timezone.localdate() - datetime.timedelta(days=3),
        reason=STATUS_REASON,
        reference="case:88",
        acting_user=world.users["complaints_staff"],
    )
    do_check_in(meeting, world.target, acting_user=secretary.user)
    return {
        "meeting": meeting,
        "item": item,
        "motion": confidential,
        "plain": plain,
        "ruling": ruling,
    }


def _client(world: World, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _walk(client: Client, seeds: list[str]) -> Iterator[tuple[str, str]]:
    """(url, body) of every page reachable from ``seeds`` by the links on the pages (GET only)."""
    seen: set[str] = set()
    queue = list(seeds)
    while queue and len(seen) < MAX_PAGES:
        url = urldefrag(queue.pop(0))[0]
        if url in seen or SKIP.search(urlsplit(url).path):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        body = _body(response)
        yield url, body
        if "html" in response.get("Content-Type", ""):
            for href in re.findall(r'href="(/[^"]*)"', body):
                queue.append(href.replace("&amp;", "&"))


def _api_urls(client: Client, ids: list[int]) -> list[str]:
    """Every GET of the API, each path parameter filled with each id of the records involved."""
    spec = client.get("/api/openapi.json").json()
    urls = []
    for path, operations in spec["paths"].items():
        if "get" not in operations:
            continue
        params = re.findall(r"{[^}]+}", path)
        if not params:
            urls.append(f"/api{path}" if not path.startswith("/api") else path)
            continue
        for pk in ids:
            filled = path
            for param in params:
                filled = filled.replace(param, str(pk))
            urls.append(filled if filled.startswith("/api") else f"/api{filled}")
    return urls


def _leaks(body: str, url: str = "") -> list[str]:
    """The distinctive words in ``body``; on the register's pages the mover's and seconder's
    names are simply members' names (which motion they moved is what must not show)."""
    secrets = PEOPLE_FREE if REGISTER.match(url) else SECRETS
    return [secret for secret in secrets if secret in body]


@pytest.mark.parametrize("role", NEVER)
def test_no_page_or_api_answer_shows_the_confidential_motion(
    world: World, business: dict[str, Any], role: str
) -> None:
    meeting, motion = business["meeting"], business["motion"]
    client = _client(world, role)
    seeds = [
        "/",
        "/motions/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/agenda/",
        f"/meetings/{meeting.pk}/projector/",
        f"/meetings/{meeting.pk}/motions/",
        f"/meetings/{meeting.pk}/meeting.ics",
        f"/motions/{motion.pk}/",
        f"/motions/{motion.pk}/amend/",
        f"/motions/{motion.pk}/rule/",
        f"/audit/?object=motions.motion:{motion.pk}",
        "/audit/",
    ]
    ids = sorted({meeting.pk, motion.pk, business["ruling"].pk, business["item"].pk})
    leaks = {url: _leaks(body, url) for url, body in _walk(client, seeds) if _leaks(body, url)}
    if role != "anonymous":
        for url in [f"/api/motions/?meeting={meeting.pk}", *_api_urls(client, ids)]:
            body = _body(client.get(url))
            if _leaks(body, url):
                leaks[url] = _leaks(body, url)
    assert not leaks, f"{role} read the confidential motion at: {leaks}"
    # Nor a member's disciplinary standing: its reason to nobody here, the standing itself not
    # to other members or outsiders.
    surname = world.target.last_name
    for url, body in _walk(client, seeds):
        assert "Hollowmere" not in body, (role, url)
        if role in ("member", "outsider", "anonymous") and surname in body:
            assert not re.search(r"suspen|expel", body, re.IGNORECASE), (role, url)
    if role in ("member", "branch_secretary"):
        page = client.get(f"/motions/{motion.pk}/").content.decode()
        assert SENTENCE.removesuffix(" (clause 15.6.1).") in page
        assert 'href="/rulebook/#clause-15.6.1"' in page  # the clause links to its text
        data = client.get(f"/api/motions/{motion.pk}").json()
        assert data["title"] == SENTENCE
        assert (data["mover"], data["seconder"], data["lines"]) == (None, None, [])
    assert not AuditEvent.objects.filter(verb="motions.read_confidential").exists()


@pytest.mark.parametrize("role", READERS)
def test_the_chair_secretary_and_complaints_staff_read_it_and_each_read_is_logged(
    world: World, business: dict[str, Any], role: str
) -> None:
    motion = business["motion"]
    client = _client(world, role)
    page = client.get(f"/motions/{motion.pk}/").content.decode()
    for words in (SUBJECT, "QX-4471-Brackenfold", "Quillfeather", "Penhallow"):
        assert words in page
    assert "this read is recorded" in page
    data = client.get(f"/api/motions/{motion.pk}").json()
    assert (data["title"], data["text"]) == (TITLE, TEXT)
    reads = AuditEvent.objects.filter(verb="motions.read_confidential", object_id=str(motion.pk))
    assert list(reads.values_list("actor_id", flat=True)) == [world.users[role].pk] * 2
    # The event names the motion by its public sentence only.
    assert not any(_leaks(f"{e.object_repr} {e.before} {e.after} {e.reason}") for e in reads)
    # Lists show even them the sentence: the one place the text is read is where it is logged
    # (complaints staff see no list: the meeting's other business is not theirs).
    listing = client.get(f"/meetings/{business['meeting'].pk}/motions/")
    assert listing.status_code == (404 if role == "complaints_staff" else 200)
    assert not _leaks(listing.content.decode())
    if role != "complaints_staff":
        assert "individual disciplinary matter" in listing.content.decode()


def test_the_minutes_and_their_pdf_say_only_the_sentence(
    world: World, business: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Drafted after the meeting, the minutes (page, PDF) carry the sentence, for every
    reader, the chair included: minutes are the meeting's public record."""
    import weasyprint

    from moot.meetings.actions import do_close_meeting, do_draft_minutes

    meeting = business["meeting"]
    chair = world.users["chair"]
    do_close_meeting(meeting, acting_user=chair)
    do_draft_minutes(meeting, acting_user=world.users["secretary"])
    made_from: list[str] = []
    real = weasyprint.HTML

    def capture(*args: Any, **kwargs: Any) -> Any:
        made_from.append(kwargs.get("string", ""))
        return real(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "HTML", capture)
    for role in ("member", "chair", "auditor"):
        client = _client(world, role)
        page = client.get(f"/meetings/{meeting.pk}/minutes/")
        if role == "auditor" and page.status_code == 404:
            continue
        html = page.content.decode()
        assert page.status_code == 200, role
        assert not _leaks(html), role
        assert "individual disciplinary matter" in html
        assert 'href="/rulebook/#clause-15.6.1"' in html  # the minutes' clauses link to the rule
        pdf = client.get(f"/meetings/{meeting.pk}/minutes.pdf")
        assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
        assert made_from
        assert not _leaks(made_from[-1]), role
        assert "individual disciplinary matter" in made_from[-1]
        assert "Evening buses to the hospital" in made_from[-1]  # the ordinary motion is there


def test_a_withheld_copy_cannot_be_saved_over_the_record(business: dict[str, Any]) -> None:
    from moot.motions.confidential import withhold
    from moot.motions.models import Motion

    copy = withhold(Motion.objects.get(pk=business["motion"].pk))
    assert copy.title == SENTENCE
    with pytest.raises(RuntimeError, match="withheld"):
        copy.save()
    assert Motion.objects.get(pk=copy.pk).title == TITLE


def test_a_confidential_ruling_cannot_be_challenged_and_stays_withheld(
    world: World, business: dict[str, Any]
) -> None:
    """Before, the meeting could overturn the chair's ruling (national staff entered the
    tellers' counts) and that cleared ``withheld_as``: the title, text, mover and reasons went
    to every member. Now a ruling out under a confidential category is not open to a challenge
    (the action, the API, the page says why), and nothing clears ``withheld_as``."""
    from moot.meetings.actions import do_check_in
    from moot.motions.actions import MotionError, do_challenge_ruling, do_rule_on_motion
    from moot.motions.models import Motion, Ruling

    for _ in range(6):  # a quorum, so that the meeting could vote
        do_check_in(
            business["meeting"], MemberFactory(constituency=world.riverside), acting_user=None
        )
    ruling, motion = business["ruling"], business["motion"]
    with pytest.raises(MotionError, match="complaints process") as refused:
        do_challenge_ruling(ruling, acting_user=world.users["chair"])
    assert "15.6.1" in refused.value.message
    chair = _client(world, "chair")
    response = chair.post(
        f"/api/motions/rulings/{ruling.pk}/challenge",
        {"voting": "show_of_hands"},
        content_type="application/json",
    )
    assert response.status_code == 409, response.content
    assert "complaints process" in response.json()["detail"]
    page = chair.get(f"/motions/{motion.pk}/").content.decode()
    assert "complaints process" in page
    assert f"/motions/rulings/{ruling.pk}/challenge/" not in page
    # Neither a later ruling nor a direct save clears it.
    with pytest.raises(MotionError):
        do_rule_on_motion(
            motion,
            decision="competent",
            reasons="Let the meeting take it.",
            clause="15.6.1",
            acting_user=world.users["chair"],
        )
    record = Motion.objects.get(pk=motion.pk)
    record.withheld_as = ""
    with pytest.raises(RuntimeError, match="cannot be cleared"):
        record.save()
    Motion.objects.get(pk=motion.pk).save()  # saving it as it is still works
    assert Ruling.objects.get(pk=ruling.pk).challenge == ""
    assert Motion.objects.get(pk=motion.pk).withheld_as == SENTENCE
    member = _client(world, "member")
    for url in (f"/motions/{motion.pk}/", f"/api/motions/{motion.pk}"):
        body = _body(member.get(url))
        assert not _leaks(body), url
