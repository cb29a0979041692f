"""The audit verbs of units: ``units.<action name without do_>`` (moot.audit.verbs has the rule;
units' verbs already followed it)."""

from __future__ import annotations

from enum import StrEnum


class AuditVerb(StrEnum):
    CREATE_UNIT = "units.create_unit"
    CREATE_ORGANISATION = "units.create_organisation"
    CREATE_AFFILIATION = "units.create_affiliation"
    END_AFFILIATION = "units.end_affiliation"
    APPOINT_OFFICER = "units.appoint_officer"
    END_HOLDING = "units.end_holding"
    ADOPT_EDITION = "units.adopt_edition"
    REFRESH_POSTS = "units.refresh_posts"
