"""Reads about programs, cohorts and enrolment, with their access checks."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.functional import SimpleLazyObject

from .models import Cohort, Enrollment, EnrollmentState, Program, ProgramCoordinator, Role


def coordinated_program_ids(*, user) -> set[int]:
    """Programs a staff user runs; superusers run every program."""
    if not user.is_authenticated or not user.is_staff:
        return set()
    if user.is_superuser:
        return set(Program.objects.values_list("pk", flat=True))
    cached = getattr(user, "_coordinated_program_ids", None)
    if cached is None:
        cached = set(ProgramCoordinator.objects.filter(user=user).values_list("program_id", flat=True))
        user._coordinated_program_ids = cached
    return cached


def is_coordinator(*, user) -> bool:
    return bool(coordinated_program_ids(user=user))


def roles_for_user(*, user):
    """Lazily: which roles the person holds, for the navigation bar."""

    def compute():
        roles = set(
            Enrollment.objects.filter(user=user, state=EnrollmentState.APPROVED).values_list("role", flat=True)
        )
        return {
            "mentor": Role.MENTOR in roles,
            "mentee": Role.MENTEE in roles,
            "coordinator": user.is_staff,
        }

    return SimpleLazyObject(compute)


def program_list_for_user(*, user) -> QuerySet[Program]:
    return Program.objects.filter(is_active=True).order_by("name")


def program_get(*, slug: str) -> Program:
    try:
        return Program.objects.get(slug=slug, is_active=True)
    except Program.DoesNotExist:
        raise Http404("No such program.")


def cohort_get_open(*, program: Program, pk: int) -> Cohort:
    try:
        return program.cohorts.get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404("No such cohort.")


def enrollments_for_user(*, user) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(user=user).select_related("cohort__program").order_by("-applied_at")


def approved_enrollment(*, user, program: Program, role: str) -> Enrollment | None:
    return (
        Enrollment.objects.filter(user=user, cohort__program=program, role=role, state=EnrollmentState.APPROVED)
        .select_related("cohort__program")
        .order_by("-cohort__starts_on")
        .first()
    )


def approved_count(*, cohort: Cohort) -> int:
    return cohort.enrollments.filter(state=EnrollmentState.APPROVED).count()


def cohort_stats(*, cohorts) -> dict[int, dict]:
    rows = (
        Enrollment.objects.filter(cohort__in=cohorts)
        .values("cohort_id")
        .annotate(
            approved=Count("pk", filter=Q(state=EnrollmentState.APPROVED)),
            pending=Count("pk", filter=Q(state=EnrollmentState.APPLIED)),
        )
    )
    return {row["cohort_id"]: row for row in rows}
