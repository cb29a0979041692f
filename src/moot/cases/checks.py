"""``moot check`` (and every management command's start-up, ``moot serve`` included) says
loudly when the case key is missing or does not open the cases: the cases cannot be read
without it, and moot never shows them as empty instead (docs/cases.md, "Lost key")."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import DatabaseError


def case_key_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from moot.cases.crypto import check_case_key

    try:
        problems = check_case_key()
    except DatabaseError:  # not migrated yet: there are no cases to read
        return []
    return [
        checks.Error(
            problem,
            hint="docs/cases.md, 'Lost key': moot cases key recover --share ... (k of n shares)",
            id="cases.E001",
        )
        for problem in problems
    ]
