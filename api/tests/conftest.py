"""Two programs with a world each (a coordinator, a running cohort, a pair with a
held meeting, a waiting application, a survey) and tokens to call the API with."""

import dataclasses
import datetime

import pytest
from django.test import Client
from django.utils import timezone

from api.tokens import token_create
from mentorship.models import MeetingStatus, User
from mentorship.tests.factories import MeetingFactory, MentorshipFactory
from programs.models import Cohort, Enrollment, EnrollmentState, Program, Role
from programs.tests.factories import CohortFactory, CoordinatorFactory, EnrollmentFactory, seeded
from surveys.models import Survey


@dataclasses.dataclass
class World:
    program: Program
    cohort: Cohort
    coordinator: User
    mentor: User
    mentee: User
    mentorship: object
    meeting: object
    application: Enrollment
    survey: Survey


def make_world(slug: str) -> World:
    program = seeded(slug)
    today = timezone.localdate()
    cohort = CohortFactory(
        program=program,
        starts_on=today - datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=300),
    )
    coordinator = CoordinatorFactory(program=program).user
    mentorship = MentorshipFactory(cohort=cohort, started_on=today - datetime.timedelta(days=40))
    meeting = MeetingFactory(
        mentorship=mentorship,
        status=MeetingStatus.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=5),
        duration_minutes=75,
    )
    application = EnrollmentFactory(cohort=cohort, role=Role.MENTEE, state=EnrollmentState.APPLIED)
    survey = Survey.objects.filter(program=program).first() or Survey.objects.create(
        program=program, kind="exit", title=f"{program.short_name} survey"
    )
    return World(program, cohort, coordinator, mentorship.mentor, mentorship.mentee, mentorship, meeting, application, survey)


@pytest.fixture
def ky(db):
    return make_world("ky-connections")


@pytest.fixture
def hhs(db):
    return make_world("hhs")


def key_for(world: World, *, can_write: bool = True, days: int = 30) -> str:
    _, key = token_create(
        program=world.program,
        by=world.coordinator,
        name="HR sync",
        can_write=can_write,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return key


class ApiClient(Client):
    """Django's test client with the token on every request and JSON bodies."""

    def __init__(self, key: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.key = key

    def _headers(self, headers):
        headers = dict(headers or {})
        if self.key:
            headers.setdefault("Authorization", f"Bearer {self.key}")
        return headers

    def get(self, path, data=None, headers=None, **kwargs):
        return super().get(path, data, headers=self._headers(headers), **kwargs)

    def post(self, path, data=None, headers=None, **kwargs):
        return super().post(path, data or {}, content_type="application/json", headers=self._headers(headers), **kwargs)

    def put(self, path, data=None, headers=None, **kwargs):
        return super().put(path, data or {}, content_type="application/json", headers=self._headers(headers), **kwargs)


@pytest.fixture
def ky_api(ky):
    return ApiClient(key_for(ky))


@pytest.fixture
def hhs_api(hhs):
    return ApiClient(key_for(hhs))


@pytest.fixture(autouse=True)
def _api_settings(settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 0
    from django.core.cache import cache

    cache.clear()


def person(**fields) -> dict:
    n = fields.pop("n", 1)
    return {"external_id": f"E{n:05d}", "email": f"employee{n}@ky.example.gov", "first_name": "Pat", "last_name": f"Doe{n}", **fields}


