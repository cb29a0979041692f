"""``moot trustee step`` after the close: mix in this trustee's turn, then decrypt — each
after checking the whole board this trustee relies on (:func:`moot.trustee.tally.read_tally`
with ``verify``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from moot.trustee.tally import Tally, check_enough_mixers, decrypt, mix, read_tally
from moot.verify import group
from moot.verify.vcommon import ProofError

if TYPE_CHECKING:
    from moot.trustee.ceremony import Step


def _checked_board(step: Step) -> Tally:
    from moot.trustee.ceremony import CeremonyError

    answer = step.api.get("/trustees/board")
    try:
        tally = read_tally(answer["election"], answer["entries"], verify=True)
    except (ProofError, KeyError, TypeError, ValueError) as exc:
        raise CeremonyError(
            f"the server's board does not verify — {exc}; nothing was mixed or decrypted: "
            "tell the returning officer and the scrutineer"
        ) from exc
    if not tally.setup:
        raise CeremonyError(
            "the server's board has no setup entry; nothing was mixed or decrypted: tell the "
            "returning officer and the scrutineer"
        )
    step.check_election_key(tally.document, tally.setup)
    return tally


def mix_step(step: Step, doc: dict[str, Any]) -> bool:
    mixing = doc.get("mixing") or {}
    if doc["state"] not in ("closed", "mixing") or not mixing.get("ranked"):
        return False
    if step.index in mixing.get("mixed", []) or str(step.index) in mixing.get("skipped", {}):
        return False
    if mixing.get("next") != step.index:
        step.outcome.waiting = f"trustee {mixing.get('next')} to mix first (then this trustee)"
        return False
    tally = _checked_board(step)
    shuffles = mix(tally, step.index)
    step.api.post("/trustees/me/shuffle", {"shuffles": shuffles})
    rows = len(tally.current[tally.ranked[0]]) if tally.ranked else 0
    step.outcome.did.append(
        f"checked the board and shuffled {rows} ballots of {len(shuffles)} ranked question(s), "
        "with proofs"
    )
    return True


def decrypt_step(step: Step, doc: dict[str, Any]) -> bool:
    mixing = doc.get("mixing") or {}
    ranked = bool(mixing.get("ranked"))
    ready = doc["state"] == "decrypting" or (doc["state"] == "closed" and not ranked)
    if not ready or step.index in mixing.get("decrypted", []):
        return False
    tally = _checked_board(step)
    try:
        check_enough_mixers(tally)
    except ProofError as exc:
        from moot.trustee.ceremony import CeremonyError

        raise CeremonyError(
            f"{exc}; nothing was decrypted: tell the returning officer and the scrutineer"
        ) from exc
    secret = group.decode_scalar(step.secrets["share"])
    step.api.post("/trustees/me/decryption", decrypt(tally, step.index, secret))
    step.outcome.did.append(
        f"checked the board and posted decryption shares of {sum(map(len, tally.sums.values()))} "
        f"sums and {sum(len(r) for r in tally.current.values())} mixed ballots, with proofs"
    )
    return True


TALLY_STEPS: tuple[Callable[[Step, dict[str, Any]], bool], ...] = (mix_step, decrypt_step)
