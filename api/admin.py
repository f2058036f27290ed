"""The coordinators' screens for the API: tokens (created and revoked here, the key
shown once), the audit of writes, webhooks and their delivery log. Scoped like
every other program page: a coordinator sees only their programs' rows."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from programs.admin_scope import ProgramScopedMixin, ReadOnlyAdminMixin

from .models import ApiAuditEntry, ApiToken, WebhookDelivery, WebhookEndpoint, WebhookEvent
from .tokens import MAX_LIFETIME, token_create, token_revoke
from .webhooks import webhook_resend

KEY_SHOWN_ONCE = (
    "The key of “{name}”: {key} — copy it now into the system that uses it. It is not shown again: only its hash "
    "is kept. Send it as “Authorization: Bearer <key>”."
)


def _default_expiry():
    return timezone.now() + datetime.timedelta(days=90)


class ApiTokenForm(forms.ModelForm):
    expires_at = forms.SplitDateTimeField(
        initial=_default_expiry, widget=admin.widgets.AdminSplitDateTime, help_text="At most a year ahead."
    )

    class Meta:
        model = ApiToken
        fields = ["program", "name", "can_write", "expires_at"]

    def clean_expires_at(self):
        value = self.cleaned_data["expires_at"]
        now = timezone.now()
        if value <= now:
            raise forms.ValidationError("Choose an expiry in the future.")
        if value > now + MAX_LIFETIME:
            raise forms.ValidationError("A token lives at most a year.")
        return value


@admin.register(ApiToken)
class ApiTokenAdmin(ProgramScopedMixin, admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ["name", "program", "prefix", "can_write", "expires_at", "last_used_at", "revoked_at", "created_by"]
    list_filter = ["program", "can_write"]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]
    readonly_fields = ["program", "name", "prefix", "can_write", "expires_at", "created_by", "created_at", "last_used_at", "revoked_at", "revoked_by"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ["program", "name", "can_write", "expires_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, key = token_create(
            program=obj.program, by=request.user, name=obj.name, can_write=obj.can_write, expires_at=obj.expires_at
        )
        obj.pk = token.pk
        obj.__dict__.update({k: v for k, v in token.__dict__.items() if not k.startswith("_")})
        messages.warning(request, KEY_SHOWN_ONCE.format(name=token.name, key=key))

    def has_change_permission(self, request, obj=None):
        # Nothing of a token is edited: a new scope or expiry is a new token.
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Revoke the selected tokens now")
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(token=token, by=request.user)
            count += 1
        self.message_user(request, f"Revoked {count} token{'s' if count != 1 else ''}.")

    def has_revoke_permission(self, request):
        return self.has_view_permission(request)

    revoke.allowed_permissions = ["revoke"]


class ReadOnlyScoped(ReadOnlyAdminMixin, ProgramScopedMixin, admin.ModelAdmin):
    pass

@admin.register(ApiAuditEntry)
class ApiAuditEntryAdmin(ReadOnlyScoped):
    program_path = "token__program"
    list_display = ["created_at", "token", "method", "path", "status", "replayed", "summary"]
    list_filter = ["status", "method"]
    list_select_related = ["token"]


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https", help_text="Where the events are posted (https).")
    events = forms.MultipleChoiceField(choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["program", "url", "events", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ProgramScopedMixin, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "program", "is_active", "created_at"]
    readonly_fields = ["secret", "created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyScoped):
    program_path = "endpoint__program"
    list_display = ["created_at", "event", "endpoint", "attempts", "sent_at", "failed_at", "last_status", "last_error"]
    list_filter = ["event"]
    list_select_related = ["endpoint"]
    actions = ["send_again"]

    @admin.action(description="Send the selected failed deliveries again")
    def send_again(self, request, queryset):
        count = 0
        for delivery in queryset.filter(sent_at__isnull=True, failed_at__isnull=False):
            webhook_resend(delivery=delivery)
            count += 1
        self.message_user(request, f"Queued {count} deliver{'ies' if count != 1 else 'y'} again.")

    def has_send_again_permission(self, request):
        return self.has_view_permission(request)

    send_again.allowed_permissions = ["send_again"]
