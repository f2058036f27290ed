"""Security review, kept as tests (issue 8).

- IDOR: every URL pattern of the site and the admin, walked from the URL
  resolver with its path parameters filled with someone else's objects, as a
  participant of another program, a participant of the same program, a
  coordinator of another program and an anonymous visitor: never a 500, never
  a 200 carrying the victims' data (canary strings), never a redirect handing
  out someone's secret link; POSTs change none of the victims' data.
- CSRF: every URL refuses a POST without its token (Client(enforce_csrf_checks=True)),
  except the one-click unsubscribe that RFC 8058 requires to work without one.
- Fuzzing: the site's forms, read from the pages themselves, posted through
  the real views with hostile values (hypothesis): never a 500, nothing stored
  when the form is refused.
- The login rate limit holds through the proxy configuration; cookies are
  Secure and HttpOnly in production.
"""

from __future__ import annotations

import datetime
import html.parser
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django.utils.http import int_to_base36

from mentorship import selectors, services
from mentorship.models import (
    Agreement,
    CalendarFeedToken,
    Goal,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingPrivateNote,
    MeetingStatus,
    Mentorship,
    MentorshipDecision,
    Notification,
    Profile,
    User,
)
from mentorship.services.notifications import unsubscribe_token
from mentorship.tests.factories import PASSWORD, UserFactory
from mentorship.tests.builders import cohort_of, coordinator_of, mentee_in, mentor_in, pair
from programs.models import Cohort, Enrollment, Event, EventAttendance, EventKind, Program
from surveys.models import Answer, Question, QuestionKind, Survey, SurveyInvitation
from surveys.tests.factories import invitation_for

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent

# What only the victims (an AAHPM pair, and a mentee who invited the mentor)
# and their program may see. PRIVATE: the pair's own words, which not even a
# participant of the same program may read. IDENTITY: who they are, which a
# participant of the same program may see in the directory, nobody else.
PRIVATE = (
    "CANARY-SHARED-NOTE",
    "CANARY-PRIVATE-NOTE",
    "CANARY-GOAL",
    "CANARY-PROGRESS",
    "CANARY-TERMS",
    "CANARY-INVITE-MESSAGE",
    "CANARY-NOTIFICATION",
    "CANARY-MOTIVATION",
    "CANARY-ANSWER",
    "CANARY-LOCATION",
)
IDENTITY = (
    "Canarymentor",
    "Canarymentee",
    "Canaryinviter",
    "canary-victim.test",
    "CANARY-HEADLINE",
    "CANARY-EVENT",
)


class World:
    """The victims' data, made through the services, and the people who look at it."""

    def __init__(self):
        now = timezone.now()
        cohort = cohort_of("aahpm")
        self.program = cohort.program
        self.cohort = cohort
        self.mentor = mentor_in(
            cohort, UserFactory(first_name="Canarymentor", last_name="Victim", email="mentor@canary-victim.test")
        )
        self.mentee = mentee_in(
            cohort, UserFactory(first_name="Canarymentee", last_name="Victim", email="mentee@canary-victim.test")
        )
        self.inviter = mentee_in(
            cohort, UserFactory(first_name="Canaryinviter", last_name="Victim", email="inviter@canary-victim.test")
        )
        Profile.objects.filter(user__in=[self.mentor, self.mentee, self.inviter]).update(
            headline="CANARY-HEADLINE", bio="CANARY-HEADLINE"
        )
        self.enrollment = Enrollment.objects.get(user=self.mentee, cohort=cohort)
        Enrollment.objects.filter(cohort=cohort).update(motivation="CANARY-MOTIVATION")
        self.pair = pair(cohort, self.mentor, self.mentee)
        self.invitation = services.invitation_send(
            mentee=self.inviter, mentor=self.mentor, program=self.program, message="CANARY-INVITE-MESSAGE"
        )
        self.held = Meeting.objects.create(
            mentorship=self.pair,
            kind=MeetingKind.DISCOVERY,
            status=MeetingStatus.HELD,
            starts_at=now - datetime.timedelta(days=3),
            duration_minutes=50,
            location="CANARY-LOCATION",
            shared_notes="CANARY-SHARED-NOTE",
            uid=services.new_meeting_uid(),
            created_by=self.mentor,
        )
        MeetingPrivateNote.objects.create(meeting=self.held, author=self.mentor, text="CANARY-PRIVATE-NOTE")
        self.upcoming = Meeting.objects.create(
            mentorship=self.pair,
            status=MeetingStatus.SCHEDULED,
            starts_at=now + datetime.timedelta(days=10),
            duration_minutes=60,
            location="CANARY-LOCATION",
            uid=services.new_meeting_uid(),
            created_by=self.mentee,
        )
        self.goal = services.goals.goal_create(
            mentorship=self.pair, by=self.mentee, title="CANARY-GOAL", progress_notes="CANARY-PROGRESS"
        )
        services.goals.goals_share(mentorship=self.pair, by=self.mentee)
        self.agreement = services.agreements.agreement_save(
            mentorship=self.pair,
            by=self.mentor,
            terms={**selectors.agreements.agreement_defaults(mentorship=self.pair), "feedback": "CANARY-TERMS"},
        )
        self.event = Event.objects.create(
            program=self.program,
            cohort=cohort,
            kind=EventKind.WORKSHOP,
            title="CANARY-EVENT",
            starts_at=now + datetime.timedelta(days=5),
            ends_at=now + datetime.timedelta(days=5, hours=2),
            location="CANARY-EVENT",
        )
        EventAttendance.objects.create(event=self.event, user=self.mentee, rsvp="yes", rsvp_at=now)
        survey = self.program.surveys.filter(active=True).first()
        self.survey_invitation = invitation_for(survey, self.pair, role="mentee")
        question = survey.questions.filter(kind=QuestionKind.TEXT).first() or Question.objects.create(
            survey=survey, order=99, text="Anything else?", kind=QuestionKind.TEXT
        )
        Answer.objects.create(invitation=self.survey_invitation, question=question, text="CANARY-ANSWER")
        self.notification = Notification.objects.create(
            user=self.mentee, subject="CANARY-NOTIFICATION", body="CANARY-NOTIFICATION", url="/"
        )
        self.feed = CalendarFeedToken.objects.create(user=self.mentee, token="canary-feed-" + "s" * 40)
        self.victims = [self.mentor, self.mentee, self.inviter]
        # Links that are themselves the credential: handing one out is a leak.
        self.secrets = [
            self.survey_invitation.token,
            self.feed.token,
            unsubscribe_token(self.mentee.pk),
            unsubscribe_token(self.mentor.pk),
        ]

        # The people looking. A participant of KY with a pair of their own.
        ky = cohort_of("ky-connections")
        self.outsider = mentee_in(ky)
        self.outsider_pair = pair(ky, mentor_in(ky), self.outsider)
        # A participant of the same program (AAHPM), with no relationship to the victims.
        self.neighbour = mentee_in(cohort)
        # KY's coordinator (staff, in the admin).
        self.coordinator = coordinator_of(ky.program)

    def snapshot(self) -> dict:
        """The victims' rows as they were made: a request from someone else must change
        or delete none of them (new invitations to the mentor are fine: that is the directory)."""
        victim_ids = [u.pk for u in self.victims]
        return {
            "users": list(User.objects.filter(pk__in=victim_ids).order_by("pk").values()),
            "profiles": list(Profile.objects.filter(user_id__in=victim_ids).order_by("pk").values()),
            "enrollments": list(Enrollment.objects.filter(user_id__in=victim_ids).order_by("pk").values()),
            "program": list(Program.objects.filter(pk=self.program.pk).values()),
            "cohort": list(Cohort.objects.filter(pk=self.cohort.pk).values()),
            "surveys": list(Survey.objects.filter(program=self.program).order_by("pk").values()),
            "invitation": list(Invitation.objects.filter(pk=self.invitation.pk).values()),
            "mentorship": list(Mentorship.objects.filter(pk=self.pair.pk).values()),
            "decisions": list(MentorshipDecision.objects.filter(mentorship=self.pair).order_by("pk").values()),
            "meetings": list(Meeting.objects.filter(mentorship=self.pair).order_by("pk").values()),
            "notes": list(MeetingPrivateNote.objects.filter(meeting__mentorship=self.pair).order_by("pk").values()),
            "goals": list(Goal.objects.filter(mentorship=self.pair).order_by("pk").values()),
            "agreement": list(Agreement.objects.filter(mentorship=self.pair).values()),
            "event": list(Event.objects.filter(pk=self.event.pk).values()),
            "attendance": list(EventAttendance.objects.filter(user_id__in=victim_ids).order_by("pk").values()),
            "notification": list(Notification.objects.filter(pk=self.notification.pk).values()),
            "survey invitation": list(SurveyInvitation.objects.filter(pk=self.survey_invitation.pk).values()),
            "answers": list(Answer.objects.filter(invitation=self.survey_invitation).order_by("pk").values()),
            "feeds": list(CalendarFeedToken.objects.filter(user_id__in=victim_ids).values()),
        }


@pytest.fixture
def world():
    return World()


# ---------------------------------------------------------------------------
# Walking the URL resolver
# ---------------------------------------------------------------------------

ROUTE_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\((?:\?P<(?P<name>\w+)>)?[^()]*\)")


def url_patterns(resolver: URLResolver | None = None, parts: tuple = (), namespace: str = ""):
    """Every endpoint as (the chain of patterns leading to it, its namespaced name)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, parts + (entry.pattern,), ns)
        elif isinstance(entry, URLPattern):
            yield parts + (entry.pattern,), f"{namespace}{entry.name}" if entry.name else None


def build_path(parts, values: dict, positional: list) -> str:
    """The path a chain of route/regex patterns gives with these parameter values."""
    positional = list(positional)
    path = ""
    for pattern in parts:
        text = str(pattern)
        if isinstance(pattern, RoutePattern):
            text = ROUTE_PARAM.sub(lambda m: str(values[m.group("name")]), text)
        else:  # RegexPattern
            text = text.removeprefix("^").removesuffix("$")
            text = REGEX_GROUP.sub(
                lambda m: str(values[m.group("name")] if m.group("name") else positional.pop(0)), text
            )
            text = re.sub(r"\\(.)", r"\1", text)
        path += text
    return "/" + path


def parameters(parts) -> tuple[list[str], int]:
    names, unnamed = [], 0
    for pattern in parts:
        text = str(pattern)
        if isinstance(pattern, RoutePattern):
            names += [m.group("name") for m in ROUTE_PARAM.finditer(text)]
        else:
            for m in REGEX_GROUP.finditer(text):
                if m.group("name"):
                    names.append(m.group("name"))
                else:
                    unnamed += 1
    return names, unnamed


def _tampered(token: str) -> str:
    return token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")


FALLBACK = {"path": "no-such-file.png", "token": "forged", "key": "forged", "slug": "aahpm"}


def site_values(w: World, name: str) -> dict:
    """Someone else's objects for the site's URLs, by URL name."""
    pair_pk = w.pair.pk
    table = {
        "programs:withdraw": {"pk": w.enrollment.pk},
        "programs:detail": {"slug": w.program.slug},
        "programs:enroll": {"slug": w.program.slug, "cohort_pk": w.cohort.pk, "role": "mentee"},
        "events:detail": {"pk": w.event.pk},
        "events:rsvp": {"pk": w.event.pk},
        "events:ics": {"pk": w.event.pk},
        # Capability links: a forged or tampered one must open nothing.
        "surveys:respond": {"token": _tampered(w.survey_invitation.token)},
        "notifications:unsubscribe": {"token": _tampered(unsubscribe_token(w.mentee.pk))},
        "calendar:feed": {"token": "canary-feed-" + "t" * 40},
        "people:detail": {"pk": w.mentee.pk},
        "people:photo": {"pk": w.mentee.pk},
        "directory:list": {"slug": w.program.slug},
        "directory:mentor": {"slug": w.program.slug, "pk": w.mentor.pk},
        "directory:invite": {"slug": w.program.slug, "pk": w.mentor.pk},
        "account_confirm_email": {"key": "MQ:1tFake:forged-key"},
        "account_reset_password_from_key": {"uidb36": int_to_base36(w.mentee.pk), "key": "set-password"},
    }
    if name in table:
        return table[name]
    if name.startswith("invitations:detail"):
        return {"pk": w.invitation.pk}
    if name.startswith("meetings:detail") and name not in ("meetings:list", "meetings:new"):
        return {"pk": w.held.pk}
    if name in ("goals:edit", "goals:delete"):
        return {"pk": w.goal.pk}
    # mentorships/<pk>/… (the pair's page, meetings, goals, agreement)
    return {"pk": pair_pk, "slug": w.program.slug, "token": "forged"}


def victim_object(w: World, model, request) -> object | None:
    """An object of `model` the KY coordinator's admin must not show: outside their scope."""
    model_admin = admin.site._registry[model]
    visible = model_admin.get_queryset(request).values("pk")
    hidden = model._default_manager.exclude(pk__in=visible)
    field_names = {f.name for f in model._meta.get_fields()}
    if "user" in field_names:
        hidden = hidden.filter(user__in=w.victims) or hidden
    return hidden.order_by("pk").first()


def admin_request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def admin_values(w: World, name: str | None, names: list[str], unnamed: int, request) -> tuple[dict, list]:
    label = (name or "").removeprefix("admin:")
    values, positional = {}, []
    if label in ("view_on_site", "admin_view_on_site_in_scope"):
        # The admin's "view on site" redirect must not hand a survey link to another coordinator.
        ct = ContentType.objects.get_for_model(SurveyInvitation)
        return {"content_type_id": ct.pk, "object_id": w.survey_invitation.pk}, []
    if label == "auth_user_password_change":
        return {"id": w.mentee.pk}, []
    model = None
    for candidate in admin.site._registry:
        if label.startswith(f"{candidate._meta.app_label}_{candidate._meta.model_name}_"):
            model = candidate
    if model is None and "object_id" in names:
        return None, None  # admin:None, the "<object_id>/" redirect: walked with the model below
    obj = victim_object(w, model, request) if model else None
    object_id = obj.pk if obj is not None else 999_999
    for param in names:
        if param == "object_id" or param == "pk":
            values[param] = object_id
        elif param == "app_label":
            values[param] = "mentorship"
        elif param == "url":
            values[param] = "no-such-page/"
        else:
            values[param] = 1
    if unnamed:
        version = None
        if obj is not None and hasattr(obj, "history"):
            version = obj.history.order_by("history_id").values_list("history_id", flat=True).first()
        positional = [object_id, version or 1][:unnamed]
    return values, positional


def walk(w: World):
    """(name, path) for every URL pattern, filled with the victims' objects."""
    request = admin_request(w.coordinator)
    seen = set()
    for parts, name in url_patterns():
        names, unnamed = parameters(parts)
        if str(parts[0]).startswith("admin/"):
            values, positional = admin_values(w, name, names, unnamed, request)
            if values is None:
                # The bare "<object_id>/" of each model: the same object as its change page.
                prefix = "".join(str(p) for p in parts[:-1])
                for model in admin.site._registry:
                    if prefix == f"admin/{model._meta.app_label}/{model._meta.model_name}/":
                        obj = victim_object(w, model, request)
                        values, positional = {"object_id": obj.pk if obj else 999_999}, []
                if values is None:
                    values, positional = {"object_id": 999_999}, []
        else:
            values, positional = site_values(w, name or ""), []
        # Parameters no table names (the media files DEBUG serves, a URL added later): still walked.
        for param in names:
            values.setdefault(param, FALLBACK.get(param, "1"))
        try:
            path = build_path(parts, values, positional)
        except (KeyError, IndexError) as error:  # pragma: no cover - a new parameter name
            raise AssertionError(f"cannot fill {name} {parts}: {error!r}; add it to site_values/admin_values")
        if path not in seen:
            seen.add(path)
            yield name, path


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", "replace")


def leaks(response, canaries, secrets) -> list[str]:
    found = []
    location = response.get("Location", "")
    for secret in secrets:
        if secret in location:
            found.append(f"redirects to a secret link ({location[:80]}…)")
    if response.status_code == 200:
        content = body_of(response)
        found += [f"shows {c}" for c in canaries if c in content]
        found += [f"shows the secret link {s[:20]}…" for s in secrets if s in content]
    return found


PERSONAS = {
    # who: (the user, the canaries they must never see)
    "participant of another program": ("outsider", PRIVATE + IDENTITY),
    "participant of the same program": ("neighbour", PRIVATE),
    "coordinator of another program": ("coordinator", PRIVATE + IDENTITY),
    "anonymous visitor": (None, PRIVATE + IDENTITY),
}
SIGN_OUT = {"account_logout", "admin:logout"}
POST_DATA = {
    "message": "Please mentor me.",
    "reason": "No.",
    "outcome": "completed",
    "months": "3",
    "text": "x",
    "title": "x",
    "typed_name": "Mallory",
    "confirm": "on",
    "rsvp": "yes",
    "answer": "yes",
    "duration_minutes": "30",
    "frequency": "off",
    "post": "yes",
    "action": "submit",
}


def client_for(w: World, who: str | None, **kwargs) -> Client:
    client = Client(raise_request_exception=False, **kwargs)
    if who:
        client.force_login(getattr(w, who))
    return client


@pytest.mark.parametrize("persona", list(PERSONAS))
def test_no_url_shows_or_changes_someone_elses_data(world, persona):
    who, canaries = PERSONAS[persona]
    client = client_for(world, who)
    before = world.snapshot()
    problems, walked = [], 0
    for name, path in walk(world):
        walked += 1
        for method in ("get", "post"):
            if method == "post" and name in SIGN_OUT:
                continue  # the visitor would stop being who they are
            # Each request on its own: a visitor who enrolled or invited someone
            # on the way would see more, legitimately, in the requests after.
            with transaction.atomic():
                response = getattr(client, method)(path, POST_DATA if method == "post" else None)
                after = world.snapshot()
                transaction.set_rollback(True)
            changed = [key for key in before if before[key] != after[key]]
            if changed:
                problems.append(f"{method.upper()} {path} ({name}): changed the victims' {changed}")
            if who and "_auth_user_id" not in client.session:
                problems.append(f"{method.upper()} {path} ({name}) signed {persona} out")
                client.force_login(getattr(world, who))
            if response.status_code >= 500:
                problems.append(f"{method.upper()} {path} ({name}): {response.status_code}")
            problems += [f"{method.upper()} {path} ({name}): {leak}" for leak in leaks(response, canaries, world.secrets)]
    assert walked > 100  # the site's and the admin's patterns
    assert problems == [], f"{persona}:\n" + "\n".join(problems)


def test_the_admins_search_and_autocomplete_do_not_reach_another_program(world):
    client = client_for(world, "coordinator")
    problems = []
    for model in admin.site._registry:
        path = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(path, {"q": "Canary"})
        problems += [f"{path}?q=Canary: {leak}" for leak in leaks(response, PRIVATE + IDENTITY, world.secrets)]
    for app_label, model_name, field in [
        ("mentorship", "profile", "supervisor"),
        ("mentorship", "mentorship", "mentor"),
        ("mentorship", "mentorship", "mentee"),
        ("programs", "enrollment", "user"),
        ("programs", "programcoordinator", "user"),
    ]:
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": app_label, "model_name": model_name, "field_name": field, "term": "Canary"},
        )
        assert response.status_code in (200, 403, 404), (model_name, field, response.status_code)
        problems += [f"autocomplete {model_name}.{field}: {leak}" for leak in leaks(response, IDENTITY, [])]
    assert problems == []


def test_a_personal_survey_link_opens_for_its_recipient_only(world):
    link = world.survey_invitation.get_absolute_url()
    for who in ("outsider", "neighbour", "coordinator", "mentor"):
        response = client_for(world, who).get(link)
        assert response.status_code == 403, who
        assert "CANARY-ANSWER" not in body_of(response)
    assert client_for(world, "mentee").get(link).status_code == 200


def test_no_url_answers_the_programs_own_staff_with_a_server_error(world):
    """The superuser's walk: every page of the site and admin, with real objects, renders."""
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser(email="root@example.org", password=PASSWORD)
    client = Client(raise_request_exception=False)
    client.force_login(root)
    errors = []
    for name, path in walk(world):
        if name in SIGN_OUT:
            continue
        response = client.get(path)
        if response.status_code >= 500:
            errors.append(f"GET {path} ({name}): {response.status_code}")
    assert errors == []


# ---------------------------------------------------------------------------
# CSRF, and GETs that write
# ---------------------------------------------------------------------------

# RFC 8058: mail clients' one-click unsubscribe POSTs without a CSRF token; the
# signed token in the URL is the credential (mentorship.views.unsubscribe).
CSRF_EXEMPT = {"notifications:unsubscribe"}


@pytest.mark.parametrize("who", ["mentee", "mentor", None])
def test_every_post_without_its_csrf_token_is_refused(world, who):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if who:
        client.force_login(getattr(world, who))
    before = world.snapshot()
    accepted = []
    for name, path in walk(world):
        if name in CSRF_EXEMPT:
            continue
        response = client.post(path, POST_DATA)
        # The API (/api/) reads no session cookie: its credential is a bearer token, so no
        # CSRF token applies, and a POST without the bearer token is refused as unsigned
        # (401), whoever's session cookie comes with it; its reads take no POST (405).
        refused = {401, 403, 405} if path.startswith("/api/") else {403}
        if response.status_code not in refused:
            accepted.append(f"{path} ({name}): {response.status_code}")
    assert accepted == []
    assert world.snapshot() == before


def test_the_exempt_unsubscribe_link_needs_its_signed_token(world):
    client = Client(enforce_csrf_checks=True)
    forged = reverse("notifications:unsubscribe", args=[_tampered(unsubscribe_token(world.mentee.pk))])
    assert client.post(forged, {"List-Unsubscribe": "One-Click"}).status_code == 404
    assert Profile.objects.get(user=world.mentee).email_frequency != "off"


WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# Writes a GET may make: the session, the sign-in time, and the person's own
# calendar feed secret, made the first time they open the calendar page.
GET_MAY_WRITE = ("django_session", '"last_login"', 'INSERT INTO "mentorship_calendarfeedtoken"')


def writes(queries) -> list[str]:
    return [
        q["sql"][:160]
        for q in queries
        if WRITES.match(q["sql"]) and not any(allowed in q["sql"] for allowed in GET_MAY_WRITE)
    ]


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_no_get_changes_anything(world, who):
    """Links are followed by mail scanners and prefetchers: a GET must not act."""
    client = Client(raise_request_exception=False)
    client.force_login(getattr(world, who))
    acting = []
    for name, path in walk(world):
        if name in SIGN_OUT:
            continue
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        acting += [f"GET {path} ({name}): {sql}" for sql in writes(queries.captured_queries)]
    assert acting == []


def test_view_on_site_redirects_only_to_pages_of_objects_in_scope(world):
    def view_on_site(obj):
        ct = ContentType.objects.get_for_model(obj)
        return reverse("admin:view_on_site", args=[ct.pk, obj.pk])

    own = client_for(world, "coordinator")
    same_program = Client()
    same_program.force_login(coordinator_of(world.program))
    # The program's own coordinator reaches the pair's page, another program's does not.
    assert same_program.get(view_on_site(world.pair))["Location"].endswith(world.pair.get_absolute_url())
    assert own.get(view_on_site(world.pair)).status_code == 404
    assert own.get(view_on_site(world.outsider_pair))["Location"].endswith(world.outsider_pair.get_absolute_url())
    # A survey invitation's page is the recipient's personal link: nobody else gets it.
    for client in (own, same_program):
        response = client.get(view_on_site(world.survey_invitation))
        assert response.status_code == 404
    assert own.get(reverse("admin:view_on_site", args=["x", "1"])).status_code == 404
    assert own.get(reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(User).pk, "x"])).status_code == 404


# ---------------------------------------------------------------------------
# Fuzzing the site's forms
# ---------------------------------------------------------------------------


class FormParser(html.parser.HTMLParser):
    """The forms of a page: action, method and fields (name, kind, values offered)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "button") and a.get("name"):
            kind = (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            field = self._form["fields"].setdefault(a["name"], {"kind": kind, "values": [], "checked": []})
            field["values"].append(a.get("value", "on" if kind in ("checkbox", "radio") else ""))
            if "checked" in a:
                field["checked"].append(a.get("value", "on"))
        elif tag == "select" and a.get("name"):
            self._select = self._form["fields"].setdefault(
                a["name"], {"kind": "select-multiple" if "multiple" in a else "select", "values": [], "checked": []}
            )
        elif tag == "option" and self._select is not None:
            self._select["values"].append(a.get("value", ""))
            if "selected" in a:
                self._select["checked"].append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = self._form["fields"].setdefault(a["name"], {"kind": "textarea", "values": [""], "checked": []})

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["values"][0] += data


def forms_of(response, page: str) -> list[dict]:
    parser = FormParser()
    parser.feed(body_of(response))
    forms = []
    for form in parser.forms:
        if "logout" in form["action"]:
            continue
        form["action"] = form["action"] or page
        forms.append(form)
    return forms


HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\r\n\t\v\f",
    "\u202e\u200b\ufeff",
    "😀" * 300,
    "x" * 5001,
    "y" * 200_000,
    "<script>alert(1)</script>",
    "' OR 1=1; --",
    "=HYPERLINK(\"http://evil.example\")",
    "%s%n{0}{{x}}",
]
HOSTILE_NUMBERS = ["-1", "0", "-2147483649", "2147483648", "9223372036854775808", str(10**40), "1e309", "NaN", "1.5", "0x10"]
HOSTILE_DATES = ["0000-00-00", "2026-02-30", "10000-01-01", "-0001-01-01", "2026-13-01", "0001-01-01", "9999-12-31", "31/12/2026"]
HOSTILE_DATETIMES = [
    "9999-12-31T23:59",  # the last minute Python holds: one step east of UTC overflows
    "0001-01-01T00:00",
    "2026-03-08T02:30",  # does not exist in New York (clocks go forward)
    "2026-11-01T01:30",  # happens twice in New York
    "2026-02-30T10:00",
    "2026-03-01T25:61",
]


def hostile_values(field: dict) -> list[str]:
    kind = field["kind"]
    if kind == "number":
        return HOSTILE_NUMBERS + HOSTILE_TEXT[:5]
    if kind == "date":
        return HOSTILE_DATES + HOSTILE_TEXT[:3]
    if kind == "datetime-local":
        return HOSTILE_DATETIMES + HOSTILE_DATES[:2] + HOSTILE_TEXT[:3]
    return HOSTILE_TEXT + HOSTILE_NUMBERS[:4]


# The admin's forms have dozens of fields: a shorter list each, still every kind of trouble.
BRIEF_HOSTILE = {
    "number": ["-1", str(10**40), " "],
    "date": ["10000-01-01", "9999-12-31", " "],
    "datetime-local": ["9999-12-31T23:59", "2026-03-08T02:30", " "],
}
BRIEF_TEXT = [" ", "a\x00b", "x" * 5001]


def brief_hostile_values(field: dict) -> list[str]:
    return BRIEF_HOSTILE.get(field["kind"], BRIEF_TEXT)


def valid_data(form: dict) -> dict:
    data = {}
    for name, field in form["fields"].items():
        kind = field["kind"]
        if kind in ("submit", "file"):
            continue
        if kind in ("checkbox", "radio", "select", "select-multiple"):
            chosen = field["checked"] or [v for v in field["values"] if v][:1]
            if chosen:
                data[name] = chosen if kind in ("checkbox", "select-multiple") else chosen[0]
        else:
            data[name] = field["values"][0]
    return data


def fingerprint() -> dict:
    """Every row of every model but the sessions (and sign-in times)."""
    from django.apps import apps

    rows = {}
    for model in apps.get_models():
        if model._meta.db_table in ("django_session",):
            continue
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values())
    for row in rows.get("mentorship.User", []):
        row.pop("last_login", None)
    return rows


def submit(client, form: dict, data: dict):
    if form["method"] == "get":
        return client.get(form["action"], data)
    return client.post(form["action"], data)


# Pages that answer a successful POST with 200 rather than a redirect: the
# unsubscribe page (RFC 8058's one-click POST), which reads anything but a known
# frequency as "off", the choice that sends the least mail.
SAVED_WITH_200 = {"/email/unsubscribe/"}


def check(client, form: dict, data: dict, problems: list, before: dict | None = None) -> None:
    """Post one set of values in a savepoint; a refusal must store nothing.

    ``before`` is the database as it stands before the post. Every post is rolled
    back, so a caller posting many times reads it once and passes it in: the same
    comparison, at half the queries.
    """
    with transaction.atomic():
        if before is None:
            before = fingerprint()
        response = submit(client, form, data)
        refused = response.status_code not in (301, 302, 303) and not form["action"].startswith(tuple(SAVED_WITH_200))
        stored = fingerprint() != before if refused else False
        transaction.set_rollback(True)
    shown = {k: (v[:40] + f"…({len(v)})" if isinstance(v, str) and len(v) > 40 else v) for k, v in data.items()}
    if response.status_code >= 500:
        problems.append(f"{form['action']} {shown}: {response.status_code}")
    elif stored:
        problems.append(f"{form['action']} {shown}: refused with {response.status_code} but stored something")


def fuzz_pages(w: World) -> dict:
    return {
        "profile": ("mentee", "/profile/"),
        "invite": ("neighbour", reverse("directory:mentor", args=[w.program.slug, w.mentor.pk])),
        "decline": ("mentor", w.invitation.get_absolute_url()),
        "mentorship": ("mentor", w.pair.get_absolute_url()),
        "meeting new": ("mentor", reverse("meetings:new", args=[w.pair.pk])),
        "meeting": ("mentor", reverse("meetings:detail", args=[w.upcoming.pk])),
        "meeting held": ("mentee", reverse("meetings:detail", args=[w.held.pk])),
        "goals": ("mentee", reverse("goals:list", args=[w.pair.pk])),
        "goal edit": ("mentee", reverse("goals:edit", args=[w.goal.pk])),
        "agreement": ("mentee", reverse("agreements:detail", args=[w.pair.pk])),
        "enrol": ("outsider", reverse("programs:enroll", args=[w.program.slug, w.cohort.pk, "mentee"])),
        "event": ("mentee", w.event.get_absolute_url()),
        "survey": (None, w.survey_invitation.get_absolute_url()),
        "unsubscribe": (None, reverse("notifications:unsubscribe", args=[unsubscribe_token(w.mentee.pk)])),
        "directory": ("neighbour", reverse("directory:list", args=[w.program.slug])),
        "calendar": ("mentee", reverse("calendar:settings")),
        "notifications": ("mentee", reverse("notifications:list")),
        # The coordinators' forms, as the program's own coordinator.
        "admin program": ("own coordinator", reverse("admin:programs_program_change", args=[w.program.pk])),
        "admin cohort": ("own coordinator", reverse("admin:programs_cohort_add")),
        "admin event": ("own coordinator", reverse("admin:programs_event_change", args=[w.event.pk])),
        "admin enrolment": ("own coordinator", reverse("admin:programs_enrollment_change", args=[w.enrollment.pk])),
        "admin mentorship": ("own coordinator", reverse("admin:mentorship_mentorship_change", args=[w.pair.pk])),
        "admin person": ("own coordinator", reverse("admin:mentorship_user_change", args=[w.mentee.pk])),
    }


FUZZ_PAGES = [
    "profile", "invite", "decline", "mentorship", "meeting new", "meeting", "meeting held",
    "goals", "goal edit", "agreement", "enrol", "event", "survey", "unsubscribe",
    "directory", "calendar", "notifications",
    "admin program", "admin cohort", "admin event", "admin enrolment", "admin mentorship", "admin person",
]
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))


@pytest.mark.parametrize("page", FUZZ_PAGES)
def test_hostile_form_input_is_refused_cleanly_and_stores_nothing(world, page):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    who, path = fuzz_pages(world)[page]
    if who == "own coordinator":
        world.own_coordinator = coordinator_of(world.program)
    client = client_for(world, who.replace(" ", "_") if who else None)
    response = client.get(path)
    assert response.status_code == 200, (page, response.status_code)
    forms = forms_of(response, path)
    assert forms, f"no form on {path}"
    problems: list[str] = []
    # Each post below is rolled back, so the database before each one is this.
    before = fingerprint()
    brief = page.startswith("admin")
    examples = max(FUZZ_EXAMPLES // 3, 5) if brief else FUZZ_EXAMPLES

    for form in forms:
        valid = valid_data(form)
        # Every field, one at a time, with each hostile value, the others valid.
        for name, field in form["fields"].items():
            if field["kind"] in ("submit", "file") or name == "csrfmiddlewaretoken":
                continue
            for value in (brief_hostile_values if brief else hostile_values)(field):
                check(client, form, {**valid, name: value}, problems, before)

        # Then hostile values in every field at once, as hypothesis combines them.
        fields = {
            name: field
            for name, field in form["fields"].items()
            if field["kind"] not in ("submit", "file") and name != "csrfmiddlewaretoken"
        }
        text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
        value = {
            name: st.one_of(
                st.sampled_from([v for v in field["values"] if v] or [""]),
                st.sampled_from(hostile_values(field)),
                text,
                st.integers(min_value=-(2**70), max_value=2**70).map(str),
                st.dates().map(str),
                st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")),
            )
            for name, field in fields.items()
        }

        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(st.fixed_dictionaries({}, optional=value))
        def fuzz(data):
            check(
                client, form, {**{k: v for k, v in valid.items() if k == "csrfmiddlewaretoken"}, **data}, problems, before
            )

        fuzz()
    # One line per distinct failure.
    assert sorted(set(problems)) == [], "\n".join(sorted(set(problems))[:40])


@pytest.mark.parametrize("when", ["9999-12-31T23:59", "0001-01-01T00:00", "2026-03-08T02:30"])
def test_a_meeting_at_the_end_of_time_is_refused_not_a_server_error(world, when):
    client = client_for(world, "mentor")
    for path in (
        reverse("meetings:new", args=[world.pair.pk]),
        reverse("meetings:reschedule", args=[world.upcoming.pk]),
    ):
        data = {"status": "scheduled", "starts_at": when, "duration_minutes": "60", "kind": "checkin", "mode": "video"}
        response = client.post(path, data)
        assert response.status_code in (200, 302, 400), (path, response.status_code)
    assert Meeting.objects.filter(mentorship=world.pair).count() == 2
    assert Meeting.objects.get(pk=world.upcoming.pk).starts_at == world.upcoming.starts_at


@pytest.mark.parametrize("back", ["0", "events:list", "a\x00b", "https://evil.example/", "//evil.example/"])
def test_rsvp_goes_back_only_to_a_page_of_this_site(world, back):
    response = client_for(world, "mentee").post(reverse("events:rsvp", args=[world.event.pk]), {"rsvp": "no", "next": back})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


# ---------------------------------------------------------------------------
# The login rate limit behind proxies, and cookies in production
# ---------------------------------------------------------------------------

LIMIT = 5  # ACCOUNT_RATE_LIMITS["login_failed"]: 5/m/ip
REFUSED = "Too many failed login attempts"


def failed_login(client, n: int, **headers) -> bool:
    """A failed sign-in, a different account each time so that only the per-IP
    limit can stop the run; True if allauth refused it for the rate limit."""
    response = client.post(
        reverse("account_login"), {"login": f"nobody{n}@example.org", "password": "wrong-password"}, **headers
    )
    assert response.status_code in (200, 429)
    return response.status_code == 429 or REFUSED in response.content.decode()


def test_rotating_x_forwarded_for_does_not_escape_the_limit_without_a_trusted_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    client = Client(REMOTE_ADDR="198.51.100.10")
    refused = [failed_login(client, n, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}") for n in range(LIMIT + 3)]
    assert refused == [False] * LIMIT + [True] * 3


def test_behind_one_trusted_proxy_the_limit_keys_on_the_real_client(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2")  # every request arrives from the load balancer
    # The attacker forges the left part; the proxy appends the address it saw.
    refused = [failed_login(proxy, n, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.66") for n in range(LIMIT + 2)]
    assert refused == [False] * LIMIT + [True] * 2
    # Someone else behind the same proxy is not locked out by it.
    assert not failed_login(proxy, 99, HTTP_X_FORWARDED_FOR="203.0.113.77")
    # A request with no header is keyed on the address it came from.
    assert not failed_login(proxy, 100)


def production_settings(tmp_path, *names: str, **env_overrides) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    env.update(
        VAR_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="mentorship.config.settings",
        DJANGO_PRODUCTION="true",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="example.org",
        **env_overrides,
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_http_only(tmp_path):
    values = production_settings(
        tmp_path,
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "DEBUG",
        "ALLAUTH_TRUSTED_PROXY_COUNT",
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "DEBUG": False,
        "ALLAUTH_TRUSTED_PROXY_COUNT": 0,
    }
    assert production_settings(tmp_path, "ALLAUTH_TRUSTED_PROXY_COUNT", DJANGO_TRUSTED_PROXY_COUNT="1") == {
        "ALLAUTH_TRUSTED_PROXY_COUNT": 1
    }


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True, CSRF_COOKIE_HTTPONLY=True)
def test_the_cookies_a_sign_in_sets_carry_the_flags(world):
    client = Client()
    page = client.get(reverse("account_login"))
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    # The form still works: the token travels in the page, not read from the cookie by script.
    response = client.post(
        reverse("account_login"),
        {"login": world.mentee.email, "password": PASSWORD, "csrfmiddlewaretoken": csrf.value},
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"


@pytest.mark.parametrize("value", [" ", "abc", "1.5", "-1", str(2**70), str(-(2**63))])
def test_an_autocomplete_field_with_a_value_that_is_no_id_is_refused_on_the_form(world, value):
    world.own_coordinator = coordinator_of(world.program)
    client = client_for(world, "own_coordinator")
    path = reverse("admin:programs_program_change", args=[world.program.pk])
    form = forms_of(client.get(path), path)[0]
    response = client.post(path, {**valid_data(form), "coordinator_links-0-user": value})
    assert response.status_code == 200  # the form again, with its error
    assert "Select a valid choice" in body_of(response)
