"""Finding and inviting a mentor, as people do it: a mentee filters the AAHPM
directory, opens a mentor, invites; the mentor accepts; both see the mentorship;
a third invitation to the now-full mentor is refused with the rule on the page."""

import re

import pytest
from playwright.sync_api import expect

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from mentorship.models import Mentorship, User
from mentorship.services import mentorship_create
from programs.models import Program

from .conftest import login, shot, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def new_context_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(15_000)
    return context, context.new_page()


def test_mentee_invites_mentor_accepts_and_a_full_mentor_is_refused(browser, page, live_server, demo_data):
    program = Program.objects.get(slug="aahpm")
    mentor = User.objects.get(email="mentor1.aahpm@example.org")
    mentee = User.objects.get(email="mentee1.aahpm@example.org")
    skill = mentor.profile.skills_offered.order_by("name").first()

    # The mentee filters the directory by a skill and by "has a free place".
    login(page, live_server, mentee.email, DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Find a mentor").click()
    expect(page).to_have_url(re.compile(r"/programs/aahpm/mentors/"))
    page.get_by_text("Skills offered").click()
    page.get_by_label(skill.name, exact=True).check()
    page.get_by_label("Has a free place").check()
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"free=on"))
    results = page.locator(".list-group-item-action")
    expect(results.filter(has_text=mentor.display_name)).to_be_visible()
    shot(page, "invite-01-directory-filtered")

    results.filter(has_text=mentor.display_name).first.click()
    expect(page.get_by_text("2 of 2 places free")).to_be_visible()
    shot(page, "invite-02-mentor-profile")
    page.get_by_label("What would you like to work on?").fill("Grant writing for our hospice program, and leading a team.")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Your invitation is on its way to {mentor.display_name}")
    shot(page, "invite-03-sent")

    # The mentor accepts.
    context, mentor_page = new_context_page(browser)
    login(mentor_page, live_server, mentor.email, DEMO_PASSWORD)
    mentor_page.get_by_role("link", name=f"Answer {mentee.display_name}'s invitation", exact=False).click()
    expect(mentor_page.get_by_text("Grant writing for our hospice program")).to_be_visible()
    shot(mentor_page, "invite-04-mentor-reads")
    mentor_page.get_by_role("button", name="Accept").click()
    expect(mentor_page.get_by_role("alert")).to_contain_text(f"You are now {mentee.display_name}'s mentor")
    mentor_page.goto(url(live_server, "/dashboard/"))
    expect(mentor_page.get_by_text(f"Mentoring {mentee.display_name}")).to_be_visible()
    shot(mentor_page, "invite-05-mentor-dashboard")
    context.close()

    page.goto(url(live_server, "/dashboard/"))
    expect(page.get_by_text(f"Mentored by {mentor.display_name}")).to_be_visible()
    shot(page, "invite-06-mentee-dashboard")

    # The mentor takes a second mentee (AAHPM allows two); a third is refused.
    second = User.objects.get(email="mentee2.aahpm@example.org")
    mentorship_create(program=program, mentor=mentor, mentee=second, by=None)
    assert Mentorship.objects.filter(mentor=mentor, state="active").count() == 2

    context, third = new_context_page(browser)
    login(third, live_server, "mentee3.aahpm@example.org", DEMO_PASSWORD)
    third.goto(url(live_server, f"/programs/aahpm/mentors/{mentor.pk}/"))
    expect(third.get_by_text("0 of 2 places free")).to_be_visible()
    expect(third.get_by_role("alert")).to_contain_text(f"{mentor} already mentors 2 people, the most AAHPM allows")
    expect(third.get_by_role("button", name="Send invitation")).to_have_count(0)
    shot(third, "invite-07-full-mentor-refused")
    context.close()
