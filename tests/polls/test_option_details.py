"""polls.hooks: another app says what a voter may read about a poll's options (a candidate's
statement). A fake provider, registered for the test only, shows the ballot folding it into a
<details> under the name, escaped, outside the label; the API carrying it as plain text; and
the lookup made only when a page is rendered, not when a vote is cast."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from moot.polls import hooks
from moot.polls.hooks import OptionDetails
from moot.polls.models import Participation

pytestmark = pytest.mark.django_db

STATEMENT = "Buses & <b>bikes</b>.\n\nAnd <script>alert(1)</script> rivers."


class FakeProvider:
    """Details for the options labelled in ``by_label`` of the polls in ``poll_ids``."""

    def __init__(self) -> None:
        self.poll_ids: set[int] = set()
        self.by_label: dict[str, OptionDetails] = {}
        self.calls = 0

    def __call__(self, poll: Any) -> dict[int, OptionDetails]:
        self.calls += 1
        if poll.pk not in self.poll_ids:
            return {}
        options = poll.options.all()
        return {o.pk: self.by_label[o.label] for o in options if o.label in self.by_label}


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    fake = FakeProvider()
    hooks.register_option_details(fake)
    yield fake
    hooks.unregister_option_details(fake)


@pytest.fixture
def poll(open_poll: Any, provider: FakeProvider) -> Any:
    poll = open_poll()
    provider.poll_ids.add(poll.pk)
    provider.by_label = {
        "Ada": OptionDetails(name="Ada Brindle", statement=STATEMENT),
        "Ben": OptionDetails(facts=("A job share: Ben <i>and</i> Bo stand together.",)),
        "Cal": OptionDetails(name="Cal"),  # nothing to read: no <details> at all
    }
    return poll


def ballot_page(client: Any, poll: Any, voter: Any) -> str:
    client.force_login(voter.user)
    response = client.get(reverse("polls:vote", args=[poll.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_statement_is_folded_under_the_name_escaped_with_its_paragraphs(
    client: Any, poll: Any, voters: list[Any]
) -> None:
    page = ballot_page(client, poll, voters[0])
    ada = poll.options.get(label="Ada").pk
    assert f'<details class="option-details" id="details-{ada}">' in page
    assert "<summary>Read Ada Brindle's statement</summary>" in page
    # User text: escaped, never markup; blank lines make paragraphs.
    assert "<p>Buses &amp; &lt;b&gt;bikes&lt;/b&gt;.</p>" in page
    assert "<p>And &lt;script&gt;alert(1)&lt;/script&gt; rivers.</p>" in page
    assert "<b>bikes" not in page
    assert "<script>alert(1)" not in page
    # The label still names the candidate alone, and the details come after it, not inside.
    label = f'<label for="rank-{ada}">Ada<span class="visually-hidden">: your rank'
    assert label in page
    assert (
        page.index(label)
        < page.index("</label>", page.index(label))
        < page.index(f'id="details-{ada}"')
    )


def test_facts_without_a_statement_and_options_with_nothing_to_read(
    client: Any, poll: Any, voters: list[Any]
) -> None:
    page = ballot_page(client, poll, voters[0])
    ben, cal = (poll.options.get(label=label).pk for label in ("Ben", "Cal"))
    # No name given: the option's label; no statement: "About …", with the facts escaped.
    assert f'id="details-{ben}">\n        <summary>About Ben</summary>' in page
    assert '<p class="fact">A job share: Ben &lt;i&gt;and&lt;/i&gt; Bo stand together.</p>' in page
    assert f'id="details-{cal}"' not in page
    assert page.count('<details class="option-details"') == 2


def test_other_polls_show_no_details(
    client: Any, open_poll: Any, poll: Any, voters: list[Any]
) -> None:
    other = open_poll(title="Another vote")
    page = ballot_page(client, other, voters[0])
    assert "option-details" not in page
    assert "Buses" not in page


def test_radio_ballots_fold_the_statement_the_same_way(
    client: Any, open_poll: Any, provider: FakeProvider, voters: list[Any]
) -> None:
    poll = open_poll(method="plurality", options=["Ada", "Ben"])
    provider.poll_ids.add(poll.pk)
    provider.by_label = {"Ada": OptionDetails(statement="Line one\nline two")}
    page = ballot_page(client, poll, voters[0])
    ada = poll.options.get(label="Ada").pk
    label = f'<label for="choice-{ada}">Ada</label>'
    assert label in page
    assert page.index(label) < page.index(f'id="details-{ada}"')
    assert "<summary>Read Ada's statement</summary>" in page
    assert "<p>Line one<br>line two</p>" in page


def test_casting_a_vote_does_not_ask_for_the_details(
    client: Any, poll: Any, provider: FakeProvider, voters: list[Any]
) -> None:
    client.force_login(voters[0].user)
    ada = poll.options.get(label="Ada").pk
    response = client.post(reverse("polls:vote", args=[poll.pk]), {f"rank-{ada}": "1"})
    assert response.status_code == 302
    assert Participation.objects.filter(poll=poll, member=voters[0]).exists()
    assert provider.calls == 0
    # A ballot shown again with a mistake keeps its statements.
    client.force_login(voters[1].user)
    again = client.post(reverse("polls:vote", args=[poll.pk]), {f"rank-{ada}": "2"})
    page = again.content.decode()
    assert "You gave rank 2 but no rank 1" in page
    assert "<summary>Read Ada Brindle's statement</summary>" in page
    assert provider.calls == 1


def test_the_api_gives_each_option_its_statement_as_plain_text(
    client: Any, poll: Any, voters: list[Any]
) -> None:
    client.force_login(voters[0].user)
    options = {o["label"]: o for o in client.get(f"/api/polls/{poll.pk}").json()["options"]}
    assert options["Ada"]["statement"] == STATEMENT  # JSON: the text itself, not HTML
    assert options["Ben"]["statement"] == ""  # facts only
    assert options["Cal"]["statement"] == ""
    listed = {p["id"]: p for p in client.get("/api/polls/").json()}
    assert [o["statement"] for o in listed[poll.pk]["options"]] == [STATEMENT, "", ""]


def test_the_statement_field_is_in_the_openapi_document(client: Any) -> None:
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    option = schemas["OptionOut"]
    assert "statement" in option["required"]
    assert option["properties"]["statement"]["type"] == "string"
    assert "empty string when there is none" in option["properties"]["statement"]["description"]


def test_registering_twice_is_a_no_op_and_empty_details_are_dropped(poll: Any) -> None:
    calls: list[int] = []

    def second(p: Any) -> dict[int, OptionDetails]:
        calls.append(p.pk)
        ada = p.options.get(label="Ada").pk
        return {ada: OptionDetails(statement="Later provider wins.")}

    hooks.register_option_details(second)
    hooks.register_option_details(second)
    try:
        details = hooks.option_details(poll)
    finally:
        hooks.unregister_option_details(second)
    assert calls == [poll.pk]
    by_label = {poll.options.get(pk=pk).label: d for pk, d in details.items()}
    assert by_label["Ada"].statement == "Later provider wins."
    assert "Cal" not in by_label  # a name and nothing to read is no detail
    assert set(by_label) == {"Ada", "Ben"}
    assert second not in hooks._OPTION_DETAILS
