"""Reads for the API, each scoped to the token's program: an object of another
program is answered as missing (404), never as forbidden, so ids elsewhere are
not confirmed.

The completion report and the contact minutes read the same held meetings the
compliance page and the contact-hours export read, and month by month judge
them with compliance's own `compliance_compute` (the monthly minimum, which
months count): the rule is not written again here.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict

from django.core import signing
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from mentorship.models import Meeting, MeetingStatus, Mentorship, MentorshipState, User
from mentorship.selectors.compliance import HeldMeeting, _local_day, _month_start, compliance_compute
from programs.models import Cohort, Enrollment, Program
from surveys.models import Survey
from surveys.selectors import survey_results

from . import errors
from .errors import ApiError
from .models import ExternalPerson
from .people import in_program_q

CURSOR_SALT = "api.cursor"


def not_found(what: str, program: Program) -> ApiError:
    return ApiError(errors.NOT_FOUND.format(what=what, program=program.short_name), code="not_found", status=404)


# ---------------------------------------------------------------------------
# Cursor pagination: by id, so a page never skips a row that existed when the
# sync began; rows changed while it runs are found by the next updated_since.
# ---------------------------------------------------------------------------


def cursor_encode(*, after: int, kind: str) -> str:
    return signing.dumps({"a": after, "k": kind}, salt=CURSOR_SALT, compress=True)


def cursor_decode(cursor: str | None, *, kind: str) -> int:
    if not cursor:
        return 0
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
        after = int(data["a"])
        if data["k"] != kind:
            raise ValueError
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        raise ApiError(errors.BAD_CURSOR, code="bad_cursor", status=400)
    return after


def page(queryset, *, cursor: str | None, limit: int, kind: str) -> tuple[list, str | None]:
    """A page of `queryset` ordered by id after the cursor, and the next page's cursor (None at the end)."""
    after = cursor_decode(cursor, kind=kind)
    rows = list(queryset.filter(pk__gt=after).order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (cursor_encode(after=rows[-1].pk, kind=kind) if more and rows else None)


# ---------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------


def people_for(*, program: Program, updated_since: datetime.datetime | None = None, external_id: str = "", email: str = ""):
    links = ExternalPerson.objects.filter(program=program, user=OuterRef("pk"))
    people = User.objects.filter(in_program_q(program)).select_related("profile")
    if updated_since is not None:
        people = people.filter(
            Q(profile__updated_at__gte=updated_since)
            | Q(date_joined__gte=updated_since)
            | Exists(links.filter(updated_at__gte=updated_since))
        )
    if external_id:
        people = people.filter(Exists(links.filter(external_id=external_id)))
    if email:
        people = people.filter(email__iexact=email.strip())
    return people


def external_ids(*, program: Program, user_ids) -> dict[int, ExternalPerson]:
    return {link.user_id: link for link in ExternalPerson.objects.filter(program=program, user_id__in=list(user_ids))}


def person_get(*, program: Program, pk: int) -> User:
    person = people_for(program=program).filter(pk=pk).first()
    if person is None:
        raise not_found("person", program)
    return person


# ---------------------------------------------------------------------------
# Enrolments, mentorships, meetings
# ---------------------------------------------------------------------------


def _changed_since(model, since: datetime.datetime):
    """Rows with any saved change since (their simple-history records)."""
    history = model.history.model
    return Exists(history.objects.filter(id=OuterRef("pk"), history_date__gte=since))


def enrollments_for(*, program: Program, updated_since=None, state: str = "", role: str = "", cohort_id=None, person_id=None):
    rows = Enrollment.objects.filter(cohort__program=program).select_related("cohort", "user")
    if updated_since is not None:
        rows = rows.filter(
            Q(applied_at__gte=updated_since) | Q(decided_at__gte=updated_since) | _changed_since(Enrollment, updated_since)
        )
    if state:
        rows = rows.filter(state=state)
    if role:
        rows = rows.filter(role=role)
    if cohort_id:
        rows = rows.filter(cohort_id=cohort_id)
    if person_id:
        rows = rows.filter(user_id=person_id)
    return rows


def enrollment_get(*, program: Program, pk: int) -> Enrollment:
    enrollment = enrollments_for(program=program).filter(pk=pk).first()
    if enrollment is None:
        raise not_found("enrolment", program)
    return enrollment


def cohort_get(*, program: Program, pk: int) -> Cohort:
    cohort = Cohort.objects.filter(program=program, pk=pk).select_related("program").first()
    if cohort is None:
        raise not_found("cohort", program)
    return cohort


def mentorships_for(*, program: Program, updated_since=None, state: str = "", person_id=None, cohort_id=None):
    rows = Mentorship.objects.filter(program=program).select_related("cohort", "mentor", "mentee")
    if updated_since is not None:
        rows = rows.filter(Q(created_at__gte=updated_since) | _changed_since(Mentorship, updated_since))
    if state:
        rows = rows.filter(state=state)
    if person_id:
        rows = rows.filter(Q(mentor_id=person_id) | Q(mentee_id=person_id))
    if cohort_id:
        rows = rows.filter(cohort_id=cohort_id)
    return rows


def mentorship_get(*, program: Program, pk: int) -> Mentorship:
    mentorship = mentorships_for(program=program).filter(pk=pk).first()
    if mentorship is None:
        raise not_found("mentorship", program)
    return mentorship


def meetings_for(*, program: Program, updated_since=None, mentorship_id=None, status: str = ""):
    """Meetings with their times, kinds and lengths; never notes, shared or private."""
    rows = Meeting.objects.filter(mentorship__program=program)
    if updated_since is not None:
        rows = rows.filter(updated_at__gte=updated_since)
    if mentorship_id:
        rows = rows.filter(mentorship_id=mentorship_id)
    if status:
        rows = rows.filter(status=status)
    return rows


# ---------------------------------------------------------------------------
# Contact minutes per person per month, and the completion report
# ---------------------------------------------------------------------------


def _held_by_mentorship(mentorship_ids) -> dict[int, list[HeldMeeting]]:
    held: dict[int, list[HeldMeeting]] = defaultdict(list)
    for mentorship_id, starts_at, minutes, kind in Meeting.objects.filter(
        mentorship_id__in=list(mentorship_ids), status=MeetingStatus.HELD
    ).values_list("mentorship_id", "starts_at", "duration_minutes", "kind"):
        held[mentorship_id].append(HeldMeeting(_local_day(starts_at), minutes, kind))
    return held


@dataclasses.dataclass
class PersonMonth:
    person_id: int
    month: datetime.date
    minutes: int
    meetings: int


def contact_minutes(*, program: Program, people: list[User], month_from: datetime.date, month_to: datetime.date):
    """Held minutes per person (as mentor or mentee) per calendar month of the program's pairs."""
    ids = [p.pk for p in people]
    pairs = list(
        Mentorship.objects.filter(program=program)
        .filter(Q(mentor_id__in=ids) | Q(mentee_id__in=ids))
        .values_list("pk", "mentor_id", "mentee_id")
    )
    held = _held_by_mentorship(pk for pk, _, _ in pairs)
    totals: dict[tuple[int, datetime.date], list[int]] = defaultdict(lambda: [0, 0])
    wanted = set(ids)
    for pk, mentor_id, mentee_id in pairs:
        for meeting in held.get(pk, []):
            month = _month_start(meeting.day)
            if not month_from <= month <= month_to:
                continue
            for person_id in {mentor_id, mentee_id} & wanted:
                totals[(person_id, month)][0] += meeting.minutes
                totals[(person_id, month)][1] += 1
    return [
        PersonMonth(person_id=person_id, month=month, minutes=minutes, meetings=count)
        for (person_id, month), (minutes, count) in sorted(totals.items())
    ]


@dataclasses.dataclass
class CompletionRow:
    person: User
    role: str
    enrollment_state: str
    mentorship_ids: list[int]
    months: list  # compliance's MonthContact, the program year's months so far
    minimum: int | None
    met_minimum: bool | None  # every month that counts met it (None: the program sets no minimum)
    completed: bool  # a mentorship of this program year was completed as planned


def completion_report(*, cohort: Cohort, enrollments: list[Enrollment], today: datetime.date | None = None) -> list[CompletionRow]:
    """For each participant (an enrolment) of a program year: their contact per month
    of the year, judged by compliance (KY: at least one contact hour each month),
    and whether they completed. A month counts, as on the compliance page, when
    the participant was paired for all of it; the months after their last pair
    ended, or after the year, are not theirs to meet."""
    today = today or timezone.localdate()
    program = cohort.program
    ids = {e.user_id for e in enrollments}
    pairs = list(
        Mentorship.objects.filter(cohort=cohort).filter(Q(mentor_id__in=ids) | Q(mentee_id__in=ids)).order_by("pk")
    )
    held = _held_by_mentorship(m.pk for m in pairs)
    rows = []
    for enrollment in enrollments:
        mine = [
            m for m in pairs if (m.mentor_id if enrollment.role == "mentor" else m.mentee_id) == enrollment.user_id
        ]
        completed = any(m.state == MentorshipState.COMPLETED for m in mine)
        months = []
        if mine:
            started = min(m.started_on for m in mine)
            ends = [m.ended_on for m in mine]
            last_day = cohort.ends_on if None in ends else min(max(ends), cohort.ends_on)
            # Compliance judges months up to the day before `today`: past the
            # period, every month of it is judged as complete.
            as_of = min(today, last_day + datetime.timedelta(days=1))
            result = compliance_compute(
                program=program,
                started_on=started,
                planned_end_on=None,
                today=as_of,
                meetings=[h for m in mine for h in held.get(m.pk, [])],
                months_from=max(started, cohort.starts_on),
            )
            months = [month for month in result.months if month.month <= last_day]
        minimum = program.min_contact_minutes_per_month or None
        judged = [m for m in months if m.counts and m.complete]
        rows.append(
            CompletionRow(
                person=enrollment.user,
                role=enrollment.role,
                enrollment_state=enrollment.state,
                mentorship_ids=[m.pk for m in mine],
                months=months,
                minimum=minimum,
                met_minimum=None if not minimum else bool(judged) and all(m.met for m in judged),
                completed=completed,
            )
        )
    return rows


# ---------------------------------------------------------------------------
# Surveys: aggregates only
# ---------------------------------------------------------------------------


def surveys_for(*, program: Program):
    return Survey.objects.filter(program=program).order_by("pk")


def survey_get(*, program: Program, pk: int) -> Survey:
    survey = surveys_for(program=program).filter(pk=pk).first()
    if survey is None:
        raise not_found("survey", program)
    return survey


def survey_aggregates(*, survey: Survey) -> dict:
    """Counts, averages and dimensions from the coordinators' results, with
    nothing that names or quotes anyone: no free text, no alerts' names. An
    anonymous survey's figures are withheld below the anonymity threshold, as
    on the results page."""
    results = survey_results(survey=survey)
    questions = []
    for q in results.questions:
        questions.append(
            {
                "id": q.question.pk,
                "text": q.question.text,
                "kind": q.question.kind,
                "dimension": q.question.dimension,
                "answered": q.answered,
                "average": round(q.average, 3) if q.average is not None else None,
                "counts": [{"answer": label, "count": count} for label, count in q.counts],
            }
        )
    return {
        "id": survey.pk,
        "title": survey.title,
        "kind": survey.kind,
        "anonymous": survey.anonymous_in_reporting,
        "invited": results.invited,
        "answered": results.answered,
        "response_rate": round(results.response_rate, 4) if results.response_rate is not None else None,
        "withheld": results.withheld,
        "withheld_message": results.withheld_message,
        "questions": questions,
        "dimensions": [
            {"name": d["name"], "average": round(d["average"], 3), "answers": d["answers"]} for d in results.dimensions
        ],
    }
