"""Two clicks on one invitation at the same instant — the mentor's accept and
decline, or the mentor's accept and the mentee's withdrawal — end with one
winner and a message for the other, never a database error.

On PostgreSQL the services must take their locks in one order (the two people,
then the invitation): decline used to lock the invitation first and then, at
commit, wait for the mentee's row (the foreign-key check of the notification
it writes) that accept had locked while it waited for the invitation — a
deadlock, found by benchmarks/faults/race.py. Real threads, each with its own
connection, on whichever backend the run uses.
"""

import threading

import pytest
from django.db import connection

from mentorship import services
from mentorship.models import Invitation, InvitationState, Mentorship
from mentorship.tests.builders import cohort_of, mentee_in, mentor_in
from programs.errors import RuleViolation

ROUNDS = 12


def race(*actions):
    barrier = threading.Barrier(len(actions), timeout=30)
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except BaseException as error:  # noqa: BLE001 - every outcome is inspected
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("other", ["decline", "withdraw"])
def test_accept_against_decline_or_withdraw_has_one_winner_and_no_database_error(other):
    cohort = cohort_of("aahpm")
    unexpected = []
    for _ in range(ROUNDS):
        mentor, mentee = mentor_in(cohort), mentee_in(cohort)
        invitation = services.invitation_send(
            mentee=mentee, mentor=mentor, program=cohort.program, message="Help me lead family meetings, please."
        )

        def accept():
            return services.invitation_accept(invitation=Invitation.objects.get(pk=invitation.pk), by=mentor)

        def refuse():
            fresh = Invitation.objects.get(pk=invitation.pk)
            if other == "decline":
                return services.invitation_decline(invitation=fresh, by=mentor, reason="Full this term.")
            return services.invitation_withdraw(invitation=fresh, by=mentee)

        outcomes = race(accept, refuse)
        unexpected += [o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, RuleViolation)]
        assert sum(not isinstance(o, BaseException) for o in outcomes) == 1, outcomes
        state = Invitation.objects.get(pk=invitation.pk).state
        assert (state == InvitationState.ACCEPTED) == Mentorship.objects.filter(invitation=invitation).exists()
    assert unexpected == []
