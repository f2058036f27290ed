"""What participants see of matching: suggestions and coordinators' shortlists."""

from django.db.models import Prefetch

from mentorship.models import User
from programs.models import Program

from .models import Shortlist, ShortlistEntry
from .services import ranked_mentors


def suggestions_for_mentee(*, program: Program, mentee: User, limit: int = 3) -> list[dict]:
    """“Suggested for you”: the best mentors with free places, with reasons."""
    return ranked_mentors(program=program, mentee=mentee, limit=limit)


def shortlists_for_mentee(*, program: Program, mentee: User):
    return (
        Shortlist.objects.filter(program=program, mentee=mentee)
        .select_related("created_by")
        .prefetch_related(Prefetch("entries", queryset=ShortlistEntry.objects.select_related("mentor__profile")))
        .order_by("-created_at")[:3]
    )
