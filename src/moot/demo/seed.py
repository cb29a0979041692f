"""The demo organisation: the Commonweal Party, an invented party with invented people.

``seed_foundation()`` builds the national party, two regions, four constituency parties with
their branches (wards), outside organisations (some proscribed by the rulebook preset),
affiliations, officers and one sign-in per role. "Riverside & Hollow CLP" has 2,000 members
with realistic join dates (some within the last 8 weeks) and statuses. Everything is written
through the real actions (the register through the CSV import), so the audit trail is real.
Seeded and relative to today, so every run gives the same organisation as of that day.

Other features extend the demo (e.g. an AGM) by calling ``seed_foundation()`` and building on
the ``DemoOrg`` it returns.
"""

from __future__ import annotations

import datetime
import io
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from moot.csv_export import csv_writer
from moot.demo import names
from moot.members.csv_columns import COLUMNS

DEMO_PASSWORD = "moot-demo-2026"  # noqa: S105 - the published demo password, printed by --banner
DEMO_DOMAIN = "example.org"
SEED = 2026
RIVERSIDE_SLUG = "riverside-hollow"
RIVERSIDE_MEMBERS = 2000
OTHER_CLP_MEMBERS = 120

# (role, e-mail local part, description shown by `moot demo --banner`)
DEMO_ACCOUNTS = (
    ("secretary", "secretary", "secretary of Riverside & Hollow CLP"),
    ("chair", "chair", "chair of Riverside & Hollow CLP"),
    (
        "vice-chair",
        "vice-chair",
        "vice-chair of Riverside & Hollow CLP (chairs the elections the chair stands in)",
    ),
    ("member", "member", "ordinary member of Riverside & Hollow CLP"),
    ("national_staff", "staff", "national staff (governance)"),
    ("complaints_staff", "complaints", "complaints staff"),
    ("auditor", "auditor", "auditor (read-only)"),
    ("admin", "admin", "staff admin (superuser)"),
)

REGIONS = (
    ("Northmarch Region", "northmarch", "R01"),
    ("Southvale Region", "southvale", "R02"),
)
# (name, slug, code, region slug, wards)
CONSTITUENCIES = (
    (
        "Riverside & Hollow CLP",
        RIVERSIDE_SLUG,
        "C101",
        "northmarch",
        ("Lockside", "Hollow End", "Mill Quarter", "Weir Fields", "Ferrybridge"),
    ),
    ("Ashcombe Heights CLP", "ashcombe-heights", "C102", "northmarch", ("Heights", "Brindle")),
    ("Saltmere Coast CLP", "saltmere-coast", "C201", "southvale", ("Harbour", "Dunes", "Kettle")),
    ("Greywold CLP", "greywold", "C202", "southvale", ("Wold", "Sedgefold")),
)
# (name, slug, kind, website path) — all invented.
ORGANISATIONS = (
    ("Union of Transit and Dock Workers", "utdw", "trade_union"),
    ("Federated Care Workers' Union", "fcwu", "trade_union"),
    ("Teachers and Lecturers Alliance", "tla", "trade_union"),
    ("Society for Co-operative Economics", "sce", "socialist_society"),
    ("Fabrica Society", "fabrica-society", "socialist_society"),
    ("Commonweal Co-operative Party", "commonweal-coop", "cooperative"),
    ("Clean Rivers Now", "clean-rivers-now", "campaign_group"),
    ("Tenants Together", "tenants-together", "campaign_group"),
)
# Affiliations in the demo: (unit slug, organisation slug, days ago, decision reference)
AFFILIATIONS = (
    (RIVERSIDE_SLUG, "utdw", 2900, "gc:2018-03"),
    (RIVERSIDE_SLUG, "fcwu", 1500, "gc:2022-05"),
    (RIVERSIDE_SLUG, "sce", 800, "gc:2024-09"),
    (RIVERSIDE_SLUG, "commonweal-coop", 3650, "national:coop-agreement"),
    ("ashcombe-heights", "tla", 1200, "gc:2023-01"),
    ("saltmere-coast", "utdw", 2000, "gc:2021-02"),
)

# Statuses for the register (weights out of 1,000), tuned so the demo shows every case.
STATUS_WEIGHTS = (
    ("active", 830),
    ("in_arrears", 60),
    ("lapsed", 55),
    ("suspended", 15),
    ("resigned", 20),
    ("expelled", 5),
    ("applied", 15),
)


@dataclass
class DemoOrg:
    """The key objects of the demo organisation, for features that build on it."""

    national: Any
    regions: dict[str, Any]
    constituencies: dict[str, Any]
    riverside: Any
    branches: dict[str, list[Any]]
    organisations: dict[str, Any]
    accounts: dict[str, Any]
    members: dict[str, Any] = field(default_factory=dict)  # role -> Member (secretary, chair, ...)
    officers: dict[str, Any] = field(default_factory=dict)  # post slug -> Member (Riverside)
    today: datetime.date = field(default_factory=timezone.localdate)


def has_members() -> bool:
    from moot.members.models import Member

    return Member.objects.exists()


def _register_csv(
    rng: random.Random,
    *,
    count: int,
    constituency: str,
    wards: list[str],
    today: datetime.date,
    first_number: int,
    recent_share: float,
) -> str:
    """An invented register: join dates spread over 25 years with a realistic recent surge
    (``recent_share`` joined in the last 8 weeks), mostly active members."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(COLUMNS)
    statuses = [s for s, _ in STATUS_WEIGHTS]
    weights = [w for _, w in STATUS_WEIGHTS]
    for i in range(count):
        first, last, gender = names.person(rng)
        if rng.random() < recent_share:
            joined = today - datetime.timedelta(days=rng.randint(1, 55))
            status = "applied" if rng.random() < 0.2 else "active"
        else:
            # More members joined recently than long ago.
            days = int(rng.triangular(60, 25 * 365, 60))
            joined = today - datetime.timedelta(days=days)
            status = rng.choices(statuses, weights)[0]
        since = ""
        if status not in ("active", "applied"):
            span = (today - joined).days
            since = (joined + datetime.timedelta(days=rng.randint(span // 3, span))).isoformat()
        birth = datetime.date(rng.randint(1944, 2008), rng.randint(1, 12), rng.randint(1, 28))
        number = f"M{first_number + i:07d}"
        writer.writerow(
            (
                number,
                first,
                last,
                f"{first}.{last}.{first_number + i}@{DEMO_DOMAIN}".lower().replace("ë", "e"),
                f"07700 9{rng.randint(0, 99999):05d}",
                names.address(rng),
                names.postcode(rng),
                birth.isoformat(),
                gender,
                constituency,
                rng.choice(wards),
                joined.isoformat(),
                status,
                since,
            )
        )
    return out.getvalue()


def _make_user(email: str, first: str, last: str, *, superuser: bool = False) -> Any:
    from moot.accounts.models import User

    user = User(username=email, email=email, first_name=first, last_name=last)
    user.set_password(DEMO_PASSWORD)
    if superuser:
        user.is_superuser = True
        user.is_staff = True
    user.save()
    return user


def _assign_staff_role(user: Any, role: str, admin: Any) -> None:
    """Give a staff role through accounts.StaffAssignment when that model is installed."""
    try:
        from moot.accounts import models as account_models
    except ImportError:  # pragma: no cover - accounts is always installed
        return
    model = getattr(account_models, "StaffAssignment", None)
    if model is None:
        return
    actions = None
    try:
        from moot.accounts import actions as account_actions

        actions = getattr(account_actions, "do_assign_staff_role", None)
    except ImportError:
        actions = None
    if actions is not None:
        actions(user, role=role, unit=None, acting_user=admin)
    else:
        model.objects.create(user=user, role=role, unit=None)


@transaction.atomic
def seed_foundation(*, today: datetime.date | None = None) -> DemoOrg:
    """Create the demo organisation (into an empty register) and return its key objects."""
    from moot.members.actions import do_link_account
    from moot.members.imports import import_members
    from moot.members.register import do_change_register_entry
    from moot.units.actions import (
        do_appoint_officer,
        do_create_affiliation,
        do_create_organisation,
        do_create_unit,
    )

    today = today or timezone.localdate()
    rng = random.Random(SEED)

    admin = _make_user(f"admin@{DEMO_DOMAIN}", "Ada", "Admin", superuser=True)
    national = do_create_unit(
        name="The Commonweal Party",
        slug="commonweal",
        kind="national",
        parent=None,
        code="N",
        acting_user=admin,
    )
    regions = {
        slug: do_create_unit(
            name=name, slug=slug, kind="region", parent=national, code=code, acting_user=admin
        )
        for name, slug, code in REGIONS
    }
    constituencies: dict[str, Any] = {}
    branches: dict[str, list[Any]] = {}
    for name, slug, code, region, wards in CONSTITUENCIES:
        clp = do_create_unit(
            name=name,
            slug=slug,
            kind="constituency",
            parent=regions[region],
            code=code,
            acting_user=admin,
        )
        constituencies[slug] = clp
        branches[slug] = [
            do_create_unit(
                name=f"{ward} branch",
                slug=f"{slug}-{ward.lower().replace(' ', '-')}",
                kind="branch",
                parent=clp,
                code=f"{code}-{n + 1:02d}",
                acting_user=admin,
            )
            for n, ward in enumerate(wards)
        ]

    organisations = {
        slug: do_create_organisation(
            name=name,
            slug=slug,
            kind=kind,
            website=f"https://{slug}.example.org/",
            acting_user=admin,
        )
        for name, slug, kind in ORGANISATIONS
    }
    # The proscribed organisations named by the rulebook preset, so the demo shows refusals.
    from moot.units.queries import edition_in_force

    for entry in edition_in_force(today).proscribed:
        if entry.slug not in organisations:
            organisations[entry.slug] = do_create_organisation(
                name=entry.name, slug=entry.slug, kind="other", acting_user=admin
            )

    # The registers: Riverside's 2,000 and a smaller one per other CLP, via the CSV import.
    next_number = 1
    for slug, clp in constituencies.items():
        count = RIVERSIDE_MEMBERS if slug == RIVERSIDE_SLUG else OTHER_CLP_MEMBERS
        text = _register_csv(
            rng,
            count=count,
            constituency=slug,
            wards=[b.slug for b in branches[slug]],
            today=today,
            first_number=next_number,
            recent_share=0.05,
        )
        report = import_members(
            text,
            dry_run=False,
            acting_user=admin,
            source_name=f"demo register: {clp.name}",
            backdate_reason="the demo's register, moved from the party's previous system",
        )
        if not report.ok:
            raise RuntimeError(f"demo register for {clp} is invalid: {report.errors[:3]}")
        next_number += count

    for unit_slug, org_slug, days_ago, ref in AFFILIATIONS:
        do_create_affiliation(
            constituencies[unit_slug],
            organisations[org_slug],
            start=today - datetime.timedelta(days=days_ago),
            decision=f"Affiliation agreed by the General Committee ({ref}).",
            decision_ref=ref,
            acting_user=admin,
        )

    riverside = constituencies[RIVERSIDE_SLUG]
    accounts: dict[str, Any] = {"admin": admin}
    members: dict[str, Any] = {}
    officers = _appoint_officers(riverside, today, rng, admin, do_appoint_officer)

    # Link the role accounts to members: secretary and chair are the Riverside officers.
    for role, local, _desc in DEMO_ACCOUNTS:
        if role == "admin":
            continue
        email = f"{local}@{DEMO_DOMAIN}"
        if role in ("secretary", "chair", "vice-chair"):
            member = officers[role]
        elif role == "member":
            member = _ordinary_member(riverside, today, exclude=set(officers.values()))
        else:
            member = None
        first, last = (member.first_name, member.last_name) if member else _staff_name(role)
        user = _make_user(email, first, last)
        accounts[role] = user
        if member is not None:
            member = do_change_register_entry(
                member, email=email, reason="the demo's account for this role", acting_user=admin
            )
            members[role] = do_link_account(member, user, acting_user=admin)
        else:
            _assign_staff_role(user, role, admin)
    return DemoOrg(
        national=national,
        regions=regions,
        constituencies=constituencies,
        riverside=riverside,
        branches=branches,
        organisations=organisations,
        accounts=accounts,
        members=members,
        officers=officers,
        today=today,
    )


def _staff_name(role: str) -> tuple[str, str]:
    return {
        "national_staff": ("Nadia", "Whinford"),
        "complaints_staff": ("Callum", "Sedgewick"),
        "auditor": ("Iris", "Oakcombe"),
    }[role]


def _ordinary_member(unit: Any, today: datetime.date, *, exclude: set[Any]) -> Any:
    """A long-standing active member with no office: the demo's "member" account."""
    from moot.members.models import Member

    cutoff = today - datetime.timedelta(days=3 * 365)
    return (
        Member.objects.filter(constituency=unit, status="active", joined_on__lte=cutoff)
        .exclude(pk__in=[m.pk for m in exclude])
        .order_by("number")
        .first()
    )


def _appoint_officers(
    unit: Any, today: datetime.date, rng: random.Random, admin: Any, appoint: Any
) -> dict[str, Any]:
    """Fill the unit's posts from long-standing active members, women first for reserved
    posts and alternating so the slate meets the balance rules, elected at last year's AGM."""
    from moot.members.models import Member

    start = today - datetime.timedelta(days=200)
    pool = list(
        Member.objects.filter(
            constituency=unit, status="active", joined_on__lte=start - datetime.timedelta(days=365)
        ).order_by("number")
    )
    rng.shuffle(pool)
    women = [m for m in pool if m.gender == "woman"]
    others = [m for m in pool if m.gender in ("man", "non_binary")]
    officers: dict[str, Any] = {}
    for index, post in enumerate(unit.posts.order_by("order")):
        want_woman = post.reserved_for_women or index % 2 == 0
        source = women if want_woman or not others else others
        member = source.pop()
        appoint(post, member, start=start, elected_ref="agm:last-year", acting_user=admin)
        officers[post.slug] = member
    return officers
