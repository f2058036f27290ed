"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test here is marked ``browser`` and uses ``live_server`` with a
transactional database (the live server runs in another thread, so the test's
data must be committed). Without /usr/bin/chromium the tests skip locally and
fail under CI=true (see the root conftest's ``require``).

Playwright's sync API runs an asyncio event loop in the test's thread, and
Django refuses ORM calls from a thread with a running loop
(SynchronousOnlyOperation). The tests only touch the ORM between browser
steps, never concurrently with it, so that guard is lifted for this package.

``playwright install`` is never needed (nor possible offline): the system
Chromium is launched through ``executable_path``.
"""

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import conftest as root_conftest  # noqa: E402  (the project's root conftest: require())

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BASE_DIR = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = BASE_DIR / "test-artifacts" / "screenshots"
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
MOBILE_VIEWPORT = {"width": 390, "height": 844}
# Generous for a first page load on a busy CI machine, short enough to fail fast.
DEFAULT_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser(django_db_setup):
    root_conftest.require(CHROMIUM.exists(), f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in requirements.txt
        root_conftest.require(False, "the playwright Python package is not installed")
    from django.db import connections

    # Django keeps a connection per thread, but while an event loop runs in the
    # thread (Playwright's, from here on) asgiref hands out a separate one per
    # context. The test database's serialized contents, which
    # serialized_rollback restores before each test, were stored on the
    # thread's connection when the database was set up: give them to the new one.
    serialized = {
        conn.alias: conn._test_serialized_contents
        for conn in connections.all()
        if getattr(conn, "_test_serialized_contents", None)
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            if not getattr(connections[alias], "_test_serialized_contents", None):
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def _new_page(browser, **context_options):
    context = browser.new_context(locale="en-US", timezone_id="America/New_York", **context_options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    return context, page


@pytest.fixture
def page(browser, live_server):
    """A desktop-sized page in a fresh browser context (no cookies shared between tests)."""
    context, page = _new_page(browser, viewport=DESKTOP_VIEWPORT)
    yield page
    context.close()


@pytest.fixture
def mobile_page(browser, live_server):
    """A phone-sized page (390×844, touch, mobile user agent)."""
    context, page = _new_page(browser, viewport=MOBILE_VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield page
    context.close()


@pytest.fixture
def demo_data(transactional_db):
    """The five programs' demo cohorts and accounts, without the demo's pairs and
    history: the journeys build their own (seed_demo is idempotent)."""
    from django.core.management import call_command

    call_command("seed_demo", quiet=True, people_only=True)


def url(live_server, path: str) -> str:
    return live_server.url + path


def login(page, live_server, email: str, password: str) -> None:
    """Sign in through allauth's login page and wait until it has redirected away."""
    page.goto(url(live_server, "/accounts/login/"))
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("form").filter(has=page.locator("#id_login")).locator("button[type=submit]").click()
    page.wait_for_url(lambda u: "/accounts/login/" not in u)


def shot(page, name: str) -> Path:
    """Save a full-page screenshot to test-artifacts/screenshots/<name>.png."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    path = SCREENSHOT_DIR / f"{safe}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
