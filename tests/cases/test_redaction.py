"""Redaction rules for subject access (issue 10 item 10; DPA 2018 Sch.2 para 16): derived copies
with other people replaced and a log with reason codes; what each party receives."""

from __future__ import annotations

import pytest

from moot.cases.redaction import REASONS, Redaction, Treatment, identity, redact, treat

pytestmark = pytest.mark.pure


def test_a_copy_replaces_every_form_of_a_name_and_logs_it() -> None:
    source = identity("[the complainant]", "TP-SOURCE", "Priya Shah", "priya@example.org")
    text = (
        "Priya Shah said the respondent shouted at her; PRIYA later wrote from "
        "priya@example.org. Ms Shah's friend Shahid was there."
    )
    copy, log = redact(text, [source])
    assert copy == (
        "[the complainant] said the respondent shouted at her; [the complainant] later wrote "
        "from [the complainant]. Ms [the complainant]'s friend Shahid was there."
    )
    assert log == [Redaction("[the complainant]", "TP-SOURCE", 4)]
    assert text.startswith("Priya Shah")  # the original is untouched: the copy is new


def test_nothing_to_redact_leaves_no_log() -> None:
    copy, log = redact(
        "The panel met on 3 March.", [identity("[witness 1]", "TP-SOURCE", "Tom Ng")]
    )
    assert copy == "The panel met on 3 March."
    assert log == []


def test_short_name_parts_are_not_matched_alone() -> None:
    person = identity("[witness 1]", "TP-SOURCE", "Jo Li")
    assert person.strings == ("Jo Li",)


@pytest.mark.parametrize(
    ("requester", "author", "addressed_to", "expected"),
    [
        ("respondent", "respondent", "", Treatment("whole")),
        ("respondent", "complainant", "", Treatment("redacted", "TP-SOURCE")),
        ("respondent", "witness", "", Treatment("redacted", "TP-SOURCE")),
        ("complainant", "respondent", "", Treatment("withheld", "TP-ACCOUNT")),
        ("complainant", "witness", "", Treatment("withheld", "TP-ACCOUNT")),
        ("witness", "complainant", "", Treatment("withheld", "TP-ACCOUNT")),
        ("complainant", "staff", "", Treatment("redacted", "TP-IDENTITY")),
        ("complainant", "", "complainant", Treatment("whole")),
        ("complainant", "", "respondent", Treatment("withheld", "OTHER-PARTY")),
    ],
)
def test_what_each_party_receives(
    requester: str, author: str, addressed_to: str, expected: Treatment
) -> None:
    got = treat(requester=requester, author=author, addressed_to=addressed_to)
    assert got == expected
    assert not got.reason or got.reason in REASONS


def test_a_common_word_in_a_name_is_redacted_only_where_it_names_them() -> None:
    """Fix round finding 14: "Sam Shopkeeper" (or "Sam the shopkeeper") does not take every
    shopkeeper out of the copy; the name, and the surname written as a name, go."""
    witness = identity("[witness 1]", "TP-SOURCE", "Sam Shopkeeper")
    text = "Sam Shopkeeper saw it. The shopkeeper next door did not; Mr Shopkeeper told us."
    copy, log = redact(text, [witness])
    assert copy == ("[witness 1] saw it. The shopkeeper next door did not; Mr [witness 1] told us.")
    assert log == [Redaction("[witness 1]", "TP-SOURCE", 2)]
    described = identity("[witness 2]", "TP-SOURCE", "Ana the baker")
    copy, _log = redact("Ana the baker and the baker's son; Ana again.", [described])
    assert copy == "[witness 2] and the baker's son; [witness 2] again."
