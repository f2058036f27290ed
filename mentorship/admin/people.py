"""People in the admin: accounts with their profiles, and the shared skills list.
Coordinators see the people of their programs; only superusers manage staff rights."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from programs.admin_scope import get_object_in_scope, is_program_staff, keys_only_autocomplete, program_ids

from ..models import Profile, Skill, User


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fk_name = "user"
    autocomplete_fields = ["supervisor", "skills_offered", "development_needs"]
    exclude = ["photo"]

    # A hand-made value that is not an id is refused on the form, not with a 500.
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return keys_only_autocomplete(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return keys_only_autocomplete(super().formfield_for_manytomany(db_field, request, **kwargs))


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Coordinators see the people enrolled in their programs; only superusers manage staff rights."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [ProfileInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Name", {"fields": ["first_name", "last_name"]}),
        ("Rights", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def scope_filter(self, request):
        ids = program_ids(request)
        return Q(pk__in=User.objects.filter(enrollments__cohort__program__in=ids).values("pk")) | Q(
            pk__in=User.objects.filter(coordinated_programs__program__in=ids).values("pk")
        )

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(self.scope_filter(request))

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ["last_login", "date_joined"]
        return ["email", "password", "is_active", "is_staff", "is_superuser", "groups", "user_permissions", "last_login", "date_joined"]

    def get_object(self, request, object_id, from_field=None):
        return get_object_in_scope(super(), request, object_id, from_field)

    def user_change_password(self, request, id, form_url=""):
        # A participant may be staff or a superuser elsewhere: setting their
        # password would hand a coordinator their account.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def _in_scope(self, request, obj):
        return obj is None or request.user.is_superuser or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return is_program_staff(request)

    def has_view_permission(self, request, obj=None):
        return is_program_staff(request) and self._in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return is_program_staff(request) and self._in_scope(request, obj)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def has_module_permission(self, request):
        return is_program_staff(request)

    def has_view_permission(self, request, obj=None):
        return is_program_staff(request)

    def has_change_permission(self, request, obj=None):
        return is_program_staff(request)

    def has_add_permission(self, request):
        return is_program_staff(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
