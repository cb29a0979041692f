"""The limits on what ``moot count`` reads and counts, in one place.

A ballot file comes from outside: from a returning officer, a council's web site, or someone
who wants the count to fail or to run out of memory. Every reader and ``moot count`` stay
within these limits and refuse, with a :class:`~moot.counting.model.CountError` naming the
file (and the line and column where known) and the limit, whatever would pass them. A
refusal is exit status 2 and one line, never a traceback, never a short count.

==========================  ==========================================================
``file_bytes``              size of the file as stored (compressed or not)
``decompressed_bytes``      size after gzip decompression; of an xlsx, the unpacked size
                            of all its parts (decompression stops at the limit, so memory
                            stays bounded)
``line_chars``              length of one line of a text format (BLT, CSV, Debian tally);
                            not for JSON, which may be one line
``lines``                   lines of a text file, records of a CDF report
``rows``                    rows with content in a worksheet (far slower to read than text)
``candidates``              candidates an election may have when it is read
``digits``                  digits in one number (a weight, a seat count, a rank)
``method_candidates``       candidates standing that each method may count (below)
==========================  ==========================================================

The per-method limits keep each count within a documented time (see docs/counting.md and
``bench/counting_limits.py``): a method the table does not name may count up to
``candidates``. ``moot count --limit NAME=N`` overrides a limit for one run;
``--limit method_candidates=N`` sets the limit for the method being run.

The limits in force are a context variable: ``with using(limits): ...`` sets them for the
code inside (``moot count`` does this with its ``--limit`` options); :func:`active` reads them.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import MappingProxyType

from moot.counting.model import CountError

MiB = 1024 * 1024

# Candidates standing that each method counts in about ten seconds (at most fifteen) on one
# core, in the worst case: 10,000 different papers, each ranking every candidate
# (bench/counting_limits.py; the figures are in docs/counting.md, "Limits").
METHOD_CANDIDATES: Mapping[str, int] = MappingProxyType(
    {
        "irv": 400,
        "scottish-stv": 500,
        "wigm": 500,
        "ers97": 300,
        "gregory": 500,
        "meek": 150,
        "meek-nz": 150,
        "meek-parametric": 150,
        "schulze": 150,
        "schulze-margins": 150,
        "ranked-pairs": 150,
    }
)


@dataclass(frozen=True)
class Limits:
    """What a count reads and counts at most (see the module docstring)."""

    file_bytes: int = 64 * MiB
    decompressed_bytes: int = 64 * MiB
    line_chars: int = 1 * MiB
    lines: int = 1_000_000
    rows: int = 300_000
    candidates: int = 1_000
    digits: int = 30
    method_candidates: Mapping[str, int] = field(default_factory=lambda: METHOD_CANDIDATES)
    method_candidates_override: int | None = None

    def for_method(self, method: str) -> int:
        """Candidates standing that ``method`` may count."""
        if self.method_candidates_override is not None:
            return self.method_candidates_override
        return min(self.method_candidates.get(method, self.candidates), self.candidates)

    def replace(self, **changes: int) -> Limits:
        """These limits with some changed (``method_candidates=N`` sets the override)."""
        if "method_candidates" in changes:
            changes["method_candidates_override"] = changes.pop("method_candidates")
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


# The names ``--limit NAME=N`` accepts.
NAMES = (
    "file_bytes",
    "decompressed_bytes",
    "line_chars",
    "lines",
    "rows",
    "candidates",
    "digits",
    "method_candidates",
)

DEFAULT = Limits()
_ACTIVE: ContextVar[Limits] = ContextVar("moot_counting_limits")


def active() -> Limits:
    """The limits in force (:data:`DEFAULT` unless :func:`using` says otherwise)."""
    return _ACTIVE.get(DEFAULT)


@contextlib.contextmanager
def using(limits: Limits) -> Iterator[Limits]:
    """Put ``limits`` in force inside the ``with`` block."""
    token = _ACTIVE.set(limits)
    try:
        yield limits
    finally:
        _ACTIVE.reset(token)


def parse_override(text: str) -> tuple[str, int]:
    """``NAME=N`` (N may end in K, M or G for bytes) -> (name, value), or a CountError."""
    name, sep, value = text.partition("=")
    name = name.strip().replace("-", "_")
    if not sep or name not in NAMES:
        raise CountError(f"--limit {text}: expected NAME=N with NAME one of {', '.join(NAMES)}")
    value = value.strip()
    scale = {"K": 1024, "M": MiB, "G": 1024 * MiB}.get(value[-1:].upper(), 1)
    digits = value[:-1] if scale != 1 else value
    if not digits.isdigit() or len(digits) > 15 or int(digits) < 1:
        raise CountError(f"--limit {text}: expected a whole number of at least 1 after '='")
    return name, int(digits) * scale


def refuse(
    what: str,
    limit: int,
    name: str,
    *,
    source: str | None = None,
    line: int | None = None,
    column: int | None = None,
) -> CountError:
    """The refusal for passing a limit: what passed it, the limit, and how to raise it."""
    return CountError(
        f"{what}: the limit is {limit:,} (raise it with --limit {name}=N if the file is genuine)",
        source=source,
        line=line,
        column=column,
    )


def is_whole(text: str) -> bool:
    """Whether ``text`` is ASCII digits only (``str.isdigit`` also accepts '²', which
    ``int`` refuses)."""
    return text.isascii() and text.isdigit()


def check_digits(
    text: str,
    what: str,
    *,
    source: str | None = None,
    line: int | None = None,
    column: int | None = None,
) -> int:
    """``int(text)`` for a string of digits (optionally signed), refused when longer than
    the ``digits`` limit (Python would refuse beyond 4,300 digits with a traceback)."""
    limit = active().digits
    if len(text.lstrip("+-")) > limit:
        raise refuse(
            f"{what} has {len(text.lstrip('+-')):,} digits",
            limit,
            "digits",
            source=source,
            line=line,
            column=column,
        )
    return int(text)


def json_int(source: str) -> Callable[[str], int]:
    """A ``parse_int`` hook for :func:`json.loads` that refuses numbers over the digit limit."""

    def parse(text: str) -> int:
        return check_digits(text, "a number in the JSON", source=source)

    return parse


def check_candidates(
    count: int,
    *,
    source: str | None = None,
    line: int | None = None,
    column: int | None = None,
) -> None:
    """Refuse an election with more candidates than the ``candidates`` limit."""
    limit = active().candidates
    if count > limit:
        raise refuse(
            f"{count:,} candidates", limit, "candidates", source=source, line=line, column=column
        )


def check_method(method: str, standing: int, *, source: str | None = None) -> None:
    """Refuse a count by ``method`` of more standing candidates than it may count."""
    limit = active().for_method(method)
    if standing > limit:
        raise refuse(
            f"{standing:,} candidates standing is more than method {method!r} counts in "
            "bounded time",
            limit,
            "method_candidates",
            source=source,
        )
