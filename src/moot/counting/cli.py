"""``moot count``: count an election file from the command line.

    moot count FILE [FILE ...] [--input-format auto|blt|rctab-csv|cdf|ess-xlsx|ranked-vote|debian
                                    |rctab-config]
                    [--method NAME] [--seats N] [--constraints FILE] [--tie-break NAME]
                    [--seed N] [--output text|json|rctab|csv] [--chart FILE]
                    [--blt-keep-after-title]
    moot count --list-methods

``--input-format auto`` (the default) recognises each format by its content, then its
extension (:func:`moot.counting.formats.detect_format`); ``rctab-config`` reads an RCTab
contest config JSON and the cast-vote-record files it names, under its ballot rules.

Extra options: ``--contest NAME`` (a CDF report with several contests), ``--precision N``,
``--quota droop|hare|exact-droop`` (where the method lets them vary), ``--tie-order NAMES``
(comma-separated, most favoured first), ``--lot NAMES`` (decisions already made by lot, in
the order the ties arise), ``--write-blt FILE`` (the ballots as read, in BLT),
``--output-file FILE``, ``--limit NAME=N`` (raise or lower one of the limits of
:mod:`moot.counting.limits` for this run; repeatable).

Default method: ``schulze`` for a Debian tally (Debian's rule: Condorcet, Schulze's
beatpath); otherwise ``irv`` for one seat and ``scottish-stv`` for more (ranked ballots),
``approval`` for approval ballots and ``plurality`` for single-choice ballots.

Several files are counted one after another, each with the same options, and each gets its
own report: in text, a ``==> FILE <==`` line before each; in ``json`` or ``rctab``, one JSON
array of ``{"file": FILE, "report": ...}`` (or ``"error"`` for a file that could not be
counted). A file that cannot be counted does not stop the others; the exit status is the
worst of them. ``--chart``, ``--write-blt`` and ``--output csv`` take one file.

Bad input (a malformed file, an unknown option value, a missing file, a file or count
beyond a limit) prints one line,
``moot count: <source>:<line>:<column>: <what was expected>``, and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from moot.counting.limits import NAMES, active, check_method, parse_override, using
from moot.counting.model import CountError, CountOptions, Election, TieBreakSpec, check_seats

if TYPE_CHECKING:
    from moot.counting.formats.rctab import RctabPlan

INPUT_FORMATS = (
    "auto",
    "blt",
    "rctab-csv",
    "rctab-config",
    "cdf",
    "ess-xlsx",
    "ranked-vote",
    "debian",
)
OUTPUTS = ("text", "json", "rctab", "csv")
TIE_BREAKS = ("backwards", "forwards", "candidate-order", "random", "lot")
CONSTRAINED_METHODS = frozenset(
    {"scottish-stv", "wigm", "ers97", "gregory", "meek", "meek-nz", "meek-parametric"}
)


class _UsageError(Exception):
    """A bad command line (reported in one line, exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]  # raise, don't exit
        raise _UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="moot count",
        description="Count an election file by a named method and print the result.",
    )
    parser.add_argument(
        "files", nargs="*", metavar="FILE", help="ballot file(s) (BLT, RCTab CSV, CDF JSON, ...)"
    )
    parser.add_argument("--list-methods", action="store_true", help="list the methods and exit")
    parser.add_argument("--input-format", choices=INPUT_FORMATS, default="auto")
    parser.add_argument("--contest", help="the contest to count, in a CDF file with several")
    parser.add_argument(
        "--blt-keep-after-title",
        action="store_true",
        help="accept a source, comment or notes after a BLT file's title (kept in the report's "
        "comment); without it they are refused, as they may be a name the header does not count",
    )
    parser.add_argument("--method", help="counting method (see --list-methods)")
    parser.add_argument("--seats", type=int, help="seats to fill (default: from the file)")
    parser.add_argument("--constraints", help="constraints file (OpenTally CON, TOML or JSON)")
    parser.add_argument("--tie-break", choices=TIE_BREAKS, help="how ties are broken")
    parser.add_argument("--seed", type=int, help="published seed for random tie-breaks")
    parser.add_argument("--tie-order", help="candidates most favoured first, comma-separated")
    parser.add_argument("--lot", help="candidates chosen by lot, comma-separated, in order")
    parser.add_argument("--precision", type=int, help="decimal places, where configurable")
    parser.add_argument("--quota", choices=("droop", "hare", "exact-droop"))
    parser.add_argument("--output", choices=OUTPUTS, default="text")
    parser.add_argument("--output-file", help="write the output here instead of stdout")
    parser.add_argument("--chart", help="also draw a chart of the rounds (.svg or .png)")
    parser.add_argument("--write-blt", help="also write the ballots as read, in BLT")
    parser.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=N",
        help="raise or lower a limit for this run: " + ", ".join(NAMES),
    )
    return parser


def _read(
    path: str, input_format: str, contest: str | None = None, blt_keep_after_title: bool = False
) -> tuple[Election, RctabPlan | None, str]:
    """The election, for an RCTab contest config the count its rules ask for, and the
    format read."""
    from moot.counting.formats import detect_format, read_election

    if not Path(path).exists():
        raise CountError("file not found; check the path", source=path)
    if Path(path).is_dir():
        raise CountError("is a folder, expected a ballot file", source=path)
    if input_format == "auto":
        input_format = detect_format(path)
    election = read_election(
        path, input_format, contest=contest, blt_keep_after_title=blt_keep_after_title
    )
    if input_format != "rctab-config":
        return election, None, input_format
    from moot.counting.formats.rctab import rctab_plan

    return election, rctab_plan(path), input_format


def _names_to_indices(text: str, election: Election, option: str) -> tuple[int, ...]:
    out = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            out.append(election.index_of(item))
        except CountError as error:
            raise CountError(f"{option}: {error.message}") from None
    return tuple(out)


def _default_method(election: Election, seats: int, input_format: str) -> str:
    from moot.counting.registry import methods

    if input_format == "debian" and election.kind == "ranked":
        return "schulze"  # Debian constitution A.6: Condorcet, Schulze's beatpath
    if election.kind == "approval":
        return "approval"
    if election.kind == "single":
        return "plurality"
    if seats == 1 and "irv" in methods():
        return "irv"
    return "scottish-stv"


def _list_methods() -> str:
    from moot.counting.registry import methods

    table = methods()
    width = max(len(name) for name in table)
    return "".join(f"{name:<{width}}  {table[name].summary}\n" for name in sorted(table))


def _check_usage(args: argparse.Namespace) -> None:
    """Refuse a command line that no file could satisfy, before reading any."""
    if not args.files:
        raise _UsageError("expected a ballot FILE (or --list-methods)")
    if args.chart and Path(args.chart).suffix.lower() not in (".svg", ".png"):
        raise _UsageError(f"--chart {args.chart}: expected a file name ending .svg or .png")
    if len(args.files) > 1:
        for option, given in (
            ("--chart", args.chart),
            ("--write-blt", args.write_blt),
            ("--output csv", args.output == "csv"),
        ):
            if given:
                raise _UsageError(
                    f"{option} takes one ballot file, got {len(args.files)}; "
                    "count the files one at a time"
                )


def _run(args: argparse.Namespace, path: str) -> str:
    """The report of one file."""
    from moot.counting import reports
    from moot.counting.registry import get_method

    election, plan, input_format = _read(
        path, args.input_format, args.contest, args.blt_keep_after_title
    )
    if args.seats is not None and args.seats < 1:
        raise _UsageError(f"--seats must be at least 1, got {args.seats}")
    seats = args.seats if args.seats is not None else election.seats
    check_seats(election, seats)
    if plan is not None and plan.method is None and not args.method:
        raise CountError(f"{plan.why}; choose a method with --method", source=path)
    method = args.method or (plan.method if plan is not None else None)
    method = method or _default_method(election, seats, input_format)
    # An RCTab config's rules (tie-break, decimal places, threshold, batch elimination) apply
    # when its method is used, unless the command line says otherwise.
    planned = plan.options if plan is not None and plan.method == method else CountOptions()
    spec = get_method(method)
    check_method(method, len(election.candidates) - len(election.withdrawn), source=path)
    if election.kind not in spec.kinds:
        raise CountError(
            f"method {method!r} counts {', '.join(spec.kinds)} ballots; "
            f"this file has {election.kind} ballots"
        )
    tie_break = planned.tie_break
    if args.tie_break or args.seed is not None or args.tie_order or args.lot:
        tie_break = TieBreakSpec(
            name=args.tie_break or ("lot" if args.lot and args.seed is None else "backwards"),
            seed=args.seed,
            order=_names_to_indices(args.tie_order, election, "--tie-order")
            if args.tie_order
            else None,
            decisions=_names_to_indices(args.lot, election, "--lot") if args.lot else (),
        )
        if tie_break.name == "random" and tie_break.seed is None:
            raise _UsageError("--tie-break random needs --seed N (the published seed)")
    constraints = None
    if args.constraints:
        if method not in CONSTRAINED_METHODS:
            raise _UsageError(
                f"method {method!r} does not take constraints; use one of "
                + ", ".join(sorted(CONSTRAINED_METHODS))
            )
        from moot.counting.constraints import read_constraints

        constraints = read_constraints(Path(args.constraints), election)
    options = CountOptions(
        seats=args.seats,
        tie_break=tie_break,
        constraints=constraints,
        precision=args.precision if args.precision is not None else planned.precision,
        quota=args.quota or planned.quota,
        extra=planned.extra,
    )
    result = spec.count(election, options)
    if args.chart:
        chart = Path(args.chart)
        if chart.suffix.lower() == ".svg":
            chart.write_text(reports.render_chart_svg(result), encoding="utf-8")
        else:
            chart.write_bytes(reports.render_chart_png(result))
    if args.write_blt:
        from moot.counting.formats.blt import write_blt

        Path(args.write_blt).write_text(write_blt(election), encoding="utf-8")
    if args.output == "json":
        return json.dumps(reports.render_json(result), indent=2, ensure_ascii=False) + "\n"
    if args.output == "rctab":
        return json.dumps(reports.render_rctab_summary(result), indent=2, ensure_ascii=False) + "\n"
    if args.output == "csv":
        return reports.render_csv(result)
    return reports.render_text(result)


def _count_one(args: argparse.Namespace, path: str) -> tuple[str | None, str | None]:
    """(the report, None), or (None, the one-line error) for one file."""
    try:
        return _run(args, path), None
    except (_UsageError, CountError) as error:
        return None, " ".join(str(error).split())
    except (OSError, UnicodeError) as error:
        where = getattr(error, "filename", None)
        detail = getattr(error, "strerror", None) or str(error)
        return None, f"{str(where) + ': ' if where else ''}{detail}"
    except RecursionError:
        return None, "the input is nested too deeply to read"
    except MemoryError:
        # The limits keep memory bounded; this is the last guard, for a machine with less.
        return None, "out of memory; lower --limit decompressed_bytes, lines or candidates"


def _count_all(args: argparse.Namespace) -> tuple[str | None, int]:
    """Every file's report (one each, separated), or None when no file could be counted,
    and the worst exit status."""
    several = len(args.files) > 1
    reports: list[tuple[str, str | None, str | None]] = []
    status = 0
    for path in args.files:
        output, error = _count_one(args, path)
        if error is not None:
            if several and not error.startswith(path):
                error = f"{path}: {error}"
            print(f"moot count: {error}", file=sys.stderr)
            status = max(status, 2)
        reports.append((path, output, error))
    if all(output is None for _, output, _ in reports):
        return None, status
    if not several:
        return reports[0][1], status
    if args.output in ("json", "rctab"):
        items = [
            {"file": path, "report": json.loads(output)}
            if output is not None
            else {"file": path, "error": error}
            for path, output, error in reports
        ]
        return json.dumps(items, indent=2, ensure_ascii=False) + "\n", status
    parts = [
        f"==> {path} <==\n" + (output if output is not None else f"Not counted: {error}\n")
        for path, output, error in reports
    ]
    return "\n".join(parts), status


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``moot count`` with ``argv`` (without the program name); returns the exit code:
    0, or 2 when the command line or any file was refused."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(argv)
        limits = active()
        for text in args.limit:
            name, value = parse_override(text)
            limits = limits.replace(**{name: value})
        output: str | None
        if args.list_methods:
            output, status = _list_methods(), 0
        else:
            _check_usage(args)
            with using(limits):
                output, status = _count_all(args)
        if output is None:  # nothing counted: write nothing
            pass
        elif args.output_file:
            Path(args.output_file).write_text(output, encoding="utf-8")
        else:
            sys.stdout.write(output)
    except SystemExit as stop:  # --help
        return int(stop.code or 0)
    except (_UsageError, CountError) as error:
        print("moot count: " + " ".join(str(error).split()), file=sys.stderr)
        return 2
    except OSError as error:  # --output-file
        where = getattr(error, "filename", None)
        detail = getattr(error, "strerror", None) or str(error)
        print(f"moot count: {str(where) + ': ' if where else ''}{detail}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    raise SystemExit(main())
