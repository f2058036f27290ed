"""What goes over the wire: request and response shapes (pydantic, through django-ninja)."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StringConstraints

# No NUL or other control characters: PostgreSQL refuses NUL in text, and no
# name, unit or id needs them.
PRINTABLE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def Text(max_length: int, min_length: int = 0):
    return Annotated[str, StringConstraints(max_length=max_length, min_length=min_length, pattern=PRINTABLE)]


Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Limit = Annotated[int, Field(ge=1, le=500)]


class Error(Schema):
    code: str = Field(description="Stable: branch on this, not on the message.")
    message: str = Field(description="Says what to do, in words a person can act on.")
    errors: list[dict] = Field(default_factory=list, description="Per item or field, where there are several.")


class Page(Schema):
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


# --- people -----------------------------------------------------------------


class PersonFields(Schema):
    email: Text(254, 3)
    first_name: Text(150) | None = None
    last_name: Text(150) | None = None
    organisation: Text(160) | None = None
    org_unit: Text(80) | None = Field(None, description="HHS: the OPDIV.")
    location: Text(160) | None = Field(None, description="City, e.g. “Louisville, KY”.")
    headline: Text(160) | None = None
    career_level: Annotated[int, Field(ge=1, le=5)] | None = Field(None, description="1 entry … 5 executive.")
    leadership_position: bool | None = None


class PersonIn(PersonFields):
    external_id: Text(100, 1) = Field(description="The HR system's id for the person, unique in the program.")


class PeopleSyncIn(Schema):
    people: list[PersonIn] = Field(min_length=1, max_length=500)


class PersonOut(Schema):
    id: int
    external_id: str | None
    email: str
    first_name: str
    last_name: str
    is_active: bool = Field(description="False: deactivated, cannot sign in.")
    organisation: str
    org_unit: str
    location: str
    headline: str
    career_level: int | None
    leadership_position: bool
    deactivated_at: datetime.datetime | None = Field(description="When the program's HR system deprovisioned them.")
    updated_at: datetime.datetime


class PeoplePage(Page):
    results: list[PersonOut]


class UpsertResultOut(Schema):
    id: int
    external_id: str
    outcome: Literal["created", "updated", "unchanged"]


class PeopleSyncOut(Schema):
    created: int
    updated: int
    unchanged: int
    results: list[UpsertResultOut]


class DeactivateIn(Schema):
    reason: Text(500) = Field("", description="Recorded with each ended pair and withdrawn enrolment.")


class DeactivateOut(Schema):
    person: PersonOut
    mentorships_ended: list[int]
    enrolments_withdrawn: list[int]
    account_deactivated: bool = Field(description="False while they still take part in another program, or are staff.")
    still_in: list[str]


# --- programs, cohorts, enrolments -------------------------------------------


class CohortOut(Schema):
    id: int
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    enrolment_opens_on: datetime.date | None
    enrolment_closes_on: datetime.date | None
    is_closed: bool
    participant_cap: int | None


class ProgramOut(Schema):
    slug: str
    name: str
    short_name: str
    min_contact_minutes_per_month: int | None
    requires_application_approval: bool
    token_can_write: bool
    token_expires_at: datetime.datetime
    cohorts: list[CohortOut]


class EnrolmentOut(Schema):
    id: int
    person_id: int
    cohort_id: int
    cohort: str
    role: Literal["mentor", "mentee"]
    state: Literal["applied", "approved", "waitlisted", "declined", "withdrawn"]
    platform_preference: str
    applied_at: datetime.datetime
    decided_at: datetime.datetime | None
    decision_note: str


class EnrolmentPage(Page):
    results: list[EnrolmentOut]


class EnrolmentIn(Schema):
    person_id: Id
    cohort_id: Id
    role: Literal["mentor", "mentee"]
    platform_preference: Literal["", "senior_to_junior", "peer_to_peer"] = ""
    needs: Text(5000) = ""
    challenges: Text(5000) = ""
    strengths: Text(5000) = ""
    areas_for_improvement: Text(5000) = ""
    motivation: Text(5000) = ""
    admit: bool = Field(
        False,
        description="True: the coordinator's decision, approved at once within the cap (no application window), "
        "as the CSV import admits. False: an application, through the window, as on the site.",
    )


class DecisionIn(Schema):
    note: Text(2000) = ""


# --- mentorships, meetings, contact ------------------------------------------


class MentorshipOut(Schema):
    id: int
    cohort_id: int
    cohort: str
    mentor_id: int
    mentee_id: int
    state: Literal["active", "completed", "ended_early"]
    origin: str
    started_on: datetime.date
    planned_end_on: datetime.date | None
    ended_on: datetime.date | None
    created_at: datetime.datetime


class MentorshipPage(Page):
    results: list[MentorshipOut]


class MeetingOut(Schema):
    id: int
    mentorship_id: int
    kind: str
    mode: str
    status: Literal["scheduled", "held", "cancelled"]
    starts_at: datetime.datetime
    duration_minutes: int
    updated_at: datetime.datetime


class MeetingPage(Page):
    results: list[MeetingOut]


class MonthMinutes(Schema):
    month: str = Field(description="YYYY-MM")
    minutes: int
    meetings: int


class PersonContact(Schema):
    person_id: int
    external_id: str | None
    months: list[MonthMinutes]


class ContactPage(Page):
    results: list[PersonContact]


class CompletionMonth(Schema):
    month: str = Field(description="YYYY-MM")
    minutes: int
    hours: float
    minimum: int | None
    met: bool | None = Field(description="Held at least the minimum; null where the program sets none.")
    counts: bool = Field(description="Paired for the whole month, so the minimum applies.")
    complete: bool = Field(description="The month is over (or the participation ended).")


class CompletionRowOut(Schema):
    person_id: int
    external_id: str | None
    email: str
    name: str
    role: Literal["mentor", "mentee"]
    enrolment_state: str
    mentorship_ids: list[int]
    minimum_minutes_per_month: int | None
    met_minimum: bool | None = Field(description="Every month that counts met the minimum; null without a minimum.")
    completed: bool = Field(description="A mentorship of this program year was completed as planned.")
    total_minutes: int
    months: list[CompletionMonth]


class CompletionPage(Page):
    cohort: CohortOut
    results: list[CompletionRowOut]


# --- surveys -------------------------------------------------------------------


class SurveyOut(Schema):
    id: int
    title: str
    kind: str
    anonymous: bool
    active: bool


class AnswerCount(Schema):
    answer: str
    count: int


class QuestionAggregate(Schema):
    id: int
    text: str
    kind: str
    dimension: str
    answered: int
    average: float | None
    counts: list[AnswerCount]


class DimensionAggregate(Schema):
    name: str
    average: float
    answers: int


class SurveyResultsOut(Schema):
    id: int
    title: str
    kind: str
    anonymous: bool
    invited: int
    answered: int
    response_rate: float | None
    withheld: bool = Field(description="An anonymous survey below the threshold: no figures yet.")
    withheld_message: str
    questions: list[QuestionAggregate]
    dimensions: list[DimensionAggregate]
