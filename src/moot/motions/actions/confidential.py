"""Reading a withheld motion (``moot.motions.confidential``): who may is decided there; this
records that they did, before the page or the API shows them the text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from moot.audit.actions import record
from moot.errors import RefusalCode
from moot.motions.audit_verbs import AuditVerb
from moot.motions.confidential import is_withheld, may_read_confidential, public_sentence
from moot.motions.errors import MotionError
from moot.motions.models import Motion

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from moot.accounts.models import User


@transaction.atomic(durable=True)
def do_read_confidential(motion: Motion, *, acting_user: User | AnonymousUser | None) -> Motion:
    """Record that ``acting_user`` reads the title, text, mover and seconder of a motion withheld
    as confidential business, and return it whole. Refused for anyone but the chair, the unit's
    secretary and complaints staff (``may_read_confidential``); the event names the motion by
    its public sentence only, so the audit trail repeats nothing of what it withholds. (A page
    passes ``request.user``; an anonymous visitor is refused like anyone else.)"""
    if not is_withheld(motion):
        raise MotionError(
            f"Motion {motion.number} is not withheld; it is read as any motion.",
            code=RefusalCode.STATE,
        )
    if not may_read_confidential(acting_user, motion):
        raise MotionError(
            "Only the chair of the meeting, the unit's secretary and complaints staff may read "
            "a motion withheld as confidential business.",
            code=RefusalCode.FORBIDDEN,
        )
    record(
        actor=acting_user,
        verb=AuditVerb.READ_CONFIDENTIAL,
        obj=motion,
        object_repr=f"Motion {motion.number}: {public_sentence(motion)}"[:300],
        after={"meeting": motion.meeting_id},
    )
    return motion
