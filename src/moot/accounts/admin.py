"""The staff admin (/staff/admin/, superusers only) for accounts. Writes go through the actions
so each one leaves its audit event; invitations and tokens are read-only here apart from
revoking them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from moot.accounts import actions
from moot.accounts.audit_verbs import AuditVerb
from moot.accounts.models import ApiToken, Invitation, StaffAssignment, User
from moot.audit.actions import record

# Never copied into the audit trail.
_SECRET_FIELDS = {"password", "password1", "password2"}


class StaffAssignmentInline(admin.TabularInline):
    model = StaffAssignment
    fk_name = "user"
    fields = ("role", "unit", "created_at", "created_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("email", "first_name", "last_name", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser", "staff_assignments__role")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    inlines = (StaffAssignmentInline,)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        changed = [name for name in form.changed_data if name not in _SECRET_FIELDS]
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record(
                actor=request.user,
                verb=AuditVerb.CHANGE_USER if change else AuditVerb.CREATE_USER,
                obj=obj,
                after={
                    **{name: form.cleaned_data.get(name) for name in changed},
                    **(
                        {"password": "(changed)"} if _SECRET_FIELDS & set(form.changed_data) else {}
                    ),
                },
            )


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "created_at", "created_by")
    list_filter = ("role",)
    search_fields = ("user__email", "user__last_name", "unit__name")
    autocomplete_fields = ("user",)
    raw_id_fields = ("unit",)
    fields = ("user", "role", "unit")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An assignment is given or taken away, never edited in place (each is an event).
        return obj is None and super().has_change_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: StaffAssignment, form: Any, change: bool
    ) -> None:
        saved = actions.do_assign_staff_role(
            obj.user, role=obj.role, unit=obj.unit, acting_user=request.user
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: StaffAssignment) -> None:
        actions.do_remove_staff_role(obj, acting_user=request.user, reason="staff admin")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[StaffAssignment]) -> None:
        for assignment in queryset:
            actions.do_remove_staff_role(assignment, acting_user=request.user, reason="staff admin")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "member", "state", "created_at", "sent_at", "expires_at", "created_by")
    search_fields = ("email", "member__number", "member__last_name")
    list_select_related = ("member", "created_by")
    exclude = ("token_hash",)
    actions = ("revoke",)

    @admin.action(description="Revoke the selected invitations")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        for invitation in queryset:
            actions.do_revoke_invitation(invitation, acting_user=request.user)
        messages.success(request, f"{queryset.count()} invitations revoked.")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    search_fields = ("name", "user__email", "prefix")
    list_filter = ("revoked_at",)
    list_select_related = ("user",)
    exclude = ("token_hash",)
    actions = ("revoke",)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            actions.do_revoke_api_token(token, acting_user=request.user)
        messages.success(request, f"{queryset.count()} tokens revoked.")


# --- the admin site itself ------------------------------------------------------------------


def _superusers_only(request: HttpRequest) -> bool:
    """The staff admin is for superusers (is_staff alone does not open it)."""
    return bool(request.user.is_active and request.user.is_superuser)


def _sign_in_through_allauth(request: HttpRequest, extra_context: Any = None) -> Any:
    """The admin's own password-only login would bypass two-factor sign-in: send people to the
    site's sign-in page, then back."""
    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied
    from django.urls import reverse

    if request.user.is_authenticated:
        raise PermissionDenied("The staff admin is open to superusers only.")
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), login_url=reverse("account_login")
    )


admin.site.has_permission = _superusers_only  # type: ignore[method-assign]
admin.site.login = _sign_in_through_allauth  # type: ignore[method-assign]
admin.site.site_header = "moot staff admin"
admin.site.site_title = "moot staff admin"
