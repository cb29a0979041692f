"""How actions hold their transactions (STYLE §2): every row lock names what it locks, and an
outermost action refuses to run inside a caller's transaction (``durable=True``), so that what
it records is committed when it returns."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django.db import transaction

SRC = Path(__file__).resolve().parents[1] / "src" / "moot"


def unnamed_locks(source: str, label: str) -> list[str]:
    """``select_for_update()`` calls without ``of=``: on PostgreSQL they lock every row the
    query joins (``select_related``), e.g. the unit of a meeting, and so every meeting of it."""
    return [
        f"{label}:{node.lineno}"
        for node in ast.walk(ast.parse(source, label))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "select_for_update"
        and not any(keyword.arg == "of" for keyword in node.keywords)
    ]


def test_every_row_lock_names_what_it_locks() -> None:
    modules = [p for p in sorted(SRC.rglob("*.py")) if "migrations" not in p.parts]
    found = [
        where
        for path in modules
        for where in unnamed_locks(path.read_text(), str(path.relative_to(SRC)))
    ]
    assert found == [], (
        'name what select_for_update locks, e.g. select_for_update(of=("self",)): without it '
        f"PostgreSQL also locks every joined row: {found}"
    )


def test_the_walk_sees_an_unnamed_lock() -> None:
    source = (
        "a = Meeting.objects.select_for_update().select_related('unit').get(pk=1)\n"
        "b = Meeting.objects.select_for_update(of=('self',)).get(pk=1)\n"
    )
    assert unnamed_locks(source, "probe.py") == ["probe.py:1"]


@pytest.mark.django_db
def test_an_outermost_action_refuses_to_run_inside_a_callers_transaction() -> None:
    from moot import rulebook
    from moot.units.actions import do_adopt_edition
    from moot.units.models import AdoptedEdition

    effective = datetime.date(2031, 1, 1)
    with (
        pytest.raises(RuntimeError, match="durable atomic block cannot be nested"),
        transaction.atomic(),
    ):
        do_adopt_edition(
            source_text=rulebook.preset_source("party"), effective_from=effective, acting_user=None
        )
    assert not AdoptedEdition.objects.exists()
    # On its own (here inside the test's transaction, which Django lets durable blocks into).
    do_adopt_edition(
        source_text=rulebook.preset_source("party"), effective_from=effective, acting_user=None
    )
    assert AdoptedEdition.objects.count() == 1


@pytest.mark.django_db
def test_an_action_other_actions_call_runs_in_their_transaction() -> None:
    """do_end_holding (savepoint=False) inside a caller's transaction: its refusal dooms that
    transaction instead of leaving it half-done and usable."""
    from factories import OfficeHoldingFactory
    from moot.members.errors import ActionError
    from moot.units.actions import do_end_holding
    from moot.units.models import OfficeHolding

    holding = OfficeHoldingFactory()
    with transaction.atomic():
        with pytest.raises(ActionError):
            do_end_holding(
                holding,
                end=holding.start - datetime.timedelta(days=1),
                reason="before it began",
                acting_user=None,
            )
        assert transaction.get_rollback()  # the caller's block is rolled back as it ends
    assert OfficeHolding.objects.get(pk=holding.pk).end is None
