"""submit(): how a refused rule reaches the form a person filled in."""

from django import forms

from programs.errors import FAILED, RuleViolation, submit


class NameForm(forms.Form):
    name = forms.CharField()


def refuse(data):
    raise RuleViolation(f"{data['name']} may not do that.")


def test_an_invalid_form_never_calls_the_service():
    calls = []
    assert submit(NameForm({}), calls.append) is FAILED
    assert calls == []


def test_a_refusal_becomes_the_forms_error_and_the_input_is_kept():
    form = NameForm({"name": "Ada"})
    assert submit(form, refuse) is FAILED
    assert form.non_field_errors() == ["Ada may not do that."]
    assert form["name"].value() == "Ada"


def test_the_services_result_is_returned():
    assert submit(NameForm({"name": "Ada"}), lambda data: data["name"].upper()) == "ADA"
