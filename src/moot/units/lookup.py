"""Finding a member by name for a form — a motion's seconder, a nominee, a nominator — without
the membership card (issue 9, item 3), and without opening the register to whoever types.

* **Who may look**: a member of the unit whose business it is (the meeting's or the
  election's), or someone who manages it (an officer over the unit, staff over it, a
  superuser). Anyone else is refused.
* **Whom it finds**: members of that unit only, by name only (never by number or e-mail, so
  it cannot be used to test an address), who may take the part on the day — an active member
  the rulebook lets second, stand or nominate (``members.queries.eligibility``). A suspended
  member is simply not found, and nothing says why.
* **What it shows**: what :func:`moot.members.disclosure.lookup_view` gives — the name and the
  branch. Never the membership number, e-mail, address, date of birth or standing.
* **How much**: the first letter (or more) of the first name *and* at least
  :data:`MIN_CHARACTERS` letters of the surname ("M Quen", "Marisol Quennell" or
  "Quennell, M"), at most :data:`SHOWN` answers, and :data:`LIMIT` searches per user in
  :data:`WINDOW` (a database counter shared by every server, as ``moot.limits``), then 429
  ``rate_limited``. A prefix of one name alone ("Mar", "Que") lists a branch; it is refused.
* **What a choice carries**: a token signed for the user, the unit and the purpose, valid for
  :data:`TOKEN_AGE` seconds, naming the member by the record's internal id; the form turns it
  back into the member with :func:`member_from_token`, which checks all of that again.

It lives in units (it reads a unit's members and its offices; members sits below units).
docs/security.md §3 ("The member look-up") is the threat model;
tests/security/test_member_lookup.py the insider tests.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core import signing

from moot.errors import Refusal, RefusalCode

MIN_CHARACTERS = 3
SHOWN = 5
SCANNED = 40  # candidates checked against the rulebook to find SHOWN eligible ones
LIMIT = 10
WINDOW = datetime.timedelta(minutes=10)
SCOPE = "member_lookup"
TOKEN_AGE = 2 * 60 * 60
_SALT = "moot.members.lookup"
PURPOSES = ("meeting", "stand", "nominate")
MANAGING_POSTS = frozenset({"chair", "secretary", "vice-chair"})  # who runs a unit's business


@dataclass(frozen=True)
class Match:
    """One answer: what a looking member may see (``disclosure.lookup_view``) and the token
    that stands for the member in the form."""

    token: str
    name: str
    branch: str

    @property
    def label(self) -> str:
        return f"{self.name} — {self.branch}" if self.branch else self.name


def may_look_up(user: Any, unit: Any) -> bool:
    """A member of ``unit`` (or of a unit under it), or someone who manages its business."""
    from moot.accounts.permissions import is_staff_over_unit
    from moot.accounts.roles import roles_of
    from moot.members.queries import member_belongs_to

    if user is None or not getattr(user, "is_authenticated", False) or unit is None:
        return False
    if user.is_superuser or is_staff_over_unit(user, unit):
        return True
    own = _current_member(user)
    if own is not None and member_belongs_to(own, unit):
        return True
    return bool(roles_of(user).holds_office_over(unit, MANAGING_POSTS))


def _current_member(user: Any) -> Any:
    """The user's membership record while they are a member (a lapsed, resigned or expelled
    person keeps their record, not a member's rights)."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        member = user.member
    except ObjectDoesNotExist:
        return None
    return member if member.is_current else None


def _check_may_look_up(user: Any, unit: Any, field: str | None) -> None:
    if not may_look_up(user, unit):
        raise Refusal(
            f"Only members of {unit.name} and its officers can look up its members by name.",
            field=field,
            code=RefusalCode.FORBIDDEN,
        )


NAME_NEEDED = (
    "Type the member's first name (or its first letter) and at least "
    f"{MIN_CHARACTERS} letters of their surname, e.g. “M Quen” or “Quennell, M”."
)


def name_parts(text: str) -> list[tuple[str, str]]:
    """The ways ``text`` reads as (start of the first name, start of the surname), each
    normalised as the name columns are; empty when it does not name both — the first name by
    at least one letter, the surname by at least :data:`MIN_CHARACTERS`. "Quennell, M" is
    surname first; otherwise the surname is the last word or words ("Mary Ann Smi")."""
    from moot.members.models import normalise_for_search

    raw = text or ""
    if "," in raw:
        surname, _, first = raw.partition(",")
        pairs = [(normalise_for_search(first), normalise_for_search(surname))]
    else:
        words = normalise_for_search(raw).split()
        pairs = [(" ".join(words[:cut]), " ".join(words[cut:])) for cut in range(1, len(words))]
    return [
        (first, surname)
        for first, surname in pairs
        if first and len(surname.replace(" ", "")) >= MIN_CHARACTERS
    ]


def _any_of(prefix_q: Any, splits: list[tuple[str, str]]) -> Any:
    from django.db.models import Q

    where = Q(pk__in=[])
    for first, surname in splits:
        # search_name is "last first", search_name_reversed "first last" (both normalised).
        where |= prefix_q("search_name_reversed", first) & prefix_q("search_name", surname)
    return where


def find_members(
    user: Any,
    unit: Any,
    text: str,
    *,
    purpose: str,
    at: datetime.date,
    field: str | None = None,
) -> list[Match]:
    """Members of ``unit`` named by ``text`` — the start of the first name and at least
    :data:`MIN_CHARACTERS` letters of the surname (:func:`name_parts`) — who may take part for
    ``purpose`` on ``at``; at most :data:`SHOWN`. Counts one search."""
    from moot.limits import hit
    from moot.members.models import Member
    from moot.members.queries import eligibility, prefix_q
    from moot.units.queries import member_in_unit_q

    if purpose not in PURPOSES:
        raise ValueError(f"unknown look-up purpose {purpose!r}")
    _check_may_look_up(user, unit, field)
    splits = name_parts(text)
    if not splits:
        raise Refusal(NAME_NEEDED, field=field)
    wait = hit(SCOPE, f"user:{user.pk}", limit=LIMIT, window=WINDOW)
    if wait:
        raise Refusal(
            f"You have looked up {LIMIT} names in {int(WINDOW.total_seconds() // 60)} minutes; "
            f"wait about {max(1, round(wait / 60))} minute(s), or type the membership number.",
            field=field,
            code=RefusalCode.RATE_LIMITED,
        )
    candidates = (
        Member.objects.filter(member_in_unit_q(unit), status="active")
        .filter(_any_of(prefix_q, splits))
        .select_related("branch")
        .order_by("search_name", "id")[:SCANNED]
    )
    from moot.members.disclosure import lookup_view

    matches: list[Match] = []
    for member in candidates:
        if not eligibility(member, purpose, unit, at=at).allowed:
            continue
        shown = lookup_view(member)
        matches.append(
            Match(
                token=_token(user, unit, purpose, member),
                name=shown["name"],
                branch=shown["branch"],
            )
        )
        if len(matches) == SHOWN:
            break
    return matches


def _token(user: Any, unit: Any, purpose: str, member: Any) -> str:
    return signing.dumps({"m": member.pk, "u": user.pk, "n": unit.pk, "p": purpose}, salt=_SALT)


def member_from_token(
    user: Any, unit: Any, token: str, *, purpose: str, field: str | None = None
) -> Any:
    """The member a look-up answer stands for, checked again: signed for this user, this
    unit and this purpose, not older than :data:`TOKEN_AGE`, still a member of the unit."""
    from moot.members.models import Member
    from moot.units.queries import member_in_unit_q

    _check_may_look_up(user, unit, field)
    refused = Refusal(
        "That choice has expired or is not valid here: look the member up again.", field=field
    )
    try:
        data = signing.loads(token, salt=_SALT, max_age=TOKEN_AGE)
    except signing.BadSignature as exc:
        raise refused from exc
    if not isinstance(data, dict) or (data.get("u"), data.get("n"), data.get("p")) != (
        user.pk,
        unit.pk,
        purpose,
    ):
        raise refused
    member_id = data.get("m")
    if not isinstance(member_id, int):
        raise refused
    member = (
        Member.objects.filter(member_in_unit_q(unit), pk=member_id).select_related("branch").first()
    )
    if member is None:
        raise refused
    return member


def label_for(user: Any, unit: Any, token: str, *, purpose: str) -> str:
    """The label of a chosen answer, to show the choice again on a form page (or "")."""
    from moot.members.disclosure import lookup_view

    try:
        member = member_from_token(user, unit, token, purpose=purpose)
    except Refusal:
        return ""
    shown = lookup_view(member)
    return Match(token=token, name=shown["name"], branch=shown["branch"]).label
