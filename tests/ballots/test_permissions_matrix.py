"""The permission matrix of the ballots app: every page and endpoint × every role of a ballot.

A ballot is public: its page, candidates and notices are for everyone; nothing of a ballot
that exists is a 404. What a role may not do is 403 (pages behind a sign-in send the
anonymous to it; the API answers them 401). Each topic adds its URLs to ``ROWS`` (a targeted
addition under its heading); ``ctx`` has the world's national executive ballot with its
officers and a candidate, and Riverside's question.

Roles: ``anonymous``, ``member`` (of Riverside, no role in the ballot), ``candidate`` (a
candidate in the national ballot), ``unit_secretary`` (Riverside's secretary: calls
Riverside's ballots, not national ones), ``national_staff`` (calls national ballots),
``returning_officer``, ``scrutineer``, ``teller`` (of the national ballot), ``auditor``
(national: reads, writes nothing), ``admin`` (a superuser: may call any ballot)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.world import build_world
from factories import BallotFactory, CandidateFactory, MemberFactory, UserFactory
from moot.accounts.actions import do_create_api_token

ROLES = (
    "anonymous",
    "member",
    "candidate",
    "unit_secretary",
    "national_staff",
    "returning_officer",
    "scrutineer",
    "teller",
    "auditor",
    "admin",
)
EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
# The national ballot has a returning officer: they manage it; its callers only appoint its
# officers (and read its administration).
MANAGERS = frozenset({"returning_officer", "admin"})  # a superuser is allowed everything
APPOINTERS = frozenset({"national_staff", "returning_officer", "admin"})
OVERSEERS = APPOINTERS | {"scrutineer", "auditor"}
CALLERS = frozenset({"unit_secretary", "national_staff", "admin"})
TELLING = frozenset({"teller", "returning_officer", "admin"})  # key returned papers
SCRUTINISERS = frozenset({"scrutineer", "auditor", "admin"})  # read before the sign-off
RESOLVERS = (TELLING - {"returning_officer"}) | SCRUTINISERS  # papers whose keyings differ


@dataclass
class Ctx:
    world: Any
    ballot: Any  # national executive, draft, with officers and a candidate
    question: Any  # Riverside's question, draft
    users: dict[str, Any] = field(default_factory=dict)


def build() -> Ctx:
    from moot.ballots.actions.officers import (
        do_appoint_returning_officer,
        do_appoint_scrutineer,
        do_appoint_teller,
    )

    world = build_world()
    staff = world.users["national_staff"]
    ballot = BallotFactory(unit=world.national, acting_user=staff)
    question = BallotFactory(
        preset="constituency_question",
        unit=world.riverside,
        acting_user=world.users["secretary"],
        question="Should we meet online?",
    )
    ro, scrutineer, teller = (
        UserFactory(email="ro@example.org"),
        UserFactory(email="scrutineer@example.org"),
        UserFactory(email="teller@example.org"),
    )
    do_appoint_returning_officer(ballot, ro, acting_user=staff)
    do_appoint_scrutineer(ballot, scrutineer, acting_user=staff)
    do_appoint_teller(ballot, teller, acting_user=staff)
    candidate = CandidateFactory(
        ballot=ballot, member=MemberFactory(with_account=True, constituency=world.riverside)
    )
    users = {
        "member": world.users["member"],
        "candidate": candidate.member.user,
        "unit_secretary": world.users["secretary"],
        "national_staff": staff,
        "returning_officer": ro,
        "scrutineer": scrutineer,
        "teller": teller,
        "auditor": world.users["auditor"],
        "admin": world.users["admin"],
    }
    return Ctx(world, ballot, question, users)


@dataclass(frozen=True)
class Row:
    name: str
    path: Callable[[Ctx], str]
    allowed: frozenset[str]
    method: str = "get"
    data: Callable[[Ctx], Any] | None = None
    api: bool = False


def page(name: str, which: str = "ballot") -> Callable[[Ctx], str]:
    return lambda c: reverse(f"ballots:{name}", args=[getattr(c, which).pk])


def _candidate_url(c: Ctx, suffix: str) -> str:
    """The national ballot's candidate's page (nominations and events)."""
    return f"/ballots/{c.ballot.pk}/candidates/{c.ballot.candidates.get().pk}/{suffix}"


def _organisation_id() -> int:
    from factories import OrganisationFactory

    return OrganisationFactory().pk


ROWS: list[Row] = [
    # -- definition, officers and the ballot's life
    Row("ballots:index", lambda c: reverse("ballots:index"), EVERYONE),
    Row("ballots:new", lambda c: reverse("ballots:new"), CALLERS),
    Row(
        "POST ballots:new (a question to Riverside)",
        lambda c: reverse("ballots:new"),
        frozenset({"unit_secretary", "national_staff", "admin"}),
        method="post",
        data=lambda c: {"choice": f"{c.world.riverside.pk}:constituency_question"},
    ),
    Row("ballots:ballot", page("ballot"), EVERYONE),
    Row("ballots:manage", page("manage"), MANAGERS),
    Row("ballots:manage (Riverside's question)", page("manage", "question"), CALLERS),
    Row("ballots:definition", page("definition"), OVERSEERS),
    Row(
        "POST ballots:definition (an invalid form)",
        page("definition"),
        MANAGERS,
        method="post",
        data=lambda c: {"title": ""},
    ),
    Row("ballots:officers", page("officers"), OVERSEERS),
    Row(
        "POST ballots:officers (an unknown address)",
        page("officers"),
        APPOINTERS,
        method="post",
        data=lambda c: {"role": "teller", "email": "nobody@example.org"},
    ),
    Row("GET /api/ballots/", lambda c: "/api/ballots/", SIGNED_IN, api=True),
    Row("GET /api/ballots/{id}", lambda c: f"/api/ballots/{c.ballot.pk}", SIGNED_IN, api=True),
    Row(
        "GET /api/ballots/{id}/versions",
        lambda c: f"/api/ballots/{c.ballot.pk}/versions",
        OVERSEERS,
        api=True,
    ),
    Row(
        "GET /api/ballots/{id}/officers",
        lambda c: f"/api/ballots/{c.ballot.pk}/officers",
        OVERSEERS,
        api=True,
    ),
    Row(
        "PATCH /api/ballots/{id}/definition (nothing changed)",
        lambda c: f"/api/ballots/{c.ballot.pk}/definition",
        MANAGERS,
        method="patch",
        api=True,
        data=lambda c: {},
    ),
    Row(
        "POST /api/ballots/ (a question to Riverside)",
        lambda c: "/api/ballots/",
        CALLERS,
        method="post",
        api=True,
        data=lambda c: {
            "unit_id": c.world.riverside.pk,
            "preset": "constituency_question",
            "question": "Agree?",
        },
    ),
    Row(
        "POST /api/ballots/{id}/officers (an unknown address)",
        lambda c: f"/api/ballots/{c.ballot.pk}/officers",
        APPOINTERS,
        method="post",
        api=True,
        data=lambda c: {"role": "teller", "email": "nobody@example.org"},
    ),
    # -- nominations, candidates, endorsements and post-issue events
    Row("ballots:nominations", page("nominations"), EVERYONE),
    Row(
        "ballots:record_nomination",
        page("record_nomination"),
        frozenset({"unit_secretary"}) | MANAGERS,
    ),
    Row(
        "POST ballots:record_nomination (no poll chosen)",
        page("record_nomination"),
        frozenset({"unit_secretary"}) | MANAGERS,
        method="post",
        data=lambda c: {"which": "unit"},
    ),
    Row("ballots:candidate", lambda c: _candidate_url(c, ""), EVERYONE),
    Row(
        "POST ballots:candidate (the statement)",
        lambda c: _candidate_url(c, ""),
        frozenset({"candidate"}),
        method="post",
        data=lambda c: {"statement": "My own words."},
    ),
    Row("ballots:consent", lambda c: _candidate_url(c, "consent/"), frozenset({"candidate"})),
    Row(
        "POST ballots:consent (consent again)",
        lambda c: _candidate_url(c, "consent/"),
        frozenset({"candidate"}),
        method="post",
        data=lambda c: {"which": "consent"},
    ),
    Row(
        "POST ballots:photo (no file)",
        lambda c: _candidate_url(c, "photo/"),
        frozenset({"candidate"}),
        method="post",
        data=lambda c: {},
    ),
    Row("ballots:endorsements", page("endorsements"), EVERYONE),
    Row(
        "POST ballots:endorsements (an invalid form)",
        page("endorsements"),
        MANAGERS,
        method="post",
        data=lambda c: {"which": "record"},
    ),
    Row("ballots:events", page("events"), EVERYONE),
    Row(
        "POST ballots:events (an invalid form)",
        page("events"),
        MANAGERS,
        method="post",
        data=lambda c: {"kind": "candidate_withdrawn"},
    ),
    Row(
        "GET /api/ballots/{id}/nominations",
        lambda c: f"/api/ballots/{c.ballot.pk}/nominations",
        SIGNED_IN,
        api=True,
    ),
    Row(
        "POST /api/ballots/{id}/candidates/{cid}/consent (again)",
        lambda c: "/api" + _candidate_url(c, "consent"),
        frozenset({"candidate"}),
        method="post",
        api=True,
    ),
    Row(
        "PUT /api/ballots/{id}/candidates/{cid}/statement",
        lambda c: "/api" + _candidate_url(c, "statement"),
        frozenset({"candidate"}),
        method="put",
        api=True,
        data=lambda c: {"statement": "My own words."},
    ),
    Row(
        "POST /api/ballots/{id}/nominations/affiliate (a decision outside the window)",
        lambda c: f"/api/ballots/{c.ballot.pk}/nominations/affiliate",
        MANAGERS,
        method="post",
        api=True,
        data=lambda c: {
            "organisation_id": _organisation_id(),
            "member_number": "X",
            "reference": "r",
            "decided_on": "2026-01-01",
        },
    ),
    Row(
        "GET /api/ballots/{id}/endorsements",
        lambda c: f"/api/ballots/{c.ballot.pk}/endorsements",
        SIGNED_IN,
        api=True,
    ),
    Row(
        "GET /api/ballots/{id}/events",
        lambda c: f"/api/ballots/{c.ballot.pk}/events",
        SIGNED_IN,
        api=True,
    ),
    Row(
        "GET /api/ballots/{id}/notices",
        lambda c: f"/api/ballots/{c.ballot.pk}/notices",
        SIGNED_IN,
        api=True,
    ),
    Row(
        "POST /api/ballots/{id}/events (a draft ballot: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/events",
        MANAGERS,
        method="post",
        api=True,
        data=lambda c: {
            "kind": "candidate_withdrawn",
            "candidate_id": c.ballot.candidates.get().pk,
            "authority": "A letter",
            "notice": "Withdrawn.",
        },
    ),
    # -- roll, freeze, issue and credentials
    Row("ballots:freeze", page("freeze"), MANAGERS),
    Row("ballots:issue (a draft: says so)", page("issue"), MANAGERS),
    Row("ballots:roll (a draft: says so)", page("roll"), OVERSEERS),
    Row("ballots:reissue", page("reissue"), MANAGERS),
    Row("ballots:my (not frozen: says so)", page("my"), SIGNED_IN),
    Row(
        "POST ballots:my (a member not on a draft's roll: 409; an account without a member: 403)",
        page("my"),
        frozenset({"member", "candidate", "unit_secretary"}),
        method="post",
        data=lambda c: {"channel": "online"},
    ),
    Row(
        "POST /api/ballots/{id}/freeze (before its freeze date: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/freeze",
        MANAGERS,
        method="post",
        api=True,
    ),
    Row(
        "POST /api/ballots/{id}/issue (a draft: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/issue",
        MANAGERS,
        method="post",
        api=True,
    ),
    Row(
        "GET /api/ballots/{id}/roll",
        lambda c: f"/api/ballots/{c.ballot.pk}/roll",
        OVERSEERS,
        api=True,
    ),
    Row(
        "GET /api/ballots/{id}/roll/{number} (not on a draft's roll: 422)",
        lambda c: f"/api/ballots/{c.ballot.pk}/roll/{c.world.members['member'].number}",
        OVERSEERS,
        api=True,
    ),
    Row(
        "POST /api/ballots/{id}/reissue (not on the roll: 422)",
        lambda c: f"/api/ballots/{c.ballot.pk}/reissue",
        MANAGERS,
        method="post",
        api=True,
        data=lambda c: {"number": "M0000001", "channel": "post", "reason": "lost"},
    ),
    Row(
        "GET /api/ballots/{id}/my", lambda c: f"/api/ballots/{c.ballot.pk}/my", SIGNED_IN, api=True
    ),
    Row(
        "POST /api/ballots/{id}/my/reissue (a member not on the roll: 409; no member: 403)",
        lambda c: f"/api/ballots/{c.ballot.pk}/my/reissue",
        frozenset({"member", "candidate", "unit_secretary"}),
        method="post",
        api=True,
        data=lambda c: {"channel": "online"},
    ),
    # -- deliveries
    Row("ballots:deliveries (nothing queued on a draft)", page("deliveries"), OVERSEERS),
    Row(
        "POST ballots:deliveries (a reminder on a draft: 409)",
        page("deliveries"),
        MANAGERS,
        method="post",
        data=lambda c: {"action": "remind", "remind-confirm": "on"},
    ),
    Row(
        "POST ballots:deliveries (a retry on a draft: 409)",
        page("deliveries"),
        MANAGERS,
        method="post",
        data=lambda c: {"action": "retry", "retry-confirm": "on"},
    ),
    Row(
        "GET /api/ballots/{id}/deliveries",
        lambda c: f"/api/ballots/{c.ballot.pk}/deliveries",
        OVERSEERS,
        api=True,
    ),
    Row(
        "POST /api/ballots/{id}/deliveries/reminders (a draft: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/deliveries/reminders",
        MANAGERS,
        method="post",
        api=True,
        data=lambda c: {},
    ),
    Row(
        "POST /api/ballots/{id}/deliveries/retry (a draft: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/deliveries/retry",
        MANAGERS,
        method="post",
        api=True,
    ),
    # -- casting and papers
    Row("ballots:vote (a draft: not open yet)", page("vote"), EVERYONE),
    Row(
        "POST ballots:vote (a credential, a draft)",
        page("vote"),
        EVERYONE,
        method="post",
        data=lambda c: {"credential": "AAAA-BBBB-CCCC-DDDD"},
    ),
    Row(
        "ballots:vote_link (a draft: back to the form)",
        lambda c: reverse("ballots:vote_link", args=[c.ballot.pk, "AAAA-BBBB-CCCC-DDDD"]),
        EVERYONE,
    ),
    Row("ballots:vote_ballot (nobody to vote as: back)", page("vote_ballot"), EVERYONE),
    Row("ballots:vote_done", page("vote_done"), EVERYONE),
    Row("ballots:turnout", page("turnout"), EVERYONE),
    Row("ballots:papers_key", page("papers_key"), TELLING),
    Row(
        "POST ballots:papers_key (a draft: refused by the action)",
        page("papers_key"),
        TELLING,
        method="post",
        data=lambda c: {"paper_number": "1", "check_code": "000000"},
    ),
    # Resolvers: a teller or the scrutineer (the auditor reads); never the returning officer,
    # who may download the print files that pair numbers with names (review 5).
    Row("ballots:papers_discrepancies", page("papers_discrepancies"), RESOLVERS),
    Row(
        "POST ballots:papers_discrepancies (no reason)",
        page("papers_discrepancies"),
        RESOLVERS,
        method="post",
        data=lambda c: {"paper_number": "1"},
    ),
    Row(
        "POST /api/ballots/{id}/cast (a draft: 409, no account needed)",
        lambda c: f"/api/ballots/{c.ballot.pk}/cast",
        EVERYONE,
        method="post",
        api=True,
        data=lambda c: {"credential": "AAAA-BBBB-CCCC-DDDD", "choice": []},
    ),
    Row(
        "POST /api/ballots/{id}/cast/mine (a draft: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/cast/mine",
        SIGNED_IN,
        method="post",
        api=True,
        data=lambda c: {"choice": []},
    ),
    Row(
        "POST /api/ballots/{id}/papers/keyings (a draft: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/papers/keyings",
        TELLING,
        method="post",
        api=True,
        data=lambda c: {"paper_number": 1, "check_code": "000000", "choice": []},
    ),
    Row(
        "POST /api/ballots/{id}/papers/resolutions (a draft: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/papers/resolutions",
        RESOLVERS,
        method="post",
        api=True,
        data=lambda c: {"paper_number": 1, "choice": [], "reason": "typing_slip"},
    ),
    Row(
        "GET /api/ballots/{id}/turnout (public)",
        lambda c: f"/api/ballots/{c.ballot.pk}/turnout",
        EVERYONE,
        api=True,
    ),
    # -- close, count, scrutineer, declaration, countback
    Row("ballots:close (a draft: says so)", page("close"), MANAGERS),
    Row("ballots:count", page("count"), MANAGERS),
    Row("ballots:scrutineer (before the sign-off)", page("scrutineer"), SCRUTINISERS),
    Row("ballots:declare", page("declare"), MANAGERS),
    Row(
        "POST ballots:record_retry (not declared: says so)",
        page("record_retry"),
        MANAGERS,
        method="post",
        data=lambda c: {},
    ),
    Row("ballots:results (not declared: says it is locked)", page("results"), EVERYONE),
    Row(
        "ballots:results_download count.json (locked: 409)",
        lambda c: reverse("ballots:results_download", args=[c.ballot.pk, "count.json"]),
        EVERYONE,
    ),
    Row("ballots:countback (not declared: says so)", page("countback"), EVERYONE),
    Row(
        "POST /api/ballots/{id}/close (a draft: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/close",
        MANAGERS,
        method="post",
        api=True,
    ),
    Row(
        "POST /api/ballots/{id}/count (not closed: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/count",
        MANAGERS,
        method="post",
        api=True,
    ),
    Row(
        "GET /api/ballots/{id}/result (locked: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/result",
        SIGNED_IN,
        api=True,
    ),
    Row(
        "GET /api/ballots/{id}/scrutineer-report (none yet: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/scrutineer-report",
        SCRUTINISERS,
        api=True,
    ),
    Row(
        "POST /api/ballots/{id}/scrutineer-report/sign (not counted: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/scrutineer-report/sign",
        frozenset({"scrutineer"}),
        method="post",
        data=lambda c: {k: {"satisfied": True} for k in "abc"},
        api=True,
    ),
    Row(
        "POST /api/ballots/{id}/declare (not counted: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/declare",
        frozenset({"returning_officer"}),
        method="post",
        api=True,
    ),
    Row(
        "GET /api/ballots/{id}/countbacks",
        lambda c: f"/api/ballots/{c.ballot.pk}/countbacks",
        SIGNED_IN,
        api=True,
    ),
    Row(
        "POST /api/ballots/{id}/countbacks (not declared: 409)",
        lambda c: f"/api/ballots/{c.ballot.pk}/countbacks",
        MANAGERS,
        method="post",
        data=lambda c: {"departed": c.ballot.candidates.get().pk, "reason": "Resigned"},
        api=True,
    ),
    # -- the published record and print files
    Row("ballots:record (not yet declared: says when)", page("record"), EVERYONE),
    Row("ballots:print_files", page("print_files"), MANAGERS),
    Row(
        "POST ballots:print_files (not confirmed: 422)",
        page("print_files"),
        MANAGERS,
        method="post",
        data=lambda c: {},
    ),
    Row("ballots:record (not yet declared: says when)", page("record"), EVERYONE),
    Row("ballots:print_files", page("print_files"), MANAGERS),
    Row(
        "POST ballots:print_files (not confirmed: 422)",
        page("print_files"),
        MANAGERS,
        method="post",
        data=lambda c: {},
    ),
]


def call(row: Row, ctx: Ctx, role: str) -> Any:
    client = Client()
    if role != "anonymous":
        user = ctx.users[role]
        if row.api:
            _token, secret = do_create_api_token(user, name="matrix", acting_user=user)
            client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        else:
            client.force_login(user)
    kwargs: dict[str, Any] = {}
    if row.data is not None:
        data = row.data(ctx)
        if row.api:
            kwargs = {"data": json.dumps(data), "content_type": "application/json"}
        else:
            kwargs = {"data": data}
    return getattr(client, row.method)(row.path(ctx), **kwargs)


def verdict(row: Row, role: str, response: Any) -> str:
    status = response.status_code
    if role == "anonymous":
        if row.api and status == 401:
            return "refused"
        if status == 302 and reverse("account_login") in response["Location"]:
            return "refused"
    if status == 403:
        return "refused"
    if status == 404:
        return "unexpected 404 (a ballot is public: 403 for a refusal)"
    if status in (200, 201, 302, 303, 409, 422):
        # Let through: done (200/201, or 302 back to the page), or refused by the action for
        # the input itself (409/422), which only a permitted role reaches.
        return "allowed"
    return f"unexpected {status}"


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_ballots_permission_matrix(row: Row, db: Any) -> None:
    ctx = build()
    wrong = []
    for role in ROLES:
        expected = "allowed" if role in row.allowed else "refused"
        got = verdict(row, role, call(row, ctx, role))
        if got != expected:
            wrong.append(f"{role}: expected {expected}, got {got}")
    assert not wrong, f"{row.name}:\n  " + "\n  ".join(wrong)


def test_no_ballot_is_404_for_everyone(db: Any) -> None:
    ctx = build()
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(ctx.users[role])
        assert client.get(reverse("ballots:ballot", args=[999999])).status_code == 404, role
