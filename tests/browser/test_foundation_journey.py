"""The foundation, as a person uses it in a real browser.

A demo mentee signs in, reads AAHPM's rules and edits their profile; a new
person applies to KY Connections; the KY sponsor opens the admin and finds the
applications waiting; and on a phone the navigation collapses behind a toggler.
Each page visited is saved under test-artifacts/screenshots/.
"""

import re

import pytest
from playwright.sync_api import expect

from mentorship.management.commands.seed_demo import DEMO_PASSWORD

from .conftest import login, shot, url

# serialized_rollback: the five programs are created by a data migration, and a
# transactional test flushes the database afterwards; this restores them first.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MENTEE = "mentee1.aahpm@example.org"
KY_SPONSOR = "coordinator.ky@example.org"


def test_mentee_signs_in_reads_the_rules_and_edits_the_profile(page, live_server, demo_data):
    page.goto(url(live_server, "/accounts/login/"))
    shot(page, "01-login")

    login(page, live_server, MENTEE, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    expect(page.get_by_role("link", name=re.compile(r"^AAHPM "))).to_be_visible()  # their cohort
    shot(page, "02-dashboard")

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Programs").click()
    expect(page).to_have_url(re.compile(r"/programs/$"))
    expect(page.get_by_role("heading", name="Programs")).to_be_visible()
    shot(page, "03-program-list")

    page.get_by_role("link", name="AAHPM Mentor Match").click()
    expect(page).to_have_url(re.compile(r"/programs/aahpm/$"))
    rules = page.locator("dl.rules")
    per_mentor = rules.locator("dt", has_text="Mentees per mentor at a time")
    expect(per_mentor).to_be_visible()
    expect(per_mentor.locator("xpath=following-sibling::dd[1]")).to_have_text("2")
    expect(rules.get_by_text("Give 48 hours' notice")).to_be_visible()
    shot(page, "04-program-aahpm")

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Profile").click()
    expect(page).to_have_url(re.compile(r"/profile/$"))
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    shot(page, "05-profile")

    headline = "Palliative care fellow, keen on hospice operations"
    page.fill("#id_headline", headline)
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("alert")).to_contain_text("Your profile is saved.")
    expect(page.locator("#id_headline")).to_have_value(headline)
    shot(page, "06-profile-saved")

    from mentorship.models import Profile

    assert Profile.objects.get(user__email=MENTEE).headline == headline


def test_ky_applicant_applies_and_the_sponsor_sees_the_application(browser, page, live_server, demo_data):
    from mentorship.tests.factories import UserFactory
    from programs.models import Enrollment, EnrollmentState

    UserFactory(email="kim.applicant@example.org", first_name="Kim", last_name="Applicant", password=DEMO_PASSWORD)

    login(page, live_server, "kim.applicant@example.org", DEMO_PASSWORD)
    page.goto(url(live_server, "/programs/ky-connections/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Connections")
    shot(page, "07-program-ky")

    # From 1 November next year's window is open too; the first is this year's.
    page.get_by_role("link", name="Apply as mentee").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Apply as a mentee")
    shot(page, "08-ky-apply-empty")

    # The sponsors match on these four; leaving them out is refused, nothing typed is lost.
    page.fill("#id_needs", "Confidence presenting to the cabinet")
    page.get_by_role("button", name="Send application").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page.locator("#id_needs")).to_have_value("Confidence presenting to the cabinet")
    shot(page, "09-ky-apply-errors")

    page.fill("#id_challenges", "First time supervising a team of five")
    page.fill("#id_strengths", "Organised; good with data")
    page.fill("#id_areas_for_improvement", "Delegation and public speaking")
    page.get_by_role("button", name="Send application").click()
    expect(page).to_have_url(re.compile(r"/programs/ky-connections/$"))
    expect(page.get_by_role("alert")).to_contain_text("is with the Connections Sponsors")
    expect(page.get_by_text("Applied", exact=True)).to_be_visible()
    shot(page, "10-ky-applied")

    enrollment = Enrollment.objects.get(user__email="kim.applicant@example.org")
    assert enrollment.state == EnrollmentState.APPLIED
    assert enrollment.challenges == "First time supervising a team of five"

    # The sponsor, in a separate browser context: the admin sends them through allauth's login.
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    sponsor = context.new_page()
    try:
        sponsor.goto(url(live_server, "/admin/"))
        expect(sponsor).to_have_url(re.compile(r"/accounts/login/"))
        sponsor.fill("#id_login", KY_SPONSOR)
        sponsor.fill("#id_password", DEMO_PASSWORD)
        sponsor.locator("form").filter(has=sponsor.locator("#id_login")).locator("button[type=submit]").click()
        expect(sponsor).to_have_url(re.compile(r"/admin/$"))
        expect(sponsor.locator("#site-name")).to_contain_text("Mentoring programs")
        shot(sponsor, "11-admin-index-ky")

        sponsor.get_by_role("link", name="Enrollments", exact=True).first.click()
        expect(sponsor).to_have_url(re.compile(r"/admin/programs/enrollment/"))
        sponsor.get_by_role("link", name="Applied", exact=True).click()
        expect(sponsor).to_have_url(re.compile(r"state__exact=applied"))
        rows = sponsor.locator("#result_list tbody tr")
        expect(rows).to_have_count(3)  # the two demo applicants and Kim
        expect(rows.filter(has_text="Kim Applicant")).to_have_count(1)
        expect(rows.filter(has_text="Applicant 1")).to_have_count(1)
        shot(sponsor, "12-admin-enrollments-applied")
    finally:
        context.close()


def test_navbar_collapses_on_a_phone(mobile_page, live_server, demo_data):
    page = mobile_page
    login(page, live_server, MENTEE, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    toggler = page.locator(".navbar-toggler")
    nav_programs = page.locator("#nav").get_by_role("link", name="Programs")
    expect(toggler).to_be_visible()
    expect(nav_programs).to_be_hidden()
    shot(page, "13-mobile-dashboard")

    toggler.click()
    # Bootstrap swaps .collapsing for .show when the slide-down has finished.
    expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))
    expect(nav_programs).to_be_visible()
    shot(page, "14-mobile-dashboard-menu-open")

    # Nothing wider than the screen: no sideways scrolling on a phone.
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390, f"page is {scroll_width}px wide on a 390px screen"
