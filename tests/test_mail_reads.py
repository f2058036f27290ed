"""Every mail the product sends, read as a participant or coordinator would.

The living demo is seeded on a frozen day and `send_due` runs over the months
after it, so the mails of every kind go out as they do in production —
invitations and their answers, pairs formed and ended, meetings logged, scheduled
and reminded, goals and agreements, surveys, their reminders and alerts, event
reminders, the term's questions, check-in nudges and the coordinators' digest;
the sign-up and password mails are allauth's. Each subject and body is held to
the same rules: no word said twice in a row ("KY Connections Connections"), no
template left unfilled, no "(s)", no ISO date or week, and dates in the one
format ("4 Dec 2026").
"""

import datetime
import io
import re
import zoneinfo
from collections import Counter

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from mentorship.models import Notification
from programs.models import Event

from .test_date_formats import MONTH, ONE_DATE, dates_in

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("America/New_York")
SEEDED = datetime.date(2026, 12, 1)
# The days send_due runs after the seed: tomorrow's meetings and events, a Monday's
# digest, check-ins due, three months (KY's fit questionnaire), their reminders.
AFTER = (1, 6, 20, 40, 100, 107, 114, 121, 380, 387)

SUBJECT_PREFIX = "[Mentoring] "
DOUBLED = re.compile(r"\b(\w{2,})\s+\1\b", re.IGNORECASE)
UNFILLED = re.compile(r"\{|\}|\bNone\b|\(s\)|\d{4}-\d{2}-\d{2}|\d{4}-W\d\d|<[a-z/]")


def problems(subject: str, body: str) -> list[str]:
    found = []
    if not subject or "\n" in subject or len(subject) > 100:
        found.append("a subject is one line of at most 100 characters")
    if subject.endswith(".") or subject != subject.strip() or "  " in subject:
        found.append("a subject ends without a full stop or spaces")
    for where, text in (("subject", subject), ("body", body)):
        for match in DOUBLED.finditer(text):
            found.append(f"{where} says “{match.group(1)}” twice: …{match.group(0)}…")
        for match in UNFILLED.finditer(text):
            found.append(f"{where} has “{match.group(0)}”")
        for date in dates_in(text):
            if not (ONE_DATE.fullmatch(date) or MONTH.fullmatch(date)):
                found.append(f"{where} writes a date as “{date}”")
    return found


def at_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), TZ)


@pytest.fixture
def every_mail(django_capture_on_commit_callbacks, client):
    """(subject, body) of every mail sent while the demo lives for a year."""
    with time_machine.travel(at_noon(SEEDED), tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", quiet=True)
    # The day before and the day of the next events, for their reminders.
    event_days = {
        timezone.localtime(event.starts_at).date() - datetime.timedelta(days=before)
        for event in Event.objects.filter(starts_at__gt=at_noon(SEEDED)).order_by("starts_at")[:3]
        for before in (1, 0)
    }
    for day in sorted({SEEDED + datetime.timedelta(days=days) for days in AFTER} | event_days):
        with time_machine.travel(at_noon(day), tick=False), django_capture_on_commit_callbacks(execute=True):
            call_command("send_due", date=day, stdout=io.StringIO())
    # allauth's: a password reset, one for an unknown address, a sign-up's confirmation.
    client.post("/accounts/password/reset/", {"email": "mentee1.ky@example.org"})
    client.post("/accounts/password/reset/", {"email": "nobody.here@example.org"})
    client.post(
        "/accounts/signup/",
        {"email": "new.person@example.org", "password1": "A-long-pass-2026!x", "password2": "A-long-pass-2026!x"},
    )
    sent = [(m.subject, m.body) for m in mail.outbox]
    # Notifications held back by a person's email frequency are read on the site all the same.
    sent += [
        (SUBJECT_PREFIX + n.subject, n.body) for n in Notification.objects.filter(email_skipped=True)
    ]
    return sent


KINDS = {
    "an invitation": r"invites you to be their mentor",
    "a declined invitation": r"declined your invitation",
    "a pair formed": r"is your mentor in|You are mentoring",
    "a meeting logged": r" logged a ",
    "a meeting scheduled": r" scheduled a ",
    "goals shared": r" shared their ",
    "an agreement signed": r"signed your mentoring agreement|agreement is signed",
    "a shortlist": r"suggests \d potential mentor",
    "an enrolment decision": r"^You are in ",
    "a survey": r"^Please answer: ",
    "a survey's reminder": r"^Reminder: ",
    "a survey's alert": r": an answer needs your attention$",
    "a meeting tomorrow": r"^Tomorrow: .* with ",
    "an event tomorrow": r"^Tomorrow: (?!.* with )",
    "a check-in nudge": r"^Time to check in with ",
    "the digest": r"^Your mentoring digest for the week of \d{1,2} \w{3} \d{4}$",
    "the end of a pair": r"has ended$",
    "the term's question": r"^(Extend or close|Continue or end) your mentorship",
    "a password reset": r"^Reset your password$",
    "a sign-up's confirmation": r"^Confirm your email address$",
}


def test_every_mail_the_product_sends_reads_well(every_mail):
    subjects = [subject.removeprefix(SUBJECT_PREFIX) for subject, _ in every_mail]
    missing = [kind for kind, pattern in KINDS.items() if not any(re.search(pattern, s) for s in subjects)]
    assert not missing, f"no mail of these kinds: {missing}\n" + "\n".join(sorted(Counter(subjects)))

    bad = {}
    for subject, body in every_mail:
        assert subject.startswith(SUBJECT_PREFIX), subject
        for problem in problems(subject.removeprefix(SUBJECT_PREFIX), body):
            bad.setdefault(problem, subject)
    assert not bad, "\n".join(f"{problem}  ← {subject}" for problem, subject in bad.items())

    # A survey is named with its program once.
    assert "Please answer: KY Connections fit questionnaire (three months)" in subjects
    assert "Reminder: KY Connections fit questionnaire (three months)" in subjects
    assert "KY Connections fit questionnaire (three months): an answer needs your attention" in subjects
    assert "Please answer: AAHPM Mentor Match exit survey" in subjects


def test_the_rules_catch_what_they_are_for():
    """A positive control: last release's wording fails them."""
    assert problems("Reminder: KY Connections Connections fit questionnaire (three months)", "")
    assert problems("Your weekly mentoring digest (2027-W11)", "- 1 pair(s) overdue or at risk")
    assert problems("Avery scheduled a check-in", "Check-in on Fri 04 December 2026, 10:00.")
    assert not problems("Avery scheduled a check-in", "Check-in (video, 60 minutes) on 4 Dec 2026, 10:00.")
