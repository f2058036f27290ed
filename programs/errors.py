class RuleViolation(Exception):
    """A program rule refuses the action; the message tells a person what to do.

    Services raise it; views show it on the form and admin actions as a message,
    so a broken rule is never a server error.
    """

    def __init__(self, message: str, *, code: str = "rule"):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return self.message
