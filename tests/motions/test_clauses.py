"""Clauses that exist (issue 9 item 7): a ruling citing a clause the edition in force does not
have is refused with the nearest valid clauses, on the page, through the API and in the action,
and nothing is written; a clause shown anywhere links to the rulebook page's anchor for it; the
API lists the clauses."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client

from moot.motions.actions import MotionError, do_rule_on_motion
from moot.motions.models import MotionState, Ruling


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_ruling_on_a_clause_that_does_not_exist_is_refused(assembly: Any, table: Any) -> None:
    motion = table()
    with pytest.raises(MotionError) as caught:
        do_rule_on_motion(
            motion,
            decision="competent",
            clause="99.9",
            reasons="Local transport is the party's business.",
            acting_user=assembly.chair.user,
        )
    assert caught.value.field == "clause"
    assert "There is no clause '99.9'" in str(caught.value)
    assert "the nearest are clauses" in str(caught.value)
    assert not Ruling.objects.exists()
    motion.refresh_from_db()
    assert motion.state == MotionState.TABLED
    # "clause 7.1" as typed is the edition's 7.1.
    ruling = do_rule_on_motion(
        motion,
        decision="competent",
        clause="Clause 7.1",
        reasons="Local transport is the party's business.",
        acting_user=assembly.chair.user,
    )
    assert ruling.clause == "7.1"


def test_the_ruling_form_and_the_api_refuse_an_unknown_clause(assembly: Any, table: Any) -> None:
    motion = table()
    client = _client(assembly.chair.user)
    page = client.post(
        f"/motions/{motion.pk}/rule/",
        {"decision": "competent", "clause": "99.9", "reasons": "It is the party's business."},
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "There is no clause" in text
    # The nearby clauses offered are links to their text.
    assert 'href="/rulebook/#clause-15.1.1"' in text
    response = client.post(
        f"/api/motions/{motion.pk}/rulings",
        {"decision": "competent", "clause": "15.6.9", "reasons": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "clause"
    assert "15.6.1, 15.6.2, 15.6.3" in body["detail"]
    assert not Ruling.objects.exists()


def test_the_rulebook_page_has_an_anchor_per_clause(assembly: Any) -> None:
    from moot.rulebook.clauses import clauses_of
    from moot.units.queries import edition_in_force

    page = _client(assembly.member.user).get("/rulebook/").content.decode()
    cited = list(clauses_of(edition_in_force()))
    missing = [n for n in cited if f'id="clause-{n}"' not in page]
    assert not missing, missing
    for number in cited:
        assert page.count(f'id="clause-{number}"') == 1, number


def test_the_api_lists_the_clauses_with_links(assembly: Any) -> None:
    data = _client(assembly.member.user).get("/api/rulebook/clauses?on=2026-12-01").json()
    by_number = {c["number"]: c for c in data["clauses"]}
    assert by_number["15.6.1"]["url"] == "/rulebook/?on=2026-12-01#clause-15.6.1"
    assert by_number["15.6.1"]["text"].startswith("It is not competent business")
    assert Client().get("/api/rulebook/clauses").status_code in (401, 403)


def test_clause_numbers_in_text_link_to_the_rule_and_the_rest_is_escaped() -> None:
    html = Template("{% load moot_rulebook %}{{ text|link_clauses }} {{ n|clause_link }}").render(
        Context({"text": "Refused <b>now</b>: clause 7.5.4 needs 14 days.", "n": "2.1"})
    )
    assert '<a class="clause" href="/rulebook/#clause-7.5.4">clause 7.5.4</a>' in html
    assert "&lt;b&gt;now&lt;/b&gt;" in html
    assert '<a class="clause" href="/rulebook/#clause-2.1">clause 2.1</a>' in html
    listed = Template("{% load moot_rulebook %}{{ t|link_clauses }}").render(
        Context({"t": "see clauses 2.1, 2.2 and 7.4a."})
    )
    for number in ("2.1", "2.2", "7.4a"):
        assert f'href="/rulebook/#clause-{number}">{number}</a>' in listed
