"""The verifiable app's writes, by topic; everything is re-exported here (house.md)."""

from moot.verifiable.actions.casting import Cast, do_cast_verifiable
from moot.verifiable.actions.credentials import (
    do_appoint_credential_authority,
    do_upload_credentials,
)
from moot.verifiable.actions.definition import do_drop_verifiable, do_make_verifiable
from moot.verifiable.actions.mixing import do_post_decryption, do_post_shuffle, do_skip_mixer
from moot.verifiable.actions.opening import (
    do_open_verifiable,
    do_open_verifiable_now,
    ready_to_open,
)
from moot.verifiable.actions.trustees import (
    do_appoint_trustees,
    do_check_shares,
    do_commit_trustee,
    do_deal_shares,
    do_prove_share_key,
    do_register_seal_key,
    do_reveal_coefficients,
)

__all__ = [
    "Cast",
    "do_appoint_credential_authority",
    "do_appoint_trustees",
    "do_cast_verifiable",
    "do_check_shares",
    "do_commit_trustee",
    "do_deal_shares",
    "do_drop_verifiable",
    "do_make_verifiable",
    "do_open_verifiable",
    "do_open_verifiable_now",
    "do_post_decryption",
    "do_post_shuffle",
    "do_prove_share_key",
    "do_register_seal_key",
    "do_reveal_coefficients",
    "do_skip_mixer",
    "do_upload_credentials",
    "ready_to_open",
]
