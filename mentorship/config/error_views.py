"""The pages a person sees when the server fails: never a traceback.

`server_error` is the project's handler500 (mentorship/config/urls.py). Django calls
it for any exception a view or middleware did not handle, inside the `except`
block, so the exception is at hand: when the database cannot be reached (it
restarts, a failover, too many connections) the answer is 503 with
Retry-After — the site recovers by itself once it answers again, as
CONN_HEALTH_CHECKS drops the broken connection at the next request — and any
other failure is a plain 500. Both pages are rendered without the request:
context processors would query the database that just failed.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader

RETRY_AFTER_SECONDS = 30
# OperationalError: the server is gone, refuses connections, shuts down, or a
# transaction lost a deadlock — all worth a retry. InterfaceError: the
# connection was closed under us.
UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, UNAVAILABLE):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request, template_name: str = "500.html"):
    if database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template(template_name).render())
