"""When surveys fall due: each program's rule, on the exact day, once."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, transaction

from mentorship.models import MentorshipState, Notification
from mentorship.tests.factories import MentorshipFactory
from programs.models import Program
from programs.tests.factories import CohortFactory, ProgramFactory, seeded
from surveys import services
from surveys.models import SurveyInvitation

from .factories import QuestionFactory, SurveyFactory
from .helpers import ALL_APPS, at, ensure_seeded, pair_in, seeded_survey

pytestmark = pytest.mark.django_db

D = datetime.date


def invited(survey, mentorship=None):
    qs = SurveyInvitation.objects.filter(survey=survey)
    if mentorship is not None:
        qs = qs.filter(mentorship=mentorship)
    return qs


def recipients(survey, mentorship):
    return set(invited(survey, mentorship).values_list("recipient__email", "role"))


def subjects_to(user):
    return [m.subject for m in mail.outbox if m.to == [user.email]]


# ---------------------------------------------------------------------------
# AAHPM: exit survey after the mentorship ends, to both
# ---------------------------------------------------------------------------


def test_aahpm_exit_survey_goes_to_both_after_the_mentorship_ends_and_not_before(dispatch):
    survey = seeded_survey("aahpm", "exit")
    mentorship = pair_in("aahpm", D(2026, 1, 10))

    dispatch(D(2026, 6, 1))
    assert not invited(survey).exists()
    assert mail.outbox == []

    mentorship.state, mentorship.ended_on, mentorship.end_reason = MentorshipState.COMPLETED, D(2026, 6, 3), "Done"
    mentorship.save()
    dispatch(D(2026, 6, 2))  # the day before it ended
    assert not invited(survey).exists()

    result = dispatch(D(2026, 6, 3))

    assert result.sent == 2
    assert recipients(survey, mentorship) == {(mentorship.mentor.email, "mentor"), (mentorship.mentee.email, "mentee")}
    assert invited(survey).get(role="mentee").due_on == D(2026, 6, 3)
    for person in (mentorship.mentor, mentorship.mentee):
        assert subjects_to(person) == ["[Mentoring] Please answer: AAHPM Mentor Match exit survey"]
        body = next(m.body for m in mail.outbox if m.to == [person.email])
        token = invited(survey).get(recipient=person).token
        assert f"/surveys/r/{token}/" in body


def test_an_ended_early_mentorship_gets_the_exit_survey_too(dispatch):
    survey = seeded_survey("aahpm", "exit")
    mentorship = pair_in("aahpm", D(2026, 1, 10), state=MentorshipState.ENDED_EARLY, ended_on=D(2026, 3, 1))

    dispatch(D(2026, 3, 2))

    assert invited(survey, mentorship).count() == 2


def test_exit_surveys_are_not_sent_for_mentorships_that_ended_long_before(dispatch):
    survey = seeded_survey("aahpm", "exit")
    pair_in("aahpm", D(2024, 1, 10), state=MentorshipState.COMPLETED, ended_on=D(2025, 1, 10))

    dispatch(D(2026, 6, 3))

    assert not invited(survey).exists()


def test_a_program_without_exit_surveys_sends_none(dispatch):
    program = ProgramFactory(sends_exit_survey=False)
    survey = SurveyFactory(program=program, kind="exit")
    MentorshipFactory(
        cohort=CohortFactory(program=program), started_on=D(2026, 1, 1), state=MentorshipState.COMPLETED, ended_on=D(2026, 5, 1)
    )

    dispatch(D(2026, 5, 1))

    assert not invited(survey).exists()


# ---------------------------------------------------------------------------
# KY: fit questionnaire at exactly 3 months, evaluation at 12
# ---------------------------------------------------------------------------


def test_ky_fit_check_goes_to_both_at_exactly_three_months(dispatch):
    fit = seeded_survey("ky-connections", "fit_check")
    mentorship = pair_in("ky-connections", D(2026, 1, 15))

    dispatch(D(2026, 4, 14))
    assert not invited(fit).exists()

    dispatch(D(2026, 4, 15))

    assert recipients(fit, mentorship) == {(mentorship.mentor.email, "mentor"), (mentorship.mentee.email, "mentee")}
    assert set(invited(fit).values_list("due_on", flat=True)) == {D(2026, 4, 15)}
    assert subjects_to(mentorship.mentee) == ["[Mentoring] Please answer: KY Connections fit questionnaire (three months)"]


def test_ky_evaluation_goes_to_both_at_exactly_twelve_months(dispatch):
    evaluation = seeded_survey("ky-connections", "evaluation")
    fit = seeded_survey("ky-connections", "fit_check")
    mentorship = pair_in("ky-connections", D(2026, 1, 15))

    dispatch(D(2027, 1, 14))
    assert not invited(evaluation).exists()

    dispatch(D(2027, 1, 15))

    assert recipients(evaluation, mentorship) == {(mentorship.mentor.email, "mentor"), (mentorship.mentee.email, "mentee")}
    # Nine months after its day the fit check is not sent late.
    assert not invited(fit).exists()


def test_a_ky_pair_that_completed_its_year_in_december_still_gets_the_evaluation(dispatch):
    evaluation = seeded_survey("ky-connections", "evaluation")
    mentorship = pair_in("ky-connections", D(2026, 1, 15), state=MentorshipState.COMPLETED, ended_on=D(2026, 12, 31))

    dispatch(D(2027, 1, 15))

    assert invited(evaluation, mentorship).count() == 2


def test_no_fit_check_for_a_pair_that_already_ended_and_no_evaluation_for_one_that_ended_early(dispatch):
    fit = seeded_survey("ky-connections", "fit_check")
    evaluation = seeded_survey("ky-connections", "evaluation")
    ended = pair_in("ky-connections", D(2026, 1, 15), state=MentorshipState.ENDED_EARLY, ended_on=D(2026, 3, 1))

    dispatch(D(2026, 4, 15))
    dispatch(D(2027, 1, 15))

    assert not invited(fit, ended).exists()
    assert not invited(evaluation, ended).exists()


def test_the_fit_check_month_end_follows_add_months(dispatch):
    fit = seeded_survey("ky-connections", "fit_check")
    mentorship = pair_in("ky-connections", D(2025, 11, 30))  # + 3 months → 28 February 2026

    dispatch(D(2026, 2, 27))
    assert not invited(fit).exists()
    dispatch(D(2026, 2, 28))
    assert invited(fit, mentorship).count() == 2


def test_a_day_the_planner_missed_is_caught_up(dispatch):
    fit = seeded_survey("ky-connections", "fit_check")
    mentorship = pair_in("ky-connections", D(2026, 1, 15))

    dispatch(D(2026, 4, 20))  # beat was down from the 15th to the 19th

    assert invited(fit, mentorship).count() == 2
    assert set(invited(fit).values_list("due_on", flat=True)) == {D(2026, 4, 15)}


@pytest.mark.parametrize(
    ("slug", "kind"),
    [
        ("hhs", "fit_check"),  # HHS has no fit-check month
        ("aahpm", "fit_check"),
        ("aahpm", "evaluation"),  # AAHPM has no evaluation month
        ("hpmsnj", "evaluation"),
        ("hpmsnj", "exit"),  # only AAHPM sends exit surveys
    ],
)
def test_programs_without_the_rule_get_nothing(dispatch, slug, kind):
    program = seeded(slug)
    survey = SurveyFactory(program=program, kind=kind)
    QuestionFactory(survey=survey)
    started = D(2025, 1, 15)
    pair_in(slug, started)
    pair_in(slug, started, state=MentorshipState.COMPLETED, ended_on=D(2026, 1, 15))

    for day in (D(2025, 4, 15), D(2025, 7, 15), D(2026, 1, 15)):
        dispatch(day)

    assert not invited(survey).exists()


def test_wtap_evaluation_after_the_initial_period_and_hhs_after_the_year(dispatch):
    wtap = seeded_survey("wtap", "evaluation")
    hhs = seeded_survey("hhs", "evaluation")
    assert seeded("wtap").evaluation_after_months == 6
    wtap_pair = pair_in("wtap", D(2026, 1, 15))
    hhs_pair = pair_in("hhs", D(2026, 1, 15))

    dispatch(D(2026, 7, 15))
    assert invited(wtap, wtap_pair).count() == 2
    assert not invited(hhs).exists()

    dispatch(D(2027, 1, 15))
    assert invited(hhs, hhs_pair).count() == 2


def test_hhs_progress_reports_go_to_mentors_every_three_months_one_round_each(dispatch):
    report = seeded_survey("hhs", "progress_report")
    mentorship = pair_in("hhs", D(2026, 1, 15))

    for day in (D(2026, 4, 14), D(2026, 4, 15), D(2026, 4, 16), D(2026, 7, 15), D(2026, 7, 20)):
        dispatch(day)

    rows = list(invited(report).order_by("round").values_list("recipient_id", "round", "due_on"))
    assert rows == [(mentorship.mentor_id, 1, D(2026, 4, 15)), (mentorship.mentor_id, 2, D(2026, 7, 15))]


def test_hpmsnj_feedback_goes_to_both_every_six_months(dispatch):
    feedback = seeded_survey("hpmsnj", "feedback")
    mentorship = pair_in("hpmsnj", D(2026, 1, 15))

    dispatch(D(2026, 7, 15))

    assert recipients(feedback, mentorship) == {(mentorship.mentor.email, "mentor"), (mentorship.mentee.email, "mentee")}


def test_inactive_surveys_programs_and_people_are_skipped(dispatch):
    fit = seeded_survey("ky-connections", "fit_check")
    mentorship = pair_in("ky-connections", D(2026, 1, 15))
    mentorship.mentor.is_active = False
    mentorship.mentor.save()

    dispatch(D(2026, 4, 15))
    assert recipients(fit, mentorship) == {(mentorship.mentee.email, "mentee")}

    other = pair_in("ky-connections", D(2026, 1, 16))
    fit.active = False
    fit.save()
    dispatch(D(2026, 4, 16))
    assert not invited(fit, other).exists()

    fit.active = True
    fit.save()
    Program.objects.filter(slug="ky-connections").update(is_active=False)
    dispatch(D(2026, 4, 16))
    assert not invited(fit, other).exists()


# ---------------------------------------------------------------------------
# Exactly once
# ---------------------------------------------------------------------------


def test_running_the_planner_three_times_sends_each_survey_once(dispatch):
    fit = seeded_survey("ky-connections", "fit_check")
    pairs = [pair_in("ky-connections", D(2026, 1, 15)) for _ in range(3)]

    results = [dispatch(D(2026, 4, 15)) for _ in range(3)]

    assert [r.sent for r in results] == [6, 0, 0]
    assert [len(r.planned) for r in results] == [6, 0, 0]
    assert invited(fit).count() == 6
    assert len(mail.outbox) == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        email for p in pairs for email in (p.mentor.email, p.mentee.email)
    )
    assert Notification.objects.filter(subject__contains="fit questionnaire").count() == 6


def test_an_invitation_inserted_but_not_sent_is_sent_by_the_next_run(dispatch):
    """A run that died between inserting and claiming leaves rows the next run sends."""
    fit = seeded_survey("ky-connections", "fit_check")
    mentorship = pair_in("ky-connections", D(2026, 1, 15))
    with at(D(2026, 4, 15)):
        batch = next(services.survey_plan_due(today=D(2026, 4, 15)))
        SurveyInvitation.objects.bulk_create(
            SurveyInvitation(
                survey=d.survey, mentorship_id=d.mentorship_id, recipient_id=d.recipient_id, role=d.role, due_on=d.due_on
            )
            for d in batch
        )

    result = dispatch(D(2026, 4, 16))

    assert result.sent == 2
    assert invited(fit, mentorship).filter(sent_at__isnull=True).count() == 0
    assert len(mail.outbox) == 2


def test_a_rolled_back_transaction_enqueues_nothing(django_capture_on_commit_callbacks):
    pair_in("ky-connections", D(2026, 1, 15))

    class Boom(Exception):
        pass

    with at(D(2026, 4, 15)), django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom):
            with transaction.atomic():
                services.survey_dispatch_due(today=D(2026, 4, 15))
                assert SurveyInvitation.objects.count() == 2
                raise Boom

    assert callbacks == []
    assert mail.outbox == []
    assert SurveyInvitation.objects.count() == 0
    assert not Notification.objects.exists()


def test_dry_run_lists_what_is_due_and_writes_nothing(dispatch):
    mentorship = pair_in("ky-connections", D(2026, 1, 15))

    result = dispatch(D(2026, 4, 15), dry_run=True)

    assert {(d.recipient_id, d.role) for d in result.planned} == {(mentorship.mentor_id, "mentor"), (mentorship.mentee_id, "mentee")}
    assert result.sent == 0
    assert not SurveyInvitation.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_planning_reads_in_batches_not_per_mentorship(django_assert_max_num_queries):
    for n in range(30):
        pair_in("ky-connections", D(2026, 1, 15))
    # Surveys (1) + per active survey: candidates (1) + existing rows (1 per batch).
    with django_assert_max_num_queries(1 + 2 * 7):
        planned = [d for batch in services.survey_plan_due(today=D(2026, 4, 15)) for d in batch]
    assert len(planned) == 60


@pytest.mark.django_db(transaction=True, available_apps=ALL_APPS)
def test_concurrent_planners_send_each_survey_once():
    """Two beats (or a beat and cron) at the same moment: each email once."""
    ensure_seeded()
    fit = seeded_survey("ky-connections", "fit_check")
    for _ in range(5):
        pair_in("ky-connections", D(2026, 1, 15))
    day = D(2026, 4, 15)
    start = threading.Barrier(4)
    errors, results = [], []

    def planner():
        try:
            start.wait()
            results.append(services.survey_dispatch_due(today=day))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    with at(day):
        threads = [threading.Thread(target=planner) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert sum(r.sent for r in results) == 10
    assert invited(fit).count() == 10
    assert invited(fit).filter(sent_at__isnull=True).count() == 0
    assert len(mail.outbox) == 10
    assert len({m.to[0] for m in mail.outbox}) == 10
