"""AC-11/AC-12 in the browser: the warning before the idle sign-out, "Stay
signed in", and what was typed kept across the sign-out and the sign-in after it.
Screenshots: test-artifacts/screenshots/session-timeout-*.png."""

import pytest
from playwright.sync_api import expect

from mentorship.tests.factories import PASSWORD, UserFactory

from .conftest import login, shot, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def short_session(settings):
    # The live server runs in this process, so the settings hold for it too.
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 8
    settings.SESSION_IDLE_WARNING_SECONDS = 5


def test_the_warning_comes_before_the_sign_out_and_stay_signed_in_keeps_the_session(page, live_server, short_session):
    person = UserFactory()
    login(page, live_server, person.email, PASSWORD)
    page.goto(url(live_server, "/profile/"))
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible(timeout=8000)
    expect(dialog).to_contain_text("you will be signed out in")
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    shot(page, "session-timeout-warning")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(4000)
    # Past the first deadline, still signed in: "Stay signed in" started the period again.
    page.goto(url(live_server, "/profile/"))
    assert "/accounts/login/" not in page.url


def test_what_was_typed_is_kept_across_the_sign_out_and_back(page, live_server, short_session):
    person = UserFactory()
    login(page, live_server, person.email, PASSWORD)
    page.goto(url(live_server, "/profile/"))
    page.fill("#id_headline", "Typed just before walking away")
    page.wait_for_url(lambda u: "/accounts/login/" in u, timeout=20000)
    expect(page.get_by_text("signed out after")).to_be_visible()
    shot(page, "session-timeout-signed-out")
    page.fill("#id_login", person.email)
    page.fill("#id_password", PASSWORD)
    page.locator("form").filter(has=page.locator("#id_login")).locator("button[type=submit]").click()
    page.wait_for_url(lambda u: u.endswith("/profile/"))
    expect(page.locator("#id_headline")).to_have_value("Typed just before walking away")
    expect(page.get_by_role("status").filter(has_text="We kept what you typed")).to_be_visible()
    shot(page, "session-timeout-draft-restored")
