"""What every part of moot's verifiable ballots shares (docs/verifiable.md §3): the canonical
JSON that is hashed, the error that names where a check failed, the readers that take a JSON
value apart field by field, and the source of random scalars (injectable, so that a proof
made with known randomness can be compared byte for byte with the booth's).

A reader never guesses: a missing key, an extra key, a wrong type, a point that does not
decode or a scalar that is not reduced is a :class:`ProofError` naming the path of the field
(``answers[0].choices[3].alpha``) and what is wrong with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any

from moot.verify import group
from moot.verify.group import Ciphertext, GroupError, Point

#: A source of random non-zero scalars; :func:`group.random_scalar` unless a test injects one.
Rng = Callable[[], int]


def canonical(obj: object) -> bytes:
    """The bytes of ``obj`` that are hashed: JSON with sorted keys, no spaces, UTF-8 as is.
    A text that is not Unicode (a lone surrogate, which JSON's ``\\ud800`` can carry) has
    no UTF-8 bytes: :class:`ProofError`."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ProofError("", "a text holds a lone surrogate: it is not Unicode") from exc


class ProofError(ValueError):
    """A check that failed: ``where`` is the field (``board entry 12, answers[0].choices[3]``),
    ``what`` says what is wrong with it."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{where}: {what}" if where else what)
        self.where = where
        self.what = what

    def within(self, prefix: str) -> ProofError:
        """The same failure, placed inside ``prefix`` (``board entry 12``): raise it ``from``
        this one."""
        return ProofError(f"{prefix}, {self.where}" if self.where else prefix, self.what)


def at(where: str, key: str | int) -> str:
    """The path of ``key`` inside ``where``: ``at("answers", 0)`` is ``answers[0]``,
    ``at("answers[0]", "choices")`` is ``answers[0].choices``."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def seeded_rng(seed: bytes) -> Rng:
    """A reproducible stream of scalars for known-answer tests (never for a real ballot): the
    k-th scalar (k = 0, 1, …) is ``challenge("test-rng", seed, k)`` (docs/verifiable.md §7.6)."""
    count = 0

    def draw() -> int:
        nonlocal count
        value = group.challenge("test-rng", seed, count)
        count += 1
        return value

    return draw


# --- JSON readers ---------------------------------------------------------------------------
def read_object(
    value: object, where: str, required: Collection[str], optional: Collection[str] = ()
) -> dict[str, Any]:
    """``value`` as a JSON object holding every key of ``required``, perhaps some of
    ``optional``, and no other."""
    if not isinstance(value, dict):
        raise ProofError(where, f"expected an object, found {_kind(value)}")
    missing = [key for key in required if key not in value]
    if missing:
        raise ProofError(at(where, missing[0]), "missing")
    allowed = set(required) | set(optional)
    extra = sorted(str(key) for key in value if key not in allowed)
    if extra:
        raise ProofError(at(where, extra[0]), "not a field of this object")
    return value


def read_list(value: object, where: str, length: int | None = None) -> list[Any]:
    """``value`` as a JSON array (of exactly ``length`` items if given)."""
    if not isinstance(value, list):
        raise ProofError(where, f"expected an array, found {_kind(value)}")
    if length is not None and len(value) != length:
        raise ProofError(where, f"expected {length} items, found {len(value)}")
    return value


def read_str(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ProofError(where, f"expected a string, found {_kind(value)}")
    return value


def read_int(value: object, where: str, low: int | None = None, high: int | None = None) -> int:
    """An integer (a boolean is not one), within ``[low, high]`` when given."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProofError(where, f"expected an integer, found {_kind(value)}")
    if low is not None and value < low:
        raise ProofError(where, f"{value} is below the least allowed, {low}")
    if high is not None and value > high:
        raise ProofError(where, f"{value} is above the most allowed, {high}")
    return value


def read_bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ProofError(where, f"expected true or false, found {_kind(value)}")
    return value


def read_point(value: object, where: str) -> Point:
    """A group element: 64 lower-case hex digits of a canonical point of the prime-order
    subgroup, not the identity nor of small order."""
    text = read_str(value, where)
    try:
        return Point.decode(text, what="point")
    except GroupError as exc:
        raise ProofError(where, _group_reason(exc)) from exc


def read_scalar(value: object, where: str) -> int:
    """A scalar: 64 lower-case hex digits, 32 bytes little-endian, below the group order."""
    text = read_str(value, where)
    try:
        return group.decode_scalar(text, what="scalar")
    except GroupError as exc:
        raise ProofError(where, _group_reason(exc)) from exc


def read_ciphertext(value: object, where: str) -> Ciphertext:
    """``{"alpha": point, "beta": point}``."""
    data = read_object(value, where, ("alpha", "beta"))
    return Ciphertext(
        read_point(data["alpha"], at(where, "alpha")), read_point(data["beta"], at(where, "beta"))
    )


def read_hex(value: object, where: str, size: int) -> bytes:
    """``size`` bytes as ``2·size`` lower-case hex digits."""
    text = read_str(value, where)
    if len(text) != 2 * size:
        raise ProofError(where, f"expected {2 * size} hexadecimal digits, found {len(text)}")
    try:
        raw = bytes.fromhex(text)
    except ValueError as exc:
        raise ProofError(where, "not hexadecimal") from exc
    if raw.hex() != text:
        raise ProofError(where, "hexadecimal must be lower-case")
    return raw


def _group_reason(exc: GroupError) -> str:
    message = str(exc)
    head, sep, tail = message.partition(": ")
    return tail if sep and head in {"point", "scalar"} else message


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
