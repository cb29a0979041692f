"""The definition and officers pages: the list, calling a ballot from a preset, the public
page, the console's sections, editing the definition (a refusal shown with its field, nothing
written) and appointing officers; without JavaScript (plain forms)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from factories import CandidateFactory, UserFactory
from moot.audit.models import AuditEvent
from moot.ballots.console import STAGES
from moot.ballots.models import Ballot, BallotState, BallotVersion, Teller

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_is_public_and_offers_calling_to_callers(world, national_ballot):
    page = Client().get(reverse("ballots:index"))
    assert page.status_code == 200
    assert national_ballot.title in page.content.decode()
    assert reverse("ballots:new") not in page.content.decode()
    page = signed_in(world.users["national_staff"]).get(reverse("ballots:index"))
    assert reverse("ballots:new") in page.content.decode()


def test_calling_a_ballot_from_the_page(world):
    client = signed_in(world.users["secretary"])
    page = client.get(reverse("ballots:new"))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"{world.riverside.pk}:constituency_question" in text
    assert "national_executive" not in text  # the secretary may not call a national ballot
    response = client.post(
        reverse("ballots:new"),
        {
            "choice": f"{world.riverside.pk}:constituency_officer",
            "title": "Chair by ballot",
            "position": "Chair",
        },
    )
    ballot = Ballot.objects.get()
    assert ballot.position == "Chair"
    assert response.status_code == 302
    assert response["Location"] == reverse("ballots:definition", args=[ballot.pk])
    assert (ballot.title, ballot.unit, ballot.kind) == (
        "Chair by ballot",
        world.riverside,
        "election",
    )


def test_calling_a_question_from_the_page(world):
    client = signed_in(world.users["secretary"])
    choice = f"{world.riverside.pk}:constituency_question"
    refused = client.post(reverse("ballots:new"), {"choice": choice})
    assert refused.status_code == 422
    assert "Write the question put to the members." in refused.content.decode()
    assert not Ballot.objects.exists()
    response = client.post(
        reverse("ballots:new"), {"choice": choice, "question": "Should we meet online?"}
    )
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert (ballot.kind, ballot.question) == ("question", "Should we meet online?")


def test_an_officer_ballot_without_a_position_is_refused_on_the_form(world):
    client = signed_in(world.users["secretary"])
    response = client.post(
        reverse("ballots:new"), {"choice": f"{world.riverside.pk}:constituency_officer"}
    )
    assert response.status_code == 422
    assert "Name the position elected." in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_member_may_not_call_a_ballot(world):
    client = signed_in(world.users["member"])
    assert client.get(reverse("ballots:new")).status_code == 403
    response = client.post(
        reverse("ballots:new"), {"choice": f"{world.riverside.pk}:constituency_question"}
    )
    assert response.status_code == 403
    assert not Ballot.objects.exists()


def test_a_forged_choice_of_another_unit_writes_nothing(world):
    client = signed_in(world.users["secretary"])
    response = client.post(
        reverse("ballots:new"), {"choice": f"{world.elsewhere.pk}:constituency_question"}
    )
    assert response.status_code == 200  # not one of the form's choices
    assert "Select a valid choice" in response.content.decode()
    assert not Ballot.objects.exists()


def test_the_public_page_shows_definition_timetable_and_provisional_candidates(national_ballot):
    CandidateFactory(ballot=national_ballot, name="Robin Example")
    page = Client().get(reverse("ballots:ballot", args=[national_ballot.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "rovisional" in text  # the candidates are provisional until the freeze
    assert text.count('id="candidates-heading"') == 1  # one list, whoever draws it
    assert "Robin Example" in text
    assert "At least 4 of those elected" in text
    assert "The roll and the definition freeze" in text
    assert "The first valid return counts, by either channel" in text
    assert reverse("ballots:manage", args=[national_ballot.pk]) not in text


def test_no_such_ballot_is_404(world):
    assert Client().get(reverse("ballots:ballot", args=[999999])).status_code == 404


def test_the_console_has_a_section_per_stage(world, national_ballot):
    page = signed_in(world.users["national_staff"]).get(
        reverse("ballots:manage", args=[national_ballot.pk])
    )
    text = page.content.decode()
    assert page.status_code == 200
    for stage in STAGES:
        assert f'id="stage-{stage.key}"' in text
    assert reverse("ballots:definition", args=[national_ballot.pk]) in text
    assert f"/ballots/{national_ballot.pk}/freeze/" in text
    assert "Appoint a returning officer and a scrutineer" in text


def test_the_console_follows_the_state(world, national_ballot):
    from moot.ballots.console import stage_state

    Ballot.objects.filter(pk=national_ballot.pk).update(state=BallotState.COUNTED)
    ballot = Ballot.objects.get(pk=national_ballot.pk)
    assert stage_state(ballot, "scrutineer")[0] == "now"
    assert stage_state(ballot, "declare")[0] == "later"
    assert stage_state(ballot, "freeze")[0] == "done"


def form_data(ballot: Ballot, **changes: Any) -> dict[str, Any]:
    from moot.ballots.forms_definition import DefinitionForm

    form = DefinitionForm(initial=DefinitionForm.initial_of(ballot))
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if name == "channels":
            data[name] = value
        elif name == "show_endorsements":
            if value:
                data[name] = "on"
        else:
            data[name] = (
                field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
            )
            if name == "reminders":
                data[name] = field.prepare_value(value)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_editing_the_definition_makes_a_version(world, national_ballot):
    client = signed_in(world.users["national_staff"])
    url = reverse("ballots:definition", args=[national_ballot.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data(national_ballot, method="meek", tie_break="forwards"))
    assert response.status_code == 302, response.content.decode()[:3000]
    ballot = Ballot.objects.get(pk=national_ballot.pk)
    assert (ballot.version, ballot.method, ballot.tie_break) == (2, "meek", "forwards")
    assert BallotVersion.objects.filter(ballot=ballot).count() == 2


def test_a_refused_edit_names_the_field_and_writes_nothing(world, national_ballot):
    client = signed_in(world.users["national_staff"])
    url = reverse("ballots:definition", args=[national_ballot.pk])
    events = AuditEvent.objects.count()
    response = client.post(url, form_data(national_ballot, seats="3"))
    assert response.status_code == 422
    assert "At least 4 women cannot be elected to 3 seats." in response.content.decode()
    response = client.post(url, form_data(national_ballot, seats="12"))
    assert response.status_code == 422
    assert "the rulebook fixes it at 9" in response.content.decode()
    assert Ballot.objects.get(pk=national_ballot.pk).version == 1
    assert AuditEvent.objects.count() == events


def test_after_the_freeze_the_form_is_gone_and_a_post_is_refused(world, national_ballot):
    Ballot.objects.filter(pk=national_ballot.pk).update(state=BallotState.FROZEN)
    client = signed_in(world.users["national_staff"])
    url = reverse("ballots:definition", args=[national_ballot.pk])
    assert "<form" not in client.get(url).content.decode().split("</header>")[-1]
    response = client.post(url, form_data(national_ballot, seats="8"))
    assert response.status_code == 409
    assert "The definition was frozen" in response.content.decode()
    assert Ballot.objects.get(pk=national_ballot.pk).seats == 9


def test_appointing_officers_from_the_page(world, national_ballot):
    client = signed_in(world.users["national_staff"])
    url = reverse("ballots:officers", args=[national_ballot.pk])
    ro = UserFactory(email="ro@example.org")
    teller = UserFactory(email="teller@example.org")
    assert (
        client.post(url, {"role": "returning_officer", "email": "RO@example.org"}).status_code
        == 302
    )
    assert client.post(url, {"role": "teller", "email": "teller@example.org"}).status_code == 302
    assert Ballot.objects.get(pk=national_ballot.pk).returning_officer == ro
    refused = client.post(url, {"role": "scrutineer", "email": "ro@example.org"})
    assert refused.status_code == 409
    assert "they are the returning officer" in refused.content.decode()
    unknown = client.post(url, {"role": "teller", "email": "nobody@example.org"})
    assert unknown.status_code == 422
    assert "No active account has this e-mail address" in unknown.content.decode()
    row = Teller.objects.get(user=teller)
    assert client.post(url, {"remove": str(row.pk)}).status_code == 302
    assert not Teller.objects.exists()


def test_the_scrutineer_reads_the_officers_but_appoints_nobody(world, national_ballot):
    from moot.ballots.actions.officers import do_appoint_scrutineer

    scrutineer = UserFactory()
    do_appoint_scrutineer(national_ballot, scrutineer, acting_user=world.users["national_staff"])
    client = signed_in(scrutineer)
    url = reverse("ballots:officers", args=[national_ballot.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": "teller", "email": scrutineer.email})
    assert response.status_code == 403
    assert not Teller.objects.exists()


def test_other_topics_add_to_the_console_and_the_public_page(
    world, national_ballot, settings, tmp_path
):
    """A topic's ``ballots/console_<key>.html`` and ``ballots/public_<key>.html`` are included
    in their section when they exist, with the ballot in their context."""
    from moot.ballots import console

    folder = tmp_path / "ballots"
    folder.mkdir()
    (folder / "console_freeze.html").write_text("<p>Roll ready for ballot {{ ballot.pk }}</p>")
    (folder / "public_notices.html").write_text("<p>Notices of {{ ballot.title }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]
    console.template_exists.cache_clear()
    try:
        manage = signed_in(world.users["national_staff"]).get(
            reverse("ballots:manage", args=[national_ballot.pk])
        )
        assert f"<p>Roll ready for ballot {national_ballot.pk}</p>" in manage.content.decode()
        public = Client().get(reverse("ballots:ballot", args=[national_ballot.pk]))
        assert f"<p>Notices of {national_ballot.title}</p>" in public.content.decode()
    finally:
        console.template_exists.cache_clear()


def test_the_console_says_the_freeze_is_later_on_a_fresh_draft(world, national_ballot):
    console = signed_in(world.users["national_staff"]).get(
        reverse("ballots:manage", args=[national_ballot.pk])
    )
    text = console.content.decode()
    assert "Later, on" in text
    assert "Freeze now" not in text
    Ballot.objects.filter(pk=national_ballot.pk).update(
        nominations_open=None, nominations_close=None, freeze_date=timezone.localdate()
    )
    again = signed_in(world.users["national_staff"]).get(
        reverse("ballots:manage", args=[national_ballot.pk])
    )
    assert "Freeze now" in again.content.decode()
