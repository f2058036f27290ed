"""Confidentiality of a pair's meetings, goals and agreement: every URL of
theirs refused to another mentee, another mentor, a coordinator of another
program and anonymous visitors; the program's own coordinator sees meetings and
durations, never notes or goals; every POST needs its CSRF token; the admin
shows no notes, no goals, no terms; the contact-hours CSV is scoped and
neutralises formulas."""

import csv
import datetime
import io

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from mentorship import selectors, services
from mentorship.models import Agreement, Goal, Meeting, MeetingKind, MeetingPrivateNote, MeetingStatus
from mentorship.reports.exports import csv_cell

from .builders import at, coordinator_of, met, pair_in

pytestmark = pytest.mark.django_db

D = datetime.date
NOW = at(2026, 4, 6, 10)
SECRETS = ("SHARED-SECRET", "PRIVATE-SECRET", "GOAL-SECRET", "PROGRESS-SECRET", "TERMS-SECRET")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world():
    """An AAHPM pair with a held and a scheduled meeting, notes, goals and an
    agreement; a second AAHPM pair; a KY pair and the KY coordinator."""
    pair = pair_in("aahpm", D(2026, 3, 1))
    held = met(pair, at(2026, 3, 10), 50, kind=MeetingKind.DISCOVERY, shared_notes="SHARED-SECRET")
    MeetingPrivateNote.objects.create(meeting=held, author=pair.mentor, text="PRIVATE-SECRET")
    upcoming = met(pair, at(2026, 4, 20, 9), 60, status=MeetingStatus.SCHEDULED)
    goal = services.goals.goal_create(mentorship=pair, by=pair.mentee, title="GOAL-SECRET", progress_notes="PROGRESS-SECRET")
    services.goals.goals_share(mentorship=pair, by=pair.mentee)
    agreement = services.agreements.agreement_save(
        mentorship=pair, by=pair.mentor, terms={**selectors.agreements.agreement_defaults(mentorship=pair), "feedback": "TERMS-SECRET"}
    )
    other = pair_in("aahpm", D(2026, 3, 1))
    ky = pair_in("ky-connections", D(2026, 1, 1))
    return {
        "pair": pair,
        "held": held,
        "upcoming": upcoming,
        "goal": goal,
        "agreement": agreement,
        "other mentee": other.mentee,
        "other mentor": other.mentor,
        "other program's coordinator": coordinator_of(ky.program),
        "same program's coordinator": coordinator_of(pair.program),
        "ky": ky,
    }


def urls(w):
    m, held, upcoming, goal = w["pair"].pk, w["held"].pk, w["upcoming"].pk, w["goal"].pk
    return {
        "GET": [
            reverse("meetings:list", kwargs={"pk": m}),
            reverse("meetings:new", kwargs={"pk": m}),
            reverse("meetings:detail", kwargs={"pk": held}),
            reverse("meetings:reschedule", kwargs={"pk": upcoming}),
            reverse("meetings:ics", kwargs={"pk": upcoming}),
            reverse("goals:list", kwargs={"pk": m}),
            reverse("goals:edit", kwargs={"pk": goal}),
            reverse("agreements:detail", kwargs={"pk": m}),
            reverse("agreements:print", kwargs={"pk": m}),
        ],
        "POST": [
            (reverse("meetings:new", kwargs={"pk": m}), _meeting_form()),
            (reverse("meetings:edit", kwargs={"pk": held}), _edit_form()),
            (reverse("meetings:note", kwargs={"pk": held}), {"text": "HACKED"}),
            (reverse("meetings:held", kwargs={"pk": upcoming}), {"duration_minutes": "5"}),
            (reverse("meetings:reschedule", kwargs={"pk": upcoming}), {"starts_at": "2026-05-01T10:00"}),
            (reverse("meetings:cancel", kwargs={"pk": upcoming}), {"reason": "HACKED"}),
            (reverse("goals:new", kwargs={"pk": m}), _goal_form()),
            (reverse("goals:edit", kwargs={"pk": goal}), _goal_form()),
            (reverse("goals:delete", kwargs={"pk": goal}), {}),
            (reverse("goals:share", kwargs={"pk": m}), {}),
            (reverse("agreements:edit", kwargs={"pk": m}), _terms()),
            (reverse("agreements:sign", kwargs={"pk": m}), {"typed_name": "x", "confirm": "on"}),
            (reverse("agreements:withdraw", kwargs={"pk": m}), {}),
        ],
    }


def _meeting_form():
    return {
        "status": "held",
        "starts_at": "2026-04-01T10:00",
        "duration_minutes": "30",
        "kind": "checkin",
        "mode": "phone",
        "location": "",
        "shared_notes": "HACKED",
        "private_note": "",
    }


def _edit_form():
    return {"duration_minutes": "1", "kind": "checkin", "mode": "phone", "location": "", "shared_notes": "HACKED"}


def _goal_form():
    return {"title": "HACKED", "description": "", "target_date": "", "status": "achieved", "progress_notes": ""}


def _terms():
    return {
        "duration_and_evaluation": "HACKED",
        "meeting_frequency": "weekly",
        "min_meeting_minutes": "10",
        "max_meeting_minutes": "20",
        "contact_between_meetings": "HACKED",
        "mentor_role": "HACKED",
        "mentee_role": "HACKED",
        "feedback": "HACKED",
        "no_fault_termination": "HACKED",
    }


def snapshot():
    """Everything the POSTs could change."""
    return (
        list(Meeting.objects.order_by("pk").values()),
        list(MeetingPrivateNote.objects.order_by("pk").values()),
        list(Goal.objects.order_by("pk").values()),
        list(Agreement.objects.order_by("pk").values()),
        list(type(Goal.objects.first().mentorship).objects.order_by("pk").values("pk", "goals_shared_at")),
    )


OUTSIDERS = ["other mentee", "other mentor", "other program's coordinator", "anonymous"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_every_page_is_refused_to_outsiders(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])
    for url in urls(world)["GET"]:
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url
        else:
            assert response.status_code == 404, url


@pytest.mark.parametrize("who", OUTSIDERS + ["same program's coordinator"])
def test_every_change_is_refused_to_outsiders_and_changes_nothing(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])
    before = snapshot()
    for url, data in urls(world)["POST"]:
        response = client.post(url, data)
        if who == "anonymous":
            assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url
        else:
            assert response.status_code == 404, url
    assert snapshot() == before


def test_the_programs_coordinator_sees_meetings_and_durations_only(client, world):
    client.force_login(world["same program's coordinator"])
    pair = world["pair"]
    allowed = reverse("meetings:list", kwargs={"pk": pair.pk})
    for url in urls(world)["GET"]:
        response = client.get(url)
        assert response.status_code == (200 if url == allowed else 404), url
    for url in (allowed, pair.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "50" in page and "Discovery call" in page
        for secret in SECRETS:
            assert secret not in page, (url, secret)


def test_the_mentor_cannot_write_the_mentees_goals(client, world):
    pair = world["pair"]
    client.force_login(pair.mentor)
    before = snapshot()
    assert client.get(reverse("goals:edit", kwargs={"pk": world["goal"].pk})).status_code == 404
    for url, data in urls(world)["POST"]:
        if "/goal" in url:
            assert client.post(url, data).status_code == 404, url
    assert snapshot() == before
    assert "GOAL-SECRET" in client.get(reverse("goals:list", kwargs={"pk": pair.pk})).content.decode()


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_the_pair_opens_every_page(client, world, role):
    pair = world["pair"]
    client.force_login(getattr(pair, role))
    for url in urls(world)["GET"]:
        if role == "mentor" and "/goals/" in url and "/edit/" in url:
            continue
        assert client.get(url).status_code == 200, url


def test_every_post_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["pair"].mentee)
    before = snapshot()
    posts = urls(world)["POST"] + [(reverse("calendar:reset"), {})]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before


def test_the_calendar_pages_need_a_sign_in_and_the_feed_a_valid_token(client, world):
    for url in (reverse("calendar:settings"),):
        assert client.get(url).url.startswith("/accounts/login/")
    assert client.post(reverse("calendar:reset")).url.startswith("/accounts/login/")
    assert client.get(reverse("calendar:feed", kwargs={"token": "guess"})).status_code == 404


# ---------------------------------------------------------------------------
# The admin
# ---------------------------------------------------------------------------


def test_the_admin_shows_no_notes_goals_or_terms(client, world):
    client.force_login(world["same program's coordinator"])
    pair, held, agreement = world["pair"], world["held"], world["agreement"]
    pages = [
        reverse("admin:mentorship_mentorship_changelist"),
        reverse("admin:mentorship_mentorship_change", args=[pair.pk]),
        reverse("admin:mentorship_mentorship_history", args=[pair.pk]),
        reverse("admin:mentorship_meeting_changelist"),
        reverse("admin:mentorship_meeting_change", args=[held.pk]),
        reverse("admin:mentorship_agreement_changelist"),
        reverse("admin:mentorship_agreement_change", args=[agreement.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        for secret in SECRETS:
            assert secret not in page, (url, secret)
    change = client.get(reverse("admin:mentorship_mentorship_change", args=[pair.pk])).content.decode()
    assert "1 meeting held, 50 minutes" in change
    assert client.get("/admin/mentorship/goal/").status_code == 404


def test_the_admin_is_read_only_here(client, world):
    client.force_login(world["same program's coordinator"])
    assert client.get(reverse("admin:mentorship_mentorship_add")).status_code == 403
    assert client.get(reverse("admin:mentorship_meeting_add")).status_code == 403
    response = client.post(reverse("admin:mentorship_meeting_change", args=[world["held"].pk]), {"duration_minutes": 1})
    assert response.status_code == 403
    assert Meeting.objects.get(pk=world["held"].pk).duration_minutes == 50


def test_another_programs_coordinator_gets_404_in_the_admin(client, world):
    client.force_login(world["other program's coordinator"])
    for url in (
        reverse("admin:mentorship_mentorship_change", args=[world["pair"].pk]),
        reverse("admin:mentorship_meeting_change", args=[world["held"].pk]),
        reverse("admin:mentorship_agreement_change", args=[world["agreement"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("admin:mentorship_mentorship_changelist")).content.decode()
    # The pair's change link, not a name: a generated surname such as "Short"
    # also appears in the admin's "Shortlists" menu.
    pair_link = reverse("admin:mentorship_mentorship_change", args=[world["pair"].pk])
    assert world["pair"].mentee.email not in listing and pair_link not in listing
    client.force_login(world["same program's coordinator"])
    assert pair_link in client.get(reverse("admin:mentorship_mentorship_changelist")).content.decode()


def test_participants_have_no_admin(client, world):
    client.force_login(world["pair"].mentee)
    response = client.get(reverse("admin:mentorship_meeting_changelist"))
    assert response.status_code == 302 and "/login/" in response.url


# ---------------------------------------------------------------------------
# Contact hours CSV
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Avery Lee", "Avery Lee"),
        (1.5, 1.5),
        (None, ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(value, expected):
    assert csv_cell(value) == expected


def export(client, ids):
    response = client.post(
        reverse("admin:mentorship_mentorship_changelist"),
        {"action": "export_contact_hours_csv", "_selected_action": [str(i) for i in ids]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_contact_hours_export_per_participant_and_program_year(client, world):
    ky = world["ky"]
    ky.mentee.first_name, ky.mentee.last_name = "=cmd|' /C calc'!A0", "Smith"
    ky.mentee.save()
    met(ky, at(2026, 1, 15), 60)
    met(ky, at(2026, 3, 20), 45)
    met(ky, at(2026, 3, 27), 30, status=MeetingStatus.CANCELLED)  # not held: not counted
    second = pair_in(ky.cohort, D(2026, 2, 1), mentor=ky.mentor, mentor_slot=2)
    met(second, at(2026, 2, 3), 90)
    client.force_login(coordinator_of(ky.program))

    rows = export(client, [ky.pk, second.pk, world["pair"].pk])  # the AAHPM pair is out of scope

    header, body = rows[0], rows[1:]
    assert header[:10] == [
        "Program", "Program year", "Participant", "Email", "Role", "Organisation unit", "Partners",
        "Meetings held", "Minutes", "Hours",
    ]
    assert header[10:] == [f"2026-{n:02d} hours" for n in range(1, 13)]
    by_person = {(r[3], r[4]): r for r in body}
    assert len(body) == 3  # one mentor with two mentees, two mentees
    mentor = by_person[(ky.mentor.email, "Mentor")]
    assert mentor[7:10] == ["3", "195", "3.25"]
    assert mentor[10:14] == ["1.0", "1.5", "0.75", "0.0"]
    mentee = by_person[(ky.mentee.email, "Mentee")]
    assert mentee[2] == "'=cmd|' /C calc'!A0 Smith"
    assert mentee[7:10] == ["2", "105", "1.75"]
    assert all(world["pair"].mentee.email not in r for r in body)


def test_the_export_neutralises_every_text_cell(client, world):
    ky = world["ky"]
    ky.mentor.first_name, ky.mentor.last_name = "@Evil", "+Mentor"
    ky.mentor.save()
    ky.cohort.name = "-2026"
    ky.cohort.save()
    client.force_login(coordinator_of(ky.program))

    rows = export(client, [ky.pk])

    for row in rows[1:]:
        assert row[1] == "'-2026"
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    mentor_row = next(r for r in rows if r[4] == "Mentor")
    assert mentor_row[2] == "'@Evil +Mentor"
    mentee_row = next(r for r in rows if r[4] == "Mentee")
    assert mentee_row[6] == "'@Evil +Mentor"
