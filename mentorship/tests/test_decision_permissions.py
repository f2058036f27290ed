"""The partners' answer to what the program asks near a turning point (“extend or
close” before the planned end, WTAP's “continue or end” after the initial period):
only the two partners answer, each once, with an answer that fits the question;
another participant, another program's coordinator, the program's own
coordinator (who reads the answers in the admin) and anonymous visitors are
refused and change nothing; every POST needs its CSRF token."""

import datetime
from http import HTTPStatus

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from mentorship import services
from mentorship.models import Mentorship, MentorshipDecision, MentorshipState, Notification

from .builders import at, coordinator_of, pair_in, refused

pytestmark = pytest.mark.django_db

D = datetime.date
NOW = at(2026, 12, 20, 10)  # HPMSNJ's pair, planned end 12 January, is asked from 13 December


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world():
    pair = pair_in("hpmsnj", D(2026, 1, 12), cohort_days=900, planned_end_on=D(2027, 1, 12))
    other = pair_in("hpmsnj", D(2026, 1, 12), cohort_days=900, planned_end_on=D(2027, 1, 12))
    ky = pair_in("ky-connections", D(2026, 1, 5), planned_end_on=D(2026, 12, 31))
    return {
        "pair": pair,
        "other mentee": other.mentee,
        "other mentor": other.mentor,
        "other program's coordinator": coordinator_of(ky.program),
        "same program's coordinator": coordinator_of(pair.program),
    }


def decide_url(m: Mentorship) -> str:
    return reverse("mentorships:decide", kwargs={"pk": m.pk})


def snapshot():
    return (
        list(Mentorship.objects.order_by("pk").values()),
        list(MentorshipDecision.objects.order_by("pk").values()),
    )


OUTSIDERS = ["other mentee", "other mentor", "other program's coordinator", "same program's coordinator", "anonymous"]


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("answer", ["extend", "close"])
def test_only_the_pair_answers(client, world, who, answer):
    if who != "anonymous":
        client.force_login(world[who])
    before = snapshot()
    response = client.post(decide_url(world["pair"]), {"answer": answer})
    if who == "anonymous":
        assert response.status_code == HTTPStatus.FOUND and response.url.startswith("/accounts/login/")
    else:
        assert response.status_code == HTTPStatus.NOT_FOUND
    assert snapshot() == before


def test_the_answer_needs_its_csrf_token_and_a_post(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["pair"].mentee)
    before = snapshot()
    assert client.post(decide_url(world["pair"]), {"answer": "extend"}).status_code == HTTPStatus.FORBIDDEN
    assert client.get(decide_url(world["pair"])).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert snapshot() == before


def test_the_partners_page_asks_and_the_mentee_extends(client, world):
    pair = world["pair"]
    client.force_login(pair.mentee)
    page = client.get(pair.get_absolute_url()).content.decode()
    assert 'id="decision"' in page and "Extend by 12 months" in page and decide_url(pair) in page
    assert "csrfmiddlewaretoken" in page
    response = client.post(decide_url(pair), {"answer": "extend"}, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "The mentorship is extended" in response.content.decode()
    pair.refresh_from_db()
    assert (pair.planned_end_on, pair.extended_count) == (D(2028, 1, 12), 1)
    assert Notification.objects.filter(user=pair.mentor, subject__contains="extended your mentorship").exists()
    # The new end is more than 30 days away: nothing is asked now.
    assert 'id="decision"' not in client.get(pair.get_absolute_url()).content.decode()


def test_the_coordinator_reads_the_answers_but_is_not_asked(client, world):
    pair = world["pair"]
    services.mentorship_decide(mentorship=pair, by=pair.mentor, answer="close")
    client.force_login(world["same program's coordinator"])
    page = client.get(pair.get_absolute_url()).content.decode()
    assert 'id="decision"' not in page and "Answers recorded" in page and "Close at the planned end" in page
    admin = client.get(reverse("admin:mentorship_mentorship_change", args=[pair.pk])).content.decode()
    assert "Close at the planned end" in admin


def test_an_answer_that_does_not_fit_the_question_is_refused_on_the_page(client, world):
    pair = world["pair"]
    client.force_login(pair.mentor)
    before = snapshot()
    response = client.post(decide_url(pair), {"answer": "continue"})
    assert response.status_code == HTTPStatus.OK
    assert "Choose one of the answers offered: extend, close at the planned end." in response.content.decode()
    assert snapshot() == before


def test_each_partner_answers_once(world):
    pair = world["pair"]
    services.mentorship_decide(mentorship=pair, by=pair.mentor, answer="close")
    with refused(services.ALREADY_ANSWERED.format(answer="close at the planned end")):
        services.mentorship_decide(mentorship=pair, by=pair.mentor, answer="extend")


def test_nothing_is_asked_before_the_ask_days_or_of_an_ended_pair(world):
    early = pair_in("hpmsnj", D(2026, 6, 1), cohort_days=900, planned_end_on=D(2027, 6, 1))
    with refused(services.NOTHING_TO_ANSWER):
        services.mentorship_decide(mentorship=early, by=early.mentee, answer="extend")
    ended = pair_in("hpmsnj", D(2026, 1, 12), cohort_days=900, planned_end_on=D(2027, 1, 12), ended=True)
    with refused(services.MENTORSHIP_NOT_ACTIVE):
        services.mentorship_decide(mentorship=ended, by=ended.mentee, answer="extend")


def test_both_closing_ends_the_pair_at_the_planned_end_not_after_the_grace(world):
    pair = world["pair"]

    def ends(day):
        return pair.pk in [m.pk for m in services.mentorships_end_due(today=day, dry_run=True)]

    assert not ends(D(2027, 1, 12)) and ends(D(2027, 1, 26))  # unanswered: 14 days' grace
    services.mentorship_decide(mentorship=pair, by=pair.mentor, answer="close")
    assert not ends(D(2027, 1, 12))  # one partner alone does not close it sooner
    services.mentorship_decide(mentorship=pair, by=pair.mentee, answer="close")
    assert not ends(D(2027, 1, 11))
    assert pair.pk in [m.pk for m in services.mentorships_end_due(today=D(2027, 1, 12))]
    pair.refresh_from_db()
    assert (pair.state, pair.ended_on, pair.ended_by) == (MentorshipState.COMPLETED, D(2027, 1, 12), None)


def test_wtap_both_choosing_to_end_ends_the_pair_and_a_split_tells_the_coordinator():
    with time_machine.travel(at(2026, 7, 20, 10), tick=False):
        agreed = pair_in("wtap", D(2026, 1, 12), cohort_days=1500, planned_end_on=D(2029, 1, 12))
        services.mentorship_decide(mentorship=agreed, by=agreed.mentor, answer="end")
        services.mentorship_decide(mentorship=agreed, by=agreed.mentee, answer="end")
        agreed.refresh_from_db()
        assert agreed.state == MentorshipState.COMPLETED and agreed.end_reason == services.BOTH_CHOSE_TO_END

        split = pair_in("wtap", D(2026, 1, 12), cohort_days=1500, planned_end_on=D(2029, 1, 12))
        coordinator = coordinator_of(split.program)
        services.mentorship_decide(mentorship=split, by=split.mentor, answer="continue")
        services.mentorship_decide(mentorship=split, by=split.mentee, answer="end")
        split.refresh_from_db()
        assert split.state == MentorshipState.ACTIVE
        assert Notification.objects.filter(user=coordinator, subject__contains="disagrees").exists()
        with refused(services.NOTHING_TO_ANSWER):  # both answered: the question is closed
            services.mentorship_decide(mentorship=split, by=split.mentor, answer="end")
