"""The end-of-term task and send_due at the same instant, for the day two pairs'
time is up (KY's program year, an HPMSNJ pair's grace days): each pair ends once,
each partner is told once, and the end-of-year evaluation goes out once. Real
threads, each with its own connection, on whichever backend the run uses
(SQLite by default, PostgreSQL when DATABASE_URL names it, as .ci/run does)."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from mentorship.models import Mentorship, MentorshipState, Notification
from mentorship.tasks import mentorships_end_due_task
from mentorship.tests.builders import at, cohort_for, mentee_in, mentor_in, pair
from surveys.models import SurveyInvitation, SurveyKind
from surveys.tests.helpers import ensure_seeded

from .test_invitation_races import race

ROUNDS = 3


def formed(slug: str, started_on: datetime.date, **cohort) -> Mentorship:
    cohort = cohort_for(slug, started_on, **cohort)
    with time_machine.travel(at(started_on.year, started_on.month, started_on.day, 8), tick=False):
        return pair(cohort, mentor_in(cohort), mentee_in(cohort), today=started_on)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_the_end_of_term_task_and_send_due_at_once_end_each_pair_once_and_mail_once(round_):
    ensure_seeded()
    ky = formed("ky-connections", datetime.date(2026, 12, 14))
    hpmsnj = formed("hpmsnj", datetime.date(2025, 12, 17), days=900)  # planned end 17 Dec, 14 days' grace
    day = datetime.date(2026, 12, 31)
    mail.outbox.clear()

    def send_due():
        call_command("send_due", date=day, stdout=io.StringIO())

    with time_machine.travel(at(2026, 12, 31, 0, 10), tick=False):
        outcomes = race(mentorships_end_due_task, send_due, mentorships_end_due_task, send_due)
    assert [o for o in outcomes if isinstance(o, BaseException)] == []

    for m in (ky, hpmsnj):
        m.refresh_from_db()
        assert (m.state, m.ended_on) == (MentorshipState.COMPLETED, day)
        assert Mentorship.history.filter(id=m.pk, state=MentorshipState.COMPLETED).count() == 1
        told = Notification.objects.filter(user__in=[m.mentor, m.mentee], subject__contains="has ended")
        assert told.count() == 2
        ended_mail = [
            msg for msg in mail.outbox if "has ended" in msg.subject and msg.to[0] in (m.mentor.email, m.mentee.email)
        ]
        assert sorted(msg.to[0] for msg in ended_mail) == sorted([m.mentor.email, m.mentee.email])
    evaluations = SurveyInvitation.objects.filter(mentorship=ky, survey__kind=SurveyKind.EVALUATION)
    assert evaluations.count() == 2 and all(i.sent_at for i in evaluations)
    evaluation_mail = [msg for msg in mail.outbox if "evaluation" in msg.subject.lower()]
    assert sorted(msg.to[0] for msg in evaluation_mail) == sorted([ky.mentor.email, ky.mentee.email])
