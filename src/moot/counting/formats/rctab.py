"""RCTab contest configs (``*_config.json``): the ballots they point at, read under their rules.

An RCTab config names the cast-vote-record files (``cvrFileSources``: ES&S ``.xlsx``, NIST
CDF ``.json``, generic ``.csv``; paths relative to the config), the candidates (with aliases
and ``excluded``), and the rules. The reader applies the ballot-interpretation rules exactly as
RCTab's tabulator does, rank by rank (:func:`~moot.counting.formats._common.interpret`):

============================  =====================================================
``overvoteRule``              ``exhaustImmediately`` -> the paper stops at the overvote;
                              ``alwaysSkipToNextRank`` -> the rank is passed over;
                              ``exhaustIfMultipleContinuing`` is refused (it depends on
                              who is still continuing, which a reader cannot know)
``maxSkippedRanksAllowed``    a paper stops at a rank after more skipped ranks than this
                              (``unlimited`` = never)
``exhaustOnDuplicateCandidate``  a repeated candidate stops the paper (else it is passed over)
``maxRankingsAllowed``        ranks beyond it are ignored (``max`` = all)
``overvoteLabel``,            cell texts meaning an overvote / a skipped rank / an
``skippedRankLabel``,         undeclared write-in (ES&S, generic CSV); an empty cell is
``undeclaredWriteInLabel``    always a skipped rank
candidates ``excluded``       withdrawn (every method passes over them)
``numberOfWinners``           the seats (``0``, RCTab's percentage-threshold mode, is refused)
============================  =====================================================

Undeclared write-ins become the withdrawn candidate "Undeclared Write-ins": RCTab shows them
in round 1 and eliminates them first; here their papers go to their next choice from the
first round, so RCTab's round ``k + 1`` is moot's round ``k`` in such contests.

:func:`rctab_plan` maps the config's tabulation rules to a moot method and
:class:`~moot.counting.model.CountOptions` where moot has the same rule (IRV; multi-winner
fractional STV = ``wigm`` at the config's decimal places and threshold), and says why not
otherwise (bottoms-up, sequential multi-pass IRV, random tie-breaks drawn with Java's PRNG).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moot.counting.formats._common import RankRules, Roster, Tally, build_election
from moot.counting.formats.cdf import cdf_papers, load_json
from moot.counting.formats.ess import EssLayout, ess_papers
from moot.counting.formats.rctab_csv import csv_papers
from moot.counting.limits import check_digits, is_whole
from moot.counting.model import CountError, CountOptions, Election, Ranking, TieBreakSpec


def is_rctab_config(data: Any) -> bool:
    return isinstance(data, dict) and "cvrFileSources" in data


def _get(node: dict[str, Any], key: str, source: str, where: str, default: Any = None) -> Any:
    value = node.get(key, default)
    if value is None:
        raise CountError(f"{where}: missing {key!r}", source=source)
    return value


def _int(value: Any, what: str, source: str, *, allow: tuple[str, ...] = ()) -> int | None:
    if isinstance(value, str) and value.strip() in allow:
        return None
    if isinstance(value, bool):
        raise CountError(f"{what}: expected a whole number, found {value!r}", source=source)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and is_whole(value.strip()):
        return check_digits(value.strip(), what, source=source)
    shown = " or ".join(repr(a) for a in allow)
    raise CountError(
        f"{what}: expected a whole number{' or ' + shown if shown else ''}, found {value!r}",
        source=source,
    )


def rank_rules(config: dict[str, Any], source: str) -> RankRules:
    rules = config.get("rules")
    if not isinstance(rules, dict):
        raise CountError("the config has no 'rules' object", source=source)
    overvote = {
        "exhaustImmediately": "exhaust",
        "alwaysSkipToNextRank": "skip",
    }.get(str(rules.get("overvoteRule", "exhaustImmediately")))
    if overvote is None:
        raise CountError(
            f"rules.overvoteRule {rules.get('overvoteRule')!r} is not supported; expected "
            "'exhaustImmediately' or 'alwaysSkipToNextRank'",
            source=source,
        )
    skipped = _int(
        rules.get("maxSkippedRanksAllowed", "unlimited"),
        "rules.maxSkippedRanksAllowed",
        source,
        allow=("unlimited",),
    )
    max_rankings = _int(
        rules.get("maxRankingsAllowed", "max"), "rules.maxRankingsAllowed", source, allow=("max",)
    )
    duplicate = rules.get("exhaustOnDuplicateCandidate", False)
    return RankRules(
        overvote=overvote,
        max_skipped=skipped,
        duplicate="exhaust" if duplicate in (True, "true") else "skip",
        max_rankings=max_rankings,
    )


def _label(source_cfg: dict[str, Any], key: str) -> str:
    value = source_cfg.get(key)
    return value.strip() if isinstance(value, str) else ""


def read_rctab_config(path: str | Path, data: Any = None) -> Election:
    """The election an RCTab contest config describes (see the module docstring)."""
    source = str(path)
    config = load_json(path) if data is None else data
    if not is_rctab_config(config):
        raise CountError("not an RCTab contest config (no 'cvrFileSources')", source=source)
    rules = rank_rules(config, source)
    candidates = config.get("candidates")
    if not isinstance(candidates, list) or not candidates:
        raise CountError("the config has no 'candidates' list", source=source)
    names: list[str] = []
    aliases: dict[str, int] = {}
    excluded: set[int] = set()
    for i, cand in enumerate(candidates):
        if not isinstance(cand, dict) or not isinstance(cand.get("name"), str):
            raise CountError(f"candidates[{i}]: expected an object with a 'name'", source=source)
        names.append(cand["name"])
        for alias in cand.get("aliases") or []:
            if isinstance(alias, str) and alias.strip():
                aliases[alias] = i
        if isinstance(cand.get("code"), str) and cand["code"].strip():
            aliases[cand["code"]] = i
        if cand.get("excluded") in (True, "true"):
            excluded.add(i)
    seats = _int(config["rules"].get("numberOfWinners", 1), "rules.numberOfWinners", source)
    assert seats is not None
    if seats < 1:
        raise CountError(
            f"rules.numberOfWinners is {seats}: RCTab's percentage-threshold mode has no fixed "
            "number of seats, which moot does not count; set the number of seats",
            source=source,
        )
    sources = config.get("cvrFileSources")
    if not isinstance(sources, list) or not sources:
        raise CountError("'cvrFileSources' is empty; expected at least one CVR file", source=source)
    tally = Tally()
    papers: list[tuple[Ranking, int]] = []
    roster = Roster(names, aliases=aliases, fixed=True)
    for n, cvr in enumerate(sources):
        where = f"cvrFileSources[{n}]"
        if not isinstance(cvr, dict):
            raise CountError(f"{where}: expected an object", source=source)
        file_path = _get(cvr, "filePath", source, where)
        if not isinstance(file_path, str) or not file_path.strip():
            raise CountError(f"{where}.filePath: expected a file name", source=source)
        cvr_path = (Path(path).parent / file_path).resolve()
        label = _label(cvr, "undeclaredWriteInLabel")
        if label:
            roster.undeclared.add(label)
        provider = str(cvr.get("provider", ""))
        if provider == "ess":
            first_row = (
                _int(cvr.get("firstVoteRowIndex", 2), f"{where}.firstVoteRowIndex", source) or 2
            )
            first_column = _int(
                cvr.get("firstVoteColumnIndex"), f"{where}.firstVoteColumnIndex", source
            )
            labels = EssLayout(
                first_row=first_row,
                first_column=first_column,
                ranks=rules.max_rankings,
                overvote_labels=frozenset({_label(cvr, "overvoteLabel").lower()} - {""}),
                skipped_labels=frozenset({_label(cvr, "skippedRankLabel").lower()} - {""}),
            )
            got = ess_papers(cvr_path, roster, rules, labels, tally)
        elif provider == "cdf":
            got, _ = cdf_papers(
                cvr_path, roster, rules, tally, contest=str(cvr.get("contestId") or "") or None
            )
        elif provider == "genericCsv":
            got = csv_papers(
                cvr_path,
                roster,
                rules,
                tally,
                first_column=None
                if cvr.get("firstVoteColumnIndex") in (None, "")
                else _int(cvr["firstVoteColumnIndex"], f"{where}.firstVoteColumnIndex", source),
                first_row=_int(
                    cvr.get("firstVoteRowIndex", 2), f"{where}.firstVoteRowIndex", source
                )
                or 2,
            )
        else:
            raise CountError(
                f"{where}.provider {provider!r} is not supported; moot reads 'ess', 'cdf' "
                "and 'genericCsv'",
                source=source,
            )
        papers.extend(got)
    names = roster.names  # with "Undeclared Write-ins" when a paper has one
    withdrawn = excluded | roster.withdrawn
    output = config.get("outputSettings") if isinstance(config.get("outputSettings"), dict) else {}
    title = str(output.get("contestName") or Path(path).stem)
    return build_election(
        names=names,
        papers=papers,
        seats=seats,
        title=title,
        source=source,
        withdrawn=withdrawn,
        tie_order=tuple(range(len(names))),
        comment=f"RCTab config; {rules.describe()}; {tally.note()}",
        exhausted_at_start=tally.exhausted_at_start,
    )


@dataclass(frozen=True)
class RctabPlan:
    """The moot method and options that apply an RCTab config's tabulation rules."""

    method: str | None  # None: moot has no equivalent (see ``why``)
    options: CountOptions
    why: str = ""
    random_ties: bool = False  # RCTab draws ties with Java's PRNG: reproducible only without a tie


def rctab_plan(path: str | Path, data: Any = None) -> RctabPlan:
    source = str(path)
    config = load_json(path) if data is None else data
    rules = config.get("rules", {}) if isinstance(config, dict) else {}
    mode = str(rules.get("winnerElectionMode", ""))
    tiebreak = str(rules.get("tiebreakMode", ""))
    places = _int(
        rules.get("decimalPlacesForVoteArithmetic", 4),
        "rules.decimalPlacesForVoteArithmetic",
        source,
    )
    tie = (
        TieBreakSpec(name="candidate-order")
        if tiebreak in ("useCandidateOrder", "usePermutationInConfig")
        else TieBreakSpec(name="backwards")
    )
    random_ties = tiebreak not in ("useCandidateOrder", "usePermutationInConfig")
    if mode == "singleWinnerMajority":
        unsupported = [
            key
            for key in ("continueUntilTwoCandidatesRemain", "doesFirstRoundDetermineThreshold")
            if rules.get(key) in (True, "true")
        ]
        why = ("moot's irv does not have " + ", ".join(unsupported)) if unsupported else ""
        batch = rules.get("batchElimination") in (True, "true")
        options = CountOptions(
            tie_break=tie, precision=places, extra={"batch_elimination": True} if batch else {}
        )
        return RctabPlan("irv", options, why, random_ties)
    if mode in ("multiWinnerAllowMultipleWinnersPerRound", "multiWinnerAllowOnlyOneWinnerPerRound"):
        if rules.get("hareQuota") in (True, "true"):
            quota = "hare"
        elif rules.get("nonIntegerWinningThreshold") in (True, "true"):
            quota = "exact-droop"
        else:
            quota = "droop"
        return RctabPlan(
            "wigm",
            CountOptions(tie_break=tie, precision=places, quota=quota),
            "",
            random_ties,
        )
    return RctabPlan(None, CountOptions(), f"RCTab mode {mode!r} has no moot method", random_ties)
