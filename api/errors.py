"""The API's refusals: a stable code a program can branch on, and a message a person can read."""


class ApiError(Exception):
    def __init__(self, message: str, *, code: str, status: int = 400, errors: list | None = None, headers=None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.errors = errors or []
        self.headers = headers or {}

    def __str__(self):
        return self.message


TOKEN_MISSING = "Send the API token as “Authorization: Bearer <token>”."
TOKEN_UNKNOWN = "This API token is not known here."
TOKEN_EXPIRED = "This API token expired on {date}; ask the program's coordinator for a new one."
TOKEN_REVOKED = "This API token was revoked; ask the program's coordinator for a new one."
TOKEN_OWNER_GONE = "The coordinator this API token acts for no longer runs {program}; ask for a new token."
READ_ONLY = "This API token is read-only; ask the program's coordinator for a read-write token."
RATE_LIMITED = "Too many requests with this token: at most {limit} a minute. Try again in {retry} seconds."
NOT_FOUND = "No {what} with that id in {program}."
BAD_CURSOR = "The cursor is not one this API gave out; start again without it."
