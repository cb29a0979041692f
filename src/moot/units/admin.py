"""Staff admin views of units and offices: read-only, because every change must go through an
action (which writes its audit event); the admin is for looking things up."""

from __future__ import annotations

from django.contrib import admin

from moot.members.admin import ReadOnlyAdmin
from moot.units.models import AdoptedEdition, Affiliation, OfficeHolding, Organisation, Post, Unit


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "slug", "code", "parent")
    list_filter = ("kind",)
    search_fields = ("name", "slug", "code")


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "slug")
    list_filter = ("kind",)
    search_fields = ("name", "slug")


@admin.register(Affiliation)
class AffiliationAdmin(ReadOnlyAdmin):
    list_display = ("unit", "organisation", "start", "end", "decision_ref")


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "reserved_for_women", "job_share_allowed", "seats")
    search_fields = ("title", "unit__name")


@admin.register(OfficeHolding)
class OfficeHoldingAdmin(ReadOnlyAdmin):
    list_display = ("post", "member", "start", "end", "job_share")
    list_select_related = ("post__unit", "member")


@admin.register(AdoptedEdition)
class AdoptedEditionAdmin(ReadOnlyAdmin):
    list_display = ("edition_name", "effective_from", "adopted_by")
