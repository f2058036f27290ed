"""Survey templates: what a coordinator may build, and the seeded surveys of the five programs."""

import pytest
from django.core.exceptions import ValidationError

from surveys.models import Question, Survey
from surveys.services import rounds_elapsed

from .factories import SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"kind": "single", "choices": "Only one"}, "at least two choices"),
        ({"kind": "single", "choices": "Yes\nYes"}, "only once"),
        ({"kind": "rating", "choices": "Yes\nNo"}, "Only single and multiple choice"),
        ({"kind": "single", "choices": "Yes\nNo", "alert_on": "Maybe"}, "Not one of the choices: Maybe."),
        ({"kind": "rating", "alert_on": "0"}, "ratings from 1 to 5"),
        ({"kind": "text", "alert_on": "bad"}, "Only single choice and rating questions can alert."),
        ({"kind": "multiple", "choices": "A\nB", "alert_on": "A"}, "Only single choice and rating questions can alert."),
    ],
)
def test_question_rules(fields, error):
    question = Question(survey=SurveyFactory(), text="Q?", **fields)

    with pytest.raises(ValidationError, match=error):
        question.clean()


def test_a_rating_can_alert_on_low_values():
    question = Question(survey=SurveyFactory(), text="How is it going?", kind="rating", alert_on="1\n2")
    question.clean()
    assert question.alert_values == {"1", "2"}


def test_repeating_surveys_need_a_period_and_others_must_not_have_one():
    with pytest.raises(ValidationError, match="how often"):
        Survey(program=SurveyFactory().program, kind="progress_report", title="x").clean()
    with pytest.raises(ValidationError, match="Only progress reports"):
        Survey(program=SurveyFactory().program, kind="exit", title="x", every_months=3).clean()


def test_rounds_elapsed_counts_whole_periods():
    import datetime

    start = datetime.date(2026, 1, 31)
    assert rounds_elapsed(started_on=start, every_months=3, today=datetime.date(2026, 4, 29)) == 0
    assert rounds_elapsed(started_on=start, every_months=3, today=datetime.date(2026, 4, 30)) == 1
    assert rounds_elapsed(started_on=start, every_months=3, today=datetime.date(2027, 1, 31)) == 4


# ---------------------------------------------------------------------------
# The seeded surveys (data migration) follow the documents
# ---------------------------------------------------------------------------


def seeded(slug, kind):
    return Survey.objects.get(program__slug=slug, kind=kind)


@pytest.mark.parametrize(
    ("slug", "kind", "audience"),
    [
        ("aahpm", "exit", "both"),
        ("ky-connections", "fit_check", "both"),
        ("ky-connections", "evaluation", "both"),
        ("hhs", "progress_report", "mentors"),
        ("hhs", "evaluation", "both"),
        ("hpmsnj", "feedback", "both"),
        ("wtap", "evaluation", "both"),
    ],
)
def test_each_program_has_its_documented_survey(slug, kind, audience):
    survey = seeded(slug, kind)
    assert survey.active
    assert survey.audience == audience
    assert survey.questions.exists()
    for question in survey.questions.all():
        question.clean()  # every seeded question passes the admin's own rules
    survey.clean()


def test_seeded_surveys_are_the_only_ones():
    assert Survey.objects.count() == 7


def test_ky_fit_questionnaire_asks_if_the_match_is_a_good_fit_and_alerts_on_no():
    question = seeded("ky-connections", "fit_check").questions.get(text="Is your mentoring match a good fit?")
    assert question.kind == "single"
    assert question.alert_values == {"No, it is not working"}
    assert "No, it is not working" in question.choice_list
    assert not seeded("ky-connections", "fit_check").anonymous_in_reporting


def test_hhs_evaluation_covers_its_five_dimensions():
    dimensions = set(seeded("hhs", "evaluation").questions.exclude(dimension="").values_list("dimension", flat=True))
    assert dimensions == {
        "Accomplishment of Overall Program Objectives",
        "Selection/Matching Process",
        "Mentoring Relationship",
        "Training",
        "Program Support",
    }


def test_hpmsnj_feedback_asks_the_committees_three_questions():
    texts = list(seeded("hpmsnj", "feedback").questions.values_list("text", flat=True))
    assert texts[:3] == ["What is going well?", "How could the program improve?", "What concerns do you have?"]


def test_wtap_evaluation_asks_to_end_or_continue():
    question = seeded("wtap", "evaluation").questions.get(text="Should the mentoring relationship continue?")
    assert question.choice_list == [
        "Continue as agreed",
        "Continue for another agreed upon time period",
        "End the relationship",
    ]
