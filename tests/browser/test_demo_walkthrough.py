"""The README's "Try it in five minutes", clicked through as its reader would,
on the full demo (seed_demo with its pairs and history, dated from today).

Each test is one role's paragraph of the walkthrough, in the README's order;
a step that changes here changes there. Screenshots go to
test-artifacts/screenshots/walkthrough-*.png.
"""

import re

import pytest
from playwright.sync_api import expect

from mentorship.management.commands.seed_demo import DEMO_PASSWORD

from .conftest import login, shot, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def living_demo(transactional_db):
    from django.core.management import call_command

    call_command("seed_demo", quiet=True)


def nav(page, name: str) -> None:
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name=name).click()


def test_a_mentee_sees_the_pair_goals_and_meetings(page, live_server, living_demo):
    login(page, live_server, "mentee1.aahpm@example.org", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    pair = page.get_by_role("link", name=re.compile(r"^Mentored by "))
    expect(pair.first).to_be_visible()
    shot(page, "walkthrough-01-mentee-dashboard")

    pair.first.click()
    expect(page).to_have_url(re.compile(r"/mentorships/\d+/$"))
    goals = page.locator("#goals")
    expect(goals).to_contain_text("3 goals")
    expect(goals).to_contain_text("Shared with the mentor on")
    shot(page, "walkthrough-02-mentee-mentorship")

    goals.get_by_role("link", name=re.compile(r"^Open your ")).click()
    expect(page.get_by_text("Draft a service-line budget").first).to_be_visible()
    shot(page, "walkthrough-03-mentee-goals")

    nav(page, "Find a mentor")
    expect(page.get_by_role("heading", name="Mentors in AAHPM Mentor Match")).to_be_visible()
    expect(page.get_by_text("0 of 2 places free")).to_have_count(1)  # their own mentor, at capacity
    shot(page, "walkthrough-03b-find-a-mentor")


def test_a_mentor_at_capacity_sees_both_mentees(page, live_server, living_demo):
    login(page, live_server, "mentor1.aahpm@example.org", DEMO_PASSWORD)
    expect(page.get_by_role("link", name=re.compile(r"^Mentoring "))).to_have_count(2)
    shot(page, "walkthrough-04-mentor-dashboard")


def test_a_mentor_has_an_invitation_waiting(page, live_server, living_demo):
    login(page, live_server, "mentor4.aahpm@example.org", DEMO_PASSWORD)
    nav(page, "Invitations")
    expect(page.locator("main, #content").first).to_contain_text(re.compile("pending", re.I))


def test_an_hhs_mentee_one_month_in_is_refused_an_early_end_with_the_rule(page, live_server, living_demo):
    login(page, live_server, "mentee2.hhs@example.org", DEMO_PASSWORD)
    page.get_by_role("link", name=re.compile(r"^Mentored by ")).first.click()
    end = page.locator("#end")
    expect(end).to_contain_text("only after 3 months")
    end.get_by_label("End it early").check()  # nothing is chosen for them
    end.get_by_label("Reason").fill("We would like to try another pairing.")
    end.get_by_role("button", name="End mentorship").click()
    expect(page.get_by_role("alert").filter(has_text="3 months")).to_be_visible()
    # Said once: the refusal is not repeated under the alert.
    expect(page.locator("#end").get_by_text("lets either partner end a mentorship only after 3 months")).to_have_count(1)
    shot(page, "walkthrough-05-early-end-refused")


def test_an_hpmsnj_mentee_sees_the_next_events(page, live_server, living_demo):
    login(page, live_server, "mentee1.hpmsnj@example.org", DEMO_PASSWORD)
    nav(page, "Events")
    expect(page).to_have_url(re.compile(r"/events/$"))
    expect(page.get_by_text("No upcoming events in your programs.")).to_have_count(0)
    expect(page.locator(".list-group-item").first).to_be_visible()
    shot(page, "walkthrough-06-events")


def test_a_ky_mentee_sees_next_months_event(page, live_server, living_demo):
    login(page, live_server, "mentee1.ky@example.org", DEMO_PASSWORD)
    nav(page, "Events")
    expect(page.locator(".list-group-item").filter(has_text="KY").first).to_be_visible()


def test_the_hhs_coordinator_reviews_the_match_runs_proposals(page, live_server, living_demo):
    login(page, live_server, "coordinator.hhs@example.org", DEMO_PASSWORD)
    page.goto(url(live_server, "/admin/"))
    expect(page.get_by_text("HHS").first).to_be_visible()
    shot(page, "walkthrough-07-coordinator-admin-home")
    page.get_by_role("link", name="Match runs").first.click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list tbody tr td.field-proposals_open")).to_have_text("1")
    page.locator("#result_list").get_by_role("link", name="Review", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/matching/matchrun/\d+/review/$"))
    expect(page.locator("#content")).to_contain_text("Proposals (1)")
    page.goto(url(live_server, "/admin/"))
    page.get_by_role("link", name="Shortlists").first.click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("Coordinator HHS")
    shot(page, "walkthrough-08-match-run")


def test_the_ky_sponsor_finds_applications_waiting(page, live_server, living_demo):
    login(page, live_server, "coordinator.ky@example.org", DEMO_PASSWORD)
    page.goto(url(live_server, "/admin/"))
    page.get_by_role("link", name="Enrollments").first.click()
    page.locator("#changelist-filter").get_by_role("link", name="Applied", exact=True).click()
    expect(page.locator("#result_list")).to_contain_text("Applicant 1")
    expect(page.locator("#result_list")).to_contain_text("Applicant 2")
    shot(page, "walkthrough-09-ky-applications")

    page.goto(url(live_server, "/admin/"))
    page.get_by_role("link", name="Match runs").first.click()
    page.locator("#result_list").get_by_role("link", name="Review", exact=True).first.click()
    expect(page.locator("#content")).to_contain_text(re.compile("unmatched", re.I))

    page.goto(url(live_server, "/notifications/"))
    expect(page.locator("body")).to_contain_text(re.compile("not a good fit|attention", re.I))
