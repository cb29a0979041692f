"""The audit verbs of verifiable ballots: ``verifiable.<action name without do_>``
(moot.audit.verbs has the rule). Each topic keeps its verbs together under its heading."""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    # -- the definition's choice
    MAKE_VERIFIABLE = "verifiable.make_verifiable"
    DROP_VERIFIABLE = "verifiable.drop_verifiable"
    # -- opening and casting
    OPEN_VERIFIABLE = "verifiable.open_verifiable"
    CAST_VERIFIABLE = "verifiable.cast_verifiable"
    # -- trustees and their key generation (actions/trustees.py)
    APPOINT_TRUSTEES = "verifiable.appoint_trustees"
    REGISTER_TRUSTEE = "verifiable.register_seal_key"
    COMMIT_TRUSTEE = "verifiable.commit_trustee"
    REVEAL_COEFFICIENTS = "verifiable.reveal_coefficients"
    DEAL_SHARES = "verifiable.deal_shares"
    CHECK_SHARES = "verifiable.check_shares"
    PROVE_SHARE_KEY = "verifiable.prove_share_key"
    DISQUALIFY_TRUSTEE = "verifiable.disqualify_trustee"
    # -- the credential authority (actions/credentials.py)
    APPOINT_CREDENTIAL_AUTHORITY = "verifiable.appoint_credential_authority"
    UPLOAD_CREDENTIALS = "verifiable.upload_credentials"
    EXPORT_VOTERS = "verifiable.export_voters"
    # -- the trustees' mix and decryption (actions/mixing.py)
    POST_SHUFFLE = "verifiable.post_shuffle"
    SKIP_MIXER = "verifiable.skip_mixer"
    POST_DECRYPTION = "verifiable.post_decryption"
    # -- issue 11's close and count of a verifiable ballot (declaration.py)
    CLOSE_BOARD = "verifiable.close_board"
    TAKE_RESULT = "verifiable.take_result"


FORMER_VERBS: dict[AuditVerb, tuple[str, ...]] = {}
