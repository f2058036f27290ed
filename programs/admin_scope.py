"""Coordinators see and change only their own programs' data in the admin.

Every ModelAdmin of program data derives from ProgramScopedAdmin and names the
lookup path from its model to Program (`program_path`). The queryset, the object
permissions (change pages, history, delete), autocomplete (which goes through
the target admin's queryset) and foreign-key choices all follow from it, so a
coordinator of another program gets a 404 or an empty list, never the data.
Superusers see everything.
"""

import datetime

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from .formats import date_text, datetime_text
from .selectors import coordinated_program_ids


def program_ids(request) -> set[int]:
    return coordinated_program_ids(user=request.user)


def is_program_staff(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and (user.is_superuser or bool(program_ids(request)))


class ProgramScopedMixin:
    # Lookup from this model to Program, e.g. "cohort__program"; "" for Program itself.
    program_path: str = "program"

    def scope_filter(self, request) -> Q:
        ids = program_ids(request)
        return Q(pk__in=ids) if not self.program_path else Q(**{f"{self.program_path}__in": ids})

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(self.scope_filter(request))

    def get_object(self, request, object_id, from_field=None):
        return get_object_in_scope(super(), request, object_id, from_field)

    def _in_scope(self, request, obj) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return is_program_staff(request)

    def has_view_permission(self, request, obj=None):
        return is_program_staff(request) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_program_staff(request) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_program_staff(request) and self._in_scope(request, obj)

    def has_add_permission(self, request, *args):
        return is_program_staff(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and not request.user.is_superuser:
            field.queryset = scope_related_queryset(field.queryset, request)
        return keys_only_autocomplete(field)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and not request.user.is_superuser:
            field.queryset = scope_related_queryset(field.queryset, request)
        return keys_only_autocomplete(field)


def get_object_in_scope(model_admin_super, request, object_id, from_field=None):
    """The object if it is in scope, else 404.

    Django answers a missing object with a redirect to the admin index; an object
    of another program is missing from the coordinator's queryset, and a 404 for
    both keeps it from telling which ids exist elsewhere.
    """
    obj = model_admin_super.get_object(request, object_id, from_field)
    if obj is None:
        raise Http404("Not found in your programs.")
    return obj


# The range of the ids (BigAutoField): a longer number is no key, and looking
# it up overflows SQLite's integers or aborts PostgreSQL's transaction.
_KEY_RANGE = range(-(2**63) + 1, 2**63)


def _could_be_key(value) -> bool:
    try:
        return int(str(value)) in _KEY_RANGE
    except (TypeError, ValueError):
        return False


class _KeysOnlyAutocomplete:
    """Django's autocomplete widget looks the submitted value up to show it again
    with the form's errors; a value that is not a key ("abc" for an id, or a
    number past the ids' range) made that lookup raise, a 500 instead of
    "Select a valid choice". Shown as no choice instead: the field's own error
    says what is wrong."""

    def optgroups(self, name, value, attr=None):
        keys = [v for v in value if v in (None, "") or _could_be_key(v)]
        try:
            return super().optgroups(name, keys, attr)
        except (ValueError, TypeError, ValidationError):
            return super().optgroups(name, [], attr)


class KeysOnlyAutocompleteSelect(_KeysOnlyAutocomplete, AutocompleteSelect):
    pass


class KeysOnlyAutocompleteSelectMultiple(_KeysOnlyAutocomplete, AutocompleteSelectMultiple):
    pass


def keys_only_autocomplete(field):
    """Give a form field's autocomplete widget the safe lookup (see _KeysOnlyAutocomplete)."""
    widget = getattr(field, "widget", None)
    if type(widget) is AutocompleteSelect:
        widget.__class__ = KeysOnlyAutocompleteSelect
    elif type(widget) is AutocompleteSelectMultiple:
        widget.__class__ = KeysOnlyAutocompleteSelectMultiple
    return field


def scope_related_queryset(queryset, request):
    """Limit choices of a related field to the coordinator's programs."""
    model_admin = admin.site._registry.get(queryset.model)
    if isinstance(model_admin, ProgramScopedMixin) or hasattr(model_admin, "scope_filter"):
        return queryset.filter(model_admin.scope_filter(request))
    return queryset


class ReadableHistory(HistoricalRecordContextHelper):
    """History diffs in coordinators' words: "Applied → Approved", not "applied → approved";
    "—" for an empty value, not "None" or "Deleted user (pk=None)"."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
            return "—"
        if getattr(field, "choices", None):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, datetime.datetime):
            return datetime_text(value)
        if isinstance(value, datetime.date):
            return date_text(value)
        return value


class ProgramScopedAdmin(ProgramScopedMixin, SimpleHistoryAdmin):
    """Scoped, with django-simple-history's history pages: who changed what, when.

    History is a record, not an undo button. simple-history's "revert" saves an
    old version straight through the form, past the services: an enrolment
    reverted to "approved" would slip past the participant cap. Old versions
    can be read, never saved back.
    """

    list_per_page = 50

    def revert_disabled(self, request, obj=None):
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistory(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("Old versions are read-only; make the change on the current record.")
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):
            # A model without HistoricalRecords (survey invitations) has no old versions.
            raise Http404("This record keeps no history.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyAdminMixin:
    """Shown, never added, changed or deleted through the admin: records that
    only the services write (meetings, agreements' signatures, the partners'
    answers, API audit entries)."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProgramScopedInline:
    """Inlines follow their parent's scope; related choices are limited the same way."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and not request.user.is_superuser:
            field.queryset = scope_related_queryset(field.queryset, request)
        return keys_only_autocomplete(field)

    def has_view_permission(self, request, obj=None):
        return is_program_staff(request)

    def has_change_permission(self, request, obj=None):
        return is_program_staff(request)

    def has_add_permission(self, request, obj=None):
        return is_program_staff(request)

    def has_delete_permission(self, request, obj=None):
        return is_program_staff(request)


def view_on_site(request, content_type_id, object_id):
    """The admin's "View on site" link, for objects the person may see in the admin.

    Django's own (contenttypes' `shortcut`) redirects any staff member to the
    page of any object of any model; for a survey invitation that page is the
    recipient's personal link, which is their credential. Here the object must
    be in the coordinator's scope and its admin must offer the link at all.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.contenttypes.views import shortcut
    from django.core.exceptions import ValidationError

    try:
        model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
    except (ValueError, ContentType.DoesNotExist):
        raise Http404("Not found in your programs.")
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        raise Http404("Not found in your programs.")
    try:
        obj = model_admin.get_queryset(request).filter(pk=object_id).first()
    except (ValueError, ValidationError):
        obj = None
    if obj is None or not model_admin.has_view_permission(request, obj) or not model_admin.get_view_on_site_url(obj):
        raise Http404("Not found in your programs.")
    return shortcut(request, content_type_id, object_id)
