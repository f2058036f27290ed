"""Reads of the mentoring agreement: the draft a program's rules suggest, the
expected signature and the agreement of a mentorship."""

from django.http import Http404

from programs.formats import date_text

from ..models import Agreement, MeetingFrequency, Mentorship, User
from .mentorships import mentorship_get_for_user

TERM_FIELDS = [
    "duration_and_evaluation",
    "meeting_frequency",
    "min_meeting_minutes",
    "max_meeting_minutes",
    "contact_between_meetings",
    "mentor_role",
    "mentee_role",
    "feedback",
    "no_fault_termination",
]


PREAMBLE = (
    "We are both voluntarily entering into a mentoring relationship which we expect will benefit both of us and "
    "the organisation. We want this to be a rewarding experience, with most of our time together spent on "
    "developmental activities. The following are mutually agreed upon."
)


def _months(n: int) -> str:
    if n % 12 == 0:
        years = n // 12
        return "one year" if years == 1 else f"{years} years"
    return f"{n} months"


def agreement_defaults(*, mentorship: Mentorship) -> dict:
    """A first draft from the program's rules, for the pair to adapt."""
    program = mentorship.program
    if program.duration_months:
        duration = f"The mentoring relationship will last for {_months(program.duration_months)}"
        if mentorship.planned_end_on:
            duration += f", until {date_text(mentorship.planned_end_on)}"
        duration += "."
    elif program.ends_with_cohort and mentorship.planned_end_on:
        duration = f"The mentoring relationship lasts the program year, until {date_text(mentorship.planned_end_on)}."
    elif mentorship.agreed_duration_months:
        duration = f"The mentoring relationship will last for {_months(mentorship.agreed_duration_months)}"
        if mentorship.planned_end_on:
            duration += f", until {date_text(mentorship.planned_end_on)}"
        duration += "."
    elif program.requires_discovery_call:
        # AAHPM: the duration is agreed "during the discovery call".
        duration = "The mentoring relationship will last for the duration we agree during our discovery call."
    else:
        duration = "The mentoring relationship will last for the duration we agree at our first meeting."
    if program.evaluation_after_months:
        duration += (
            f" After an initial period of {_months(program.evaluation_after_months)}, the relationship will be "
            "evaluated and we will mutually agree to end it or continue for another agreed-upon time period."
        )
    frequency = {1: MeetingFrequency.MONTHLY, 2: MeetingFrequency.BIMONTHLY, 3: MeetingFrequency.QUARTERLY}.get(
        program.checkin_interval_months or 1, MeetingFrequency.MONTHLY
    )
    if program.early_end_after_months:
        termination = (
            f"If the relationship is not working, either of us may end it after {program.early_end_after_months} "
            f"months, once the {program.coordinator_title} has given us guidance."
        )
    else:
        termination = (
            "We agree to a no-fault termination of this relationship, if appropriate: either of us may end it if we "
            "believe it is no longer productive to work together, without blame and without giving a reason."
        )
    return {
        "duration_and_evaluation": duration,
        "meeting_frequency": frequency,
        "min_meeting_minutes": 30,
        "max_meeting_minutes": 90,
        "contact_between_meetings": (
            "Email or phone. In-depth issues are not handled this way but in a meeting."
        ),
        "mentor_role": program.mentor_role.strip()
        or "Serve as an unbiased advisor, build the mentee's confidence, and give information and encouragement.",
        "mentee_role": program.mentee_role.strip()
        or "Arrive on time, set clear developmental goals, communicate openly and take responsibility for growing.",
        "feedback": (
            "The mentor gives constructive feedback to the mentee, and the mentee makes an effort to incorporate "
            "suggestions into their development. Each of us tells the other what is working and what is not."
        ),
        "no_fault_termination": termination,
    }


def expected_signature(user: User) -> str:
    return user.get_full_name().strip() or user.email


def agreement_of(mentorship: Mentorship) -> Agreement | None:
    return Agreement.objects.filter(mentorship=mentorship).first()


def agreement_is_editable(*, mentorship: Mentorship, agreement: Agreement | None) -> bool:
    """The terms can be written while the pair is active and nobody has signed them:
    a signature is a promise to *these* words (services/agreements.py says why)."""
    return mentorship.is_active and (agreement is None or not agreement.is_signed_by_anyone)


def agreement_get_for_partner(*, user, pk: int) -> Agreement:
    """The agreement of a mentorship, for the pair only; 404 before anyone wrote it."""
    mentorship = mentorship_get_for_user(user=user, pk=pk, participants_only=True)
    agreement = agreement_of(mentorship)
    if agreement is None:
        raise Http404("No agreement yet.")
    return agreement
