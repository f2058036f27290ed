"""What people are told about decisions on their enrolment, in programs' words.

programs owns the decisions and their wording; it announces each decision with
the `enrollment_decided` signal (programs/signals.py), and mentorship, which
owns notifications, tells the person (mentorship/services/notifications.py).
"""

from .models import Enrollment, EnrollmentState

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


def decision_message(*, enrollment: Enrollment, moved_up: bool = False) -> dict | None:
    """The subject, body and link that tell the person the decision; None for a
    state nobody is told about (a withdrawal they made themselves)."""
    subject, body = (MOVED_UP_SUBJECT, MOVED_UP_BODY) if moved_up else MESSAGES.get(enrollment.state, (None, None))
    if subject is None:
        return None
    cohort = enrollment.cohort
    program = cohort.program
    values = {
        "cohort": cohort,
        "program": program.name,
        "coordinator": program.coordinator_title,
        "role": enrollment.get_role_display().lower(),
    }
    return {"subject": subject.format(**values), "body": body.format(**values), "url": program.get_absolute_url()}
