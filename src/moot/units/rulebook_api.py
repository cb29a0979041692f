"""The rulebook in the JSON API: the clauses of the edition in force on a date, each with the
rule's words and the link to its text on the rulebook page (issue 9 item 7: a client checks a
clause before citing it, as the ruling form does)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema

from moot.accounts.api_auth import API_AUTH
from moot.api_common import Message
from moot.api_common import caller as _user
from moot.rulebook.clauses import clauses_of
from moot.units.queries import edition_in_force

router = Router(tags=["rulebook"], auth=API_AUTH)


class ClauseOut(Schema):
    number: str
    title: str
    text: str
    url: str  # the rulebook page's anchor of the clause


class ClausesOut(Schema):
    edition: str
    on: str
    clauses: list[ClauseOut]


@router.get(
    "/clauses",
    response={200: ClausesOut, 403: Message, 422: Message},
    summary="The clauses of the edition in force (today, or on a date)",
    description="Every clause the edition cites, in order, with the words of the first rule "
    "citing it. A ruling citing a clause not listed here is refused (422, field 'clause').",
)
def list_clauses(request: HttpRequest, on: datetime.date | None = None) -> dict[str, object]:
    if not _user(request).has_perm("rulebook.view"):
        raise PermissionDenied("The rulebook is shown to members and staff.")
    on = on or timezone.localdate()
    edition = edition_in_force(on)
    page = reverse("rulebook:current")
    return {
        "edition": getattr(edition, "title", "") or edition.name,
        "on": on.isoformat(),
        "clauses": [
            {
                "number": clause.number,
                "title": clause.title,
                "text": clause.text,
                "url": f"{page}?on={on.isoformat()}#clause-{clause.number}",
            }
            for clause in clauses_of(edition).values()
        ],
    }
