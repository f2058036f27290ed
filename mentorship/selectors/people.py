"""Reads of people: a participant's public profile, for those who share a program with them."""

from django.db.models import Prefetch
from django.http import Http404

from programs.models import LIVE_ENROLLMENT_STATES, Enrollment, EnrollmentState, Program
from programs.selectors import coordinated_program_ids

from ..models import JobHistoryEntry, Profile, User


def program_ids_of(*, user, approved_only: bool = False) -> set[int]:
    states = (EnrollmentState.APPROVED,) if approved_only else LIVE_ENROLLMENT_STATES
    return set(Enrollment.objects.filter(user=user, state__in=states).values_list("cohort__program_id", flat=True))


def person_get_for_user(*, user, pk: int) -> User:
    """A participant's public profile: visible to people in a shared program and its coordinators."""
    try:
        person = User.objects.select_related("profile").get(pk=pk, is_active=True)
    except User.DoesNotExist:
        raise Http404("No such person.")
    if person.pk == user.pk:
        return person
    # The viewer must be an approved participant (an applicant the sponsors
    # have not approved yet sees no one) or the program's coordinator.
    their_programs = program_ids_of(user=person)
    if their_programs & (program_ids_of(user=user, approved_only=True) | coordinated_program_ids(user=user)):
        return person
    raise Http404("No such person.")


def org_unit_labels(*, user) -> list[tuple[str, str]]:
    """What the person's programs call the part of an organisation one works in,
    as (program, word) — ("HHS", "OPDIV"), ("KY Connections", "Agency") — for
    each program they are enrolled in (a live enrolment) that has a word of its
    own for it: one that says no more than the profile's "organisation" or
    "organisation unit" is left out (AAHPM's and HPMSNJ's "Organisation")."""
    generic = {str(Profile._meta.get_field(name).verbose_name).casefold() for name in ("organisation", "org_unit")}
    rows = (
        Program.objects.filter(
            cohorts__enrollments__user=user, cohorts__enrollments__state__in=LIVE_ENROLLMENT_STATES
        )
        .distinct()
        .order_by("short_name")
        .values_list("short_name", "org_unit_label")
    )
    return [(program, label) for program, label in rows if label.strip().casefold() not in generic]


def profile_with_details(*, user: User) -> Profile:
    return (
        Profile.objects.select_related("user", "supervisor")
        .prefetch_related("skills_offered", "development_needs", Prefetch("job_history", queryset=JobHistoryEntry.objects.all()))
        .get(user=user)
    )
