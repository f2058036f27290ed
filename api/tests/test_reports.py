"""The completion report (KY's contact hours per month against the minimum),
contact minutes per person per month, and survey aggregates without names."""

import datetime

import pytest
import time_machine

from api.tests.conftest import ApiClient, key_for
from mentorship.models import MeetingStatus, MentorshipState
from mentorship.tests.builders import at
from mentorship.tests.factories import MeetingFactory, MentorshipFactory
from programs.tests.factories import CohortFactory, CoordinatorFactory, seeded
from surveys.models import QuestionKind
from surveys.tests.factories import AnswerFactory, QuestionFactory, SurveyFactory, invitation_for

pytestmark = pytest.mark.django_db


def held(pair, moment, minutes):
    return MeetingFactory(mentorship=pair, status=MeetingStatus.HELD, starts_at=moment, duration_minutes=minutes)


@pytest.fixture
def ky_year():
    """KY's 2026 program year seen on 20 December 2026: one pair that met its hour every month from
    February (and completed), one that fell short in April."""
    program = seeded("ky-connections")
    coordinator = CoordinatorFactory(program=program).user
    cohort = CohortFactory(program=program, name="2026", starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31))
    good = MentorshipFactory(cohort=cohort, started_on=datetime.date(2026, 1, 20))
    short = MentorshipFactory(cohort=cohort, started_on=datetime.date(2026, 1, 20))
    for month in range(1, 13):
        held(good, at(2026, month, 15), 60)
        held(short, at(2026, month, 16), 30 if month == 4 else 90)
    good.state, good.ended_on = MentorshipState.COMPLETED, datetime.date(2026, 12, 18)
    good.save()
    return program, coordinator, cohort, good, short


def test_the_completion_report_is_what_the_personnel_cabinet_records(ky_year):
    program, coordinator, cohort, good, short = ky_year
    with time_machine.travel(at(2026, 12, 20)):
        client = ApiClient(key_for(type("W", (), {"program": program, "coordinator": coordinator})))
        report = client.get(f"/api/v1/reports/completion/{cohort.pk}").json()
    rows = {(r["person_id"], r["role"]): r for r in report["results"]}
    mentee_good = rows[(good.mentee_id, "mentee")]
    assert mentee_good["minimum_minutes_per_month"] == 60
    # January is not theirs to meet (paired on the 20th); February to November met the hour; they completed.
    months = {m["month"]: m for m in mentee_good["months"]}
    assert months["2026-01"]["counts"] is False
    assert all(months[f"2026-{n:02d}"]["met"] for n in range(2, 13))
    assert mentee_good["met_minimum"] is True and mentee_good["completed"] is True
    assert mentee_good["total_minutes"] == 12 * 60

    mentor_short = rows[(short.mentor_id, "mentor")]
    assert {m["month"]: m["met"] for m in mentor_short["months"]}["2026-04"] is False
    assert mentor_short["met_minimum"] is False and mentor_short["completed"] is False
    assert mentor_short["months"][3]["hours"] == 0.5


def test_contact_minutes_per_person_per_month(ky_year):
    program, coordinator, _, _, short = ky_year
    with time_machine.travel(at(2026, 12, 20)):
        client = ApiClient(key_for(type("W", (), {"program": program, "coordinator": coordinator})))
        page = client.get("/api/v1/contact-minutes", {"month_from": "2026-03", "month_to": "2026-04", "person_id": short.mentee_id})
    (row,) = page.json()["results"]
    assert row["months"] == [
        {"month": "2026-03", "minutes": 90, "meetings": 1},
        {"month": "2026-04", "minutes": 30, "meetings": 1},
    ]


@pytest.mark.parametrize("answered", [2, 3])
def test_survey_results_are_aggregates_only_and_anonymous_ones_wait_for_enough_answers(ky, ky_api, answered):
    survey = SurveyFactory(program=ky.program, anonymous_in_reporting=True)
    rating = QuestionFactory(survey=survey, kind=QuestionKind.RATING)
    text = QuestionFactory(survey=survey, kind=QuestionKind.TEXT)
    for n in range(answered):
        pair = MentorshipFactory(cohort=ky.cohort)
        invitation = invitation_for(survey, pair, completed_at=datetime.datetime.now(datetime.UTC))
        AnswerFactory(invitation=invitation, question=rating, rating=4)
        AnswerFactory(invitation=invitation, question=text, rating=None, text=f"Secret words {n}")
    body = ky_api.get(f"/api/v1/surveys/{survey.pk}/results")
    data = body.json()
    assert "Secret words" not in body.content.decode()
    assert "@" not in body.content.decode()
    if answered < 3:
        assert data["withheld"] is True and data["questions"][0]["counts"] == []
    else:
        assert data["withheld"] is False and data["questions"][0]["average"] == 4.0
        assert data["response_rate"] == 1.0
