"""The site's audit public key on the pages that publish a record (the record and results
pages): ``{% load ballot_record %}{% site_audit_key as key %}``."""

from __future__ import annotations

from django import template

from moot.ballots.record import site_public_key

register = template.Library()


@register.simple_tag
def site_audit_key() -> dict[str, str] | None:
    """The key's one line, fingerprint and id, or None when the site has no audit key."""
    return site_public_key()
