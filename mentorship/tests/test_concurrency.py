"""Caps hold under concurrency.

Fifty mentors-to-be press “Accept” at the same instant for one AAHPM mentor,
who may take two mentees: exactly two mentorships start and the other 48
mentees get the capacity message — no deadlock, no database error. Real
threads, each with its own database connection, on whichever backend the run
uses (SQLite by default; PostgreSQL with DATABASE_URL).
"""

import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from mentorship import services
from mentorship.models import Invitation, InvitationState, Mentorship, MentorshipState
from programs import rules
from programs.errors import RuleViolation

from .builders import cohort_of, mentee_in, mentor_in, pair

ACCEPTS = 50


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_simultaneous_accepts_fill_a_cap_two_mentor_exactly():
    cohort = cohort_of("aahpm")
    mentor = mentor_in(cohort)
    invitation_ids = [
        services.invitation_send(
            mentee=mentee_in(cohort), mentor=mentor, program=cohort.program, message="Help with family meetings."
        ).pk
        for _ in range(ACCEPTS)
    ]
    barrier = threading.Barrier(ACCEPTS, timeout=60)
    outcomes: list = [None] * ACCEPTS

    def accept(index: int) -> None:
        try:
            invitation = Invitation.objects.get(pk=invitation_ids[index])
            barrier.wait()
            outcomes[index] = services.invitation_accept(invitation=invitation, by=mentor)
        except BaseException as error:  # noqa: BLE001 - every outcome is inspected below
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(ACCEPTS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - began

    assert not any(thread.is_alive() for thread in threads)
    accepted = [o for o in outcomes if isinstance(o, Mentorship)]
    refusals = [o for o in outcomes if isinstance(o, RuleViolation)]
    others = [o for o in outcomes if not isinstance(o, (Mentorship, RuleViolation))]
    assert others == [], f"unexpected outcomes: {others!r}"
    assert len(accepted) == 2
    assert len(refusals) == ACCEPTS - 2
    # The mentor is the one accepting, so the refusal speaks to them.
    full = services.YOU_ARE_AT_CAPACITY.format(count=2, people="people", program="AAHPM")
    assert {r.message for r in refusals} == {full}
    assert {r.code for r in refusals} == {"mentor_full"}

    active = Mentorship.objects.filter(mentor=mentor, state=MentorshipState.ACTIVE)
    assert active.count() == 2
    assert sorted(active.values_list("mentor_slot", flat=True)) == [1, 2]
    assert Invitation.objects.filter(mentor=mentor, state=InvitationState.ACCEPTED).count() == 2
    assert Invitation.objects.filter(mentor=mentor, state=InvitationState.PENDING).count() == ACCEPTS - 2
    print(f"\n{ACCEPTS} simultaneous accepts on {connection.vendor}: {elapsed:.2f} s")


# ---------------------------------------------------------------------------
# The database constraint is the backstop
# ---------------------------------------------------------------------------



def _raw(mentorship: Mentorship, **changes) -> Mentorship:
    """A copy of the row saved without any service: only the database stands guard."""
    fields = {
        "program": mentorship.program,
        "cohort": mentorship.cohort,
        "mentor": mentorship.mentor,
        "mentee": mentorship.mentee,
        "mentor_slot": mentorship.mentor_slot,
        "mentee_slot": mentorship.mentee_slot,
        "started_on": timezone.localdate(),
    }
    fields.update(changes)
    return Mentorship(**fields)


@pytest.mark.django_db
def test_two_active_mentorships_cannot_share_a_mentors_place():
    cohort = cohort_of("aahpm")
    mentor = mentor_in(cohort)
    first = pair(cohort, mentor, mentee_in(cohort))

    with pytest.raises(IntegrityError), transaction.atomic():
        _raw(first, mentee=mentee_in(cohort)).save()

    assert Mentorship.objects.filter(mentor=mentor).count() == 1


@pytest.mark.django_db
def test_two_active_mentorships_cannot_share_a_mentees_place():
    cohort = cohort_of("hhs")
    first = pair(cohort, mentor_in(cohort), mentee_in(cohort))

    with pytest.raises(IntegrityError), transaction.atomic():
        _raw(first, mentor=mentor_in(cohort), mentor_slot=1).save()


@pytest.mark.django_db
def test_an_ended_mentorship_frees_its_place():
    cohort = cohort_of("aahpm")
    mentor = mentor_in(cohort)
    first = pair(cohort, mentor, mentee_in(cohort))
    services.mentorship_end(mentorship=first, by=mentor, reason="Goals met early.")

    second = _raw(first, mentee=mentee_in(cohort))
    second.save()

    assert second.mentor_slot == first.mentor_slot == 1
    assert Mentorship.objects.filter(mentor=mentor, state=MentorshipState.ACTIVE).get() == second


@pytest.mark.django_db
def test_the_service_hands_out_the_freed_place():
    cohort = cohort_of("aahpm")
    mentor = mentor_in(cohort)
    first, second = pair(cohort, mentor, mentee_in(cohort)), pair(cohort, mentor, mentee_in(cohort))
    services.mentorship_end(mentorship=first, by=mentor, reason="Moved on.")

    third = pair(cohort, mentor, mentee_in(cohort))

    assert (first.mentor_slot, second.mentor_slot, third.mentor_slot) == (1, 2, 1)


@pytest.mark.django_db
def test_a_race_the_lock_missed_is_still_a_clean_refusal(monkeypatch):
    """If two transactions ever computed the same free place, the constraint
    refuses the second and the person reads the capacity message."""
    cohort = cohort_of("aahpm")
    mentor = mentor_in(cohort)
    pair(cohort, mentor, mentee_in(cohort))
    # Simulate the lost race: the check sees a free place, the slot picked is already taken.
    monkeypatch.setattr(rules, "free_slot", lambda *, used, cap: 1)

    with pytest.raises(RuleViolation) as error:
        pair(cohort, mentor, mentee_in(cohort))

    assert error.value.message == services.MENTOR_AT_CAPACITY.format(
        mentor=mentor, count=1, people="person", program="AAHPM"
    )
    assert Mentorship.objects.filter(mentor=mentor, state=MentorshipState.ACTIVE).count() == 1
