"""programs.selectors: the one "current enrolment" rule, in its ORM and SQL forms."""

import datetime
import random

import pytest
from django.db import connection

from mentorship.tests.factories import UserFactory
from programs import selectors
from programs.models import EnrollmentState, Program, Role
from programs.tests.factories import CohortFactory, EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def sql_answer(user, program, role=Role.MENTEE):
    table = connection.ops.quote_name(Program._meta.db_table)
    sql = f"SELECT ({selectors.current_enrollment_sql(program_column='p.id', role=role)}) FROM {table} p WHERE p.id = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, program.pk])
        return cursor.fetchone()[0]


def orm_answer(user, program, role=Role.MENTEE):
    enrollment = selectors.current_enrollment(user=user, program=program, role=role)
    return enrollment.pk if enrollment else None


def test_the_latest_cohort_wins_then_the_newest_enrolment():
    program, person = ProgramFactory(), UserFactory()
    day = datetime.date(2026, 1, 1)
    early = CohortFactory(program=program, starts_on=day, ends_on=day + datetime.timedelta(days=365))
    late = CohortFactory(program=program, starts_on=day + datetime.timedelta(days=60), ends_on=day + datetime.timedelta(days=400))
    twin = CohortFactory(program=program, starts_on=late.starts_on, ends_on=late.ends_on)
    EnrollmentFactory(user=person, cohort=early)
    in_late = EnrollmentFactory(user=person, cohort=late)
    assert orm_answer(person, program) == sql_answer(person, program) == in_late.pk
    in_twin = EnrollmentFactory(user=person, cohort=twin)  # same start day: the newer enrolment
    assert orm_answer(person, program) == sql_answer(person, program) == in_twin.pk


def test_the_sql_form_agrees_with_the_orm_form_in_any_arrangement():
    """Random worlds (a fixed seed): cohorts starting on few days (so ties happen),
    enrolments in every state and both roles, two programs."""
    rng = random.Random(20261205)
    programs = [ProgramFactory(), ProgramFactory()]
    day = datetime.date(2026, 1, 1)
    cohorts = [
        CohortFactory(
            program=rng.choice(programs),
            starts_on=day + datetime.timedelta(days=30 * rng.randrange(4)),
            ends_on=day + datetime.timedelta(days=500),
        )
        for _ in range(8)
    ]
    people = [UserFactory() for _ in range(12)]
    for person in people:
        for cohort in rng.sample(cohorts, rng.randrange(0, 5)):
            EnrollmentFactory(
                user=person, cohort=cohort, role=rng.choice(Role.values), state=rng.choice(EnrollmentState.values)
            )
    answers = 0
    for person in people:
        for program in programs:
            for role in Role.values:
                orm = orm_answer(person, program, role)
                assert orm == sql_answer(person, program, role), (person, program, role)
                answers += orm is not None
    assert answers > 5  # the arrangement has current enrolments to agree on


def test_current_program_ids_are_the_programs_with_a_current_enrolment():
    person = UserFactory()
    mentee_in, mentor_in, declined_in = (CohortFactory() for _ in range(3))
    EnrollmentFactory(user=person, cohort=mentee_in, role=Role.MENTEE)
    EnrollmentFactory(user=person, cohort=mentor_in, role=Role.MENTOR)
    EnrollmentFactory(user=person, cohort=declined_in, role=Role.MENTEE, state=EnrollmentState.DECLINED)

    assert selectors.current_program_ids(user=person) == {mentee_in.program_id}
    assert selectors.current_program_ids(user=person, role=Role.MENTOR) == {mentor_in.program_id}
