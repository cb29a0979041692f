"""The reads of the retention and subject access pages (views build no querysets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from moot.cases.models import Case, DestructionList, LegalHold

if TYPE_CHECKING:
    from django.db.models import QuerySet


def destruction_lists(limit: int = 50) -> list[DestructionList]:
    return list(
        DestructionList.objects.select_related("created_by", "reviewed_by")
        .prefetch_related("items")
        .order_by("-created_at", "-id")[:limit]
    )


def retention_case(case_id: int) -> Case | None:
    return Case.objects.filter(pk=case_id).first()


def case_holds(case: Case) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(case=case).select_related("placed_by", "lifted_by")
