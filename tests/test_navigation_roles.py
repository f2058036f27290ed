"""The navigation's roles are read with the signed-in person (mentorship/backends.py):
no query of their own, and never stale."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.tests.factories import UserFactory
from mentorship.tests.pairing import cohort_of, enrol
from programs.models import Enrollment, EnrollmentState, Role
from programs.selectors import user_with_roles

pytestmark = pytest.mark.django_db

PROGRAMS = reverse("programs:list")
FIND = reverse("mentorship:directory_index")
INVITATIONS = reverse("mentorship:invitations")


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
