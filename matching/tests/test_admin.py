"""The coordinator's matching screens, and that other programs' coordinators are refused."""

import pytest
from django.urls import reverse

from matching import services
from matching.models import MatchRun
from mentorship.models import Mentorship
from programs.models import Program, Role
from programs.tests.factories import CohortFactory, CoordinatorFactory

from .test_services import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def hhs():
    cohort = CohortFactory(program=Program.objects.get(slug="hhs"))
    mentee = person(cohort, Role.MENTEE, level=2, needs=["Budgeting"], platform="senior_to_junior")
    mentor = person(cohort, Role.MENTOR, level=4, skills=["Budgeting"])
    coordinator = CoordinatorFactory(program=cohort.program).user
    return cohort, mentee, mentor, coordinator


def test_coordinator_runs_reviews_and_confirms(client, hhs):
    cohort, mentee, mentor, coordinator = hhs
    client.force_login(coordinator)

    response = client.post(reverse("admin:matching_matchrun_run"), {"cohort": cohort.pk})
    run = MatchRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("admin:matching_matchrun_review", args=[run.pk])

    page = client.get(response["Location"]).content.decode()
    assert str(mentee) in page and str(mentor) in page
    assert "Offers the mentee&#x27;s one development need: Budgeting" in page
    assert "Senior-to-junior, as the mentee asked: the mentor is senior, the mentee early career" in page

    proposal = run.proposals.get()
    client.post(response["Location"], {"action": "confirm", "proposal": [proposal.pk]})
    assert Mentorship.objects.filter(mentee=mentee, mentor=mentor, state="active").exists()


def test_cohorts_offered_are_only_auto_matching_programs_in_scope(client, hhs):
    cohort, _, _, coordinator = hhs
    CohortFactory(program=Program.objects.get(slug="ky-connections"), name="KY other")
    client.force_login(coordinator)
    page = client.get(reverse("admin:matching_matchrun_run")).content.decode()
    assert str(cohort) in page
    assert "KY other" not in page


@pytest.mark.parametrize("who", ["other_coordinator", "participant", "anonymous"])
def test_other_people_are_refused(client, hhs, who):
    cohort, mentee, mentor, _ = hhs
    run = services.match_run_create(program=cohort.program, cohort=cohort, by=None)
    if who == "other_coordinator":
        client.force_login(CoordinatorFactory(program=Program.objects.get(slug="ky-connections")).user)
    elif who == "participant":
        client.force_login(mentee)
    urls = [
        reverse("admin:matching_matchrun_review", args=[run.pk]),
        reverse("admin:matching_matchrun_change", args=[run.pk]),
        reverse("admin:matching_matchrun_history", args=[run.pk]),
        reverse("admin:matching_matchproposal_change", args=[run.proposals.get().pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert str(mentor) not in response.content.decode()
    listing = client.get(reverse("admin:matching_matchrun_changelist"))
    assert str(mentee) not in listing.content.decode()
    post = client.post(reverse("admin:matching_matchrun_review", args=[run.pk]), {"action": "confirm", "proposal": [run.proposals.get().pk]})
    assert post.status_code in (302, 403, 404)
    assert not Mentorship.objects.exists()


def test_shortlist_screen_ranks_and_sends(client, hhs):
    cohort, mentee, mentor, coordinator = hhs
    client.force_login(coordinator)
    url = reverse("admin:matching_shortlist_build") + f"?program={cohort.program.pk}&mentee={mentee.pk}"
    page = client.get(url).content.decode()
    assert str(mentor) in page
    response = client.post(url, {"mentor": [mentor.pk], "note": "Start here"})
    assert response.status_code == 302
    assert mentee.shortlists.get().entries.get().mentor == mentor


def test_review_page_queries_do_not_grow_with_proposals(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def review_queries(n_pairs):
        cohort = CohortFactory(program=Program.objects.get(slug="hhs"))
        for _ in range(n_pairs):
            person(cohort, Role.MENTEE, level=2, needs=["Budgeting"], platform="senior_to_junior")
            person(cohort, Role.MENTOR, level=4, skills=["Budgeting"])
        coordinator = CoordinatorFactory(program=cohort.program).user
        run = services.match_run_create(program=cohort.program, cohort=cohort, by=coordinator)
        assert run.proposals.count() == n_pairs
        client.force_login(coordinator)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("admin:matching_matchrun_review", args=[run.pk])).status_code == 200
        return len(ctx)

    assert review_queries(2) == review_queries(12)
