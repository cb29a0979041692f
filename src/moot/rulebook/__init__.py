"""moot.rulebook: the organisation's rules as dated editions in TOML, parsed into typed,
validated, frozen objects. Pure: the standard library only, nothing of Django or moot.

Every rule carries its clause and text, so a decision can cite it; every check returns an
``Assessment`` (allowed, reasons with clauses). The format is documented in docs/rulebook.md.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

from moot.rulebook.checks import (
    check_affiliation,
    check_competence,
    check_inquorate_business,
    check_motion_deadline,
    check_nomination_deadline,
    check_notice,
    check_officer_slate,
    check_quorum,
    competence_category,
    majority,
    notice_due,
    quorum_for,
)
from moot.rulebook.eligibility import assess_eligibility, continuous_since
from moot.rulebook.errors import RulebookError
from moot.rulebook.model import (
    AGENDA_ITEM_KINDS,
    MAJORITY_BASES,
    MEMBER_STATUSES,
    REQUIRED_PURPOSES,
    AffiliationRule,
    AffiliationRules,
    Assessment,
    CompetenceCategory,
    Decision,
    Edition,
    EligibilityRule,
    Majority,
    MeetingKind,
    MembershipRules,
    OfficerRules,
    PostSpec,
    Proscription,
    Quorum,
    QuorumRule,
    Reason,
    SlateEntry,
    StatusInterval,
    StatusRule,
)
from moot.rulebook.parse import parse_edition

PRESETS = ("party",)

__all__ = [
    "AGENDA_ITEM_KINDS",
    "MAJORITY_BASES",
    "MEMBER_STATUSES",
    "PRESETS",
    "REQUIRED_PURPOSES",
    "AffiliationRule",
    "AffiliationRules",
    "Assessment",
    "CompetenceCategory",
    "Decision",
    "Edition",
    "EligibilityRule",
    "Majority",
    "MeetingKind",
    "MembershipRules",
    "OfficerRules",
    "PostSpec",
    "Proscription",
    "Quorum",
    "QuorumRule",
    "Reason",
    "RulebookError",
    "SlateEntry",
    "StatusInterval",
    "StatusRule",
    "assess_eligibility",
    "check_affiliation",
    "check_competence",
    "check_inquorate_business",
    "check_motion_deadline",
    "check_nomination_deadline",
    "check_notice",
    "check_officer_slate",
    "check_quorum",
    "competence_category",
    "continuous_since",
    "majority",
    "notice_due",
    "parse_edition",
    "preset",
    "preset_source",
    "quorum_for",
]


def preset_source(name: str) -> str:
    """The TOML text of a preset edition shipped with moot (``"party"``)."""
    if name not in PRESETS:
        raise RulebookError(
            f"there is no preset edition {name!r}; the presets are {', '.join(PRESETS)}",
            source="MOOT_RULEBOOK_PRESET",
        )
    return resources.files("moot.rulebook.presets").joinpath(f"{name}.toml").read_text("utf-8")


@lru_cache(maxsize=len(PRESETS))
def preset(name: str) -> Edition:
    """A preset edition, parsed once per process."""
    return parse_edition(preset_source(name), source=f"{name}.toml")
