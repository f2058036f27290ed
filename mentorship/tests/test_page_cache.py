"""The directory's content cache (mentorship/page_cache.py): reused only for the
same person and address while the data under it is unchanged, never stale after
a saved change, never holding a CSRF token, and never a reason for a page to fail."""

from http import HTTPStatus
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching import services as matching_services
from mentorship import page_cache, services
from mentorship.models import User
from mentorship.tests.factories import UserFactory

from .pairing import cohort_of, coordinator_of, mentee_in, mentor_in, pair, profile

pytestmark = pytest.mark.django_db

URL = reverse("mentorship:directory", args=["hhs"])


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
        supervisor=None,
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
    with mock.patch.object(page_cache.cache, "get", side_effect=ConnectionError("redis is down")), mock.patch.object(
        page_cache.cache, "set", side_effect=ConnectionError("redis is down")
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
