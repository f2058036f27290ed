"""Telling people about decisions on their enrolment, without programs importing mentorship.

`programs` owns the decisions and their wording; `mentorship` owns
notifications (the on-site list and the email after commit). mentorship plugs
its `notify` in when the app registry is ready (`MentorshipConfig.ready`), so
every caller of the enrolment services — admin actions, the site, commands —
tells the applicant without having to remember to. With nothing plugged in
(programs on its own) decisions are made silently.

Why not a `notify=` argument on each service: the admin actions and the
site's withdraw view live in programs and could not pass mentorship's
function without importing it, and a waitlisted person moves up inside
`enrollment_withdraw`, called by whoever withdrew.
"""

from collections.abc import Callable

from .models import Enrollment, EnrollmentState

# notify(*, user, subject, body, url="", essential=True): mentorship.services.notify.
Notifier = Callable[..., object]

_notifier: Notifier | None = None

APPROVED_SUBJECT = "You are in {cohort}"
APPROVED_BODY = (
    "The {coordinator} approved your application to {program} ({cohort}) as a {role}. "
    "Enrolment does not guarantee a pairing; you will hear when you are matched."
)
WAITLISTED_SUBJECT = "You are on the waitlist for {cohort}"
WAITLISTED_BODY = (
    "{cohort} is full for now. You keep your place in the queue and move up automatically when a place frees; "
    "we will tell you when it does."
)
DECLINED_SUBJECT = "Your application to {cohort}"
DECLINED_BODY = (
    "The {coordinator} could not offer you a place in {program} ({cohort}) this time. "
    "Ask them about the next intake."
)
MOVED_UP_SUBJECT = "A place freed up: you are in {cohort}"
MOVED_UP_BODY = "A place freed up in {program} ({cohort}) and you were next on the waitlist: you take part as a {role}."

MESSAGES = {
    EnrollmentState.APPROVED: (APPROVED_SUBJECT, APPROVED_BODY),
    EnrollmentState.WAITLISTED: (WAITLISTED_SUBJECT, WAITLISTED_BODY),
    EnrollmentState.DECLINED: (DECLINED_SUBJECT, DECLINED_BODY),
}


def notifier_set(notifier: Notifier | None) -> None:
    global _notifier
    _notifier = notifier


def enrollment_decision_notify(*, enrollment: Enrollment, moved_up: bool = False) -> None:
    """Tell the person the decision on their enrolment (inside the deciding transaction)."""
    if _notifier is None:
        return
    subject, body = (MOVED_UP_SUBJECT, MOVED_UP_BODY) if moved_up else MESSAGES.get(enrollment.state, (None, None))
    if subject is None:
        return
    cohort = enrollment.cohort
    program = cohort.program
    values = {
        "cohort": cohort,
        "program": program.name,
        "coordinator": program.coordinator_title,
        "role": enrollment.get_role_display().lower(),
    }
    _notifier(
        user=enrollment.user,
        subject=subject.format(**values),
        body=body.format(**values),
        url=program.get_absolute_url(),
        essential=True,
    )
