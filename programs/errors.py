class RuleViolation(Exception):
    """A program rule refuses the action; the message tells a person what to do.

    Services raise it; views show it on the form and admin actions as a message,
    so a broken rule is never a server error.
    """

    def __init__(self, message: str, *, code: str = "rule", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        # The form field the refusal is about, where there is one ("supervisor_email").
        self.field = field

    def __str__(self):
        return self.message


FAILED = object()


def submit(form, action):
    """Run a service for a bound form and report a refusal on the form.

    Returns the service's result, or FAILED when the form is invalid or a rule
    refused the action; the RuleViolation's message then becomes the form's
    error (on its field, when the refusal names one the form has), so the
    person sees it with everything they typed kept. Views call this instead of
    repeating the same try/except around every service.
    """
    if not form.is_valid():
        return FAILED
    try:
        return action(form.cleaned_data)
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return FAILED
