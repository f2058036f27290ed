"""The enrolment figures of the coordinators' dashboard, with the admin list behind each.

Counted over current cohorts (not yet ended), as the Enrollment admin's
"cohort running: current" filter lists them, so each figure equals the rows
its link shows. The mentorship figures are added by mentorship/reports/dashboard.py:
programs knows nothing of pairs.
"""

import dataclasses
import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from .models import Enrollment, EnrollmentState, Role


@dataclasses.dataclass
class EnrolmentFigures:
    mentors: int = 0
    mentees: int = 0
    pending: int = 0
    waitlisted: int = 0


def enrolment_figures(*, program_ids, today: datetime.date) -> dict[int, EnrolmentFigures]:
    """Approved mentors and mentees, pending applications and the waitlist, per program. One query."""
    approved = Q(state=EnrollmentState.APPROVED)
    rows = (
        Enrollment.objects.filter(cohort__program_id__in=list(program_ids), cohort__ends_on__gte=today)
        .order_by()
        .values("cohort__program_id")
        .annotate(
            mentors=Count("pk", filter=approved & Q(role=Role.MENTOR)),
            mentees=Count("pk", filter=approved & Q(role=Role.MENTEE)),
            pending=Count("pk", filter=Q(state=EnrollmentState.APPLIED)),
            waitlisted=Count("pk", filter=Q(state=EnrollmentState.WAITLISTED)),
        )
    )
    figures = {pk: EnrolmentFigures() for pk in program_ids}
    for row in rows:
        program_id = row.pop("cohort__program_id")
        figures[program_id] = EnrolmentFigures(**row)
    return figures


def enrolment_list_url(program_id: int, *, role: str = "", state: str = "", extra: dict | None = None) -> str:
    """The Enrollment admin list of one program's current cohorts, by role and state
    (`extra`: other apps' filters on that list, e.g. mentorship's "paired")."""
    params = {"cohort__program__id__exact": program_id, "period": "current"}
    if role:
        params["role__exact"] = role
    if state:
        params["state__exact"] = state
    params.update(extra or {})
    return f"{reverse('admin:programs_enrollment_changelist')}?{urlencode(params)}"
