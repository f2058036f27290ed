"""The mentor directory: who may browse it, the mentors of a program with their
free places, the filters, and one mentor's page."""

import dataclasses
import functools

from django.db import connection
from django.db.models import (
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import ASin, Cos, Power, Radians, Sin, Sqrt
from django.http import Http404
from django.utils import timezone

from programs.models import Cohort, Enrollment, EnrollmentState, Program, Role
from programs.selectors import coordinated_program_ids, current_enrollment_sql, current_program_ids

from ..models import Profile, User
from .capacity import with_free_places

# ---------------------------------------------------------------------------
# Directory, invitations, mentorships
# ---------------------------------------------------------------------------

KM_PER_MILE = 1.609344


@dataclasses.dataclass
class DirectoryFilters:
    q: str = ""
    skills: list = dataclasses.field(default_factory=list)
    unit: str = ""
    near: tuple[float, float] | None = None
    within_km: float | None = None
    level: str = ""  # "senior_to_junior" | "peer_to_peer" | ""
    free_only: bool = False


def directory_access(*, user, slug: str) -> Program:
    """The active program whose mentors the person may browse: its approved
    mentees and its coordinators; 404 for anyone else. The program carries
    `mentee_enrollment_id`, the person's approved mentee enrolment in its most
    recent cohort (None for a coordinator who is not a mentee there).

    One SQL statement for the program and the enrolment: the directory and the
    mentor pages ask this on every request, and compiling the two ORM queries
    it replaces cost more than running them."""
    rows = list(Program.objects.raw(_directory_access_sql(), [user.pk, slug, True]))
    if not rows:
        raise Http404("No such program.")
    program = rows[0]
    if program.mentee_enrollment_id is None and program.pk not in coordinated_program_ids(user=user):
        raise Http404("You are not a mentee in this program.")
    return program


@functools.cache
def _directory_access_sql() -> str:
    program = connection.ops.quote_name(Program._meta.db_table)
    return (
        f"SELECT p.*, ({current_enrollment_sql(program_column='p.id')}) AS mentee_enrollment_id "
        f"FROM {program} p WHERE p.slug = %s AND p.is_active = %s"
    )


def programs_to_browse(*, user) -> list[Program]:
    """The active programs whose directory the person may browse as a mentee."""
    return list(Program.objects.filter(pk__in=current_program_ids(user=user), is_active=True).order_by("name"))


def directory_enrollment(*, program: Program) -> Enrollment | None:
    """The enrolment `directory_access` found, with its cohort."""
    if program.mentee_enrollment_id is None:
        return None
    return Enrollment.objects.select_related("cohort").get(pk=program.mentee_enrollment_id)


def mentor_pool(*, program: Program) -> QuerySet[User]:
    """Approved mentors of the program's running cohorts, each once."""
    today = timezone.localdate()
    mentor_ids = Enrollment.objects.filter(
        Cohort.running_q(today, via="cohort__"),
        cohort__program=program,
        role=Role.MENTOR,
        state=EnrollmentState.APPROVED,
    ).values("user_id")
    return User.objects.filter(pk__in=mentor_ids, is_active=True)


def mentor_units(*, program: Program) -> list[str]:
    """The organisation units of the program's mentors, sorted (a scan of the
    program's mentors: the directory keeps it, web.pages.PEOPLE_VALUES)."""
    return sorted(
        Profile.objects.filter(user__in=mentor_pool(program=program))
        .exclude(org_unit="")
        .order_by()
        .values_list("org_unit", flat=True)
        .distinct()
    )


def _distance_km(lat: float, lon: float):
    # Haversine in SQL (Django provides these functions on SQLite too).
    lat1, lon1 = Radians(Value(lat)), Radians(Value(lon))
    lat2, lon2 = Radians(F("profile__latitude")), Radians(F("profile__longitude"))
    a = Power(Sin((lat2 - lat1) / 2), 2) + Cos(lat1) * Cos(lat2) * Power(Sin((lon2 - lon1) / 2), 2)
    return 2 * 6371.0 * ASin(Sqrt(a))


def mentor_directory(*, program: Program, viewer, filters: DirectoryFilters, viewer_level: int | None) -> QuerySet[User]:
    qs = with_free_places(mentor_pool(program=program), program).exclude(pk=viewer.pk)
    qs = qs.select_related("profile").prefetch_related("profile__skills_offered")
    if filters.q:
        for word in filters.q.split()[:5]:
            qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__istartswith=word))
    for skill in filters.skills[:10]:
        qs = qs.filter(profile__skills_offered=skill)
    if filters.unit:
        qs = qs.filter(profile__org_unit__iexact=filters.unit)
    if filters.level and viewer_level:
        if filters.level == "senior_to_junior":
            qs = qs.filter(profile__career_level__gt=viewer_level)
        elif filters.level == "peer_to_peer":
            qs = qs.filter(profile__career_level=viewer_level)
    if filters.free_only:
        qs = qs.filter(free_places__gt=0)
    if filters.near:
        lat, lon = filters.near
        qs = qs.filter(profile__latitude__isnull=False).annotate(
            distance_km=ExpressionWrapper(_distance_km(lat, lon), output_field=FloatField())
        )
        if filters.within_km:
            # A bounding box first lets the index narrow rows before the exact distance.
            dlat = filters.within_km / 111.0
            qs = qs.filter(
                profile__latitude__gte=lat - dlat, profile__latitude__lte=lat + dlat, distance_km__lte=filters.within_km
            )
        return qs.order_by("distance_km", "last_name", "first_name", "pk")
    return qs.order_by("last_name", "first_name", "pk")


def mentor_get_for_program(*, program: Program, pk: int) -> User:
    qs = with_free_places(mentor_pool(program=program), program).select_related("profile")
    try:
        return qs.prefetch_related(
            "profile__skills_offered", "profile__development_needs", "profile__job_history"
        ).get(pk=pk)
    except User.DoesNotExist:
        raise Http404("No such mentor in this program.")
