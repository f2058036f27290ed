"""/api/v1/: the operations. Thin, as the site's views: an access selector
(scoped to the token's program), one service call, the answer.

Authentication is a bearer token (`Authorization: Bearer mtp_…`); a write
needs a read-write token. Lists are cursor-paginated by id and filter by
`updated_since`; reads carry an ETag; writes take an `Idempotency-Key`.
"""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils import timezone
from ninja import Header, NinjaAPI, Path, Query, Router, Status
from ninja.decorators import decorate_view
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from mentorship.models import Profile, User
from programs.errors import RuleViolation
from programs.services import Admission, enrollment_apply, enrollment_approve, enrollment_decline, enrollments_admit

from . import errors, selectors
from . import schemas as s
from .errors import ApiError
from .http import error_response, with_etag, write_operation
from .people import PersonInput, people_upsert, person_deactivate
from .tokens import token_authenticate

ERRORS = {400: s.Error, 401: s.Error, 403: s.Error, 404: s.Error, 409: s.Error, 422: s.Error, 429: s.Error}
READ = {304: None, **ERRORS}
IdempotencyKey = Header(
    None,
    alias="Idempotency-Key",
    max_length=200,
    description="Any unique string per write: a retry with the same key does the work once and gets the same answer.",
)


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        return token_authenticate(key=token)


class WriteTokenAuth(TokenAuth):
    def authenticate(self, request, token):
        api_token = super().authenticate(request, token)
        if not api_token.can_write:
            raise ApiError(errors.READ_ONLY, code="read_only_token", status=403)
        return api_token


class Api(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        return with_etag(request, response)


api = Api(
    title="Mentoring programs API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "For HR systems and member databases: people, enrolments, mentorships, meetings, contact minutes, the "
        "completion report and survey aggregates of one program, the token's. Create a token in the admin "
        "(API tokens). Every refusal is a JSON body with a stable `code` and a `message`."
    ),
    auth=TokenAuth(),
)
read_auth = TokenAuth()
write_auth = WriteTokenAuth()


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(exc)


@api.exception_handler(RuleViolation)
def _rule_violation(request, exc: RuleViolation):
    # A program rule refused it: the service's message and its code.
    return error_response(ApiError(exc.message, code=exc.code, status=409))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error_response(ApiError(errors.TOKEN_MISSING, code="token_missing", status=401))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # A body that is not JSON, and the like.
    return error_response(ApiError(str(exc), code="bad_request", status=exc.status_code))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error_response(ApiError("Not found.", code="not_found", status=404))


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    return error_response(ApiError("The request does not have the expected shape.", code="invalid", status=422, errors=exc.errors))


def _since(value: datetime.datetime | None) -> datetime.datetime | None:
    """`updated_since` in UTC: any offset a client sends (PostgreSQL takes at most ±15:59), a naive time
    read in the site's zone, and a moment past the calendar's ends clamped to them."""
    if value is None:
        return None
    if timezone.is_naive(value):
        try:
            value = timezone.make_aware(value)
        except (OverflowError, ValueError):
            value = value.replace(tzinfo=datetime.UTC)
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        edge = datetime.datetime.min if value.year < 2000 else datetime.datetime.max
        return edge.replace(tzinfo=datetime.UTC)


def _program(request):
    return request.auth.program


def _by(request) -> User:
    return request.auth.created_by


# --- the token's program ------------------------------------------------------


def _cohort(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "enrolment_opens_on": c.enrolment_opens_on,
        "enrolment_closes_on": c.enrolment_closes_on,
        "is_closed": c.is_closed,
        "participant_cap": c.effective_participant_cap,
    }


@api.get("/program", response={200: s.ProgramOut, **READ}, tags=["program"], summary="The token's program and cohorts")
def program_detail(request):
    program = _program(request)
    return {
        "slug": program.slug,
        "name": program.name,
        "short_name": program.short_name,
        "min_contact_minutes_per_month": program.min_contact_minutes_per_month,
        "requires_application_approval": program.requires_application_approval,
        "token_can_write": request.auth.can_write,
        "token_expires_at": request.auth.expires_at,
        "cohorts": [_cohort(c) for c in program.cohorts.select_related("program").order_by("starts_on", "pk")],
    }


# --- people -------------------------------------------------------------------

people = Router(tags=["people"])


def _people_out(program, users: list[User]) -> list[dict]:
    links = selectors.external_ids(program=program, user_ids=[u.pk for u in users])
    rows = []
    for user in users:
        profile = getattr(user, "profile", None) or Profile(user=user)
        link = links.get(user.pk)
        moments = [m for m in (profile.updated_at, link.updated_at if link else None, user.date_joined) if m]
        rows.append(
            {
                "id": user.pk,
                "external_id": link.external_id if link else None,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "is_active": user.is_active,
                "organisation": profile.organisation,
                "org_unit": profile.org_unit,
                "location": profile.location,
                "headline": profile.headline,
                "career_level": profile.career_level,
                "leadership_position": profile.leadership_position,
                "deactivated_at": link.deactivated_at if link else None,
                "updated_at": max(moments),
            }
        )
    return rows


@people.get("", response={200: s.PeoplePage, **READ}, summary="People of the program")
def people_list(
    request,
    updated_since: datetime.datetime | None = None,
    external_id: s.Text(100) = "",
    email: s.Text(254) = "",
    cursor: s.Text(500) = "",
    limit: s.Limit = 100,
):
    program = _program(request)
    rows, next_cursor = selectors.page(
        selectors.people_for(program=program, updated_since=_since(updated_since), external_id=external_id, email=email),
        cursor=cursor,
        limit=limit,
        kind="people",
    )
    return {"results": _people_out(program, rows), "next_cursor": next_cursor}


def _input(item: s.PersonIn, external_id: str | None = None) -> PersonInput:
    data = item.dict()
    if external_id is not None:
        data["external_id"] = external_id
    return PersonInput(**data)


def _sync_answer(request, results) -> dict:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for r in results:
        counts[r.outcome] += 1
    request.audit_summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    return {
        **counts,
        "results": [{"id": r.user.pk, "external_id": r.external_id, "outcome": r.outcome} for r in results],
    }


@people.post("/sync", response={200: s.PeopleSyncOut, **ERRORS}, auth=write_auth, summary="Upsert up to 500 people")
@decorate_view(write_operation)
def people_sync(request, body: s.PeopleSyncIn, idempotency_key: str | None = IdempotencyKey):
    """Create or update each person by `external_id`, else by `email`; all or none. A person new to the
    program whose account exists (another program, the site) is linked and only blank fields are filled."""
    results = people_upsert(program=_program(request), items=[_input(p) for p in body.people], by=_by(request))
    return _sync_answer(request, results)


@people.put(
    "/by-external-id/{external_id}",
    response={200: s.PersonOut, **ERRORS},
    auth=write_auth,
    summary="Upsert one person by external id",
)
@decorate_view(write_operation)
def person_upsert(
    request,
    body: s.PersonFields,
    external_id: str = Path(..., min_length=1, max_length=100, pattern=s.PRINTABLE),
    idempotency_key: str | None = IdempotencyKey,
):
    program = _program(request)
    item = PersonInput(external_id=external_id, **body.dict())
    result = people_upsert(program=program, items=[item], by=_by(request))[0]
    request.audit_summary = f"{result.outcome} person {result.user.pk}"
    user = User.objects.select_related("profile").get(pk=result.user.pk)
    return _people_out(program, [user])[0]


@people.get("/{person_id}", response={200: s.PersonOut, **READ}, summary="One person")
def person_detail(request, person_id: s.Id):
    program = _program(request)
    return _people_out(program, [selectors.person_get(program=program, pk=person_id)])[0]


@people.post(
    "/{person_id}/deactivate",
    response={200: s.DeactivateOut, **ERRORS},
    auth=write_auth,
    summary="Deprovision a person",
)
@decorate_view(write_operation)
def person_deactivate_view(
    request, person_id: s.Id, body: s.DeactivateIn | None = None, idempotency_key: str | None = IdempotencyKey
):
    """Ends their live pairs in the program (the partner is told) and withdraws their enrolments, through
    the admin's services; the account can no longer sign in unless they take part in another program."""
    program = _program(request)
    user = selectors.person_get(program=program, pk=person_id)
    result = person_deactivate(program=program, user=user, by=_by(request), reason=body.reason if body else "")
    request.audit_summary = f"deactivated person {user.pk}"
    user = User.objects.select_related("profile").get(pk=user.pk)
    return {
        "person": _people_out(program, [user])[0],
        "mentorships_ended": [m.pk for m in result.mentorships_ended],
        "enrolments_withdrawn": [e.pk for e in result.enrollments_withdrawn],
        "account_deactivated": result.account_deactivated,
        "still_in": result.still_in,
    }


# --- enrolments ---------------------------------------------------------------

enrolments = Router(tags=["enrolments"])


def _enrolment(e) -> dict:
    return {
        "id": e.pk,
        "person_id": e.user_id,
        "cohort_id": e.cohort_id,
        "cohort": e.cohort.name,
        "role": e.role,
        "state": e.state,
        "platform_preference": e.platform_preference,
        "applied_at": e.applied_at,
        "decided_at": e.decided_at,
        "decision_note": e.decision_note,
    }


@enrolments.get("", response={200: s.EnrolmentPage, **READ}, summary="Enrolments in the program's cohorts")
def enrolment_list(
    request,
    updated_since: datetime.datetime | None = None,
    state: s.Text(12) = "",
    role: s.Text(10) = "",
    cohort_id: s.Id | None = None,
    person_id: s.Id | None = None,
    cursor: s.Text(500) = "",
    limit: s.Limit = 100,
):
    rows, next_cursor = selectors.page(
        selectors.enrollments_for(
            program=_program(request), updated_since=_since(updated_since), state=state, role=role, cohort_id=cohort_id, person_id=person_id
        ),
        cursor=cursor,
        limit=limit,
        kind="enrolments",
    )
    return {"results": [_enrolment(e) for e in rows], "next_cursor": next_cursor}


@enrolments.get("/{enrolment_id}", response={200: s.EnrolmentOut, **READ}, summary="One enrolment")
def enrolment_detail(request, enrolment_id: s.Id):
    return _enrolment(selectors.enrollment_get(program=_program(request), pk=enrolment_id))


@enrolments.post("", response={201: s.EnrolmentOut, **ERRORS}, auth=write_auth, summary="Enrol a person")
@decorate_view(write_operation)
def enrolment_create(request, body: s.EnrolmentIn, idempotency_key: str | None = IdempotencyKey):
    """An application through the cohort's window (approved at once unless the program reviews applications,
    waitlisted past the cap), or with `admit` the coordinator's admission, approved within the cap."""
    program = _program(request)
    person = selectors.person_get(program=program, pk=body.person_id)
    cohort = selectors.cohort_get(program=program, pk=body.cohort_id)
    answers = {name: getattr(body, name) for name in ("needs", "challenges", "strengths", "areas_for_improvement", "motivation")}
    if body.admit:
        admission = Admission(
            label=person.email,
            person=person.email,
            cohort=cohort,
            role=body.role,
            user=person,
            platform_preference=body.platform_preference,
            answers=answers,
        )
        admitted = enrollments_admit(admissions=[admission], by=_by(request), note="Admitted through the API.")
        enrollment = admitted[0] if admitted else selectors.enrollments_for(program=program).get(
            user=person, cohort=cohort, role=body.role
        )
    else:
        enrollment = enrollment_apply(
            user=person, cohort=cohort, role=body.role, platform_preference=body.platform_preference, **answers
        )
    enrollment = selectors.enrollment_get(program=program, pk=enrollment.pk)
    request.audit_summary = f"enrolment {enrollment.pk} {enrollment.state}"
    return Status(201, _enrolment(enrollment))


@enrolments.post(
    "/{enrolment_id}/approve", response={200: s.EnrolmentOut, **ERRORS}, auth=write_auth, summary="Approve an enrolment"
)
@decorate_view(write_operation)
def enrolment_approve(request, enrolment_id: s.Id, body: s.DecisionIn | None = None, idempotency_key: str | None = IdempotencyKey):
    program = _program(request)
    enrollment = selectors.enrollment_get(program=program, pk=enrolment_id)
    enrollment_approve(enrollment=enrollment, by=_by(request), note=body.note if body else "")
    request.audit_summary = f"approved enrolment {enrolment_id}"
    return _enrolment(selectors.enrollment_get(program=program, pk=enrolment_id))


@enrolments.post(
    "/{enrolment_id}/decline", response={200: s.EnrolmentOut, **ERRORS}, auth=write_auth, summary="Decline an enrolment"
)
@decorate_view(write_operation)
def enrolment_decline(request, enrolment_id: s.Id, body: s.DecisionIn | None = None, idempotency_key: str | None = IdempotencyKey):
    program = _program(request)
    enrollment = selectors.enrollment_get(program=program, pk=enrolment_id)
    enrollment_decline(enrollment=enrollment, by=_by(request), note=body.note if body else "")
    request.audit_summary = f"declined enrolment {enrolment_id}"
    return _enrolment(selectors.enrollment_get(program=program, pk=enrolment_id))


# --- mentorships and meetings ---------------------------------------------------

pairs = Router(tags=["mentorships"])


def _mentorship(m) -> dict:
    return {
        "id": m.pk,
        "cohort_id": m.cohort_id,
        "cohort": m.cohort.name,
        "mentor_id": m.mentor_id,
        "mentee_id": m.mentee_id,
        "state": m.state,
        "origin": m.origin,
        "started_on": m.started_on,
        "planned_end_on": m.planned_end_on,
        "ended_on": m.ended_on,
        "created_at": m.created_at,
    }


@pairs.get("/mentorships", response={200: s.MentorshipPage, **READ}, summary="Mentorships")
def mentorship_list(
    request,
    updated_since: datetime.datetime | None = None,
    state: s.Text(12) = "",
    person_id: s.Id | None = None,
    cohort_id: s.Id | None = None,
    cursor: s.Text(500) = "",
    limit: s.Limit = 100,
):
    rows, next_cursor = selectors.page(
        selectors.mentorships_for(
            program=_program(request), updated_since=_since(updated_since), state=state, person_id=person_id, cohort_id=cohort_id
        ),
        cursor=cursor,
        limit=limit,
        kind="mentorships",
    )
    return {"results": [_mentorship(m) for m in rows], "next_cursor": next_cursor}


@pairs.get("/mentorships/{mentorship_id}", response={200: s.MentorshipOut, **READ}, summary="One mentorship")
def mentorship_detail(request, mentorship_id: s.Id):
    return _mentorship(selectors.mentorship_get(program=_program(request), pk=mentorship_id))


@pairs.get("/meetings", response={200: s.MeetingPage, **READ}, summary="Meetings (times and lengths, never notes)")
def meeting_list(
    request,
    updated_since: datetime.datetime | None = None,
    mentorship_id: s.Id | None = None,
    status: s.Text(10) = "",
    cursor: s.Text(500) = "",
    limit: s.Limit = 100,
):
    rows, next_cursor = selectors.page(
        selectors.meetings_for(program=_program(request), updated_since=_since(updated_since), mentorship_id=mentorship_id, status=status),
        cursor=cursor,
        limit=limit,
        kind="meetings",
    )
    return {
        "results": [
            {
                "id": m.pk,
                "mentorship_id": m.mentorship_id,
                "kind": m.kind,
                "mode": m.mode,
                "status": m.status,
                "starts_at": m.starts_at,
                "duration_minutes": m.duration_minutes,
                "updated_at": m.updated_at,
            }
            for m in rows
        ],
        "next_cursor": next_cursor,
    }


MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


def _month(value: str, default: datetime.date) -> datetime.date:
    if not value:
        return default
    year, month = value.split("-")
    if not 1900 <= int(year) <= 2999:
        raise ApiError("Give a month between 1900-01 and 2999-12.", code="invalid", status=422)
    return datetime.date(int(year), int(month), 1)


@pairs.get("/contact-minutes", response={200: s.ContactPage, **READ}, summary="Held contact minutes per person per month")
def contact_minutes(
    request,
    month_from: str = Query("", pattern=MONTH, description="YYYY-MM; default: twelve months ago."),
    month_to: str = Query("", pattern=MONTH, description="YYYY-MM; default: this month."),
    person_id: s.Id | None = None,
    cursor: s.Text(500) = "",
    limit: s.Limit = 100,
):
    program = _program(request)
    today = timezone.localdate()
    end = _month(month_to, today.replace(day=1))
    start = _month(month_from, datetime.date(end.year - 1, end.month, 1))
    people_qs = selectors.people_for(program=program)
    if person_id:
        people_qs = people_qs.filter(pk=person_id)
    rows, next_cursor = selectors.page(people_qs, cursor=cursor, limit=limit, kind="contact")
    months = selectors.contact_minutes(program=program, people=rows, month_from=start, month_to=end)
    links = selectors.external_ids(program=program, user_ids=[p.pk for p in rows])
    by_person: dict[int, list] = {p.pk: [] for p in rows}
    for pm in months:
        by_person[pm.person_id].append({"month": f"{pm.month:%Y-%m}", "minutes": pm.minutes, "meetings": pm.meetings})
    return {
        "results": [
            {"person_id": p.pk, "external_id": links[p.pk].external_id if p.pk in links else None, "months": by_person[p.pk]}
            for p in rows
        ],
        "next_cursor": next_cursor,
    }


# --- reports and surveys ---------------------------------------------------------

reports = Router(tags=["reports"])


@reports.get(
    "/completion/{cohort_id}",
    response={200: s.CompletionPage, **READ},
    summary="Completion report of a program year",
)
def completion_report(request, cohort_id: s.Id, cursor: s.Text(500) = "", limit: s.Limit = 100):
    """For each participant (approved, or since withdrawn) of the program year: contact per month, whether each
    month met the program's monthly minimum (KY: one contact hour), and whether they completed. What the
    Kentucky Personnel Cabinet records for state employees each year."""
    program = _program(request)
    cohort = selectors.cohort_get(program=program, pk=cohort_id)
    participants = selectors.enrollments_for(program=program, cohort_id=cohort.pk).filter(
        state__in=("approved", "withdrawn")
    )
    rows, next_cursor = selectors.page(participants, cursor=cursor, limit=limit, kind=f"completion:{cohort.pk}")
    report = selectors.completion_report(cohort=cohort, enrollments=rows)
    links = selectors.external_ids(program=program, user_ids=[r.person.pk for r in report])
    return {
        "cohort": _cohort(cohort),
        "results": [
            {
                "person_id": r.person.pk,
                "external_id": links[r.person.pk].external_id if r.person.pk in links else None,
                "email": r.person.email,
                "name": r.person.display_name,
                "role": r.role,
                "enrolment_state": r.enrollment_state,
                "mentorship_ids": r.mentorship_ids,
                "minimum_minutes_per_month": r.minimum,
                "met_minimum": r.met_minimum,
                "completed": r.completed,
                "total_minutes": sum(m.minutes for m in r.months),
                "months": [
                    {
                        "month": f"{m.month:%Y-%m}",
                        "minutes": m.minutes,
                        "hours": m.hours,
                        "minimum": m.minimum,
                        "met": m.met if m.minimum else None,
                        "counts": m.counts,
                        "complete": m.complete,
                    }
                    for m in r.months
                ],
            }
            for r in report
        ],
        "next_cursor": next_cursor,
    }


surveys = Router(tags=["surveys"])


@surveys.get("", response={200: list[s.SurveyOut], **READ}, summary="The program's surveys")
def survey_list(request):
    return [
        {"id": x.pk, "title": x.title, "kind": x.kind, "anonymous": x.anonymous_in_reporting, "active": x.active}
        for x in selectors.surveys_for(program=_program(request))
    ]


@surveys.get("/{survey_id}/results", response={200: s.SurveyResultsOut, **READ}, summary="A survey's aggregates")
def survey_results(request, survey_id: s.Id):
    """Response rate, counts and averages only: no free text, no names, and for an anonymous survey nothing
    until enough people have answered."""
    return selectors.survey_aggregates(survey=selectors.survey_get(program=_program(request), pk=survey_id))


api.add_router("/people", people)
api.add_router("/enrolments", enrolments)
api.add_router("/", pairs)
api.add_router("/reports", reports)
api.add_router("/surveys", surveys)
