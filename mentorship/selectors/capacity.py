"""Free places: how many more mentees a mentor may take in a program.

A mentor holds at most `max_mentees_per_mentor` active mentorships in a
program (AAHPM: "Mentors may not take on more than two mentees at a time";
HHS: up to 5; the others 1). The free places are the rest, never below zero
(a cap lowered under a mentor's current pairs leaves them full, not negative).
The directory, a mentor's page, an invitation, the pairing rules and matching's
pools all read them here, as one SQL expression.
"""

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from ..models import Mentorship, MentorshipState, User


def with_free_places(queryset: QuerySet[User], program) -> QuerySet[User]:
    """Mentors with `active_count` (their active pairs in the program) and `free_places`."""
    active = (
        Mentorship.objects.filter(program=program, mentor=OuterRef("pk"), state=MentorshipState.ACTIVE)
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(active_count=Coalesce(Subquery(active), 0)).annotate(
        free_places=Greatest(
            Value(program.max_mentees_per_mentor, output_field=IntegerField()) - F("active_count"),
            Value(0, output_field=IntegerField()),
        )
    )


def free_places_by_mentor(*, program, mentors) -> dict[int, int]:
    """{mentor id: free places} for mentors given as ids or a subquery of ids."""
    return dict(with_free_places(User.objects.filter(pk__in=mentors), program).values_list("pk", "free_places"))


def free_places(*, program, mentor: User) -> int:
    return free_places_by_mentor(program=program, mentors=[mentor.pk]).get(mentor.pk, 0)


def mentor_active_count(*, program, mentor: User) -> int:
    return Mentorship.objects.filter(program=program, mentor=mentor, state=MentorshipState.ACTIVE).count()
