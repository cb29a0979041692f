"""The trustees of a Belenios 2.0 election and how their partial decryptions combine.

``trustees`` is a list of items: ``["Single", trustee_public_key]`` (a trustee whose partial
decryption is always needed) or ``["Pedersen", threshold_parameters]`` (mu trustees of whom any
``threshold`` suffice). A Pedersen item's trustees sign their certificate
(``{verification, encryption}``) and their polynomial's coefficient commitments with their
verification key (``sigmsg|<message>|``); each trustee's decryption key is the sum of the shares it
received, whose public key must be ``prod_i prod_k A_ik^(j^k)`` and comes with a proof of
knowledge. An item's sub-key is its Single key, or the product of the constant coefficients
``A_i0``; the election key is the product of the sub-keys.

Partial decryptions are owned by the trustees numbered 1.. across the items in order (a Pedersen
item takes as many numbers as it has trustees).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from moot.verify.belenios.errors import ProofError
from moot.verify.belenios.groups import Group
from moot.verify.belenios.proofs import check_pok, check_signed_message


@dataclass(frozen=True)
class TrusteeItem:
    """One item of the trustees structure: its first owner number, its trustees' public keys and
    how many of them must decrypt (all for a Single item)."""

    first: int
    keys: list[int]
    threshold: int
    pedersen: bool

    @property
    def owners(self) -> range:
        return range(self.first, self.first + len(self.keys))


def _object(obj: Any, keys: set[str], optional: set[str], field: str) -> dict[str, Any]:
    if not isinstance(obj, dict) or not keys <= set(obj) <= keys | optional:
        raise ProofError(field, f"expected {{{', '.join(sorted(keys))}}}")
    return obj


def _public_key(group: Group, obj: Any, field: str) -> int:
    value = _object(obj, {"pok", "public_key"}, {"name"}, field)
    key = group.element(value["public_key"], f"{field}.public_key")
    check_pok(group, key, value["pok"], f"{field}.pok")
    return key


def _signed(group: Group, obj: Any, field: str) -> tuple[str, Any]:
    """A signed message's text and its JSON contents (the signature is checked by the caller,
    who knows the key)."""
    value = _object(obj, {"message", "signature"}, set(), field)
    message = value["message"]
    if not isinstance(message, str):
        raise ProofError(f"{field}.message", "expected a string")
    try:
        return message, json.loads(message)
    except ValueError:
        raise ProofError(f"{field}.message", "not JSON") from None


def _pedersen(group: Group, obj: Any, field: str) -> tuple[list[int], int, int]:
    """Checks threshold parameters; returns the trustees' keys, the threshold and the sub-key."""
    value = _object(obj, {"threshold", "certs", "coefexps", "verification_keys"}, set(), field)
    certs, coefexps, keys = value["certs"], value["coefexps"], value["verification_keys"]
    if not all(isinstance(x, list) for x in (certs, coefexps, keys)) or not certs:
        raise ProofError(field, "expected lists of certificates, coefficients and keys")
    if not len(certs) == len(coefexps) == len(keys):
        raise ProofError(field, "as many certificates, coefficients and keys as trustees")
    threshold = value["threshold"]
    if not isinstance(threshold, int) or isinstance(threshold, bool):
        raise ProofError(f"{field}.threshold", "expected an integer")
    if not 1 <= threshold <= len(certs):
        raise ProofError(f"{field}.threshold", f"{threshold} of {len(certs)} trustees")
    commitments: list[list[int]] = []
    for i, (cert, coefs) in enumerate(zip(certs, coefexps, strict=True)):
        where = f"{field}.certs[{i}]"
        message, content = _signed(group, cert, where)
        body = _object(content, {"verification", "encryption"}, set(), f"{where}.message")
        vk = group.element(body["verification"], f"{where}.message.verification")
        group.element(body["encryption"], f"{where}.message.encryption")
        check_signed_message(group, vk, message, cert["signature"], f"{where}.signature")
        where = f"{field}.coefexps[{i}]"
        message, content = _signed(group, coefs, where)
        check_signed_message(group, vk, message, coefs["signature"], f"{where}.signature")
        items = _object(content, {"coefexps"}, set(), f"{where}.message")["coefexps"]
        if not isinstance(items, list) or len(items) != threshold:
            raise ProofError(f"{where}.message", f"expected {threshold} coefficient commitments")
        commitments.append(
            [group.element(x, f"{where}.message.coefexps[{k}]") for k, x in enumerate(items)]
        )
    verification_keys = []
    for j, key_obj in enumerate(keys):
        key = _public_key(group, key_obj, f"{field}.verification_keys[{j}]")
        expected = 1
        for row in commitments:
            power = 1
            for a in row:
                expected = expected * pow(a, power, group.p) % group.p
                power = power * (j + 1) % group.q
        if key != expected:
            raise ProofError(
                f"{field}.verification_keys[{j}].public_key",
                "not the key the coefficient commitments give this trustee",
            )
        verification_keys.append(key)
    sub_key = group.mul(*(row[0] for row in commitments))
    return verification_keys, threshold, sub_key


def read_trustees(group: Group, obj: Any) -> tuple[list[TrusteeItem], int]:
    """Every item checked; returns the items and the product of their sub-keys."""
    if not isinstance(obj, list) or not obj:
        raise ProofError("", "expected a non-empty list of trustees")
    items: list[TrusteeItem] = []
    product = 1
    first = 1
    for i, item in enumerate(obj):
        where = f"[{i}]"
        if not isinstance(item, list) or len(item) != 2:
            raise ProofError(where, "expected [kind, value]")
        kind, value = item
        if kind == "Single":
            key = _public_key(group, value, f"{where}[1]")
            items.append(TrusteeItem(first, [key], 1, pedersen=False))
            product = product * key % group.p
        elif kind == "Pedersen":
            keys, threshold, sub_key = _pedersen(group, value, f"{where}[1]")
            items.append(TrusteeItem(first, keys, threshold, pedersen=True))
            product = product * sub_key % group.p
        else:
            raise ProofError(f"{where}[0]", f"unknown trustee kind {kind!r}")
        first += len(items[-1].keys)
    return items, product


def lagrange(indexes: list[int], j: int, q: int) -> int:
    """The Lagrange coefficient at 0 of trustee j among ``indexes`` (1-based), mod q."""
    out = 1
    for k in indexes:
        if k != j:
            out = out * k * pow(k - j, -1, q) % q
    return out


def combine(
    group: Group, items: list[TrusteeItem], factors: dict[int, list[list[int]]]
) -> list[list[int]]:
    """The synthetic factor of every ciphertext: each Single trustee's factor, and for each
    Pedersen item the first ``threshold`` trustees who decrypted, by Lagrange interpolation.
    ``factors`` holds the (already verified) factors by owner number."""
    shape = next(iter(factors.values()))
    combined = [[1] * len(row) for row in shape]
    for item in items:
        present = [owner for owner in item.owners if owner in factors]
        if len(present) < item.threshold:
            who = f"trustees {item.first}-{item.first + len(item.keys) - 1}"
            missing = [o for o in item.owners if o not in factors]
            raise ProofError(
                "",
                f"{len(present)} of {who} decrypted, {item.threshold} needed "
                f"(no partial decryption from {missing})",
            )
        chosen = present[: item.threshold]
        relative = [owner - item.first + 1 for owner in chosen]
        for owner, index in zip(chosen, relative, strict=True):
            weight = lagrange(relative, index, group.q) if item.pedersen else 1
            for i, row in enumerate(factors[owner]):
                for j, factor in enumerate(row):
                    combined[i][j] = combined[i][j] * pow(factor, weight, group.p) % group.p
    return combined
