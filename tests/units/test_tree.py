"""The unit tree's materialised path: ancestors and descendants in one query each."""

from __future__ import annotations

import pytest

from factories import UnitFactory
from moot.units.models import Unit

pytestmark = pytest.mark.django_db


def test_path_ancestors_descendants():
    branch = UnitFactory(kind="branch")
    clp = branch.parent
    region = clp.parent
    national = region.parent
    assert national.parent is None
    assert branch.path == f"{national.pk}/{region.pk}/{clp.pk}/{branch.pk}/"
    assert branch.ancestors() == [national, region, clp]
    assert set(region.descendants_ids()) == {region.pk, clp.pk, branch.pk}
    assert set(region.descendants_ids(include_self=False)) == {clp.pk, branch.pk}


def test_moving_a_unit_rewrites_the_paths_below_it():
    branch = UnitFactory(kind="branch")
    clp = branch.parent
    new_region = UnitFactory(kind="region")
    clp.parent = new_region
    clp.save()
    branch.refresh_from_db()
    assert branch.path == f"{new_region.path}{clp.pk}/{branch.pk}/"
    assert Unit.objects.get(pk=clp.pk).ancestors()[-1] == new_region
