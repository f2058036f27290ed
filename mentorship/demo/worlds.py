"""A living world for each program, dated relative to the day the seed runs.

Everything goes through the product's services, with their own date
parameters (`today=` for pairs and ends, `now=` for invitations, meetings,
signatures and sharing, `today=` for survey dispatch), so each row is what the
product would have written had the seed run on that day. A program whose world
exists (any pair or invitation) is left as it is: a second run adds nothing.
"""

import datetime

from django.utils import timezone

from matching import services as matching_services
from matching.models import MatchRun, Shortlist
from mentorship import services
from mentorship.models import (
    Invitation,
    InvitationSource,
    MeetingKind,
    MeetingMode,
    Mentorship,
    MentorshipOrigin,
    User,
)
from programs.models import Role
from programs.rules import add_months
from surveys import services as survey_services
from surveys.models import QuestionKind, SurveyInvitation

from .people import DEMO_DOMAIN, Cast, enrol, ensure_user, people_seed, program_cohort_on

# Answer a question with the choice its survey alerts the coordinators on (KY: not a good fit).
ALERT = object()


class Clock:
    """The seed's today and now; days are counted back (or forward) from today."""

    def __init__(self):
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)

    def day(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def at(self, offset: int, hour: int = 10) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.day(offset), datetime.time(hour)))

    def moment(self, offset: int, hour: int = 9) -> datetime.datetime:
        """A moment on that day for a service's `now`, never later than the real now."""
        return min(self.at(offset, hour), self.now)


def _log(
    clock: Clock,
    m: Mentorship,
    by: User,
    offset: int,
    minutes: int,
    kind=MeetingKind.CHECKIN,
    mode=MeetingMode.VIDEO,
    notes="",
):
    starts_at = clock.at(offset, 10)
    if starts_at > clock.now:
        starts_at = clock.now - datetime.timedelta(minutes=minutes + 5)
    if timezone.localdate(starts_at) < m.started_on:
        return None
    return services.meeting_log(
        mentorship=m,
        by=by,
        starts_at=starts_at,
        duration_minutes=minutes,
        kind=kind,
        mode=mode,
        shared_notes=notes or f"{MeetingKind(kind).label}: progress on the goals, next steps agreed.",
        now=clock.now,
    )


def _history(clock: Clock, m: Mentorship, *, first: int, last: int, every: int, minutes, mode=MeetingMode.VIDEO):
    """Logged check-ins from `first` to `last` days from today, every `every` days;
    `minutes` is a number or a function of the meeting's date."""
    offset = first
    while offset <= last:
        length = minutes(clock.day(offset)) if callable(minutes) else minutes
        by = m.mentor if offset % 2 else m.mentee
        _log(clock, m, by, offset, length, mode=mode)
        offset += every


def _schedule(clock: Clock, m: Mentorship, offset: int, *, kind=MeetingKind.CHECKIN, minutes=60, hour=15):
    return services.meeting_schedule(
        mentorship=m,
        by=m.mentee,
        starts_at=clock.at(offset, hour),
        duration_minutes=minutes,
        kind=kind,
        mode=MeetingMode.VIDEO,
        shared_notes="Agenda sent a week ahead.",
        now=clock.now,
    )


def _pair(clock: Clock, cast: Cast, mentor: User, mentee: User, offset: int, origin=MentorshipOrigin.COORDINATOR):
    """The coordinator pairs them on that day, in the cohort of that day's program year."""
    day = clock.day(offset)
    cohort = program_cohort_on(cast.program, day, today=clock.today)
    if cohort.pk != cast.cohorts.running.pk:
        cast.enrol_on(user=mentor, role=Role.MENTOR, cohort=cohort, day=day)
        cast.enrol_on(user=mentee, role=Role.MENTEE, cohort=cohort, day=day)
    return services.mentorship_create(
        program=cast.program,
        cohort=cohort,
        mentor=mentor,
        mentee=mentee,
        by=cast.coordinator,
        origin=origin,
        today=day,
    )


def _invite(clock: Clock, cast: Cast, mentee: User, mentor: User, offset: int, message: str) -> Invitation:
    return services.invitation_send(
        mentee=mentee,
        mentor=mentor,
        program=cast.program,
        message=message,
        source=InvitationSource.DIRECTORY,
        now=clock.moment(offset, 9),
    )


def _goals(clock: Clock, m: Mentorship, titles: list[str], *, share_offset: int | None = None):
    for i, title in enumerate(titles):
        services.goal_create(
            mentorship=m,
            by=m.mentee,
            title=title,
            description=f"{title}, with my mentor's advice.",
            target_date=add_months(clock.today, 3 + i),
            status=["in_progress", "not_started", "achieved"][i % 3],
        )
    if share_offset is not None:
        services.goals_share(mentorship=m, by=m.mentee, now=clock.moment(share_offset, 18))


TERMS = {
    "duration_and_evaluation": "Three years, evaluated after the initial six months.",
    "min_meeting_minutes": 30,
    "max_meeting_minutes": 90,
    "contact_between_meetings": "Email or a short call when something comes up.",
    "mentor_role": "Shares experience, gives honest feedback, suggests resources.",
    "mentee_role": "Sets the agenda, prepares questions, follows up on actions.",
    "feedback": "A few minutes at the end of every meeting.",
    "no_fault_termination": "Either of us may end the relationship at any time, no fault attached.",
}


def _agreement(clock: Clock, m: Mentorship, *, frequency: str, mentor_offset: int | None, mentee_offset: int | None):
    from mentorship.selectors.agreements import TERM_FIELDS, expected_signature

    terms = {name: TERMS.get(name, "") for name in TERM_FIELDS}
    terms["meeting_frequency"] = frequency
    services.agreement_save(mentorship=m, by=m.mentor, terms=terms)
    for offset, who in ((mentor_offset, m.mentor), (mentee_offset, m.mentee)):
        if offset is not None:
            services.agreement_sign(
                mentorship=m, by=who, typed_name=expected_signature(who), now=clock.moment(offset, 17)
            )


def _answer(invitation: SurveyInvitation, overrides: dict | None = None) -> None:
    """Submit answers through the survey service: a plausible answer to every
    question, with `overrides` by the question's first words."""
    overrides = overrides or {}
    answers = {}
    for i, question in enumerate(invitation.survey.questions.all()):
        choices = list(question.choice_list)
        value = next((v for prefix, v in overrides.items() if question.text.startswith(prefix)), None)
        if value is ALERT:
            value = next(choice for choice in choices if choice in question.alert_values)
        if value is None:
            if question.kind == QuestionKind.RATING:
                value = 3 + (i + invitation.recipient_id) % 3
            elif question.kind == QuestionKind.SINGLE:
                value = choices[0]
            elif question.kind == QuestionKind.MULTIPLE:
                value = choices[:2]
            else:
                value = "Regular calls and a clear plan; my mentor's examples from their own career helped most."
        answers[question.pk] = value
    survey_services.survey_response_submit(invitation=invitation, answers=answers)


def _invitation_of(m: Mentorship, who: User) -> SurveyInvitation | None:
    return SurveyInvitation.objects.filter(mentorship=m, recipient=who, completed_at__isnull=True).first()


# ---------------------------------------------------------------------------
# The programs
# ---------------------------------------------------------------------------


def aahpm(clock: Clock, cast: Cast) -> list:
    """Self-selection: mentees invite; discovery and wrap-up calls; 2 mentees per mentor; exit survey."""
    m1, m2, m3, m4 = (cast.mentors[n] for n in (1, 2, 3, 4))
    e1, e2, e3, e4 = (cast.mentees[n] for n in (1, 2, 3, 4))
    after = []
    # Past the discovery call, Mentoring Worksheet shared, six months agreed; due for its monthly call.
    inv = _invite(
        clock, cast, e1, m1, -92, "I want to build a palliative care service line and learn to budget for it."
    )
    a1 = services.invitation_accept(invitation=inv, by=m1, now=clock.moment(-90, 12))
    _log(clock, a1, m1, -85, 60, kind=MeetingKind.DISCOVERY, notes="Walked through the Discovery Call Outline.")
    _goals(
        clock,
        a1,
        ["Draft a service-line budget", "Present at the annual assembly", "Submit a grant letter of intent"],
        share_offset=-85,
    )
    services.mentorship_set_duration(mentorship=a1, by=m1, months=6)
    _history(clock, a1, first=-56, last=-26, every=30, minutes=45, mode=MeetingMode.PHONE)
    _schedule(clock, a1, 3)
    # Completed: wrap-up call held, ended two weeks ago; the exit survey goes to both.
    inv = _invite(clock, cast, e2, m2, -212, "I would like help with hospice operations and leading a team.")
    a2 = services.invitation_accept(invitation=inv, by=m2, now=clock.moment(-210, 12))
    _log(clock, a2, m2, -205, 60, kind=MeetingKind.DISCOVERY)
    _goals(clock, a2, ["Lead the interdisciplinary team meeting", "Publish a case report"], share_offset=-205)
    services.mentorship_set_duration(mentorship=a2, by=m2, months=6)
    _history(clock, a2, first=-180, last=-45, every=28, minutes=50, mode=MeetingMode.PHONE)
    _log(clock, a2, m2, -20, 60, kind=MeetingKind.WRAPUP, notes="Goals reviewed: both met, one carried forward.")
    services.mentorship_end(
        mentorship=a2, by=m2, reason="Six months done, goals met.", completed=True, today=clock.day(-14)
    )
    after.append(lambda: _answer(_invitation_of(a2, m2)) if _invitation_of(a2, m2) else None)
    # The mentor's second mentee (at capacity, 2): no discovery call a month and a half in — at risk.
    inv = _invite(clock, cast, e3, m1, -47, "Clinical research methods and writing for publication.")
    a3 = services.invitation_accept(invitation=inv, by=m1, now=clock.moment(-45, 12))
    _schedule(clock, a3, 2, kind=MeetingKind.DISCOVERY)
    # Mentee 4: declined once, with a reason, and waiting for an answer from another mentor.
    inv = _invite(clock, cast, e4, m3, -20, "I am new to hospice leadership and want to learn negotiation.")
    services.invitation_decline(
        invitation=inv,
        by=m3,
        reason="I am on clinical service every weekend this quarter and could not give you the time you deserve.",
        now=clock.moment(-18, 12),
    )
    _invite(clock, cast, e4, m4, -2, "Could you help me prepare for my first leadership role?")
    return after


def hpmsnj(clock: Clock, cast: Cast) -> list:
    """The committee pairs; one year, extended; 60 minutes a month; quarterly check-ins."""
    m1, m2, m3 = cast.mentors[1], cast.mentors[2], cast.mentors[3]
    e1, e2, e3 = cast.mentees[1], cast.mentees[2], cast.mentees[3]
    # In its 13th month, extended by six months past the year.
    h1 = _pair(clock, cast, m1, e1, -380)
    _history(clock, h1, first=-375, last=-3, every=30, minutes=75, mode=MeetingMode.PHONE)
    services.mentorship_extend(mentorship=h1, by=cast.coordinator, months=6)
    _goals(clock, h1, ["Lead a marketing campaign", "Build a planning dashboard"])
    _schedule(clock, h1, 5)
    # The quarterly check-in is overdue: nothing since a hundred days.
    h2 = _pair(clock, cast, m2, e2, -200)
    _history(clock, h2, first=-195, last=-100, every=30, minutes=60)
    # Six weeks in, meeting every month.
    h3 = _pair(clock, cast, m3, e3, -45)
    _history(clock, h3, first=-40, last=-5, every=30, minutes=60)
    _schedule(clock, h3, 6)
    return []


def hhs(clock: Clock, cast: Cast) -> list:
    """Auto, self-selection and third-party matching; platforms; dual role; early end after 3 months."""
    m1, m3, m4 = (cast.mentors[n] for n in (1, 3, 4))  # mentor 2 (executive) has a free place
    e1, e2, e3, e4 = (cast.mentees[n] for n in (1, 2, 3, 4))
    after = []
    # Senior-to-junior, four months in: either partner may end it now.
    s1 = _pair(clock, cast, m1, e1, -115)
    _agreement(clock, s1, frequency="monthly", mentor_offset=-110, mentee_offset=-109)
    _goals(clock, s1, ["Write my IDP", "Lead a cross-OPDIV project", "Complete supervisory training"])
    _history(clock, s1, first=-100, last=-4, every=30, minutes=60)
    _schedule(clock, s1, 4)
    after.append(lambda: _answer(_invitation_of(s1, m1)) if _invitation_of(s1, m1) else None)
    # Peer-to-peer, chosen by the mentee (self-selection), a month in: an early end is refused.
    inv = _invite(clock, cast, e2, m4, -32, "A peer who has moved between OPDIVs — that is what I need.")
    s2 = services.invitation_accept(invitation=inv, by=m4, now=clock.moment(-30, 12))
    _agreement(clock, s2, frequency="fortnightly", mentor_offset=-28, mentee_offset=-27)
    _history(clock, s2, first=-26, last=-12, every=14, minutes=45)
    # Eleven months in: the 12-month program evaluation falls due within the month; at risk (quiet since).
    s3 = _pair(clock, cast, m3, e3, -340)
    _agreement(clock, s3, frequency="monthly", mentor_offset=-335, mentee_offset=-333)
    _history(clock, s3, first=-330, last=-75, every=30, minutes=60)
    # Dual role: mentor 4 is also a mentee of mentor 1, two weeks in.
    cast.fields[m4.pk, Role.MENTEE] = {"platform_preference": "senior_to_junior"}
    enrol(
        user=m4,
        cohort=cast.cohorts.running,
        role=Role.MENTEE,
        by=cast.coordinator,
        today=clock.today,
        **cast.fields[m4.pk, Role.MENTEE],
    )
    s4 = _pair(clock, cast, m1, m4, -14)
    _log(clock, s4, m4, -7, 60, notes="Orientation and first conversation about my IDP.")
    _schedule(clock, s4, 6)
    # Mentee 4 (peer-to-peer): the OPDIV coordinator's shortlist, and a match run's proposal waiting for review.
    matching_services.shortlist_create(
        program=cast.program,
        mentee=e4,
        mentors=[m4],
        note="A peer at your career level who has moved between OPDIVs; the directory has more.",
        by=cast.coordinator,
    )
    matching_services.match_run_create(program=cast.program, cohort=cast.cohorts.running, by=cast.coordinator)
    return after


def wtap(clock: Clock, cast: Cast) -> list:
    """The program pairs a more with a less skilled worker; a Mentoring Agreement signed by both."""
    m1, m2, m3 = cast.mentors[1], cast.mentors[2], cast.mentors[3]
    e1, e2, e3 = cast.mentees[1], cast.mentees[2], cast.mentees[3]
    after = []
    # Signed by both, each with their date; meeting every two weeks.
    w1 = _pair(clock, cast, m1, e1, -75)
    _agreement(clock, w1, frequency="fortnightly", mentor_offset=-70, mentee_offset=-68)
    _goals(clock, w1, ["Pass the hazardous waste refresher", "Lead a site safety walk-through"])
    _history(clock, w1, first=-62, last=-6, every=14, minutes=60, mode=MeetingMode.IN_PERSON)
    _schedule(clock, w1, 5)
    # Drafted and signed by the mentor: waiting for the mentee's signature.
    w2 = _pair(clock, cast, m2, e2, -20)
    _agreement(clock, w2, frequency="monthly", mentor_offset=-10, mentee_offset=None)
    _log(clock, w2, m2, -15, 45, mode=MeetingMode.IN_PERSON, notes="First meeting: drafted the agreement together.")
    # Past the initial period (evaluation sent); monthly contact overdue.
    w3 = _pair(clock, cast, m3, e3, -190)
    _agreement(clock, w3, frequency="monthly", mentor_offset=-185, mentee_offset=-184)
    _history(clock, w3, first=-180, last=-40, every=30, minutes=90, mode=MeetingMode.IN_PERSON)
    after.append(lambda: _answer(_invitation_of(w3, e3)) if _invitation_of(w3, e3) else None)
    # Evaluated after the initial period (six months): the mentee chose to continue, the mentor has yet to answer.
    services.mentorship_decide(mentorship=w3, by=e3, answer="continue", today=clock.today)
    return after


def ky(clock: Clock, cast: Cast) -> list:
    """Sponsors pair approved applicants; 60 contact minutes a month; fit check at 3 months;
    never the mentee's first- or second-line supervisor."""
    m1, m2, m3, m4 = (cast.mentors[n] for n in (1, 2, 3, 4))
    e1, e2, e3, e4 = (cast.mentees[n] for n in (1, 2, 3, 4))
    after = []
    year_start = (cast.cohorts.running.starts_on - clock.today).days
    start = max(year_start, -100)
    if add_months(clock.day(start), cast.program.fit_check_after_months or 3) > clock.today:
        # Early in the year this year's pairs are not three months old: last year's cohort
        # shows the questionnaire — a pair found "not a good fit" in November, ended with the year.
        _last_year_fit_check(clock, cast, mentor=m2, mentee=e3)
    # Above (90), at (60) and below (30) the 60-minute monthly minimum.
    pairs = []
    for mentor, mentee, minutes in ((m1, e1, 90), (m2, e2, 60), (m3, e3, 30)):
        k = _pair(clock, cast, mentor, mentee, start)
        if start == 0:
            _log(clock, k, mentee, 0, minutes, mode=MeetingMode.IN_PERSON, notes="Met after the kick-off event.")
        # Two meetings a month, on the 5th and the 18th, adding up to `minutes`.
        month = clock.day(start).replace(day=1)
        while month <= clock.today:
            for day, share in ((5, minutes // 2), (18, minutes - minutes // 2)):
                offset = (month.replace(day=day) - clock.today).days
                if start <= offset < 0:
                    _log(clock, k, mentor if day == 5 else mentee, offset, share, mode=MeetingMode.IN_PERSON)
            month = add_months(month, 1)
        _goals(clock, k, ["Write my Connections Development Plan", "Shadow a classification review"])
        pairs.append(k)
    _schedule(clock, pairs[0], 2)
    _schedule(clock, pairs[2], 5, minutes=60)

    # The fit questionnaire (three months in): one pair says it is not a good fit, the sponsors are alerted.
    def fit_answers():
        for k, who, fit in ((pairs[0], e1, "Yes, it is a good fit"), (pairs[1], e2, ALERT), (pairs[1], m2, None)):
            invitation = _invitation_of(k, who)
            if invitation is not None:
                _answer(invitation, {"Is your mentoring match": fit} if fit else {})

    after.append(fit_answers)
    # Mentee 4's first-line supervisor is mentor 4, the only mentor with a free place: the match run
    # leaves mentee 4 unmatched rather than propose the supervisor.
    profile = e4.profile
    services.profile_update(
        profile=profile,
        user_fields={},
        fields={},
        supervisor_email=m4.email,
        skills_offered=list(profile.skills_offered.all()),
        development_needs=list(profile.development_needs.all()),
    )
    matching_services.match_run_create(program=cast.program, cohort=cast.cohorts.running, by=cast.coordinator)
    return after


def _last_year_fit_check(clock: Clock, cast: Cast, *, mentor: User, mentee: User) -> None:
    started_on = datetime.date(clock.today.year - 1, 8, 14)
    offset = (started_on - clock.today).days
    k = _pair(clock, cast, mentor, mentee, offset)
    for extra, who in ((6, mentor), (40, mentee), (75, mentor)):
        _log(clock, k, who, offset + extra, 60, mode=MeetingMode.IN_PERSON)
    due = add_months(started_on, cast.program.fit_check_after_months or 3)
    survey_services.survey_dispatch_due(today=due)
    invitation = _invitation_of(k, mentee)
    if invitation is not None:
        _answer(invitation, {"Is your mentoring match": ALERT})
    # The program year ends, and the pair with it, as the daily end-of-term run ends it.
    services.mentorships_end_due(today=k.cohort.ends_on)


WORLDS = {"aahpm": aahpm, "hpmsnj": hpmsnj, "hhs": hhs, "wtap": wtap, "ky-connections": ky}


def seed(*, worlds: bool = True) -> list[tuple[str, str]]:
    """Build (or find) the demo; returns the logins to print. Without `worlds`,
    only the people, cohorts and enrolments."""
    clock = Clock()
    admin = ensure_user(f"admin@{DEMO_DOMAIN}", "Site", "Administrator", staff=True, superuser=True)
    logins = [("superuser (all programs)", admin.email)]
    casts = people_seed(today=clock.today, logins=logins)
    if not worlds:
        return logins
    after = []
    for cast in casts:
        program = cast.program
        built = (
            Mentorship.objects.filter(program=program).exists()
            or Invitation.objects.filter(program=program).exists()
            or MatchRun.objects.filter(program=program).exists()
            or Shortlist.objects.filter(program=program).exists()
        )
        if not built and program.slug in WORLDS:
            after.extend(WORLDS[program.slug](clock, cast))
    # The surveys that fell due go out as the beat would send them today; then some are answered.
    survey_services.survey_dispatch_due(today=clock.today)
    for step in after:
        step()
    return logins
