"""The response form: one field per question, built from the survey."""

from django import forms

from .models import RATING_VALUES, Question, QuestionKind
from .services import NOT_A_CHOICE, REQUIRED, TEXT_LIMIT

ACTION_SAVE = "save"
ACTION_SUBMIT = "submit"


def field_name(question: Question) -> str:
    return f"q{question.pk}"


class SurveyResponseForm(forms.Form):
    """Answers as the service takes them: {question id: value}.

    Required questions are required only when the person submits; a draft
    keeps whatever has been answered so far.
    """

    def __init__(self, *args, questions: list[Question], submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[field_name(question)] = self._field(question, required=submitting and question.required)

    @staticmethod
    def _field(question: Question, *, required: bool) -> forms.Field:
        common = {
            "label": question.text,
            "help_text": question.help_text,
            "required": required,
            "error_messages": {"required": REQUIRED, "invalid_choice": NOT_A_CHOICE},
        }
        if question.kind == QuestionKind.RATING:
            return forms.TypedChoiceField(
                choices=[(v, str(v)) for v in RATING_VALUES],
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                **common,
            )
        if question.kind == QuestionKind.SINGLE:
            return forms.ChoiceField(choices=[(c, c) for c in question.choice_list], widget=forms.RadioSelect, **common)
        if question.kind == QuestionKind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=[(c, c) for c in question.choice_list], widget=forms.CheckboxSelectMultiple, **common
            )
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4}), max_length=TEXT_LIMIT, strip=True, **common
        )

    @classmethod
    def initial_from(cls, answers: dict[int, object], questions: list[Question]) -> dict[str, object]:
        return {field_name(q): answers[q.pk] for q in questions if q.pk in answers}

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(field_name(q)) for q in self.questions}

    def add_answer_errors(self, errors: dict[int, str]) -> None:
        by_pk = {q.pk: q for q in self.questions}
        for question_id, message in errors.items():
            if question_id in by_pk:
                self.add_error(field_name(by_pk[question_id]), message)

    def rows(self):
        """(question, bound field) pairs for the template."""
        return [(q, self[field_name(q)]) for q in self.questions]
