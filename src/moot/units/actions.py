"""Every write to units, organisations, affiliations, posts, office holdings and adopted
rulebook editions: one transaction and one audit event each."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q

from moot.audit.actions import record
from moot.members.errors import ActionError
from moot.units.audit_verbs import AuditVerb
from moot.units.models import (
    PARENT_KIND,
    AdoptedEdition,
    Affiliation,
    OfficeHolding,
    Organisation,
    OrganisationKind,
    Post,
    Unit,
    UnitKind,
)
from moot.units.queries import edition_in_force, proscription_of, today

if TYPE_CHECKING:
    from moot import rulebook
    from moot.accounts.models import User


def _reasons_text(reasons: Any) -> tuple[str, str]:
    """("reason; reason", "first clause") from a rulebook verdict's reasons."""
    texts = [r.text for r in reasons]
    clauses = [r.clause for r in reasons if r.clause]
    return "; ".join(texts), (clauses[0] if clauses else "")


def snapshot(unit: Unit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "slug": unit.slug,
        "kind": unit.kind,
        "parent": unit.parent_id,
        "code": unit.code,
    }


@transaction.atomic
def do_create_unit(
    *,
    name: str,
    slug: str,
    kind: str,
    parent: Unit | None,
    code: str = "",
    acting_user: User | None,
    on: datetime.date | None = None,
) -> Unit:
    """Add a unit under ``parent`` and create its posts from the rulebook edition in force."""
    if kind not in UnitKind.values:
        raise ActionError(f"kind {kind!r} is not one of {', '.join(UnitKind.values)}")
    expected = PARENT_KIND[UnitKind(kind)]
    if (parent.kind if parent else None) != expected:
        where = f"under a {expected}" if expected else "at the top (no parent)"
        raise ActionError(f"a {kind} unit belongs {where}")
    if Unit.objects.filter(slug=slug).exists():
        raise ActionError(f"the slug {slug!r} is taken; choose another")
    unit = Unit.objects.create(name=name, slug=slug, kind=kind, parent=parent, code=code)
    posts = create_posts_for_unit(unit, edition_in_force(on))
    record(
        actor=acting_user,
        verb=AuditVerb.CREATE_UNIT,
        obj=unit,
        after={**snapshot(unit), "posts": [p.slug for p in posts]},
    )
    return unit


def create_posts_for_unit(unit: Unit, edition: rulebook.Edition) -> list[Post]:
    """Create (or update) the unit's posts from the edition's catalogue for its kind of unit.
    Runs inside the calling action's transaction."""
    made = []
    for order, spec in enumerate(edition.posts_for(unit.kind)):
        post, _ = Post.objects.update_or_create(
            unit=unit,
            slug=spec.slug,
            defaults={
                "title": spec.title,
                "reserved_for_women": spec.reserved_for_women,
                "job_share_allowed": spec.job_share_allowed,
                "exclusive_group": spec.exclusive_group or "",
                "seats": spec.seats,
                "order": order,
            },
        )
        made.append(post)
    return made


@transaction.atomic
def do_create_organisation(
    *, name: str, slug: str, kind: str, website: str = "", acting_user: User | None
) -> Organisation:
    """Register an outside organisation (proscription comes from the rulebook, not from here)."""
    if kind not in OrganisationKind.values:
        raise ActionError(f"kind {kind!r} is not one of {', '.join(OrganisationKind.values)}")
    if Organisation.objects.filter(slug=slug).exists():
        raise ActionError(f"the slug {slug!r} is taken; choose another")
    org = Organisation.objects.create(name=name, slug=slug, kind=kind, website=website)
    record(
        actor=acting_user,
        verb=AuditVerb.CREATE_ORGANISATION,
        obj=org,
        after={"name": name, "slug": slug, "kind": kind, "website": website},
    )
    return org


def check_affiliation(unit: Unit, organisation: Organisation, start: datetime.date) -> str:
    """Refuse an affiliation the rulebook in force on ``start`` does not allow; return the
    clause that allows it. A proscribed organisation is refused citing the proscription."""
    from moot import rulebook

    edition = edition_in_force(start)
    proscription = proscription_of(organisation, start)
    if proscription is not None:
        raise ActionError(
            f"{organisation} is proscribed by the rulebook in force on {start} "
            f"({edition.name}); a unit may not affiliate to it",
            clause=proscription.clause,
        )
    verdict = rulebook.check_affiliation(
        edition, unit_kind=unit.kind, org_kind=organisation.kind, org_slug=organisation.slug
    )
    text, clause = _reasons_text(verdict.reasons)
    if not verdict.allowed:
        raise ActionError(f"{organisation} may not affiliate to {unit}: {text}", clause=clause)
    overlapping = Affiliation.objects.filter(unit=unit, organisation=organisation).filter(
        Q(end__isnull=True) | Q(end__gt=start)
    )
    if overlapping.exists():
        raise ActionError(
            f"{organisation} is already affiliated to {unit} on {start}; end that affiliation first"
        )
    return clause


@transaction.atomic
def do_create_affiliation(
    unit: Unit,
    organisation: Organisation,
    *,
    start: datetime.date,
    decision: str,
    decision_ref: str = "",
    acting_user: User | None,
) -> Affiliation:
    """Record an affiliation made by ``decision`` (e.g. a motion carried), from ``start``."""
    clause = check_affiliation(unit, organisation, start)
    affiliation = Affiliation.objects.create(
        unit=unit,
        organisation=organisation,
        start=start,
        decision=decision,
        decision_ref=decision_ref,
        created_by=acting_user,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.CREATE_AFFILIATION,
        obj=affiliation,
        after={
            "unit": unit.pk,
            "organisation": organisation.slug,
            "start": start,
            "decision_ref": decision_ref,
        },
        clause=clause,
        reason=decision,
    )
    return affiliation


@transaction.atomic(durable=True)
def do_end_affiliation(
    affiliation: Affiliation, *, end: datetime.date, reason: str, acting_user: User | None
) -> Affiliation:
    """End an affiliation from ``end`` (exclusive)."""
    affiliation = Affiliation.objects.select_for_update(of=("self",)).get(pk=affiliation.pk)
    if affiliation.end is not None:
        raise ActionError(f"this affiliation already ended on {affiliation.end}")
    if end <= affiliation.start:
        raise ActionError(f"the end ({end}) must be after the start ({affiliation.start})")
    affiliation.end = end
    affiliation.save(update_fields=["end"])
    record(
        actor=acting_user,
        verb=AuditVerb.END_AFFILIATION,
        obj=affiliation,
        before={"end": None},
        after={"end": end},
        reason=reason,
    )
    return affiliation


def _slate_on(unit: Unit, on: datetime.date, *, adding: Any = None) -> list[Any]:
    """The unit's officers on ``on`` as the rulebook's slate entries (plus a proposed one)."""
    from moot import rulebook

    entries = [
        rulebook.SlateEntry(
            post=h.post.slug,
            person=str(h.member_id),
            woman=h.member.gender == "woman",
            job_share=h.job_share,
        )
        for h in OfficeHolding.objects.filter(post__unit=unit, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gt=on))
        .select_related("post", "member")
    ]
    if adding is not None:
        entries.append(adding)
    return entries


def check_appointment(post: Post, member: Any, start: datetime.date, *, job_share: bool) -> str:
    """Refuse an appointment the rulebook does not allow; return the clause it rests on.

    Checks, in order: the member belongs to the unit and is in good standing; the post is not
    already held (or, for a job share, held by at most one other sharer on a post that allows
    job shares); then the whole resulting slate against the edition's officer constraints
    (reserved posts, gender balance, exclusive posts) via ``rulebook.check_officer_slate``.
    """
    from moot import rulebook
    from moot.members.queries import member_belongs_to

    if not member_belongs_to(member, post.unit):
        raise ActionError(f"{member} is not a member of {post.unit}")
    if member.status not in ("active", "in_arrears"):
        raise ActionError(f"{member} is {member.get_status_display()} and cannot hold office")
    current = list(
        OfficeHolding.objects.filter(post=post, start__lte=start).filter(
            Q(end__isnull=True) | Q(end__gt=start)
        )
    )
    if any(h.member_id == member.pk for h in current):
        raise ActionError(f"{member} already holds {post.title}")
    edition = edition_in_force(start)
    proposed = rulebook.SlateEntry(
        post=post.slug,
        person=str(member.pk),
        woman=member.gender == "woman",
        job_share=job_share,
    )
    verdict = rulebook.check_officer_slate(
        edition,
        unit.kind if (unit := post.unit) else "",
        _slate_on(post.unit, start, adding=proposed),
    )
    text, clause = _reasons_text(verdict.reasons)
    if not verdict.allowed:
        raise ActionError(f"cannot appoint {member} as {post.title}: {text}", clause=clause)
    if len(current) >= post.seats and not job_share:
        holders = ", ".join(str(h.member) for h in current)
        raise ActionError(
            f"{post.title} is held by {holders}; end that holding first or appoint as a job share"
        )
    return clause


@transaction.atomic(savepoint=False)
def do_appoint_officer(
    post: Post,
    member: Any,
    *,
    start: datetime.date,
    job_share: bool = False,
    elected_ref: str = "",
    acting_user: User | None,
) -> OfficeHolding:
    """Appoint ``member`` to ``post`` from ``start`` (after an election or co-option)."""
    clause = check_appointment(post, member, start, job_share=job_share)
    if job_share:
        # The other sharer's holding becomes a job share too.
        OfficeHolding.objects.filter(post=post, start__lte=start).filter(
            Q(end__isnull=True) | Q(end__gt=start)
        ).update(job_share=True)
    holding = OfficeHolding.objects.create(
        post=post,
        member=member,
        start=start,
        job_share=job_share,
        elected_ref=elected_ref,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.APPOINT_OFFICER,
        obj=holding,
        after={
            "post": post.slug,
            "unit": post.unit_id,
            "member": member.pk,
            "start": start,
            "job_share": job_share,
            "elected_ref": elected_ref,
        },
        clause=clause,
    )
    return holding


@transaction.atomic(savepoint=False)
def do_end_holding(
    holding: OfficeHolding, *, end: datetime.date, reason: str, acting_user: User | None
) -> OfficeHolding:
    """End an office holding from ``end`` (exclusive), e.g. on resignation or re-election."""
    holding = (
        OfficeHolding.objects.select_for_update(of=("self",))
        .select_related("post")
        .get(pk=holding.pk)
    )
    if holding.end is not None and holding.end <= end:
        raise ActionError(f"this holding already ended on {holding.end}")
    if end <= holding.start:
        raise ActionError(f"the end ({end}) must be after the start ({holding.start})")
    before = {"end": holding.end}
    holding.end = end
    holding.ended_reason = reason[:200]
    holding.save(update_fields=["end", "ended_reason"])
    record(
        actor=acting_user,
        verb=AuditVerb.END_HOLDING,
        obj=holding,
        before=before,
        after={"end": end, "ended_reason": holding.ended_reason},
        reason=reason,
    )
    return holding


@transaction.atomic(durable=True)
def do_adopt_edition(
    *,
    source_text: str,
    effective_from: datetime.date,
    acting_user: User | None,
    source_name: str = "",
) -> AdoptedEdition:
    """Adopt a rulebook edition from ``effective_from``. The TOML is validated first (errors
    name the key path and the fix) and stored verbatim; decisions before that date keep citing
    the edition that was in force then."""
    from moot import rulebook

    try:
        edition = rulebook.parse_edition(source_text, source=source_name or "uploaded edition")
    except rulebook.RulebookError as exc:
        raise ActionError(str(exc), field="source_text") from exc
    if AdoptedEdition.objects.filter(effective_from=effective_from).exists():
        raise ActionError(
            f"an edition is already adopted from {effective_from}; choose another date"
        )
    adopted = AdoptedEdition.objects.create(
        edition_name=edition.name,
        effective_from=effective_from,
        adopted_by=acting_user,
        source_text=source_text,
    )
    record(
        actor=acting_user,
        verb=AuditVerb.ADOPT_EDITION,
        obj=adopted,
        after={"edition": edition.name, "effective_from": effective_from},
    )
    return adopted


@transaction.atomic(durable=True)
def do_refresh_posts(*, acting_user: User | None, on: datetime.date | None = None) -> int:
    """Create any posts a newly adopted edition adds, for every unit (returns units touched)."""
    edition = edition_in_force(on or today())
    count = 0
    for unit in Unit.objects.all():
        create_posts_for_unit(unit, edition)
        count += 1
    record(
        actor=acting_user,
        verb=AuditVerb.REFRESH_POSTS,
        object_type="units.post",
        object_id="*",
        object_repr=f"posts from {edition.name}",
        after={"edition": edition.name, "units": count},
    )
    return count
