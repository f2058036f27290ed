"""The participant import writes its enrolments through the enrolment service,
under the cohorts' locks (programs.services.enrollments_admit).

Before, it counted the cohort's approved places, then wrote its enrolments
directly, without the lock the approvals take: an approval (or a second
import) between its count and its write passed the cohort's cap. Real threads,
each with its own connection, on SQLite or PostgreSQL.
"""

import threading

import pytest
from django.db import connection

from mentorship.services import participant_import
from mentorship.tests.factories import UserFactory
from mentorship.tests.services.test_participant_import import row, to_csv
from programs import services as enrolment
from programs.errors import RuleViolation
from programs.models import Enrollment, EnrollmentState
from programs.tests.factories import CohortFactory, EnrollmentFactory, seeded

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CAP = 3


@pytest.fixture
def full_but_one():
    """KY's cohort with a cap of 3: two approved, one application waiting."""
    program = seeded("ky-connections")
    cohort = CohortFactory(program=program, name="2026", participant_cap=CAP)
    for _ in range(CAP - 1):
        EnrollmentFactory(cohort=cohort, user=UserFactory())
    application = EnrollmentFactory(cohort=cohort, user=UserFactory(), state=EnrollmentState.APPLIED)
    return program, cohort, application


def approved(cohort) -> int:
    return Enrollment.objects.filter(cohort=cohort, state=EnrollmentState.APPROVED).count()


def in_another_thread(action):
    outcome = []

    def run():
        try:
            outcome.append(action())
        except BaseException as error:  # noqa: BLE001 - inspected by the caller
            outcome.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_an_approval_between_the_imports_check_and_its_write_does_not_pass_the_cap(full_but_one, monkeypatch):
    program, cohort, application = full_but_one
    checked = participant_import._plan

    def plan_then_an_approval_commits(*args, **kwargs):
        # The file was checked with one place free; now the sponsor approves the
        # waiting application, and it commits before the import writes.
        thread, outcome = in_another_thread(lambda: enrolment.enrollment_approve(enrollment=application))
        thread.join(timeout=60)
        assert isinstance(outcome[0], Enrollment), outcome
        return checked(*args, **kwargs)

    monkeypatch.setattr(participant_import, "_plan", plan_then_an_approval_commits)

    result = participant_import.participants_import(program=program, data=to_csv([row(2)]))

    assert approved(cohort) == CAP
    assert not result.ok and not result.written
    assert "past its cap of 3 participants (3 approved already)" in result.file_errors[0]
    assert not Enrollment.objects.filter(user__email=row(2)["email"]).exists()


def test_an_approval_during_the_imports_write_waits_for_it_and_finds_the_cohort_full(full_but_one, monkeypatch):
    program, cohort, application = full_but_one
    admit = enrolment.enrollments_admit
    approval = {}

    def admit_while_an_approval_starts(**kwargs):
        # The import holds the cohort's lock from here to its commit.
        created = admit(**kwargs)
        approval["thread"], approval["outcome"] = in_another_thread(
            lambda: enrolment.enrollment_approve(enrollment=application)
        )
        approval["thread"].join(timeout=1)  # it cannot finish while the import's transaction is open
        assert approval["thread"].is_alive()
        return created

    monkeypatch.setattr(participant_import, "enrollments_admit", admit_while_an_approval_starts)

    result = participant_import.participants_import(program=program, data=to_csv([row(2)]))
    approval["thread"].join(timeout=60)

    assert result.ok and result.written
    assert approved(cohort) == CAP
    [refusal] = approval["outcome"]
    assert isinstance(refusal, RuleViolation) and refusal.code == "cap"
    application.refresh_from_db()
    assert application.state == EnrollmentState.APPLIED
