"""Clause numbers that link to the rule's text (issue 9 item 7): the one place that turns
"clause 15.6.1" into a link to the rulebook page's anchor ``#clause-15.6.1``.

``{{ ruling.clause|clause_link }}`` links one clause number ("clause 15.6.1");
``{{ text|link_clauses }}`` escapes a sentence and links every "clause N.N" in it (a refusal,
a ruling's reasons, a paragraph of the minutes)."""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# "clause 7.2", "Clause 15.6.1", "clauses 2.1, 2.2 and 2.3" (a clause number is digits and dots,
# perhaps a trailing letter: "7.4a").
_NUMBER = r"\d+(?:\.\d+)*[a-z]?"
_CITED = re.compile(rf"\b([Cc]lauses?)\s+({_NUMBER}(?:(?:,\s*|\s+and\s+|\s+or\s+){_NUMBER})*)")
_ONE = re.compile(_NUMBER)


def clause_anchor(number: str) -> str:
    """The rulebook page's anchor of a clause: "clause-15.6.1"."""
    return f"clause-{number}"


def clause_url(number: str) -> str:
    return f"{reverse('rulebook:current')}#{clause_anchor(number)}"


@register.filter
def clause_link(number: str) -> SafeString | str:
    """ "clause N" linking to the rule's text; "" for no clause."""
    number = str(number or "").strip()
    if not number:
        return ""
    return format_html('<a class="clause" href="{}">clause {}</a>', clause_url(number), number)


@register.filter
def link_clauses(text: str) -> SafeString:
    """``text`` escaped, each "clause N.N" in it a link to the rule's text."""

    def link_one(match: re.Match[str]) -> str:
        number = match.group(0)
        return f'<a class="clause" href="{escape(clause_url(number))}">{number}</a>'

    def link(match: re.Match[str]) -> str:
        word, numbers = match.group(1), match.group(2)
        if _ONE.fullmatch(numbers):
            url = escape(clause_url(numbers))
            return f'<a class="clause" href="{url}">{word} {numbers}</a>'
        return f"{word} {_ONE.sub(link_one, numbers)}"

    return mark_safe(_CITED.sub(link, str(conditional_escape(text or ""))))  # noqa: S308  # escaped
