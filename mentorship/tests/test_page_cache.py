"""The directory's content cache (mentorship/web/pages.py): reused only for the
same person and address while the data under it is unchanged, never stale after
a saved change, never holding a CSRF token, and never a reason for a page to fail."""

import dataclasses
from http import HTTPStatus
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching import services as matching_services
from mentorship import services, web
from mentorship.models import User
from mentorship.tests.factories import UserFactory

from .builders import cohort_of, coordinator_of, mentee_in, mentor_in, pair, profile

pytestmark = pytest.mark.django_db

URL = reverse("directory:list", args=["hhs"])


@pytest.fixture
def hhs():
    cohort = cohort_of("hhs")
    ada = mentor_in(cohort, UserFactory(first_name="Ada", last_name="Lovelace"))
    profile(ada, headline="Budget officer")
    mentee = mentee_in(cohort, UserFactory(first_name="Mia", last_name="Mentee"))
    return {"cohort": cohort, "ada": ada, "mentee": mentee}


def get(client, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, data or {})
    assert response.status_code == HTTPStatus.OK
    return response.content.decode(), queries


def main(page: str) -> str:
    """The page's content, without the layout (whose CSRF token changes each time)."""
    return page[page.index('<main'):page.index("</main>")]


def mentor_queries(queries) -> list:
    return [q for q in queries.captured_queries if "mentorship_profile_skills_offered" in q["sql"]]


def test_the_same_address_again_is_served_from_the_cache(client, hhs):
    client.force_login(hhs["mentee"])
    first, first_queries = get(client)
    second, second_queries = get(client)

    assert "Ada Lovelace" in first and mentor_queries(first_queries)
    assert not mentor_queries(second_queries)  # the list was not built again
    assert len(second_queries) < len(first_queries)
    assert main(first) == main(second)


def test_another_address_is_built_for_itself(client, hhs):
    client.force_login(hhs["mentee"])
    get(client)
    body, queries = get(client, {"q": "ada"})

    assert mentor_queries(queries)
    assert "Ada Lovelace" in body
    assert "No mentor matches these filters." in get(client, {"q": "nobody"})[0]


def test_a_new_pair_shows_at_once(client, hhs):
    other = mentee_in(hhs["cohort"])
    client.force_login(hhs["mentee"])
    get(client)
    before, _ = get(client)
    assert "5 of 5 places free" in before  # HHS: up to 5 mentees at a time

    pair(hhs["cohort"], hhs["ada"], other)

    after, queries = get(client)
    assert "4 of 5 places free" in after and mentor_queries(queries)


def test_a_profile_saved_through_the_form_shows_at_once(client, hhs):
    client.force_login(hhs["mentee"])
    get(client)
    ada = hhs["ada"]
    services.profile_update(
        profile=ada.profile,
        user_fields={"first_name": "Augusta", "last_name": "King"},
        fields={"headline": "Chief financial officer"},
        supervisor_email=None,
        skills_offered=[],
        development_needs=[],
    )

    body, _ = get(client)
    assert "Augusta King" in body and "Chief financial officer" in body and "Ada Lovelace" not in body


def test_a_shortlist_from_the_coordinator_shows_at_once(client, hhs):
    coordinator = coordinator_of(hhs["cohort"].program)
    client.force_login(hhs["mentee"])
    assert "suggests these mentors" not in get(client)[0]

    matching_services.shortlist_create(
        program=hhs["cohort"].program, mentee=hhs["mentee"], mentors=[hhs["ada"]], note="Talk to Ada first.", by=coordinator
    )

    body, _ = get(client)
    assert "suggests these mentors" in body and "Talk to Ada first." in body


def test_nobody_is_served_another_persons_content(client, hhs):
    matching_services.shortlist_create(
        program=hhs["cohort"].program,
        mentee=hhs["mentee"],
        mentors=[hhs["ada"]],
        note="Only for Mia.",
        by=coordinator_of(hhs["cohort"].program),
    )
    client.force_login(hhs["mentee"])
    assert "Only for Mia." in get(client)[0]

    client.force_login(mentee_in(hhs["cohort"]))
    body, queries = get(client)
    assert "Only for Mia." not in body and mentor_queries(queries)


def test_the_cached_content_holds_no_csrf_token_and_the_layout_is_fresh(client, hhs):
    client.force_login(hhs["mentee"])
    get(client)
    cached = [value for key, value in _cache_items() if key.startswith("content:directory:")]
    assert cached and all("csrfmiddlewaretoken" not in html for html in cached)

    client.logout()
    client.force_login(hhs["mentee"])  # a new session, a new CSRF cookie
    body, _ = get(client)
    token = client.cookies["csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in body  # the sign-out form, rendered for this request
    assert token  # and the cookie it pairs with was set for this session


def test_what_the_fingerprint_cannot_see_shows_within_the_cache_time(client, hhs, settings):
    settings.PAGE_CONTENT_CACHE_SECONDS = 60
    client.force_login(hhs["mentee"])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        get(client)
        # A bulk UPDATE (as an admin action might do) writes no audit row.
        User.objects.filter(pk=hhs["ada"].pk).update(first_name="Augusta")
        assert "Augusta" not in get(client)[0]
        traveller.shift(61)
        assert "Augusta Lovelace" in get(client)[0]


def test_zero_seconds_turns_the_cache_off(client, hhs, settings):
    settings.PAGE_CONTENT_CACHE_SECONDS = 0
    client.force_login(hhs["mentee"])
    get(client)
    _, queries = get(client)
    assert mentor_queries(queries)


def test_an_unreachable_cache_makes_the_page_slower_not_broken(client, hhs):
    client.force_login(hhs["mentee"])
    with mock.patch.object(web.pages.cache, "get", side_effect=ConnectionError("redis is down")), mock.patch.object(
        web.pages.cache, "set", side_effect=ConnectionError("redis is down")
    ):
        body, queries = get(client)
    assert "Ada Lovelace" in body and mentor_queries(queries)


def test_the_directory_still_refuses_whoever_may_not_see_it(client, hhs):
    client.force_login(hhs["mentee"])
    get(client)  # content cached for Mia
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(URL).status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
    client.logout()
    assert client.get(URL).status_code == HTTPStatus.FOUND


def _cache_items():
    from django.core.cache import cache

    # LocMemCache keeps pickled values by their full key ("<prefix>:<version>:<key>").
    for full_key, value in list(cache._cache.items()):
        key = full_key.split(":", 2)[2]
        yield key, cache.get(key)


# ---------------------------------------------------------------------------
# The dashboard: cached per person under person_fingerprint
# ---------------------------------------------------------------------------

DASHBOARD = reverse("dashboard")


def dash(client) -> tuple[str, list]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode(), queries


def built(queries) -> bool:
    """The dashboard's content was built (not served from the cache)."""
    return any("mentorship_invitation" in q["sql"] and "ORDER BY" in q["sql"] for q in queries.captured_queries)


@pytest.fixture
def aahpm():
    cohort = cohort_of("aahpm")
    mentor = mentor_in(cohort, UserFactory(first_name="Rita", last_name="Mentor"))
    mentee = mentee_in(cohort, UserFactory(first_name="Sam", last_name="Ray"))
    return {"cohort": cohort, "mentor": mentor, "mentee": mentee}


def test_the_dashboard_again_is_served_from_the_cache_in_the_same_queries_whatever_the_rows(client, aahpm):
    from .builders import invite

    counts = []
    for rows in (1, 3):
        hhs = cohort_of("hhs")
        person = mentor_in(hhs)
        for _ in range(rows):
            pair(hhs, person, mentee_in(hhs))
        invite(aahpm["cohort"], mentee_in(aahpm["cohort"]), mentor_in(aahpm["cohort"], person))
        client.force_login(person)
        _, first = dash(client)
        body, again = dash(client)
        assert built(first) and not built(again)
        assert body.count('fw-semibold">Mentoring ') == rows
        counts.append(len(again))
    assert counts[0] == counts[1]


def test_an_invitation_and_its_answer_show_at_once_on_both_dashboards(client, aahpm):
    from .builders import invite

    client.force_login(aahpm["mentor"])
    assert "From Sam Ray" not in dash(client)[0]
    invitation = invite(aahpm["cohort"], aahpm["mentee"], aahpm["mentor"])
    body, queries = dash(client)
    assert "From Sam Ray" in body and "Answer Sam Ray&#x27;s invitation" in body and built(queries)

    client.force_login(aahpm["mentee"])
    assert "Pending" in dash(client)[0]
    services.invitation_accept(invitation=invitation, by=aahpm["mentor"])
    body, _ = dash(client)
    assert "Accepted" in body and "Mentored by Rita Mentor" in body


def test_an_expired_invitation_shows_at_once(client, aahpm):
    from .builders import invite

    invitation = invite(aahpm["cohort"], aahpm["mentee"], aahpm["mentor"])
    client.force_login(aahpm["mentee"])
    assert "Pending" in dash(client)[0]

    services.invitations_expire(now=invitation.expires_at + timezone.timedelta(minutes=1))

    body, _ = dash(client)
    assert "Expired" in body and "Pending" not in body


def _discovery_then_checkin(aahpm):
    from mentorship.models import MeetingKind, MeetingMode
    from mentorship.services.meetings import meeting_log, meeting_schedule

    mentorship = pair(aahpm["cohort"], aahpm["mentor"], aahpm["mentee"])
    return mentorship, meeting_log, meeting_schedule, MeetingKind, MeetingMode


def test_a_logged_meeting_shows_at_once(client, aahpm):
    mentorship, meeting_log, _, kind, mode = _discovery_then_checkin(aahpm)
    client.force_login(aahpm["mentee"])
    assert "AAHPM: hold the discovery call" in dash(client)[0]

    meeting_log(
        mentorship=mentorship,
        by=aahpm["mentee"],
        starts_at=timezone.now() - timezone.timedelta(hours=2),
        duration_minutes=45,
        kind=kind.DISCOVERY,
        mode=mode.PHONE,
    )

    assert "hold the discovery call" not in dash(client)[0]


def test_a_meeting_marked_held_shows_at_once(client, aahpm):
    from mentorship.services.meetings import meeting_mark_held

    mentorship, _, meeting_schedule, kind, mode = _discovery_then_checkin(aahpm)
    with time_machine.travel(timezone.now() - timezone.timedelta(days=3)):
        meeting = meeting_schedule(
            mentorship=mentorship,
            by=aahpm["mentee"],
            starts_at=timezone.now() + timezone.timedelta(days=2, hours=12),
            duration_minutes=45,
            kind=kind.DISCOVERY,
            mode=mode.PHONE,
        )
    client.force_login(aahpm["mentee"])
    assert "AAHPM: hold the discovery call" in dash(client)[0]

    meeting_mark_held(meeting=meeting, by=aahpm["mentor"])

    assert "hold the discovery call" not in dash(client)[0]


def test_a_deleted_meeting_shows_at_once(client, aahpm):
    mentorship, meeting_log, _, kind, mode = _discovery_then_checkin(aahpm)
    with time_machine.travel(timezone.now() + timezone.timedelta(days=3)):
        for days_ago, meeting_kind in ((2, kind.DISCOVERY), (1, kind.CHECKIN)):
            meeting = meeting_log(
                mentorship=mentorship,
                by=aahpm["mentee"],
                starts_at=timezone.now() - timezone.timedelta(days=days_ago),
                duration_minutes=45,
                kind=meeting_kind,
                mode=mode.PHONE,
            )
            if meeting_kind == kind.DISCOVERY:
                discovery = meeting
        client.force_login(aahpm["mentee"])
        assert "hold the discovery call" not in dash(client)[0]

        discovery.delete()  # as the admin's delete does: the newest change is the check-in's

        assert "AAHPM: hold the discovery call" in dash(client)[0]


def test_a_signed_agreement_shows_at_once(client):
    from mentorship.services import agreements

    from .test_agreements import terms

    cohort = cohort_of("wtap")
    mentorship = pair(cohort, mentor_in(cohort), mentee_in(cohort))
    agreement = agreements.agreement_save(mentorship=mentorship, by=mentorship.mentee, terms=terms())
    client.force_login(mentorship.mentee)
    assert "sign the mentoring agreement" in dash(client)[0]

    for person in (mentorship.mentor, mentorship.mentee):
        agreement.refresh_from_db()
        agreements.agreement_sign(mentorship=agreement.mentorship, by=person, typed_name=agreements.expected_signature(person))

    assert "sign the mentoring agreement" not in dash(client)[0]


def test_a_decided_enrolment_shows_at_once(client, aahpm):
    from programs.models import Enrollment, EnrollmentState
    from programs.services import enrollment_approve

    from .builders import enrol

    enrol(cohort_of("hhs"), "mentee", aahpm["mentor"], state=EnrollmentState.APPLIED)
    applied = Enrollment.objects.get(user=aahpm["mentor"], state=EnrollmentState.APPLIED)
    client.force_login(aahpm["mentor"])
    assert "Applied" in dash(client)[0]

    enrollment_approve(enrollment=applied)

    assert "Applied" not in dash(client)[0]


def test_an_enrolment_inserted_in_bulk_shows_at_once(client, aahpm):
    from programs.models import Enrollment, EnrollmentState, Role

    hhs = cohort_of("hhs")
    client.force_login(aahpm["mentor"])
    assert str(hhs) not in dash(client)[0]

    Enrollment.objects.bulk_create(
        [Enrollment(user=aahpm["mentor"], cohort=hhs, role=Role.MENTOR, state=EnrollmentState.APPROVED)]
    )

    assert str(hhs) in dash(client)[0]


def test_an_ended_pair_shows_at_once_on_both_dashboards(client, aahpm):
    from django.test import Client

    mentorship = pair(aahpm["cohort"], aahpm["mentor"], aahpm["mentee"])
    coordinator = coordinator_of(aahpm["cohort"].program)  # before the first visit: a new person moves the profiles
    mentee_client = Client()
    mentee_client.force_login(aahpm["mentee"])
    client.force_login(aahpm["mentor"])
    assert ">Active<" in dash(client)[0] and ">Active<" in dash(mentee_client)[0]

    services.mentorship_end(mentorship=mentorship, by=coordinator, reason="Moved away.")

    assert ">Active<" not in dash(client)[0]
    assert ">Active<" not in dash(mentee_client)[0]


def test_a_pair_inserted_in_bulk_shows_at_once(client, aahpm):
    from mentorship.models import Mentorship, MentorshipOrigin

    client.force_login(aahpm["mentee"])
    assert "Mentored by Rita Mentor" not in dash(client)[0]

    Mentorship.objects.bulk_create(
        [
            Mentorship(
                program=aahpm["cohort"].program,
                cohort=aahpm["cohort"],
                mentor=aahpm["mentor"],
                mentee=aahpm["mentee"],
                mentor_slot=1,
                mentee_slot=1,
                origin=MentorshipOrigin.COORDINATOR,
                started_on=timezone.localdate(),
            )
        ]
    )

    assert "Mentored by Rita Mentor" in dash(client)[0]


def test_a_declined_invitation_replaced_by_a_new_one_shows_at_once(client, aahpm):
    from .builders import invite

    first = invite(aahpm["cohort"], aahpm["mentee"], aahpm["mentor"])
    una = mentor_in(aahpm["cohort"], UserFactory(first_name="Una", last_name="Other"))
    client.force_login(aahpm["mentee"])
    assert "Declined" not in dash(client)[0]

    services.invitation_decline(invitation=first, by=aahpm["mentor"], reason="Full this year.")
    invite(aahpm["cohort"], aahpm["mentee"], una)  # still one pending: only the newest id moved

    body = dash(client)[0]
    assert "Declined" in body and "To Una Other" in body


def test_a_renamed_program_and_cohort_show_at_once(client, aahpm):
    program, cohort = aahpm["cohort"].program, aahpm["cohort"]
    pair(cohort, aahpm["mentor"], aahpm["mentee"])
    client.force_login(aahpm["mentee"])
    dash(client)

    cohort.name = "Spring intake"
    cohort.save()
    assert "Spring intake" in dash(client)[0]
    program.short_name = "AAHPM-MM"
    program.save()
    assert "AAHPM-MM ·" in dash(client)[0]


def test_a_partners_new_name_shows_at_once(client, aahpm):
    pair(aahpm["cohort"], aahpm["mentor"], aahpm["mentee"])
    client.force_login(aahpm["mentee"])
    assert "Mentored by Rita Mentor" in dash(client)[0]

    services.profile_update(
        profile=aahpm["mentor"].profile,
        user_fields={"first_name": "Rita", "last_name": "Moreno"},
        fields={},
        supervisor_email=None,
        skills_offered=[],
        development_needs=[],
    )

    assert "Mentored by Rita Moreno" in dash(client)[0]


def test_a_new_day_builds_the_dashboard_again(client, aahpm):
    pair(aahpm["cohort"], aahpm["mentor"], aahpm["mentee"])
    client.force_login(aahpm["mentee"])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        dash(client)
        assert not built(dash(client)[1])
        traveller.shift(timezone.timedelta(days=1))
        assert built(dash(client)[1])


def test_nobody_is_served_another_persons_dashboard(client, aahpm):
    pair(aahpm["cohort"], aahpm["mentor"], aahpm["mentee"])
    client.force_login(aahpm["mentor"])
    assert "Mentoring Sam Ray" in dash(client)[0]

    client.force_login(aahpm["mentee"])
    body, queries = dash(client)
    assert built(queries) and "Mentoring Sam Ray" not in body and "Mentored by Rita Mentor" in body


def test_content_holding_a_csrf_token_is_never_kept(rf, hhs):
    from django.middleware.csrf import get_token

    request = rf.get(URL)
    request.user = hhs["mentee"]
    renders = []

    def render():
        renders.append(1)
        return f'<form><input name="csrfmiddlewaretoken" value="{get_token(request)}"></form>'

    page = dataclasses.replace(web.pages.DIRECTORY, name="form")
    first = page.content(request, render=render)
    second = page.content(request, render=render)

    assert "csrfmiddlewaretoken" in first and "csrfmiddlewaretoken" in second
    assert len(renders) == 2  # rendered each time, never served from the cache


def test_values_kept_together_expire_apart_within_the_cache_time():
    """Everyone's content built in the same instant must not all be rebuilt in
    the same later instant (a stall of every worker at once under load)."""
    timeouts = []
    with mock.patch.object(web.pages.cache, "get", return_value=None), mock.patch.object(
        web.pages.cache, "set", side_effect=lambda key, value, timeout: timeouts.append(timeout)
    ):
        for n in range(40):
            web.pages.get_or_set(f"content:test:{n}", lambda: "html", 60)

    assert all(45 <= t <= 60 for t in timeouts)
    assert len(set(timeouts)) > 5
