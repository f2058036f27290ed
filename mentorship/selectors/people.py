"""Reads of people: a participant's public profile, for those who share a program with them."""

from django.db.models import Prefetch
from django.http import Http404

from programs.models import LIVE_ENROLLMENT_STATES, Enrollment, EnrollmentState
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


def profile_with_details(*, user: User) -> Profile:
    return (
        Profile.objects.select_related("user", "supervisor")
        .prefetch_related("skills_offered", "development_needs", Prefetch("job_history", queryset=JobHistoryEntry.objects.all()))
        .get(user=user)
    )
