"""Staff admin views of the register: read-only, because every change must go through an action
(which writes its audit event); the admin is for looking things up."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from moot.members.models import Member, MembershipPeriod, Resignation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PeriodInline(admin.TabularInline):
    model = MembershipPeriod
    fields = ("status", "start", "end", "reason", "reference", "recorded_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ("number", "last_name", "first_name", "status", "constituency", "joined_on")
    list_filter = ("status",)
    search_fields = ("=number", "search_name", "email")
    exclude = ("gender",)  # sensitive: shown only on the member page to roles that need it
    inlines = [PeriodInline]
    list_select_related = ("constituency",)
    show_full_result_count = False


@admin.register(Resignation)
class ResignationAdmin(ReadOnlyAdmin):
    list_display = ("member", "kind", "effective_on", "recorded_by")
    list_filter = ("kind",)
