"""The table of counting methods by name (``moot count --method NAME``).

Each method module defines ``METHODS``, a sequence of :class:`MethodSpec`; the modules are
listed in ``_MODULES`` and imported on first use so that ``moot count`` loads only what it needs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from moot.counting.model import CountError, CountOptions, Election, Result

_MODULES = (
    "moot.counting.methods.plurality",
    "moot.counting.methods.irv",
    "moot.counting.methods.wigm",
    "moot.counting.methods.meek",
    "moot.counting.methods.condorcet",
    "moot.counting.methods.motion",
)


@dataclass(frozen=True)
class MethodSpec:
    name: str
    summary: str  # one line for --list-methods
    count: Callable[[Election, CountOptions], Result]
    kinds: tuple[str, ...] = ("ranked",)  # ballot kinds it accepts
    multi_seat: bool = True


_registry: dict[str, MethodSpec] | None = None


def methods() -> dict[str, MethodSpec]:
    global _registry  # noqa: PLW0603 - built once, on first use
    if _registry is None:
        table: dict[str, MethodSpec] = {}
        for module_name in _MODULES:
            for spec in importlib.import_module(module_name).METHODS:
                if spec.name in table:
                    raise RuntimeError(f"counting method {spec.name!r} is defined twice")
                table[spec.name] = spec
        _registry = table
    return _registry


def get_method(name: str) -> MethodSpec:
    table = methods()
    if name not in table:
        raise CountError(f"unknown method {name!r}; choose one of: {', '.join(sorted(table))}")
    return table[name]


def count(election: Election, method: str, options: CountOptions | None = None) -> Result:
    """Count ``election`` by the named method."""
    return get_method(method).count(election, options or CountOptions())
