"""Exports and the coordinators' lists: CSV files scoped to the
coordinator's programs with spreadsheet formulas neutralised, the enrolment and
mentorship filters a coordinator needs, and constant query counts."""

import csv
import datetime
import io
from http import HTTPStatus

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.reports.exports import csv_response
from mentorship.tests.builders import coordinator_of, met, pair_in
from mentorship.tests.coordinator_helpers import (
    NOW,
    at,
    pairs_of_every_health,
    participant,
    year_cohort,
)
from programs.models import Role
from programs.tests.factories import seeded

pytestmark = pytest.mark.django_db

INJECTIONS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A9)", "\tTab", "\rReturn"]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def read(response) -> list[list[str]]:
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("value", INJECTIONS)
def test_csv_response_neutralises_every_formula_start(value):
    rows = read(csv_response([["Header"], [value], ["plain"], [42]], "x.csv"))
    assert rows[1] == ["'" + value]
    assert rows[2] == ["plain"] and rows[3] == ["42"]


class World:
    def __init__(self):
        self.ky, self.hhs = seeded("ky-connections"), seeded("hhs")
        self.cohort = year_cohort("ky-connections")
        self.hhs_cohort = year_cohort("hhs")
        self.sponsor = coordinator_of(self.ky)
        self.hhs_coordinator = coordinator_of(self.hhs)
        self.pairs = pairs_of_every_health(self.cohort)
        self.mentee = self.pairs[0].mentee
        self.mentee.first_name = "=cmd|' /C calc'!A0"
        self.mentee.save()
        profile = self.mentee.profile
        profile.organisation, profile.org_unit, profile.location = "@Evil Corp", "Finance Cabinet", "Frankfort, KY"
        profile.save()
        self.hhs_pair = pair_in(self.hhs_cohort, datetime.date(2026, 3, 2))
        met(self.hhs_pair, at(datetime.date(2026, 6, 1)), minutes=45)
        self.hhs_person = self.hhs_pair.mentee


@pytest.fixture
def world():
    return World()


def export(client, kind, program=None):
    url = reverse("admin:programs_enrollment_export") + f"?kind={kind}"
    if program is not None:
        url += f"&program={program.pk}"
    return client.get(url)


@pytest.mark.parametrize("kind", ["participants", "mentorships", "contact-hours", "surveys"])
def test_exports_hold_only_the_coordinators_programs(client, world, kind):
    client.force_login(world.sponsor)

    rows = read(export(client, kind))

    text = "\n".join(",".join(r) for r in rows)
    assert world.hhs_person.email not in text and "HHS" not in text
    if kind != "surveys":
        assert world.mentee.email in text


@pytest.mark.parametrize("kind", ["participants", "mentorships", "contact-hours", "surveys"])
def test_asking_for_another_programs_export_is_a_404(client, world, kind):
    client.force_login(world.sponsor)
    assert export(client, kind, program=world.hhs).status_code == HTTPStatus.NOT_FOUND


def test_participants_export_neutralises_what_people_typed(client, world):
    client.force_login(world.sponsor)

    rows = read(export(client, "participants", program=world.ky))

    header, body = rows[0], rows[1:]
    assert header[:7] == ["Program", "Cohort", "Role", "State", "First name", "Last name", "Email"]
    mine = next(r for r in body if r[6] == world.mentee.email)
    assert mine[4] == "'=cmd|' /C calc'!A0"
    assert mine[7] == "'@Evil Corp" and mine[8] == "Finance Cabinet"
    assert len(body) == 6  # three pairs, two people each


def test_mentorships_export_names_each_pairs_health(client, world):
    client.force_login(world.sponsor)
    rows = read(export(client, "mentorships", program=world.ky))
    assert sorted(r[12] for r in rows[1:]) == ["At risk", "On track", "Overdue"]


def test_contact_hours_export_counts_held_minutes_per_participant(client, world):
    client.force_login(world.sponsor)
    rows = read(export(client, "contact-hours", program=world.ky))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Program", "Program year", "Participant"]
    fine_mentor = next(r for r in body if r[3] == world.pairs[0].mentor.email)
    assert fine_mentor[7:10] == ["3", "195", "3.25"]


def test_the_exports_page_lists_the_downloads(client, world):
    client.force_login(world.sponsor)
    response = client.get(reverse("admin:programs_enrollment_exports") + f"?program={world.ky.pk}")
    body = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    for kind in ("participants", "mentorships", "contact-hours", "surveys"):
        assert f"kind={kind}&amp;program={world.ky.pk}" in body
    client.force_login(world.hhs_coordinator)
    assert client.get(reverse("admin:programs_enrollment_exports") + f"?program={world.ky.pk}").status_code == 404


def test_a_participant_cannot_export(client, world):
    client.force_login(world.mentee)
    response = export(client, "participants")
    assert response.status_code == HTTPStatus.FOUND and "/login/" in response["Location"]


def test_exports_cost_the_same_queries_however_many_rows(client, world):
    client.force_login(world.sponsor)
    counts = {}
    for size in ("small", "large"):
        if size == "large":
            pairs_of_every_health(world.cohort, n=4)
        for kind in ("participants", "mentorships", "contact-hours"):
            export(client, kind)
            with CaptureQueriesContext(connection) as queries:
                export(client, kind)
            counts[(size, kind)] = len(queries)
    for kind in ("participants", "mentorships", "contact-hours"):
        assert counts[("large", kind)] == counts[("small", kind)], kind


# -- the lists ------------------------------------------------------------------


def test_enrolment_filters_by_unit_location_and_paired(client, world):
    participant(world.cohort, Role.MENTEE)  # approved, not paired
    client.force_login(world.sponsor)
    url = reverse("admin:programs_enrollment_changelist")

    def count(query):
        response = client.get(url + query)
        assert response.status_code == HTTPStatus.OK, query
        return response.context["cl"].result_count

    assert count("?org_unit=Finance+Cabinet") == 1
    assert count("?location=Frankfort%2C+KY") == 1
    assert count("?paired=yes") == 6
    assert count("?paired=no") == 1
    assert count("?period=current") == 7 and count("?period=past") == 0
    body = client.get(url).content.decode()
    assert "Finance Cabinet" in body  # the filter's choice and the column


@pytest.mark.parametrize(
    "name", ["admin:programs_enrollment_changelist", "admin:mentorship_mentorship_changelist"]
)
def test_unit_and_location_choices_are_one_row_per_value(client, world, name):
    pairs_of_every_health(world.cohort, n=3)
    client.force_login(world.sponsor)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(name)).status_code == HTTPStatus.OK
    distinct = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT DISTINCT") and "profile" in q["sql"]]
    assert distinct
    for sql in distinct:  # ordered by the list's columns, DISTINCT would return a row per participant
        assert "ORDER BY" not in sql, sql


@pytest.mark.parametrize(
    "name", ["admin:programs_enrollment_changelist", "admin:mentorship_mentorship_changelist"]
)
def test_unit_and_location_choices_are_kept_per_scope_until_the_data_moves(client, world, name):
    def choices_read(who) -> tuple[str, int]:
        client.force_login(who)
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(reverse(name)).content.decode()
        return body, sum(q["sql"].startswith("SELECT DISTINCT") and "profile" in q["sql"] for q in ctx.captured_queries)

    body, scans = choices_read(world.sponsor)
    assert "Frankfort, KY" in body and scans >= 2  # a DISTINCT per path of each filter
    assert choices_read(world.sponsor)[1] == 0  # kept
    body, again = choices_read(world.hhs_coordinator)  # another scope: its own choices
    assert again == scans and "Frankfort, KY" not in body and "Finance Cabinet" not in body

    newcomer = pair_in(world.cohort, datetime.date(2026, 5, 1)).mentee  # a new pair and participants
    Profile = type(newcomer.profile)
    Profile.objects.filter(user=newcomer).update(location="Paducah, KY")
    body, again = choices_read(world.sponsor)
    assert again == scans and "Paducah, KY" in body


def test_mentorship_filters_by_cohort_health_and_either_partners_unit(client, world):
    client.force_login(world.sponsor)
    url = reverse("admin:mentorship_mentorship_changelist")

    def count(query):
        response = client.get(url + query)
        assert response.status_code == HTTPStatus.OK, query
        return response.context["cl"].result_count

    assert count(f"?cohort__id__exact={world.cohort.pk}") == 3
    assert count("?org_unit=Finance+Cabinet") == 1
    assert count("?health=overdue") == 1 and count("?health=at_risk") == 1
    assert count("?q=Finance") == 1
    # The HHS pair is not in the list, nor its program in the filters.
    assert count("") == 3
    assert "HHS" not in client.get(url).content.decode()


def test_another_coordinator_sees_no_ky_rows_in_the_lists(client, world):
    client.force_login(world.hhs_coordinator)
    for name in ("admin:programs_enrollment_changelist", "admin:mentorship_mentorship_changelist"):
        response = client.get(reverse(name))
        body = response.content.decode()
        assert world.mentee.email not in body and "Finance Cabinet" not in body and "KY Connections" not in body


@pytest.mark.parametrize(
    "name", ["admin:programs_enrollment_changelist", "admin:mentorship_mentorship_changelist"]
)
def test_the_lists_cost_the_same_queries_however_many_rows(client, world, name, settings):
    settings.PAGE_CONTENT_CACHE_SECONDS = 0  # building the filter choices; kept choices are tested above
    client.force_login(world.sponsor)
    url = reverse(name)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    pairs_of_every_health(world.cohort, n=5)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
