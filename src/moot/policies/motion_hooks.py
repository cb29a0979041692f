"""What policies add to motions through ``moot.motions.extensions`` (registered in
``PoliciesConfig.ready``): carrying a policy motion makes the policy's new version, and a
motion's page says which policy it proposes to change and what came of it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from moot.policies import queries
from moot.policies.actions.proposals import apply_carried_motion


def on_motion_carried(motion: Any, acting_user: Any) -> dict[str, Any]:
    return apply_carried_motion(motion, acting_user=acting_user)


def check_amendment(motion: Any) -> None:
    """A motion proposing a policy change is not amended: what it proposes for the register
    (the text adopted, the numbered changes) is fixed when it is tabled, so an amendment to the
    motion's words would change nothing the meeting decides. To propose something else, table
    a competing motion (docs/policies.md)."""
    from moot.errors import RefusalCode
    from moot.policies.errors import PolicyError

    proposal = queries.proposal_of(motion)
    if proposal is None:
        return
    raise PolicyError(
        f"Motion {motion.number} proposes to {proposal.action} the policy “{proposal.title}”; "
        "what it proposes is fixed when it is tabled, so an amendment would change nothing. "
        "To propose a different change, table a competing motion.",
        code=RefusalCode.STATE,
        field="motion",
    )


def motion_notes(motion: Any) -> list[tuple[str, str]]:
    from moot.motions.confidential import is_withheld

    proposal = queries.proposal_of(motion)
    if proposal is None or is_withheld(motion):
        return []  # a motion withheld as confidential business says nothing of it
    notes: list[tuple[str, str]] = []
    target = proposal.policy
    what = {
        "adopt": f"Proposes that {motion.meeting.unit.name} adopts the policy “{proposal.title}”"
        + (f" {proposal.get_extent_display()}" if proposal.extent else ""),
        "amend": f"Proposes to amend “{proposal.title}” (version "
        f"{proposal.base_version.number if proposal.base_version else '?'}): "
        + "; ".join(_edit_text(e) for e in proposal.edits),
        "rescind": f"Proposes to rescind “{proposal.title}”",
    }[proposal.action]
    url = reverse("policies:proposal", args=[proposal.pk])
    notes.append((what + ". The proposed text and its differences", url))
    if proposal.result_version is not None:
        notes.append(
            (
                f"Carried: version {proposal.result_version.number} of “{proposal.title}”",
                reverse("policies:version", args=[proposal.result_version_id]),
            )
        )
    elif proposal.refusal:
        notes.append((proposal.refusal, ""))
    elif target is not None and proposal.base_version is not None:
        latest = queries.latest_version(target)
        if latest is not None and latest.pk != proposal.base_version_id:
            notes.append(
                (
                    (
                        f"If carried, this motion cannot take effect: “{proposal.title}” has "
                        f"changed since it was tabled (now version {latest.number})."
                    ),
                    reverse("policies:detail", args=[target.pk]),
                )
            )
    return notes


def _edit_text(edit: dict[str, Any]) -> str:
    last = edit.get("line_to") or edit["line_from"]
    lines = (
        f"line {edit['line_from']}"
        if last == edit["line_from"]
        else f"lines {edit['line_from']}–{last}"
    )
    if edit["action"] == "insert":
        return f"insert after line {edit['line_from']}: “{edit['text']}”"
    if edit["action"] == "delete":
        return f"delete {lines}"
    return f"replace {lines} with “{edit['text']}”"


def minutes_sentences(motion: Any) -> list[str]:
    """What the motion did to the register, for its paragraph of the minutes."""
    from moot.dates import long_date
    from moot.motions.confidential import is_withheld

    proposal = queries.proposal_of(motion)
    if proposal is None or is_withheld(motion):
        return []
    version = proposal.result_version
    if version is not None:
        if version.action == "rescind":
            return [f"“{proposal.title}” is rescinded from {long_date(version.in_force_from)}."]
        since = long_date(version.in_force_from)
        return [
            f"“{proposal.title}” version {version.number} ({version.how}) is in force from {since}."
        ]
    return [proposal.refusal] if proposal.refusal else []
