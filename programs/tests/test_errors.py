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


def test_a_refusal_that_names_a_field_is_shown_on_that_field():
    from django import forms

    from programs.errors import FAILED, RuleViolation, submit

    class Form(forms.Form):
        email = forms.EmailField()

    def refuse(data):
        raise RuleViolation("Not that one.", field="email")

    def refuse_elsewhere(data):
        raise RuleViolation("Not now.", field="no_such_field")

    form = Form({"email": "a@example.org"})
    assert submit(form, refuse) is FAILED
    assert form.errors == {"email": ["Not that one."]}
    other = Form({"email": "a@example.org"})
    assert submit(other, refuse_elsewhere) is FAILED
    assert other.non_field_errors() == ["Not now."]
