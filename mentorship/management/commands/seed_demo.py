"""Demo data: a cohort per program, a coordinator for each, mentors and mentees.

Idempotent: running it again finds what exists and creates nothing twice.
"""

import datetime

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from mentorship.models import CareerLevel, Profile, Skill, User
from programs.models import Cohort, Enrollment, EnrollmentState, Program, ProgramCoordinator, Role

DEMO_PASSWORD = "mentoring-demo-2026"
DEMO_DOMAIN = "example.org"

SKILLS = [
    "Budgeting", "Public speaking", "Grant writing", "Leadership", "Negotiation", "Project management",
    "Palliative care", "Hospice operations", "Clinical research", "Medical education", "Healthcare marketing",
    "Strategic planning", "Public relations", "Data analysis", "Policy analysis", "Team building",
    "Conflict resolution", "Time management", "Stress management", "Career planning", "Performance management",
    "Recruitment", "Employee relations", "Compensation and benefits", "Workforce planning", "Coaching",
    "Writing for publication", "Presentation skills", "Networking", "Work-life balance", "Personal finance",
    "Change management", "Quality improvement", "Health informatics", "Regulatory compliance",
]

PLACES = {
    "aahpm": ["Chicago, IL", "Boston, MA", "Seattle, WA", "Denver, CO", "Atlanta, GA", "Philadelphia, PA"],
    "hpmsnj": ["Newark, NJ", "Trenton, NJ", "Princeton, NJ", "Jersey City, NJ", "Camden, NJ", "Edison, NJ"],
    "hhs": ["Bethesda, MD", "Rockville, MD", "Atlanta, GA", "Washington, DC", "Silver Spring, MD", "Baltimore, MD"],
    "wtap": ["Washington, DC", "Arlington, VA", "Alexandria, VA", "Baltimore, MD", "Richmond, VA", "Annapolis, MD"],
    "ky-connections": ["Louisville, KY", "Frankfort, KY", "Lexington, KY", "Bowling Green, KY", "Covington, KY", "Richmond, KY"],
}
UNITS = {
    "hhs": ["CDC", "NIH", "FDA", "CMS", "HRSA", "IHS"],
    "ky-connections": ["Personnel Cabinet", "Transportation Cabinet", "Finance Cabinet", "Louisville Metro", "UK HealthCare", "Education Cabinet"],
}
FIRST = ["Avery", "Jordan", "Morgan", "Riley", "Casey", "Taylor", "Quinn", "Harper", "Rowan", "Sasha", "Emerson", "Dakota"]
LAST = ["Lee", "Patel", "Garcia", "Nguyen", "Okafor", "Schmidt", "Rossi", "Kowalski", "Haddad", "Brooks", "Ito", "Moreau"]

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


def current_cohort(program: Program, today: datetime.date) -> Cohort:
    if program.ends_with_cohort:
        name = str(today.year)
        starts, ends = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
        opens, closes = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)
    else:
        name = f"{today.year}–{today.year + 1}"
        starts, ends = datetime.date(today.year, 1, 1), datetime.date(today.year + 1, 12, 31)
        opens, closes = None, None
    cohort, _ = Cohort.objects.get_or_create(
        program=program,
        name=name,
        defaults={"starts_on": starts, "ends_on": ends, "enrolment_opens_on": opens, "enrolment_closes_on": closes},
    )
    return cohort


class Command(BaseCommand):
    help = "Load demo cohorts, coordinators, mentors and mentees (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    @transaction.atomic
    def handle(self, *args, quiet=False, **options):
        today = timezone.localdate()
        skills = [Skill.objects.get_or_create(name=name)[0] for name in SKILLS]
        admin = ensure_user(f"admin@{DEMO_DOMAIN}", "Site", "Administrator", staff=True, superuser=True)
        logins = [("superuser (all programs)", admin.email)]
        name_i = 0
        for p_index, program in enumerate(Program.objects.filter(slug__in=PLACES).order_by("pk")):
            cohort = current_cohort(program, today)
            coordinator = ensure_user(demo_email("coordinator", program.slug), "Coordinator", program.short_name, staff=True)
            ProgramCoordinator.objects.get_or_create(program=program, user=coordinator)
            logins.append((f"{program.short_name} coordinator", coordinator.email))
            places = PLACES[program.slug]
            units = UNITS.get(program.slug, [""])
            for role, count in ((Role.MENTOR, MENTORS_PER_PROGRAM), (Role.MENTEE, MENTEES_PER_PROGRAM)):
                for n in range(1, count + 1):
                    first, last = FIRST[name_i % len(FIRST)], LAST[(name_i * 7 + p_index) % len(LAST)]
                    name_i += 1
                    user = ensure_user(demo_email(role, program.slug, n), first, last)
                    profile = user.profile
                    if not profile.headline:
                        from mentorship.selectors.geo import resolve_location

                        is_mentor = role == Role.MENTOR
                        profile.headline = (
                            f"{'Senior' if is_mentor else 'Early-career'} professional, {program.short_name}"
                        )
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
                            profile.career_level = (
                                CareerLevel.MID if peer else CareerLevel.SENIOR if n % 2 else CareerLevel.EXECUTIVE
                            )
                        else:
                            profile.career_level = CareerLevel.EARLY if n % 2 else CareerLevel.MID
                        profile.leadership_position = is_mentor and n % 2 == 1
                        profile.professional_goals = (
                            "Grow as a leader, present at the annual assembly and build a grant-funded program."
                            if not is_mentor
                            else ""
                        )
                        profile.save()
                        offset = (n * 5 + p_index * 3) % len(skills)
                        chosen = (skills[offset:] + skills[:offset])[:5]
                        if is_mentor:
                            profile.skills_offered.set(chosen)
                        else:
                            profile.development_needs.set(chosen[1:4])
                    enrollment, _ = Enrollment.objects.get_or_create(
                        user=user,
                        cohort=cohort,
                        role=role,
                        defaults={
                            "state": EnrollmentState.APPROVED,
                            "decided_at": timezone.now(),
                            "platform_preference": ("senior_to_junior" if n % 2 else "peer_to_peer")
                            if role == Role.MENTEE and program.platforms
                            else "",
                            "needs": "Confidence presenting to leadership" if program.requires_application_approval else "",
                            "challenges": "Balancing a new team with project work" if program.requires_application_approval else "",
                            "strengths": "Organised, curious" if program.requires_application_approval else "",
                            "areas_for_improvement": "Public speaking" if program.requires_application_approval else "",
                        },
                    )
                    if n == 1:
                        logins.append((f"{program.short_name} {role}", user.email))
            if program.requires_application_approval:
                # Two applications waiting for the sponsors' decision.
                for n in (1, 2):
                    user = ensure_user(demo_email("applicant", program.slug, n), "Applicant", f"{n}")
                    Enrollment.objects.get_or_create(
                        user=user,
                        cohort=cohort,
                        role=Role.MENTEE,
                        defaults={
                            "state": EnrollmentState.APPLIED,
                            "needs": "Guidance on HR career paths",
                            "challenges": "New to supervision",
                            "strengths": "Analytical",
                            "areas_for_improvement": "Delegation",
                        },
                    )
        self.logins = logins
        if not quiet:
            from django.conf import settings

            self.stdout.write(self.style.SUCCESS(f"Demo data ready. Sign in at {settings.SITE_URL}/ with:"))
            width = max(len(label) for label, _ in logins)
            for label, email in logins:
                self.stdout.write(f"  {label.ljust(width)}  {email}")
            self.stdout.write(f"  password for every demo account: {DEMO_PASSWORD}")
            self.stdout.write(
                "  (every program also has mentor1..4 and mentee1..4, e.g. mentee2.hhs@example.org)"
            )
