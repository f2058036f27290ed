"""The audit for superusers (read only, with a CSV export) and sign-in locks
for superusers and the coordinators of the people concerned (unlock)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied

from .models import SecurityEvent, SignInLock
from .services import locks_visible_to, sign_in_unlock


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ("at", "kind", "actor_email", "subject_email", "identifier", "ip_address", "detail")
    list_filter = ("kind", "at")
    search_fields = ("actor_email", "subject_email", "identifier", "ip_address", "detail")
    date_hierarchy = "at"
    show_full_result_count = False
    actions = ["export_csv"]
    readonly_fields = [field.name for field in SecurityEvent._meta.fields]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Export the selected entries as CSV")
    def export_csv(self, request, queryset):
        from mentorship.reports.exports import csv_response, dated

        header = ["When", "What", "Who", "About whom", "Address typed", "Program id", "From", "Browser", "Detail"]
        rows = [header] + [
            [
                event.at.isoformat(), event.get_kind_display(), event.actor_email, event.subject_email,
                event.identifier, event.program_id or "", event.ip_address or "", event.user_agent, event.detail,
            ]
            for event in queryset.order_by("at", "pk").iterator()
        ]
        return csv_response(rows, dated("security-audit"))


@admin.register(SignInLock)
class SignInLockAdmin(admin.ModelAdmin):
    list_display = ("identifier", "locked_at", "locked_until", "unlocked_at", "unlocked_by")
    search_fields = ("identifier",)
    readonly_fields = ("identifier", "locked_at", "locked_until", "unlocked_at", "unlocked_by")
    actions = ["unlock"]

    def get_queryset(self, request):
        return locks_visible_to(user=request.user).select_related("unlocked_by")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Unlock sign-in for the selected addresses")
    def unlock(self, request, queryset):
        done = 0
        for lock in queryset:
            try:
                sign_in_unlock(lock=lock, by=request.user, request=request)
                done += 1
            except PermissionDenied as refusal:
                self.message_user(request, f"{lock.identifier}: {refusal}", messages.ERROR)
        if done:
            self.message_user(request, f"Unlocked {done} address(es).", messages.SUCCESS)
