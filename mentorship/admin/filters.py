"""List filters shared by the enrolment and mentorship lists: paired or not, and the
organisation units and locations people gave, from their profiles."""

from django.contrib import admin
from django.db.models import Q

from programs.admin_scope import program_ids

from ..reports.dashboard import paired_q
from ..web import pages


class PairedListFilter(admin.SimpleListFilter):
    title = "paired"
    parameter_name = "paired"

    def lookups(self, request, model_admin):
        return [("yes", "In an active mentorship"), ("no", "Not yet paired")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(paired_q())
        if self.value() == "no":
            return queryset.exclude(paired_q())
        return queryset


class _ProfileValueFilter(admin.SimpleListFilter):
    """The values people in the coordinator's lists gave, in one query per path.

    `paths` lead from the listed model to the profile field; a row matches when
    any of them has the value (a mentorship: either partner's unit)."""

    paths: tuple[str, ...] = ()

    def lookups(self, request, model_admin):
        def compute() -> list[str]:
            # Without the list's ordering: DISTINCT over (value, applied_at) returned
            # a row per participant (3,000 for one program) instead of one per value.
            scoped = model_admin.get_queryset(request).order_by()
            values = set()
            for path in self.paths:
                values |= set(
                    scoped.exclude(**{path: ""})
                    .exclude(**{f"{path}__isnull": True})
                    .values_list(path, flat=True)
                    .distinct()
                )
            return sorted(values, key=str.casefold)

        # The DISTINCT scans the coordinator's whole list (15 ms per filter for
        # 3,000 enrolments), so the choices are kept per programs in scope under
        # the people's fingerprint: a new participant, pair or profile edit shows
        # at once, a bulk UPDATE within PAGE_CONTENT_CACHE_SECONDS.
        scope = ",".join(map(str, sorted(program_ids(request))))
        key = f"admin-choices:{model_admin.model._meta.label_lower}:{self.parameter_name}:{scope}"
        values = pages.PEOPLE_VALUES.get(key, compute)
        return [(v, v) for v in values]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        match = Q()
        for path in self.paths:
            match |= Q(**{path: self.value()})
        return queryset.filter(match)


class OrgUnitListFilter(_ProfileValueFilter):
    title = "organisation unit"
    parameter_name = "org_unit"
    paths = ("user__profile__org_unit",)


class LocationListFilter(_ProfileValueFilter):
    title = "location"
    parameter_name = "location"
    paths = ("user__profile__location",)


class PartnerOrgUnitListFilter(_ProfileValueFilter):
    title = "either partner's organisation unit"
    parameter_name = "org_unit"
    paths = ("mentor__profile__org_unit", "mentee__profile__org_unit")


class PartnerLocationListFilter(_ProfileValueFilter):
    title = "either partner's location"
    parameter_name = "location"
    paths = ("mentor__profile__location", "mentee__profile__location")
