"""Demo people: the superuser, a coordinator per program, mentors and mentees with
profiles, enrolled through the enrolment service (programs.services)."""

import dataclasses
import datetime

from allauth.account.models import EmailAddress

from mentorship.models import CareerLevel, Profile, Skill, User
from mentorship.selectors.geo import resolve_location
from programs import services as program_services
from programs.models import Cohort, Enrollment, EnrollmentState, Program, ProgramCoordinator, Role
from programs.services import ProgramCalendar

DEMO_PASSWORD = "mentoring-demo-2026"
DEMO_DOMAIN = "example.org"

SKILLS = [
    "Budgeting",
    "Public speaking",
    "Grant writing",
    "Leadership",
    "Negotiation",
    "Project management",
    "Palliative care",
    "Hospice operations",
    "Clinical research",
    "Medical education",
    "Healthcare marketing",
    "Strategic planning",
    "Public relations",
    "Data analysis",
    "Policy analysis",
    "Team building",
    "Conflict resolution",
    "Time management",
    "Stress management",
    "Career planning",
    "Performance management",
    "Recruitment",
    "Employee relations",
    "Compensation and benefits",
    "Workforce planning",
    "Coaching",
    "Writing for publication",
    "Presentation skills",
    "Networking",
    "Work-life balance",
    "Personal finance",
    "Change management",
    "Quality improvement",
    "Health informatics",
    "Regulatory compliance",
]

PLACES = {
    "aahpm": ["Chicago, IL", "Boston, MA", "Seattle, WA", "Denver, CO", "Atlanta, GA", "Philadelphia, PA"],
    "hpmsnj": ["Newark, NJ", "Trenton, NJ", "Princeton, NJ", "Jersey City, NJ", "Camden, NJ", "Edison, NJ"],
    "hhs": ["Bethesda, MD", "Rockville, MD", "Atlanta, GA", "Washington, DC", "Silver Spring, MD", "Baltimore, MD"],
    "wtap": ["Washington, DC", "Arlington, VA", "Alexandria, VA", "Baltimore, MD", "Richmond, VA", "Annapolis, MD"],
    "ky-connections": [
        "Louisville, KY",
        "Frankfort, KY",
        "Lexington, KY",
        "Bowling Green, KY",
        "Covington, KY",
        "Richmond, KY",
    ],
}
UNITS = {
    "hhs": ["CDC", "NIH", "FDA", "CMS", "HRSA", "IHS"],
    "ky-connections": [
        "Personnel Cabinet",
        "Transportation Cabinet",
        "Finance Cabinet",
        "Louisville Metro",
        "UK HealthCare",
        "Education Cabinet",
    ],
}
FIRST = [
    "Avery",
    "Jordan",
    "Morgan",
    "Riley",
    "Casey",
    "Taylor",
    "Quinn",
    "Harper",
    "Rowan",
    "Sasha",
    "Emerson",
    "Dakota",
]
LAST = [
    "Lee",
    "Patel",
    "Garcia",
    "Nguyen",
    "Okafor",
    "Schmidt",
    "Rossi",
    "Kowalski",
    "Haddad",
    "Brooks",
    "Ito",
    "Moreau",
]

MENTORS_PER_PROGRAM = 4
MENTEES_PER_PROGRAM = 4


def demo_email(role: str, slug: str, n: int | None = None) -> str:
    short = slug.split("-")[0]
    return f"{role}{n if n is not None else ''}.{short}@{DEMO_DOMAIN}"


def ensure_user(email: str, first: str, last: str, *, staff=False, superuser=False) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, "is_staff": staff, "is_superuser": superuser}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    Profile.objects.get_or_create(user=user)
    return user


def program_cohorts(program: Program, today: datetime.date) -> ProgramCalendar:
    """The program's running cohort on `today` (`.running`) and next year's, with
    its enrolment window (`.next`): the programs app's roll-forward, which also
    makes the recurring events from today to the end of next year.

    The one place the demo decides its cohorts."""
    return program_services.program_calendar_ensure(program=program, today=today)


def program_cohort_on(program: Program, day: datetime.date, *, today: datetime.date) -> Cohort:
    """The cohort of the program year `day` falls in, for a pair that started then.

    Called after `program_cohorts(program, today)`: the events are made through
    the end of next year already, so a roll-forward for a past day makes only its
    cohorts, never past events.
    """
    if day.year >= today.year:
        return program_cohorts(program, today).running
    program_cohorts(program, today)
    return program_services.program_calendar_ensure(program=program, today=day).running


def enrol(*, user: User, cohort: Cohort, role: str, by: User, today, **fields) -> Enrollment:
    """Through the enrolment service: apply, and approve where the program reviews applications."""
    enrollment = Enrollment.objects.filter(user=user, cohort=cohort, role=role).first()
    if enrollment is None:
        enrollment = program_services.enrollment_apply(user=user, cohort=cohort, role=role, today=today, **fields)
    if enrollment.state == EnrollmentState.APPLIED:
        enrollment = program_services.enrollment_approve(enrollment=enrollment, by=by)
    return enrollment


def _fill_profile(profile: Profile, *, program: Program, p_index: int, role: str, n: int, skills: list[Skill]) -> None:
    places = PLACES[program.slug]
    units = UNITS.get(program.slug, [""])
    is_mentor = role == Role.MENTOR
    profile.headline = f"{'Senior' if is_mentor else 'Early-career'} professional, {program.short_name}"
    profile.bio = (
        f"I have worked {12 + n * 3 if is_mentor else 1 + n} years in the field and joined the "
        f"{program.name} to {'give back' if is_mentor else 'grow my career'}."
    )
    profile.organisation = program.organisation or program.short_name
    profile.org_unit = units[(n - 1) % len(units)]
    profile.location = places[(n - 1) % len(places)]
    coords = resolve_location(profile.location)
    if coords:
        profile.latitude, profile.longitude = coords
    if is_mentor:
        # Where peer-to-peer is a platform (HHS), one mentor is a mid-career peer.
        peer = program.platforms and n == MENTORS_PER_PROGRAM
        profile.career_level = CareerLevel.MID if peer else CareerLevel.SENIOR if n % 2 else CareerLevel.EXECUTIVE
    else:
        profile.career_level = CareerLevel.EARLY if n % 2 else CareerLevel.MID
    profile.leadership_position = is_mentor and n % 2 == 1
    profile.professional_goals = (
        "" if is_mentor else "Grow as a leader, present at the annual assembly and build a grant-funded program."
    )
    profile.save()
    offset = (n * 5 + p_index * 3) % len(skills)
    chosen = (skills[offset:] + skills[:offset])[:5]
    if is_mentor:
        profile.skills_offered.set(chosen)
    else:
        profile.development_needs.set(chosen[1:4])


APPLICATION = {
    "needs": "Confidence presenting to leadership",
    "challenges": "Balancing a new team with project work",
    "strengths": "Organised, curious",
    "areas_for_improvement": "Public speaking",
}


@dataclasses.dataclass
class Cast:
    program: Program
    cohorts: ProgramCalendar
    coordinator: User
    mentors: dict  # n -> User
    mentees: dict
    fields: dict = dataclasses.field(default_factory=dict)  # (user id, role) -> enrolment fields

    def enrol_on(self, *, user: User, role: str, cohort: Cohort, day: datetime.date) -> Enrollment:
        """Enrol in an earlier cohort, within its window, before a pair that started on `day`."""
        opens = cohort.enrolment_opens_on or cohort.starts_on
        when = max(opens, day - datetime.timedelta(days=7))
        fields = dict(self.fields.get((user.pk, role), {}))
        return enrol(user=user, cohort=cohort, role=role, by=self.coordinator, today=when, **fields)


def people_seed(*, today: datetime.date, logins: list) -> list[Cast]:
    skills = [Skill.objects.get_or_create(name=name)[0] for name in SKILLS]
    casts = []
    name_i = 0
    for p_index, program in enumerate(Program.objects.filter(slug__in=PLACES).order_by("pk")):
        cohorts = program_cohorts(program, today)
        coordinator = ensure_user(
            demo_email("coordinator", program.slug), "Coordinator", program.short_name, staff=True
        )
        ProgramCoordinator.objects.get_or_create(program=program, user=coordinator)
        logins.append((f"{program.short_name} coordinator", coordinator.email))
        cast = Cast(program, cohorts, coordinator, {}, {})
        for role, count in ((Role.MENTOR, MENTORS_PER_PROGRAM), (Role.MENTEE, MENTEES_PER_PROGRAM)):
            for n in range(1, count + 1):
                first, last = FIRST[name_i % len(FIRST)], LAST[(name_i * 7 + p_index) % len(LAST)]
                name_i += 1
                user = ensure_user(demo_email(role, program.slug, n), first, last)
                if not user.profile.headline:
                    _fill_profile(user.profile, program=program, p_index=p_index, role=role, n=n, skills=skills)
                fields = dict(APPLICATION) if program.requires_application_approval and role == Role.MENTEE else {}
                if role == Role.MENTEE and program.platforms:
                    fields["platform_preference"] = "senior_to_junior" if n % 2 else "peer_to_peer"
                enrol(user=user, cohort=cohorts.running, role=role, by=coordinator, today=today, **fields)
                cast.fields[user.pk, role] = fields
                (cast.mentors if role == Role.MENTOR else cast.mentees)[n] = user
                if n == 1:
                    logins.append((f"{program.short_name} {role}", user.email))
        if program.requires_application_approval:
            # Applications waiting for the sponsors' decision: for next year once its window
            # has opened (KY: 1 November), until then for this year's.
            cohort = cohorts.next if cohorts.next.enrolment_is_open(today) else cohorts.running
            for n in (1, 2):
                user = ensure_user(demo_email("applicant", program.slug, n), "Applicant", f"{n}")
                if not Enrollment.objects.filter(user=user, cohort__program=program).exists():
                    program_services.enrollment_apply(
                        user=user,
                        cohort=cohort,
                        role=Role.MENTEE,
                        needs="Guidance on HR career paths",
                        challenges="New to supervision",
                        strengths="Analytical",
                        areas_for_improvement="Delegation",
                        today=today,
                    )
                logins.append((f"{program.short_name} applicant", user.email))
        casts.append(cast)
    return casts
