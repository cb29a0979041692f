"""Fetch and authorise for the trustees' and the credential authority's pages and API
(moot.access): the ballot is public, so its verifiable election is too (404 only when there is
none); what a trustee posts is their own trustee's (the account decides, never the request's
body); appointments are the ballot's manager's."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from moot.verifiable.access import access_election as _access_election
from moot.verifiable.access import access_election_role
from moot.verifiable.models import CredentialAuthority, Election, Trustee


def access_election(ballot_id: Any, user: Any) -> Election:
    """The verifiable election of a ballot anyone may read (404: none)."""
    return _access_election(ballot_id, user)[1]


def access_election_to_appoint(ballot_id: Any, user: Any) -> Election:
    """The election, for the ballot's manager (the returning officer) who appoints its
    trustees and credential authority (403 otherwise)."""
    return access_election_role(ballot_id, user, "manage")[1]


def access_own_trustee(ballot_id: Any, user: Any) -> Trustee:
    """The caller's own trustee of this election: 403 for anyone who is not one of its
    trustees. The index comes from the account, so nobody posts for another trustee."""
    election = access_election(ballot_id, user)
    trustee = (
        Trustee.objects.select_related("election")
        .filter(election=election, user_id=getattr(user, "pk", None) or 0)
        .first()
    )
    if trustee is None:
        raise PermissionDenied(
            "Only the election's trustees post here, each as themself: your account is not one "
            "of its trustees."
        )
    return trustee


def access_as_credential_authority(ballot_id: Any, user: Any) -> Election:
    election = access_election(ballot_id, user)
    if not CredentialAuthority.objects.filter(
        election=election, user_id=getattr(user, "pk", None) or 0
    ).exists():
        raise PermissionDenied(
            "Only the election's credential authority uploads its public credential list."
        )
    return election
