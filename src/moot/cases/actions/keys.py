"""Custody of the case key (docs/cases.md, "Lost key"): splitting it k-of-n among named key
holders, recovering it from k shares, and rotating it (every ciphertext and evidence file
re-encrypted under a new key). Each use is an audit event naming the holders or the shares'
numbers — never a share or a key."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from moot.audit.actions import record
from moot.cases import crypto, shamir
from moot.cases import evidence as files
from moot.cases.audit_verbs import AuditVerb
from moot.cases.errors import CaseError, RefusalCode


def _holders(names: list[str]) -> list[str]:
    holders = [name.strip() for name in names if name.strip()]
    if len(set(holders)) != len(holders):
        raise CaseError("Each key holder is named once.", field="holder")
    return holders


@transaction.atomic(durable=True)
def do_split_key(*, threshold: int, holders: list[str], acting_user: Any) -> list[tuple[str, str]]:
    """(holder, share text) for each named holder: any ``threshold`` of them recover the key in
    use. Old shares of an earlier key stay valid for that key only."""
    names = _holders(holders)
    kid, key = crypto.current_key()
    try:
        shares = shamir.split(key, threshold, len(names))
    except shamir.ShareError as exc:
        raise CaseError(f"Cannot split the key: {exc}.", field="threshold") from None
    record(
        actor=acting_user,
        verb=AuditVerb.SPLIT_KEY,
        object_type="cases.key",
        object_id=kid,
        object_repr=f"case key {kid}",
        after={"key": kid, "threshold": threshold, "holders": names},
    )
    return [(name, f"{share.text()}.{kid}") for name, share in zip(names, shares, strict=True)]


def _parse_share(text: str) -> tuple[shamir.Share, str]:
    body, _, kid = text.strip().rpartition(".")
    if not body or len(kid) != crypto.KEY_ID_BYTES * 2:
        raise CaseError(
            "Not a case key share: a share reads moot-share-1.<k>.<n>.<value>.<check>.<key id>.",
            field="share",
        )
    try:
        return shamir.parse(body), kid
    except shamir.ShareError as exc:
        raise CaseError(f"{exc}.", field="share") from None


@transaction.atomic(durable=True)
def do_recover_key(*, shares: list[str], acting_user: Any) -> str:
    """Put the key back in the key file from ``threshold`` shares; returns its id. The key must
    be the one its shares name (a wrong mix is refused, nothing written)."""
    parsed = [_parse_share(text) for text in shares]
    kids = {kid for _, kid in parsed}
    if len(kids) != 1:
        raise CaseError("The shares belong to different keys.", field="share")
    kid = kids.pop()
    try:
        key = shamir.combine([share for share, _ in parsed])
    except shamir.ShareError as exc:
        raise CaseError(f"Cannot recover the key: {exc}.", field="share") from None
    if len(key) != 32 or crypto.key_id(key) != kid:
        raise CaseError(
            f"These shares do not recover key {kid} (a share from another split?).",
            field="share",
        )
    keys = crypto.read_keys()
    if any(existing == kid for existing, _ in keys):
        raise CaseError(f"Key {kid} is already in the key file.", code=RefusalCode.CONFLICT)
    # A recovered key goes before the others: it reads old text, the newest still writes.
    crypto.write_keys([(kid, key), *keys])
    record(
        actor=acting_user,
        verb=AuditVerb.RECOVER_KEY,
        object_type="cases.key",
        object_id=kid,
        object_repr=f"case key {kid}",
        after={"key": kid, "shares": sorted(share.x for share, _ in parsed)},
    )
    return kid


def encrypted_columns() -> list[tuple[Any, list[str]]]:
    """(model, its ``*_enc`` columns) for every model of the app that holds ciphertext."""
    from django.apps import apps

    found = []
    for model in apps.get_app_config("cases").get_models():
        columns = [f.name for f in model._meta.fields if f.name.endswith("_enc")]
        if columns:
            found.append((model, columns))
    return found


def do_rotate_key(*, acting_user: Any) -> tuple[str, int]:
    """A new key; every ciphertext and evidence file re-encrypted under it; then the old keys
    leave the key file. Returns (new key id, values re-encrypted). Until it commits, the old
    keys stay in the file, so a failure halfway leaves everything readable."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from moot.cases.models import Evidence

    keys = crypto.read_keys()
    if not keys:
        raise CaseError("There is no case key to rotate.", code=RefusalCode.STATE)
    new = AESGCM.generate_key(bit_length=256)
    kid = crypto.key_id(new)
    crypto.write_keys([*keys, (kid, new)])
    count = 0
    with transaction.atomic(durable=True):
        for model, columns in encrypted_columns():
            for row in model.objects.select_for_update(of=("self",)).iterator(chunk_size=500):
                changed = []
                for column in columns:
                    text = crypto.open_text(row, column)
                    if text:
                        crypto.seal_text(row, column, text)
                        changed.append(column)
                if changed:
                    row.save(update_fields=changed)
                    count += len(changed)
        for evidence in Evidence.objects.iterator(chunk_size=500):
            files.reseal(evidence)
            count += 1
        record(
            actor=acting_user,
            verb=AuditVerb.ROTATE_KEY,
            object_type="cases.key",
            object_id=kid,
            object_repr=f"case key {kid}",
            after={"key": kid, "retired": [old for old, _ in keys], "values": count},
        )
        transaction.on_commit(lambda: crypto.write_keys([(kid, new)]))
    return kid, count
