"""Constrained STV: minimum and maximum seats per group (e.g. "at least 4 of 9 seats to women").

Method: guard/doom (Grey and Fitzgerald), generalised to several categories at once by the
grid of Hill (Voting Matters 9, 1998) and Otten (Voting Matters 13, 2001).

After every election or exclusion the count asks :meth:`ConstraintGuard.assess` which
continuing candidates are

* **guarded**: elected in *every* result that can still meet all the constraints. They are
  never excluded, and when the seats left can only go to them they are elected.
* **doomed**: elected in *no* result that can still meet the constraints. They are excluded at
  the next opportunity, before any normal exclusion, and never elected even at the quota.

How it is computed. Candidates are sorted into *cells*: the tuple of their group in every
category (with two categories, the cells are the squares of Hill's and Otten's grid). A
result is a number ``x[k]`` of further seats for each cell ``k``, at most the cell's continuing
candidates, adding up to the seats left, with every group's total (already elected plus
``x``) between its minimum and maximum. Candidates within a cell are interchangeable for the
constraints, so a candidate is guarded exactly when every feasible ``x`` fills its cell, and
doomed exactly when every feasible ``x`` gives its cell nothing. Each question is one
feasibility search (a depth-first search over the cells with bound pruning and memoised
dead ends), so the verdict is exact for any number of categories, not a heuristic. With one
category it reduces to Grey and Fitzgerald's rules: a group at its maximum is doomed; a group
that needs all its continuing candidates is guarded; when the groups' outstanding minimums
take every seat left, the other groups are doomed.

If the constraints cannot be met at all (e.g. at least 4 women but only 3 women standing) a
:class:`~moot.counting.model.CountError` says why, before any counting.

Files: :func:`read_constraints` reads OpenTally's CON format, one group per line::

    # comment (an extension: OpenTally has none)
    "Gender" "Women" 4 9 1 3 5 7 9
    "Gender" "Men"   0 9 2 4 6 8 10

``"Category" "Group" <minimum> <maximum> <candidate ids...>``: ids are the 1-based candidate
numbers of the ballot file (candidate nicknames or quoted names are accepted too); every
candidate must be in exactly one group of each category. A TOML or JSON file (by extension,
or by content when given as text) may say the same::

    [Gender.Women]
    min = 4
    max = 9
    candidates = [1, 3, "Alice Smith"]
"""

from __future__ import annotations

import json
import shlex
import tomllib
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from pathlib import Path

from moot.counting.limits import active, check_digits, is_whole, json_int, refuse
from moot.counting.model import Constraints, CountError, Election, GroupConstraint

_SEARCH_LIMIT = 2_000_000  # visited states per feasibility search; far above real elections


@dataclass(frozen=True)
class Verdict:
    """What the constraints require now (candidate indices are 0-based)."""

    guarded: frozenset[int]
    doomed: frozenset[int]
    notes: tuple[str, ...]


def _label(group: GroupConstraint) -> str:
    return f"{group.group} ({group.category})"


class ConstraintGuard:
    """Guard/doom verdicts for one count (see the module docstring for the method)."""

    def __init__(
        self,
        constraints: Constraints,
        seats: int,
        candidate_count: int,
        *,
        withdrawn: Iterable[int] = (),
        names: Iterable[str] | None = None,
    ) -> None:
        self.seats = seats
        self.candidate_count = candidate_count
        self.names = (
            list(names)
            if names is not None
            else [f"candidate {i + 1}" for i in range(candidate_count)]
        )
        groups = list(constraints.groups)
        for g in groups:
            if g.minimum < 0 or g.maximum < g.minimum:
                raise CountError(
                    f"constraint {_label(g)}: minimum {g.minimum} and maximum {g.maximum} "
                    "must satisfy 0 <= minimum <= maximum"
                )
            stray = sorted(c + 1 for c in g.members if not 0 <= c < candidate_count)
            if stray:
                raise CountError(
                    f"constraint {_label(g)}: candidate number(s) {stray} out of range "
                    f"1..{candidate_count}"
                )
        # Every candidate is in exactly one group per category; candidates a category does
        # not mention go to an unconstrained group of their own (min 0, max = seats).
        self.groups: list[GroupConstraint] = []
        self.cell_of: list[tuple[int, ...]] = [() for _ in range(candidate_count)]
        categories = constraints.categories()
        for category in categories:
            in_category = [g for g in groups if g.category == category]
            seen: dict[int, str] = {}
            for g in in_category:
                for c in g.members:
                    if c in seen:
                        raise CountError(
                            f"candidate {c + 1} is in two groups of category {category!r}: "
                            f"{seen[c]!r} and {g.group!r}; put each candidate in exactly one"
                        )
                    seen[c] = g.group
            rest = frozenset(range(candidate_count)) - frozenset(seen)
            if rest:
                in_category.append(GroupConstraint(category, "(others)", 0, seats, rest))
            for g in in_category:
                index = len(self.groups)
                self.groups.append(g)
                for c in g.members:
                    self.cell_of[c] = (*self.cell_of[c], index)
        self.categories = categories
        self._check_feasible(set(), set(withdrawn))

    # -- feasibility -----------------------------------------------------------------------
    def _bounds(self, elected: Set[int]) -> tuple[list[int], list[int]]:
        """Per group: further seats needed (lower) and still allowed (upper)."""
        lower, upper = [], []
        for g in self.groups:
            have = len(g.members & elected)
            lower.append(max(0, g.minimum - have))
            upper.append(g.maximum - have)
        return lower, upper

    def _cells(self, continuing: Iterable[int]) -> dict[tuple[int, ...], list[int]]:
        cells: dict[tuple[int, ...], list[int]] = {}
        for c in sorted(continuing):
            cells.setdefault(self.cell_of[c], []).append(c)
        return cells

    def _feasible(
        self,
        cells: list[tuple[tuple[int, ...], int, int]],
        seats_left: int,
        lower: list[int],
        upper: list[int],
    ) -> bool:
        """Is there x[k] in [lo_k, hi_k] per cell, summing to ``seats_left``, with every
        group's sum of x between its lower and upper bound? (cells: (groups, lo, hi))."""
        if any(u < 0 for u in upper):
            return False
        n_groups = len(self.groups)
        # Capacity still available to each group from cells k.. (suffix sums of hi).
        suffix_cap = [[0] * n_groups for _ in range(len(cells) + 1)]
        suffix_total = [0] * (len(cells) + 1)
        for k in range(len(cells) - 1, -1, -1):
            row = list(suffix_cap[k + 1])
            for g in cells[k][0]:
                row[g] += cells[k][2]
            suffix_cap[k] = row
            suffix_total[k] = suffix_total[k + 1] + cells[k][2]
        dead: set[tuple[int, tuple[int, ...]]] = set()
        visits = 0

        def search(k: int, used: tuple[int, ...], total: int) -> bool:
            nonlocal visits
            visits += 1
            if visits > _SEARCH_LIMIT:
                raise CountError(
                    "the constraints are too intricate to check exactly "
                    f"(more than {_SEARCH_LIMIT} states); use fewer categories or groups"
                )
            if total > seats_left or total + suffix_total[k] < seats_left:
                return False
            for g in range(n_groups):
                if used[g] > upper[g] or used[g] + suffix_cap[k][g] < lower[g]:
                    return False
            if k == len(cells):
                return total == seats_left
            key = (k, used)
            if key in dead:
                return False
            groups_k, lo, hi = cells[k]
            for x in range(hi, lo - 1, -1):
                new = list(used)
                for g in groups_k:
                    new[g] += x
                if search(k + 1, tuple(new), total + x):
                    return True
            dead.add(key)
            return False

        return search(0, tuple([0] * n_groups), 0)

    def _check_feasible(self, elected: Set[int], excluded: Set[int]) -> None:
        """Raise CountError, explaining why, when no conformant result exists."""
        continuing = set(range(self.candidate_count)) - set(elected) - set(excluded)
        seats_left = self.seats - len(elected)
        lower, upper = self._bounds(elected)
        cells = self._cells(continuing)
        spec = [(key, 0, len(members)) for key, members in cells.items()]
        if self._feasible(spec, seats_left, lower, upper):
            return
        reasons: list[str] = []
        for index, g in enumerate(self.groups):
            available = len(g.members & continuing)
            have = len(g.members & set(elected))
            if g.minimum > have + available:
                reasons.append(
                    f"{_label(g)} needs at least {g.minimum} seats but only "
                    f"{have + available} of its candidates are standing"
                )
            if upper[index] < 0:
                reasons.append(f"{_label(g)} already has more than its maximum of {g.maximum}")
        for category in self.categories:
            in_category = [g for g in self.groups if g.category == category]
            minimums = sum(g.minimum for g in in_category)
            maximums = sum(min(g.maximum, len(g.members - set(excluded))) for g in in_category)
            if minimums > self.seats:
                reasons.append(
                    f"the minimums of category {category!r} add up to {minimums}, "
                    f"more than the {self.seats} seats"
                )
            if maximums < self.seats:
                reasons.append(
                    f"category {category!r} allows at most {maximums} seats in all "
                    f"(maximums, or fewer candidates standing), fewer than the {self.seats} seats"
                )
        if not reasons:
            reasons.append(
                f"no choice of {self.seats} standing candidates meets every category's "
                "minimums and maximums at once"
            )
        raise CountError("the constraints cannot be met: " + "; ".join(reasons))

    # -- verdicts --------------------------------------------------------------------------
    def assess(self, elected: Set[int], excluded: Set[int]) -> Verdict:
        """Guarded and doomed continuing candidates, given who is elected and excluded
        (excluded includes withdrawn). Grey–Fitzgerald guard/doom; Hill/Otten grid for
        several categories. Raises CountError if no conformant result is left."""
        elected = set(elected)
        excluded = set(excluded)
        self._check_feasible(elected, excluded)
        continuing = set(range(self.candidate_count)) - elected - excluded
        seats_left = self.seats - len(elected)
        lower, upper = self._bounds(elected)
        cells = self._cells(continuing)
        keys = list(cells)
        full = [(key, 0, len(cells[key])) for key in keys]
        guarded: set[int] = set()
        doomed: set[int] = set()
        notes: list[str] = []
        for k, key in enumerate(keys):
            members = cells[key]
            size = len(members)
            # Doomed: no feasible result gives this cell a seat.
            spec = list(full)
            spec[k] = (key, 1, size)
            if seats_left <= 0 or not self._feasible(spec, seats_left, lower, upper):
                doomed.update(members)
                notes.append(
                    self._doom_reason(
                        members,
                        key=key,
                        elected=elected,
                        seats_left=seats_left,
                        lower=lower,
                        upper=upper,
                    )
                )
                continue
            # Guarded: every feasible result elects the whole cell.
            spec = list(full)
            spec[k] = (key, 0, size - 1)
            if not self._feasible(spec, seats_left, lower, upper):
                guarded.update(members)
                notes.append(self._guard_reason(members, key, continuing, lower))
        return Verdict(frozenset(guarded), frozenset(doomed), tuple(notes))

    def _who(self, members: Iterable[int]) -> str:
        return ", ".join(self.names[c] for c in members)

    def _doom_reason(
        self,
        members: list[int],
        *,
        key: tuple[int, ...],
        elected: Set[int],
        seats_left: int,
        lower: list[int],
        upper: list[int],
    ) -> str:
        who = self._who(members)
        for g in key:
            if upper[g] <= 0:
                group = self.groups[g]
                return f"{who}: {_label(group)} has reached its maximum of {group.maximum} seats"
        for g in key:
            category = self.groups[g].category
            others = [
                i
                for i, other in enumerate(self.groups)
                if other.category == category and i != g and lower[i] > 0
            ]
            needed = sum(lower[i] for i in others)
            if others and needed >= seats_left:
                groups = ", ".join(_label(self.groups[i]) for i in others)
                return (
                    f"{who}: the {seats_left} seat(s) left are all needed for the minimum of "
                    f"{groups}"
                )
        return f"{who}: no result meeting the constraints can include them"

    def _guard_reason(
        self, members: list[int], key: tuple[int, ...], continuing: Set[int], lower: list[int]
    ) -> str:
        who = self._who(members)
        for g in key:
            group = self.groups[g]
            available = len(group.members & continuing)
            if lower[g] > 0 and lower[g] >= available:
                return (
                    f"{who}: {_label(group)} needs {lower[g]} more seat(s) to reach its minimum "
                    f"of {group.minimum} and has only {available} continuing candidate(s)"
                )
        return f"{who}: every result meeting the constraints must include them"


# -- reading constraint files --------------------------------------------------------------
def read_constraints(path_or_text: str | Path, election: Election) -> Constraints:
    """Read constraints in OpenTally's CON format, or TOML/JSON (see the module docstring).

    ``path_or_text`` is a path (``Path``, or a ``str`` naming an existing file) or the text
    itself. Errors name the source, line and column and say what was expected.
    """
    source = "<constraints>"
    text: str
    suffix = ""
    if isinstance(path_or_text, Path) or (
        "\n" not in path_or_text
        and not path_or_text.lstrip().startswith(('"', "{", "["))
        and Path(path_or_text).suffix
    ):
        path = Path(path_or_text)
        source = str(path)
        suffix = path.suffix.lower()
        try:
            if path.is_file() and path.stat().st_size > active().file_bytes:
                raise refuse(
                    f"the constraints file is {path.stat().st_size:,} bytes",
                    active().file_bytes,
                    "file_bytes",
                    source=source,
                )
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CountError("constraints file not found", source=source) from None
        except (OSError, UnicodeDecodeError) as error:
            raise CountError(f"cannot read the constraints file: {error}", source=source) from None
    else:
        text = str(path_or_text)
    stripped = text.lstrip()
    if suffix == ".json" or (not suffix and stripped.startswith("{")):
        try:
            data = json.loads(text, parse_int=json_int(source))
        except json.JSONDecodeError as error:
            raise CountError(
                f"invalid JSON: {error.msg}", source=source, line=error.lineno, column=error.colno
            ) from None
        groups = _groups_from_mapping(data, election, source)
    elif suffix == ".toml" or (not suffix and stripped.startswith("[")):
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise CountError(f"invalid TOML: {error}", source=source) from None
        groups = _groups_from_mapping(data, election, source)
    else:
        groups = _groups_from_con(text, election, source)
    if not groups:
        raise CountError("the constraints file defines no groups", source=source)
    constraints = Constraints(tuple(groups))
    _check_partition(constraints, election, source)
    return constraints


def _candidate(token: str, election: Election, source: str, line: int, column: int) -> int:
    """A candidate by 1-based number, nickname or name."""
    if is_whole(token.lstrip("-")):
        number = check_digits(
            token, "the candidate number", source=source, line=line, column=column
        )
        if not 1 <= number <= len(election.candidates):
            raise CountError(
                f"candidate number {number} is out of range; "
                f"expected 1..{len(election.candidates)}",
                source=source,
                line=line,
                column=column,
            )
        return number - 1
    for i, c in enumerate(election.candidates):
        if token in (c.name, c.nickname):
            return i
    raise CountError(
        f"no candidate {token!r}; expected a candidate number 1..{len(election.candidates)} "
        "or a candidate's name",
        source=source,
        line=line,
        column=column,
    )


def _groups_from_con(text: str, election: Election, source: str) -> list[GroupConstraint]:
    groups: list[GroupConstraint] = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        lexer = shlex.shlex(raw, posix=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens: list[tuple[str, int]] = []
        try:
            # Track each token's column by finding it in the raw line after the previous one.
            cursor = 0
            for token in lexer:
                found = raw.find(token, cursor)
                quoted = raw.find(f'"{token}"', cursor)
                if quoted != -1 and (found == -1 or quoted < found):
                    found = quoted
                column = (found if found != -1 else cursor) + 1
                tokens.append((token, column))
                cursor = max(cursor, column - 1 + len(token))
        except ValueError:
            raise CountError(
                "unclosed quotation mark", source=source, line=line_no, column=raw.rfind('"') + 1
            ) from None
        if len(tokens) < 4:
            end = len(raw.rstrip()) + 1
            raise CountError(
                'expected "Category" "Group" <minimum> <maximum> <candidate ids...>',
                source=source,
                line=line_no,
                column=tokens[-1][1] if tokens else end,
            )
        (category, _), (group, _), (low, low_col), (high, high_col) = tokens[:4]
        bounds = []
        for value, column, what in ((low, low_col, "minimum"), (high, high_col, "maximum")):
            if not is_whole(value):
                raise CountError(
                    f"expected the {what} as a whole number, found {value!r}",
                    source=source,
                    line=line_no,
                    column=column,
                )
            bounds.append(
                check_digits(value, f"the {what}", source=source, line=line_no, column=column)
            )
        if bounds[1] < bounds[0]:
            raise CountError(
                f"maximum {bounds[1]} is below minimum {bounds[0]}",
                source=source,
                line=line_no,
                column=high_col,
            )
        members: set[int] = set()
        for token, column in tokens[4:]:
            c = _candidate(token, election, source, line_no, column)
            if c in members:
                raise CountError(
                    f"candidate {token} is listed twice in this group",
                    source=source,
                    line=line_no,
                    column=column,
                )
            members.add(c)
        if any(g.category == category and g.group == group for g in groups):
            raise CountError(
                f"group {group!r} of category {category!r} is defined twice",
                source=source,
                line=line_no,
                column=1,
            )
        for g in groups:
            clash = g.members & members if g.category == category else set()
            if clash:
                c = min(clash)
                raise CountError(
                    f"candidate {c + 1} ({election.candidates[c].name}) is already in group "
                    f"{g.group!r} of category {category!r}; each candidate belongs to exactly "
                    "one group per category",
                    source=source,
                    line=line_no,
                    column=1,
                )
        groups.append(GroupConstraint(category, group, bounds[0], bounds[1], frozenset(members)))
    return groups


def _groups_from_mapping(data: object, election: Election, source: str) -> list[GroupConstraint]:
    """``{category: {group: {min, max, candidates}}}`` from TOML or JSON."""
    if not isinstance(data, Mapping):
        raise CountError("expected a table of categories at the top level", source=source)
    groups: list[GroupConstraint] = []
    for category, table in data.items():
        if not isinstance(table, Mapping):
            raise CountError(f"[{category}]: expected a table of groups", source=source)
        for group, spec in table.items():
            where = f"[{category}.{group}]"
            if not isinstance(spec, Mapping):
                raise CountError(f"{where}: expected min, max and candidates", source=source)
            unknown = set(spec) - {"min", "max", "candidates"}
            if unknown:
                raise CountError(
                    f"{where}: unknown key(s) {sorted(unknown)}; expected min, max, candidates",
                    source=source,
                )
            low = spec.get("min", 0)
            high = spec.get("max", election.seats)
            if not (isinstance(low, int) and isinstance(high, int)) or isinstance(low, bool):
                raise CountError(f"{where}: min and max must be whole numbers", source=source)
            if not 0 <= low <= high:
                raise CountError(f"{where}: expected 0 <= min <= max", source=source)
            listed = spec.get("candidates")
            if not isinstance(listed, list) or not listed:
                raise CountError(f"{where}: candidates must be a non-empty list", source=source)
            members: set[int] = set()
            for item in listed:
                try:
                    members.add(_candidate(str(item), election, source, 0, 0))
                except CountError as error:
                    raise CountError(f"{where}: {error.message}", source=source) from None
            groups.append(GroupConstraint(str(category), str(group), low, high, frozenset(members)))
    return groups


def _check_partition(constraints: Constraints, election: Election, source: str) -> None:
    """Every candidate in exactly one group per category (OpenTally CON rule)."""
    everyone = set(range(len(election.candidates)))
    for category in constraints.categories():
        listed: dict[int, str] = {}
        for g in constraints.groups:
            if g.category != category:
                continue
            for c in g.members:
                if c in listed:
                    raise CountError(
                        f"candidate {c + 1} ({election.candidates[c].name}) is in groups "
                        f"{listed[c]!r} and {g.group!r} of category {category!r}; "
                        "each candidate belongs to exactly one group per category",
                        source=source,
                    )
                listed[c] = g.group
        missing = sorted(everyone - set(listed))
        if missing:
            who = ", ".join(f"{c + 1} ({election.candidates[c].name})" for c in missing)
            raise CountError(
                f"category {category!r} does not place candidate(s) {who} in any group; "
                "every candidate must be in exactly one group of each category",
                source=source,
            )
