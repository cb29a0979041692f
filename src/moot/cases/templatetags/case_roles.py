"""``{{ role|case_role_label }}``: a role on a case as words (moot.cases.roles.role_label)."""

from __future__ import annotations

from django import template

from moot.cases.roles import role_label

register = template.Library()


@register.filter
def case_role_label(role: str | None) -> str:
    return role_label(role)
