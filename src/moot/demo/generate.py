"""Generated member registers (CSV in the import format) for benchmarks and tests."""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Sequence

from moot.csv_export import csv_writer
from moot.demo import names
from moot.members.csv_columns import COLUMNS

# (status, weight): most members are active; a realistic tail is not.
STATUS_WEIGHTS = (
    ("active", 82),
    ("in_arrears", 7),
    ("lapsed", 6),
    ("suspended", 1),
    ("resigned", 2),
    ("expelled", 1),
    ("applied", 1),
)


def generate_members_csv(
    count: int,
    units: Sequence[tuple[str, Sequence[str]]],
    *,
    seed: int = 2026,
    today: datetime.date | None = None,
    first_number: int = 1,
) -> str:
    """``count`` invented members spread over ``units`` = [(constituency slug, [branch slugs])]."""
    rng = random.Random(seed)
    today = today or datetime.date.today()  # noqa: DTZ011 - a generated register, not a record
    statuses = [s for s, _ in STATUS_WEIGHTS]
    weights = [w for _, w in STATUS_WEIGHTS]
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(COLUMNS)
    for i in range(count):
        first, last, gender = names.person(rng)
        constituency, branches = units[i % len(units)]
        joined = today - datetime.timedelta(days=rng.randint(1, 365 * 30))
        status = rng.choices(statuses, weights)[0]
        since = ""
        if status not in ("active", "applied"):
            span = (today - joined).days
            since = (joined + datetime.timedelta(days=rng.randint(0, span))).isoformat()
        birth = datetime.date(rng.randint(1940, 2007), rng.randint(1, 12), rng.randint(1, 28))
        writer.writerow(
            (
                f"M{first_number + i:07d}",
                first,
                last,
                f"{first}.{last}.{i}@example.org".lower(),
                f"07700 9{rng.randint(0, 99999):05d}",
                names.address(rng),
                names.postcode(rng),
                birth.isoformat(),
                gender,
                constituency,
                rng.choice(branches) if branches else "",
                joined.isoformat(),
                status,
                since,
            )
        )
    return out.getvalue()
