"""Every audit verb has a label for people (moot.audit.verb_labels), the trail shows it with the
stored verb beside it, a former verb is labelled as the verb it became, and a string moot has
no label for is shown as it is."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from moot.audit.actions import record
from moot.audit.verb_labels import LABELS, audit_verb_modules, verb_label


def app_verbs() -> set[str]:
    return {str(member) for module in audit_verb_modules() for member in module.AuditVerb}


def test_every_app_verb_has_a_label_and_every_label_a_verb():
    verbs = app_verbs()
    assert len(verbs) > 50  # every app's AuditVerb was found
    assert sorted(verbs - LABELS.keys()) == [], "add a label to moot/audit/verb_labels.py"
    assert sorted(LABELS.keys() - verbs) == [], "a label for a verb no app records"


def test_labels_are_distinct_and_read_as_words():
    labels = list(LABELS.values())
    assert len(set(labels)) == len(labels), "two verbs share a label: auditors could not tell"
    for verb, label in LABELS.items():
        assert label != verb
        assert label[0].isupper(), (verb, label)
        assert "_" not in label, (verb, label)
        assert verb_label(verb) == label


def test_a_former_verb_is_labelled_as_the_verb_it_became():
    from moot.elections.audit_verbs import FORMER_VERBS as ELECTIONS_FORMER
    from moot.elections.audit_verbs import AuditVerb as ElectionVerb
    from moot.polls.audit_verbs import FORMER_VERBS as POLLS_FORMER
    from moot.polls.audit_verbs import AuditVerb as PollVerb

    assert "poll.close" in POLLS_FORMER[PollVerb.CLOSE_POLL]
    assert verb_label("poll.close") == LABELS["polls.close_poll"]
    # Two former verbs folded into one: both get its label.
    for old in ELECTIONS_FORMER[ElectionVerb.ANSWER_NOMINATION]:
        assert verb_label(old) == LABELS["elections.answer_nomination"]
    checked = 0
    for module in audit_verb_modules():
        for new, olds in getattr(module, "FORMER_VERBS", {}).items():
            for old in olds:
                assert verb_label(old) == LABELS[str(new)], old
                checked += 1
    assert checked > 20


def test_a_verb_without_a_label_is_shown_as_it_is():
    assert verb_label("members.change_status") == "members.change_status"
    assert verb_label("test.page") == "test.page"


@pytest.mark.django_db
def test_trail_shows_the_label_with_the_stored_verb(world, client):
    with transaction.atomic():
        record(actor=world.users["secretary"], verb="units.create_unit", obj=world.north)
        record(actor=None, verb="poll.close", object_type="polls.poll", object_id=1)
        record(actor=None, verb="test.unlabelled", object_type="x.y", object_id=1)
    client.force_login(world.users["auditor"])
    body = client.get(reverse("audit:trail")).content.decode()
    shown = '<span class="verb-label">{}</span> <code class="verb">{}</code>'
    assert shown.format("Unit created", "units.create_unit") in body
    assert shown.format("Poll closed", "poll.close") in body
    # No label: the stored verb alone, not repeated.
    assert '<td><code class="verb">test.unlabelled</code></td>' in body
