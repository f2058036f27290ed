"""The admin home's program cards: every figure equals the rows its
link lists, another program's coordinator sees none of it, and the page costs
the same number of queries however many people and pairs there are."""

import datetime
import json
import re
from http import HTTPStatus
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.models import Meeting, MeetingStatus
from mentorship.reports.dashboard import program_dashboards
from mentorship.tests.builders import coordinator_of, met, pair_in
from mentorship.tests.coordinator_helpers import (
    NOW,
    TODAY,
    at,
    pairs_of_every_health,
    participant,
    year_cohort,
)
from programs.models import EnrollmentState, Role
from programs.tests.factories import seeded

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


class World:
    def __init__(self, n: int = 1):
        self.ky, self.hhs = seeded("ky-connections"), seeded("hhs")
        self.cohort = year_cohort("ky-connections")
        self.other = year_cohort("hhs")
        self.past = year_cohort("ky-connections", year=2019)
        self.sponsor = coordinator_of(self.ky, email="sponsor@ky.example")
        self.hhs_coordinator = coordinator_of(self.hhs, email="opdiv@hhs.example")
        self.grow(n)

    def grow(self, n: int):
        pairs_of_every_health(self.cohort, n)
        for _ in range(n):
            participant(self.cohort, Role.MENTEE)  # approved, not paired
            participant(self.cohort, Role.MENTOR)
            participant(self.cohort, Role.MENTEE, state=EnrollmentState.APPLIED)
            participant(self.cohort, Role.MENTEE, state=EnrollmentState.WAITLISTED)
            # A past cohort's people are not counted as enrolled now.
            participant(self.past, Role.MENTEE)
            # HHS: a pair and people the KY sponsor must never see.
            hhs_pair = pair_in(self.other, datetime.date(2026, 3, 2))
            met(hhs_pair, at(datetime.date(2026, 6, 1)), minutes=45)


def figures(client) -> dict:
    response = client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.OK
    return response


def card(user, program):
    return next(d for d in program_dashboards(user=user, today=TODAY) if d.program == program)


def test_each_figure_equals_the_rows_its_link_lists(client):
    world = World(n=2)
    client.force_login(world.sponsor)
    dashboard = card(world.sponsor, world.ky)
    checked = set()
    for figure in dashboard.figures:
        if not figure.url or figure.key in ("contact", "surveys"):
            continue
        response = client.get(figure.url)
        assert response.status_code == HTTPStatus.OK, figure.url
        assert response.context["cl"].result_count == figure.value, (figure.label, figure.url)
        checked.add(figure.key)
    assert {
        "mentors",
        "mentees",
        "pending",
        "waitlisted",
        "unpaired_mentees",
        "unpaired_mentors",
        "active",
        "overdue",
        "at_risk",
        "events",
    } <= checked
    values = {f.key: f.value for f in dashboard.figures}
    # 2 × (3 pairs + 1 unpaired) approved in each role; the 2019 cohort's are not counted.
    assert values["mentees"] == 8 and values["mentors"] == 8
    assert values["pending"] == 2 and values["waitlisted"] == 2
    assert values["unpaired_mentees"] == 2 and values["unpaired_mentors"] == 2
    assert values["active"] == 6 and values["overdue"] == 2 and values["at_risk"] == 2
    assert values["events"] == 7  # KY's seeded events from June to December


def test_contact_hours_this_month_are_the_held_meetings_listed_behind_them(client):
    world = World(n=2)
    client.force_login(world.sponsor)
    figure = card(world.sponsor, world.ky).figure("contact")

    response = client.get(figure.url)

    assert response.status_code == HTTPStatus.OK
    rows = list(response.context["cl"].queryset)
    assert rows and all(m.status == MeetingStatus.HELD and m.mentorship.program == world.ky for m in rows)
    minutes = sum(m.duration_minutes for m in rows)
    assert minutes == 2 * 75
    assert figure.value == f"{minutes / 60:.1f} h"
    # Two on-track pairs met the 60-minute minimum; the overdue and at-risk ones did not.
    assert "2 of 6 have met it" in figure.note
    assert "minimum 6.0 h" in figure.note


def test_survey_rate_matches_the_survey_list(client):
    surveys = pytest.importorskip("surveys.models")
    world = World()
    survey = surveys.Survey.objects.filter(program=world.ky).first()
    if survey is None:
        pytest.skip("no seeded KY survey")
    m = pair_in(world.cohort, datetime.date(2026, 1, 5), mentor_slot=1)
    for n, person in enumerate((m.mentor, m.mentee)):
        surveys.SurveyInvitation.objects.create(
            survey=survey,
            mentorship=m,
            recipient=person,
            role=("mentor", "mentee")[n],
            due_on=TODAY,
            sent_at=NOW,
            completed_at=NOW if n == 0 else None,
        )
    client.force_login(world.sponsor)
    figure = card(world.sponsor, world.ky).figure("surveys")

    assert figure.value == "50%" and figure.note == "1 of 2 sent surveys answered"
    rows = client.get(figure.url).context["cl"].result_list
    assert sum(s._invited for s in rows) == 2 and sum(s._answered for s in rows) == 1


def test_the_admin_home_shows_each_program_card_with_charts(client):
    world = World()
    client.force_login(world.sponsor)

    response = figures(client)

    body = response.content.decode()
    assert "KY Connections Mentoring Program" in body or world.ky.name in body
    assert 'id="chart-health-%d"' % world.ky.pk in body
    assert "vendor/chartjs/chart.umd.min.js" in body
    # No script or stylesheet from elsewhere (a random token may spell "cdn").
    assert not re.search(r"""<(script|link|img)\b[^>]*\b(src|href)=["']?(https?:)?//""", body)
    charts = json.loads(re.search(r'<script id="dashboard-charts"[^>]*>(.*?)</script>', body, re.S).group(1))
    assert [c["name"] for c in charts] == ["KY Connections"]
    assert charts[0]["health"]["values"] == [1, 0, 1, 1]  # on track, due, overdue, at risk
    assert len(charts[0]["hours"]["values"]) == 12 and charts[0]["hours"]["values"][-1] == 1.2


def test_another_programs_coordinator_sees_none_of_it(client):
    world = World()
    client.force_login(world.hhs_coordinator)

    body = figures(client).content.decode()

    assert world.hhs.name in body
    assert world.ky.name not in body and "KY Connections" not in body
    assert [d.program for d in program_dashboards(user=world.hhs_coordinator, today=TODAY)] == [world.hhs]
    # Nor can they open the KY lists by editing the link.
    ky_overdue = card(world.sponsor, world.ky).figure("overdue").url
    response = client.get(ky_overdue)
    assert response.context["cl"].result_count == 0


def test_a_participant_or_a_stranger_gets_no_dashboard(client):
    world = World()
    mentee = participant(world.cohort)
    assert program_dashboards(user=mentee, today=TODAY) == []
    client.force_login(mentee)
    response = client.get(reverse("admin:index"))
    assert response.status_code == HTTPStatus.FOUND  # to the admin login


def test_a_superuser_sees_every_active_program():
    world = World()
    from mentorship.tests.factories import UserFactory

    boss = UserFactory(is_staff=True, is_superuser=True)
    names = [d.program.short_name for d in program_dashboards(user=boss, today=TODAY)]
    assert {"KY Connections", "HHS", "AAHPM", "HPMSNJ", "WTAP"} <= set(names)
    assert world  # the world's pairs are in their cards


def test_the_admin_home_costs_the_same_queries_however_many_rows(client):
    world = World(n=1)
    client.force_login(world.sponsor)
    figures(client)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as small:
        figures(client)
    world.grow(4)
    with CaptureQueriesContext(connection) as large:
        figures(client)
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]


def test_links_carry_the_program_and_the_filter():
    world = World()
    overdue = card(world.sponsor, world.ky).figure("overdue")
    query = parse_qs(urlparse(overdue.url).query)
    assert urlparse(overdue.url).path == reverse("admin:mentorship_mentorship_changelist")
    assert query == {"program__id__exact": [str(world.ky.pk)], "health": ["overdue"]}
    assert Meeting.objects.exists()
