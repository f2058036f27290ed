"""The navigation's roles are read with the signed-in person (mentorship/config/backends.py):
no query of their own, and never stale."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.tests.builders import cohort_of, enrol
from mentorship.tests.factories import UserFactory
from programs.models import Enrollment, EnrollmentState, Role
from programs.selectors import user_with_roles

pytestmark = pytest.mark.django_db

PROGRAMS = reverse("programs:list")
FIND = reverse("directory:index")
INVITATIONS = reverse("invitations:list")


def nav(client) -> tuple[str, list]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PROGRAMS)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    return html[html.index("<nav"):html.index("</nav>")], queries.captured_queries


@pytest.mark.parametrize(
    "roles, finds, invitations",
    [((), False, False), ((Role.MENTEE,), True, True), ((Role.MENTOR,), False, True), ((Role.MENTOR, Role.MENTEE), True, True)],
    ids=["none", "mentee", "mentor", "both"],
)
def test_the_navigation_shows_the_roles_the_person_holds(client, roles, finds, invitations):
    user = UserFactory()
    for role, slug in zip(roles, ("hhs", "wtap")):
        enrol(cohort_of(slug), role, user)
    client.force_login(user)

    html, _ = nav(client)

    assert (f'href="{FIND}"' in html) is finds
    assert (f'href="{INVITATIONS}"' in html) is invitations


def test_the_roles_cost_no_query_of_their_own(client):
    user = enrol(cohort_of("hhs"), Role.MENTEE)
    client.force_login(user)

    html, queries = nav(client)

    assert f'href="{FIND}"' in html
    user_queries = [q["sql"] for q in queries if "FROM mentorship_user" in q["sql"].replace('"', "")]
    assert len(user_queries) == 1 and "EXISTS" in user_queries[0]
    # The only enrolment query left is the program list's own "your applications".
    assert not [q for q in queries if q["sql"].startswith('SELECT "programs_enrollment"."role"')]


def test_an_approval_shows_in_the_navigation_on_the_next_request(client):
    user = enrol(cohort_of("hhs"), Role.MENTEE, state=EnrollmentState.APPLIED)
    client.force_login(user)
    assert f'href="{FIND}"' not in nav(client)[0]

    enrollment = Enrollment.objects.get(user=user)
    enrollment.state = EnrollmentState.APPROVED
    enrollment.save()

    assert f'href="{FIND}"' in nav(client)[0]


@pytest.mark.parametrize("state", [s for s in EnrollmentState if s != EnrollmentState.APPROVED])
def test_only_an_approved_enrolment_is_a_role(state):
    user = enrol(cohort_of("hhs"), Role.MENTEE, state=state)

    loaded = user_with_roles(pk=user.pk)

    assert (loaded.approved_as_mentor, loaded.approved_as_mentee) == (False, False)


def test_a_person_loaded_otherwise_still_gets_their_roles():
    from programs.selectors import roles_for_user

    user = enrol(cohort_of("hhs"), Role.MENTOR)

    roles = roles_for_user(user=type(user).objects.get(pk=user.pk))

    assert dict(roles) == {"mentor": True, "mentee": False, "coordinator": False}


def test_each_person_gets_the_links_of_their_own_roles_and_section(client):
    from django.test import Client

    mentee = enrol(cohort_of("hhs"), Role.MENTEE)
    mentor = enrol(cohort_of("wtap"), Role.MENTOR)
    coordinator = UserFactory(is_staff=True)
    client.force_login(mentee)
    other = Client()
    other.force_login(mentor)
    staff = Client()
    staff.force_login(coordinator)

    for _ in range(2):  # the second round is served from the kept links
        mentee_nav, _ = nav(client)
        mentor_nav, _ = nav(other)
        staff_nav, _ = nav(staff)
        assert f'href="{FIND}"' in mentee_nav and f'href="{FIND}"' not in mentor_nav
        assert f'href="{INVITATIONS}"' in mentor_nav and f'href="{INVITATIONS}"' not in staff_nav
        assert 'href="/admin/"' in staff_nav and 'href="/admin/"' not in mentee_nav
        assert mentee.email in mentee_nav and mentor.email in mentor_nav and mentee.email not in mentor_nav


@pytest.mark.parametrize(
    "url, active",
    [(reverse("dashboard"), "Dashboard"), (PROGRAMS, "Programs"), (reverse("events:list"), "Events"),
     (reverse("people:profile"), "Profile"), (reverse("notifications:list"), None)],
)
def test_the_link_of_the_section_the_page_is_in_is_marked(client, url, active):
    import re

    client.force_login(enrol(cohort_of("hhs"), Role.MENTEE))

    html = client.get(url).content.decode()

    marked = re.findall(r'class="nav-link active" aria-current="page" href="[^"]*">([^<]+)<', html)
    assert marked == ([active] if active else [])
