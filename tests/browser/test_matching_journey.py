"""Auto-matching as a coordinator does it: run, review the reasons, confirm some;
the pairs appear on both participants' dashboards."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentorship.management.commands.seed_demo import DEMO_PASSWORD
from mentorship.models import Mentorship

from .conftest import login, shot, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_coordinator_auto_matches_the_hhs_cohort(browser, page, live_server, demo_data):
    login(page, live_server, "coordinator.hhs@example.org", DEMO_PASSWORD)
    page.goto(url(live_server, "/admin/matching/matchrun/"))
    page.get_by_role("link", name="Run auto-matching").click()
    shot(page, "matching-01-run")
    # This year's intake (the roll-forward also makes next year's, empty as yet).
    year = timezone.localdate().year
    this_year = re.compile(rf"^HHS {year}–{year + 1}")
    hhs_option = page.locator("#id_cohort option", has_text=this_year).first.get_attribute("value")
    page.select_option("#id_cohort", value=hhs_option)
    page.get_by_role("button", name="Propose pairs").click()

    expect(page.locator(".messagelist")).to_contain_text("Review and confirm below")
    rows = page.locator("table.proposals tbody tr")
    expect(rows.first).to_contain_text("%")
    expect(page.locator("ul.reasons").first).to_contain_text(re.compile(r"Offers .*the mentee's .*development need"))
    count = rows.count()
    assert count >= 2
    shot(page, "matching-02-review")

    # Confirm all but the last proposal; reject the last.
    boxes = page.locator("table.proposals input[name=proposal]")
    boxes.nth(count - 1).uncheck()
    page.get_by_role("button", name="Confirm selected").click()
    expect(page.locator(".messagelist")).to_contain_text(f"Confirmed {count - 1} pair(s)")
    shot(page, "matching-03-confirmed")

    pair = Mentorship.objects.select_related("mentor", "mentee").filter(origin="auto_match").first()
    assert Mentorship.objects.filter(origin="auto_match").count() == count - 1

    for person, text in ((pair.mentee, f"Mentored by {pair.mentor.display_name}"), (pair.mentor, f"Mentoring {pair.mentee.display_name}")):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        other = context.new_page()
        login(other, live_server, person.email, DEMO_PASSWORD)
        expect(other.get_by_text(text)).to_be_visible()
        shot(other, f"matching-04-dashboard-{person.email.split('@')[0]}")
        context.close()
