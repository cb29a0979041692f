"""Every way an edition can be wrong gives one error naming the file, the key path and the fix.
Each case edits the shipped preset in one place and pins the whole message."""

from __future__ import annotations

import pytest

from moot import rulebook
from rulebook.editions import error_of, variant, variant_text

pytestmark = pytest.mark.pure


def case(name: str, edits: list, expected: str) -> object:
    return pytest.param(edits, expected, id=name)


AGM_NOTICE = r"^notice_days_members = 7   # \[S\] notice of the business.*$"

CASES = [
    case(
        "days written as words",
        [(AGM_NOTICE, 'notice_days_members = "two weeks"')],
        "party.toml: meetings.agm.notice_days_members: expected a whole number of days, got "
        '"two weeks"; write a number such as 14',
    ),
    case(
        "true where weeks are expected",
        [(r"^min_weeks = 8  # \[S\] eight weeks.*$", "min_weeks = true")],
        "party.toml: eligibility.meeting.min_weeks: expected a whole number of weeks, got true; "
        "write a number such as 8",
    ),
    case(
        "negative days",
        [(r"^notice_days_units = 28 .*$", "notice_days_units = -1")],
        "party.toml: meetings.agm.notice_days_units: expected a whole number of days of at "
        "least 0, got -1",
    ),
    case(
        "a misspelt required key",
        [(AGM_NOTICE, "notice_days_member = 7")],
        "party.toml: meetings.agm.notice_days_member: unknown key; did you mean "
        '"notice_days_members"?',
    ),
    case(
        "a misspelt optional key",
        [
            (
                r"^elects_officers = true\nnotice_days_members = 7   #",
                "elect_officers = true\nnotice_days_members = 7   #",
            )
        ],
        'party.toml: meetings.agm.elect_officers: unknown key (did you mean "elects_officers"?); '
        "the keys here are clause, deadline_clause, elects_officers, inquorate_business, "
        "motion_deadline_days, name, "
        "nomination_deadline_days, notice_clause, notice_days_members, notice_days_units, "
        "quorum, text, unit_kinds",
    ),
    case(
        "a misspelt table",
        [(r"^\[edition\]$", "[editon]")],
        'party.toml: editon: unknown key; did you mean "edition"?',
    ),
    case(
        "a missing key",
        [(r'^name = "party-2026"$', "")],
        'party.toml: edition: missing key "name"; add it, e.g. name = "party-2027"',
    ),
    case(
        "the simple majority missing",
        [(r"^\[majorities\.simple\]$", "[majorities.plain]")],
        "party.toml: majorities: missing [majorities.simple]; every edition defines the simple "
        "majority",
    ),
    case(
        "a clause that is not a clause number",
        [(r'^clause = "7\.2"$', 'clause = "seven point two"')],
        'party.toml: eligibility.meeting.clause: expected a clause number such as "7.2" or '
        '"C7.VIII.2", got "seven point two"',
    ),
    case(
        "a slug with spaces",
        [(r'^slug = "iron-lantern"$', 'slug = "Iron Lantern"')],
        "party.toml: proscribed[1].slug: expected a slug of lower-case letters, digits and - or "
        '_ (e.g. "iron-lantern"), got "Iron Lantern"',
    ),
    case(
        "a share in words",
        [(r'^share = "1/3" .*$', 'share = "a third"')],
        'party.toml: meetings.executive.quorum.share: expected a share such as "5%" or "1/3" '
        '(in quotes), got "a third"',
    ),
    case(
        "a share over the whole",
        [(r'^share = "1/3" .*$', 'share = "4/3"')],
        "party.toml: meetings.executive.quorum.share: a share cannot exceed the whole (100% or "
        '1/1), got "4/3"',
    ),
    case(
        "a share as a bare number",
        [(r'^share = "1/3" .*$', "share = 0.33")],
        'party.toml: meetings.executive.quorum.share: expected a share such as "5%" or "1/3" '
        "(in quotes), got 0.33",
    ),
    case(
        "a kind of unit the edition does not have",
        [(r'^unit_kinds = \["branch"\]$', 'unit_kinds = ["ward"]')],
        'party.toml: meetings.branch.unit_kinds[1]: "ward" is not one of national, region, '
        "constituency, branch",
    ),
    case(
        "an agenda item kind moot does not know",
        [
            (
                r'^inquorate_business = \["apologies", "speaker", "training"\]  # \[V\].*$',
                'inquorate_business = ["apologies", "speakers"]',
            )
        ],
        'party.toml: meetings.agm.inquorate_business[2]: "speakers" is not one of apologies, '
        "minutes, report, motion, election, speaker, training, any_other_business (did you mean "
        '"speaker"?)',
    ),
    case(
        "a proscribed organisation listed twice",
        [(r'^slug = "stonebridge-league"$', 'slug = "iron-lantern"')],
        'party.toml: proscribed: the proscribed organisation "iron-lantern" is defined twice; '
        "keep one",
    ),
    case(
        "a membership status moot does not record",
        [(r"^\[membership\.statuses\.resigned\]$", "[membership.statuses.retired]")],
        'party.toml: membership.statuses.retired: "retired" is not a membership status moot '
        "records; use one of applied, active, in_arrears, lapsed, suspended, expelled, resigned "
        '(did you mean "resigned"?)',
    ),
    case(
        "a purpose moot asks about left out",
        [(r"^\[eligibility\.stand\]$", "[eligibility.delegate]")],
        "party.toml: eligibility: missing [eligibility.stand]; moot asks about meeting, ballot, "
        "stand, nominate, so each needs a rule",
    ),
    case(
        "a majority over the whole",
        [(r"^numerator = 2$", "numerator = 4")],
        "party.toml: majorities.two-thirds.numerator: the numerator (4) exceeds the denominator "
        "(3); a majority is a share of the votes, e.g. 2 and 3 for two thirds",
    ),
    case(
        "a decision naming an unknown majority",
        [
            (
                r'^majority = "two-thirds"  # \[S\]\nbasis = "present"        # \[S\] two .*$',
                'majority = "two-third"\nbasis = "present"',
            )
        ],
        'party.toml: decisions.suspend_standing_orders.majority: "two-third" is not one of '
        'simple, absolute, two-thirds (did you mean "two-thirds"?)',
    ),
    case(
        "an unknown majority basis",
        [
            (
                r'^at_least = false\nbasis = "present"$',
                'at_least = false\nbasis = "those present"',
            )
        ],
        'party.toml: majorities.absolute.basis: "those present" is not one of cast, present '
        '(did you mean "present"?)',
    ),
    case(
        "more first posts than posts",
        [(r"^first_posts = 6 .*$", "first_posts = 12")],
        "party.toml: officers.constituency.first_posts: 12 is more than the 11 posts listed; "
        "lower it or add posts",
    ),
    case(
        "more women among the first posts than first posts",
        [(r"^min_women_in_first_posts = 3 .*$", "min_women_in_first_posts = 7")],
        "party.toml: officers.constituency.min_women_in_first_posts: 7 women cannot be found in "
        "the first 6 posts; lower it or raise first_posts",
    ),
    case(
        "officers for a kind of unit the edition does not have",
        [(r"officers\.branch", "officers.ward", 6)],
        'party.toml: officers.ward: "ward" is not a kind of unit of this edition (national, '
        "region, constituency, branch)",
    ),
    case(
        "affiliation for a kind of organisation the edition does not have",
        [(r"^\[affiliation\.by_kind\.campaign_group\]$", "[affiliation.by_kind.campaigns]")],
        'party.toml: affiliation.by_kind.campaigns: "campaigns" is not a kind of organisation of '
        "this edition (trade_union, socialist_society, campaign_group, cooperative, other) (did "
        'you mean "campaign_group"?)',
    ),
    case(
        "a date in quotes",
        [(r"^since = 2025-03-15$", 'since = "2025-03-15"')],
        "party.toml: proscribed[3].since: expected a date written as YYYY-MM-DD without quotes, "
        'got "2025-03-15"',
    ),
    case(
        "a freeze date rule without its clause",
        [(r'^freeze_clause = "7\.3\.2"$', "")],
        'party.toml: eligibility.ballot: missing key "freeze_clause"; a rule with freeze_date = '
        'true cites the clause of the freeze date, e.g. freeze_clause = "7.3.2"',
    ),
    case(
        "a job share of one person",
        [(r'^slug = "tulo"$', 'slug = "tulo"\nmax_sharers = 1')],
        "party.toml: officers.constituency.posts[6].max_sharers: a post that allows job shares "
        "needs max_sharers of at least 2; or set job_share_allowed = false",
    ),
    case(
        "a post listed twice",
        [(r'^slug = "disability-officer"$', 'slug = "youth-officer"')],
        'party.toml: officers.constituency.posts: the post "youth-officer" is defined twice; '
        "keep one",
    ),
    case(
        "a value where a table belongs",
        [(r"^\[eligibility\.meeting\]$", "[eligibility]\nrally = 3\n\n[eligibility.meeting]")],
        "party.toml: eligibility.rally: expected a table [eligibility.rally], got 3",
    ),
    case(
        "text where true or false belongs",
        [(r"^in_unit = true\nfreeze_date = true", 'in_unit = "yes"\nfreeze_date = true')],
        'party.toml: eligibility.ballot.in_unit: expected true or false (no quotes), got "yes"',
    ),
    case(
        "a number where text belongs",
        [(r'^title = "Stand for office \(be nominated\)"$', "title = 52")],
        'party.toml: eligibility.stand.title: expected text in quotes, got 52; write title = "..."',
    ),
    case(
        "a kind of unit moot records left out",
        [
            (
                r'^unit_kinds = \["national", "region", "constituency", "branch"\]$',
                'unit_kinds = ["national", "constituency", "branch"]',
            )
        ],
        'party.toml: edition.unit_kinds: "region" is missing; moot records national, region, '
        "constituency, branch, so list each (you may add others)",
    ),
    case(
        "a meeting kind held by no kind of unit",
        [(r'^unit_kinds = \["branch"\]$', "unit_kinds = []")],
        "party.toml: meetings.branch.unit_kinds: list at least one kind of unit that holds "
        'branch meetings, e.g. ["constituency"]',
    ),
]


@pytest.mark.parametrize(("edits", "expected"), CASES)
def test_error_names_the_file_the_key_and_the_fix(edits, expected):
    assert error_of(*edits) == expected


def test_toml_syntax_error_names_the_line():
    text = variant_text((r"^lapse_grace_days = 0 .*$", "lapse_grace_days = = 0"))
    line = text.splitlines().index("lapse_grace_days = = 0") + 1
    with pytest.raises(rulebook.RulebookError) as excinfo:
        rulebook.parse_edition(text, source="uploaded.toml")
    assert str(excinfo.value) == (
        f"uploaded.toml: line {line}, column 20: not valid TOML (Invalid value); check the "
        "quotes, brackets and '=' on that line"
    )
    assert excinfo.value.source == "uploaded.toml"
    assert excinfo.value.path == f"line {line}, column 20"


def test_an_empty_file_asks_for_the_edition_table():
    with pytest.raises(rulebook.RulebookError) as excinfo:
        rulebook.parse_edition("", source="new.toml")
    assert str(excinfo.value) == (
        "new.toml: (top level): missing table [edition]; add it (see docs/rulebook.md)"
    )


def test_an_unknown_top_level_table_is_refused():
    text = rulebook.preset_source("party") + "\n[grievances]\nsla_days = 10\n"
    with pytest.raises(rulebook.RulebookError, match=r"^e\.toml: grievances: unknown key;"):
        rulebook.parse_edition(text, source="e.toml")


def test_error_is_a_value_error_with_its_parts():
    with pytest.raises(ValueError, match=r"meetings\.agm\.notice_days_members") as excinfo:
        variant((AGM_NOTICE, "notice_days_members = 7.5"))
    error = excinfo.value
    assert isinstance(error, rulebook.RulebookError)
    assert (error.source, error.path) == ("party.toml", "meetings.agm.notice_days_members")
    assert error.message.startswith("expected a whole number of days, got 7.5")


def test_a_valid_variant_parses_and_changes_only_what_was_edited(party):
    edited = variant((AGM_NOTICE, "notice_days_members = 10"), source="mine.toml")
    assert edited.meeting_kind("agm").notice_days_members == 10
    assert party.meeting_kind("agm").notice_days_members == 7
    assert edited.source == "mine.toml"
    assert edited.meeting_kind("general") == party.meeting_kind("general")
