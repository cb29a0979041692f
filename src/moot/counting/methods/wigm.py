"""STV rule sets of the Gregory family: Scottish 2007, WIGM, ERS97 and last-parcel Gregory.

All share one engine (:mod:`moot.counting.methods._stv_core`); they differ in precision,
quota, which papers a surplus transfers and whether surpluses are deferred and exclusions
bulked. Every number is an integer in fixed point at the rule's precision; no float is used.

``scottish-stv``
    Scottish Local Government Elections Order 2007 (SSI 2007/42) rules 45–52. Quota
    floor(V/(S+1)) + 1 (r.46); elected at or over quota (r.47); all papers of the elected
    candidate re-examined, each transferred at surplus × its value ÷ the candidate's total,
    to 5 places, remainder ignored (r.48(3)); highest surplus first (r.49(1)); one exclusion
    per stage, all papers at their current values (r.50); ties by the most recent preceding
    stage with unequal votes, else lot (r.49(2)-(3), r.51; interpretation in
    :mod:`moot.counting.tiebreak`); last vacancies filled when the continuing candidates are
    no more than the seats left (r.52). The precision and quota are statutory and cannot be
    changed.
``wigm``
    Weighted inclusive Gregory method, as the PR Foundation reference: the same transfers
    as Scottish STV at ``options.precision`` places (default 4), quota ``options.quota``
    (default ``exact-droop``: V/(S+1) truncated plus one unit of the last place; ``droop``
    and ``hare`` also accepted).
``ers97``
    Electoral Reform Society rules of 1997: quota V/(S+1) to 2 places rounded up; values to
    2 places, remainder ignored; only the last parcel that made the candidate's surplus is
    transferred, at surplus ÷ value of its transferable papers (never more than the papers were
    worth); surpluses deferred while they cannot change the order at the bottom nor elect
    anyone; lowest candidates excluded together when their votes together with the surpluses
    are below the next candidate's. Simplification: an exclusion moves all papers of the
    excluded candidates in one stage (ERS97 moves them parcel by parcel, highest value
    first; results can differ only when a candidate passes the quota part-way through).
``gregory``
    Last-parcel Gregory (the Northern Ireland family): like ERS97's surplus rule, with the
    Droop quota floor(V/(S+1)) + 1, precision ``options.precision`` (default 2), no deferral
    and no bulk exclusion.
"""

from __future__ import annotations

from dataclasses import replace

from moot.counting.methods._stv_core import RuleSet, count_stv
from moot.counting.model import CountError, CountOptions, Election, Result
from moot.counting.registry import MethodSpec

SCOTTISH = RuleSet(
    name="scottish-stv",
    title="Scottish STV (SSI 2007/42 rules 45-52), Droop quota, 5 places, remainder ignored",
    precision=5,
    quota="droop",
)
WIGM = RuleSet(
    name="wigm",
    title="Weighted inclusive Gregory method",
    precision=4,
    quota="exact-droop",
)
ERS97 = RuleSet(
    name="ers97",
    title="ERS97 STV: last parcel, deferred surpluses, bulk exclusion, 2 decimal places",
    precision=2,
    quota="ers97",
    last_parcel=True,
    defer_surpluses=True,
    bulk_exclusion=True,
)
GREGORY = RuleSet(
    name="gregory",
    title="Gregory STV (last parcel), Droop quota",
    precision=2,
    quota="droop",
    last_parcel=True,
)

_QUOTAS = ("droop", "exact-droop", "hare")


def _configurable(rule: RuleSet, options: CountOptions) -> RuleSet:
    precision = rule.precision if options.precision is None else options.precision
    if not 0 <= precision <= 18:
        raise CountError(f"precision must be between 0 and 18 decimal places, got {precision}")
    quota = rule.quota if options.quota is None else options.quota
    if quota not in _QUOTAS:
        raise CountError(f"unknown quota {quota!r}; choose one of: {', '.join(_QUOTAS)}")
    title = f"{rule.title}, {quota} quota, {precision} decimal places, remainder ignored"
    return replace(rule, precision=precision, quota=quota, title=title)


def count_scottish(election: Election, options: CountOptions) -> Result:
    """SSI 2007/42 rules 45–52 (precision and quota are statutory: options ignored)."""
    return count_stv(election, options, SCOTTISH)


def count_wigm(election: Election, options: CountOptions) -> Result:
    """Weighted inclusive Gregory at ``options.precision`` (default 4) and ``options.quota``."""
    return count_stv(election, options, _configurable(WIGM, options))


def count_ers97(election: Election, options: CountOptions) -> Result:
    """ERS97 rules (2 dp, last parcel, deferred surpluses, bulk exclusion)."""
    return count_stv(election, options, ERS97)


def count_gregory(election: Election, options: CountOptions) -> Result:
    """Last-parcel Gregory with the Droop quota at ``options.precision`` (default 2)."""
    rule = GREGORY if options.precision is None else replace(GREGORY, precision=options.precision)
    return count_stv(election, options, rule)


METHODS = (
    MethodSpec("scottish-stv", "STV, Scottish local government rules 2007 (5 dp)", count_scottish),
    MethodSpec(
        "wigm", "STV, weighted inclusive Gregory (precision and quota configurable)", count_wigm
    ),
    MethodSpec("ers97", "STV, ERS 1997 rules (last parcel, deferred surpluses, 2 dp)", count_ers97),
    MethodSpec("gregory", "STV, last-parcel Gregory (Northern Ireland style, 2 dp)", count_gregory),
)
