"""A large, realistic dataset for load tests and benchmarks, with bulk inserts.

    python manage.py seed_load --mentors 5000 --mentees 10000 --programs 5

People are spread over the seeded programs (one “Load” cohort each), with
profiles (skills from a skewed vocabulary, cities, career levels, OPDIV-like
units, supervisors), approved enrolments, and about half of the mentees in
active mentorships within each program's caps. Running it again adds nothing.
"""

import datetime
import random
import time

import numpy as np
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from mentorship.models import Mentorship, MentorshipOrigin, MentorshipState, Profile, Skill, User
from programs.models import Cohort, Enrollment, EnrollmentState, Program, Role

LOAD_DOMAIN = "load.example.org"
LOAD_PASSWORD = "load-test-2026"
CITIES = [
    ("Louisville, KY", 38.254, -85.759), ("Lexington, KY", 38.040, -84.503), ("Frankfort, KY", 38.201, -84.873),
    ("Bethesda, MD", 38.981, -77.100), ("Rockville, MD", 39.084, -77.153), ("Atlanta, GA", 33.749, -84.388),
    ("Washington, DC", 38.895, -77.036), ("Baltimore, MD", 39.290, -76.612), ("Newark, NJ", 40.736, -74.172),
    ("Trenton, NJ", 40.217, -74.743), ("Chicago, IL", 41.850, -87.650), ("Boston, MA", 42.358, -71.060),
    ("Seattle, WA", 47.606, -122.332), ("Denver, CO", 39.739, -104.985), ("Philadelphia, PA", 39.952, -75.164),
    ("Richmond, VA", 37.553, -77.460), ("Arlington, VA", 38.881, -77.104), ("Princeton, NJ", 40.349, -74.659),
]
UNITS = ["CDC", "NIH", "FDA", "CMS", "HRSA", "IHS", "SAMHSA", "ACF", "AHRQ", "OS", "ASPR", "ACL"]
WORDS = (
    "leadership budgeting grants policy research clinical education marketing communication strategy data "
    "analysis quality improvement hospice palliative workforce planning recruitment compensation negotiation "
    "coaching presentation writing publication networking finance compliance informatics change management"
).split()


class Command(BaseCommand):
    help = "Create a large dataset quickly (bulk inserts) for load tests and benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--mentors", type=int, default=5000)
        parser.add_argument("--mentees", type=int, default=10000)
        parser.add_argument("--programs", type=int, default=5)
        parser.add_argument("--skills", type=int, default=200)
        parser.add_argument("--paired", type=float, default=0.5, help="Share of mentees in an active mentorship.")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--only-program", default="", help="Put everyone in this program (slug).")

    def handle(self, *args, mentors, mentees, programs, skills, paired, seed, only_program, **options):
        started = time.perf_counter()
        rng = random.Random(seed)
        np_rng = np.random.default_rng(seed)
        if only_program:
            chosen = list(Program.objects.filter(slug=only_program))
        else:
            chosen = list(Program.objects.order_by("pk")[:programs])
        if not chosen:
            self.stderr.write("No programs: run migrate first.")
            return
        skill_objs = self._skills(skills)
        today = timezone.localdate()
        with transaction.atomic():
            cohorts = [
                Cohort.objects.get_or_create(
                    program=program,
                    name="Load",
                    defaults={"starts_on": today - datetime.timedelta(days=120), "ends_on": today + datetime.timedelta(days=600)},
                )[0]
                for program in chosen
            ]
            made = self._people("mentor", mentors, cohorts, skill_objs, rng, np_rng)
            made += self._people("mentee", mentees, cohorts, skill_objs, rng, np_rng)
            pairs = self._pairs(cohorts, paired, rng) if made else 0
        if made:
            self._analyze()
        self.stdout.write(
            f"seed_load: {made} people created, {pairs} mentorships, in {time.perf_counter() - started:.1f} s "
            f"(password {LOAD_PASSWORD}, e.g. mentee-1@{LOAD_DOMAIN})"
        )

    def _analyze(self):
        """Refresh the planner's statistics after a bulk load (PostgreSQL).

        Without them (autovacuum off, or not yet run) the planner believes the
        new tables hold a row or two and picks nested loops: the directory's
        mentor-load query took 400 ms instead of 2 ms on 15,000 people.
        """
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        tables = [
            User._meta.db_table, EmailAddress._meta.db_table, Profile._meta.db_table,
            Profile.skills_offered.through._meta.db_table, Profile.development_needs.through._meta.db_table,
            Enrollment._meta.db_table, Cohort._meta.db_table, Mentorship._meta.db_table, Skill._meta.db_table,
        ]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'ANALYZE "{table}"')

    def _skills(self, count):
        existing = list(Skill.objects.order_by("pk"))
        if len(existing) < count:
            Skill.objects.bulk_create(
                [Skill(name=f"Skill {n:03d}", slug=f"skill-{n:03d}") for n in range(len(existing), count)],
                ignore_conflicts=True,
            )
            existing = list(Skill.objects.order_by("pk"))
        return existing

    def _people(self, role, count, cohorts, skills, rng, np_rng):
        prefix = f"{role}-"
        have = set(User.objects.filter(email__endswith=f"@{LOAD_DOMAIN}", email__startswith=prefix).values_list("email", flat=True))
        emails = [f"{prefix}{n}@{LOAD_DOMAIN}" for n in range(1, count + 1)]
        new = [e for e in emails if e not in have]
        if not new:
            return 0
        password = make_password(LOAD_PASSWORD)
        first = ["Avery", "Jordan", "Morgan", "Riley", "Casey", "Taylor", "Quinn", "Harper", "Rowan", "Sasha"]
        last = ["Lee", "Patel", "Garcia", "Nguyen", "Okafor", "Schmidt", "Rossi", "Kowalski", "Haddad", "Brooks"]
        users = User.objects.bulk_create(
            [
                User(email=e, password=password, first_name=rng.choice(first), last_name=f"{rng.choice(last)}-{e.split('@')[0].split('-')[1]}")
                for e in new
            ],
            batch_size=2000,
        )
        if users[0].pk is None:  # backends that do not return ids
            users = list(User.objects.filter(email__in=new).order_by("pk"))
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=2000
        )
        # Skewed (Zipf-like) popularity of skills, 3–8 per person.
        weights = 1.0 / np.arange(1, len(skills) + 1) ** 1.1
        weights /= weights.sum()
        profiles = []
        for u in users:
            city, lat, lon = rng.choice(CITIES)
            is_mentor = role == "mentor"
            profiles.append(
                Profile(
                    user=u,
                    headline=("Senior " if is_mentor else "") + " ".join(rng.sample(WORDS, 2)),
                    bio=" ".join(rng.sample(WORDS, 12)),
                    professional_goals="" if is_mentor else " ".join(rng.sample(WORDS, 10)),
                    organisation="Load organisation",
                    org_unit=rng.choice(UNITS),
                    location=city,
                    latitude=lat + rng.uniform(-0.2, 0.2),
                    longitude=lon + rng.uniform(-0.2, 0.2),
                    career_level=rng.randint(3, 5) if is_mentor else rng.randint(1, 3),
                    leadership_position=is_mentor and rng.random() < 0.3,
                )
            )
        profiles = Profile.objects.bulk_create(profiles, batch_size=2000)
        if profiles[0].pk is None:
            profiles = list(Profile.objects.filter(user__in=users).order_by("user_id"))
        through = Profile.skills_offered.through if role == "mentor" else Profile.development_needs.through
        rows = []
        for p in profiles:
            k = int(np_rng.integers(3, 9))
            for idx in np_rng.choice(len(skills), size=k, replace=False, p=weights):
                rows.append(through(profile_id=p.pk, skill_id=skills[int(idx)].pk))
        through.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
        enrollments = []
        for n, u in enumerate(users):
            cohort = cohorts[n % len(cohorts)]
            platform = ""
            if role == "mentee" and cohort.program.platforms:
                platform = rng.choice(cohort.program.platforms)
            enrollments.append(
                Enrollment(user=u, cohort=cohort, role=role, state=EnrollmentState.APPROVED, platform_preference=platform, decided_at=timezone.now())
            )
        Enrollment.objects.bulk_create(enrollments, batch_size=2000)
        # 30% of mentees have a supervisor among the mentors (the KY rule's test ground).
        if role == "mentee":
            mentor_ids = list(User.objects.filter(email__startswith="mentor-", email__endswith=f"@{LOAD_DOMAIN}").values_list("pk", flat=True))
            if mentor_ids:
                chosen = [p for p in profiles if rng.random() < 0.3]
                for p in chosen:
                    p.supervisor_id = rng.choice(mentor_ids)
                Profile.objects.bulk_update(chosen, ["supervisor"], batch_size=2000)
        return len(users)

    def _pairs(self, cohorts, share, rng):
        created = 0
        today = timezone.localdate()
        for cohort in cohorts:
            program = cohort.program
            if Mentorship.objects.filter(cohort=cohort).exists():
                continue
            mentors = list(cohort.enrollments.filter(role=Role.MENTOR, state=EnrollmentState.APPROVED).values_list("user_id", flat=True))
            mentees = list(cohort.enrollments.filter(role=Role.MENTEE, state=EnrollmentState.APPROVED).values_list("user_id", flat=True))
            rng.shuffle(mentees)
            slots = [(m, s) for m in mentors for s in range(1, program.max_mentees_per_mentor + 1)]
            rng.shuffle(slots)
            rows = []
            for mentee_id, (mentor_id, slot) in zip(mentees[: int(len(mentees) * share)], slots):
                started = today - datetime.timedelta(days=rng.randint(5, 110))
                rows.append(
                    Mentorship(
                        program=program,
                        cohort=cohort,
                        mentor_id=mentor_id,
                        mentee_id=mentee_id,
                        state=MentorshipState.ACTIVE,
                        origin=MentorshipOrigin.COORDINATOR,
                        mentor_slot=slot,
                        mentee_slot=1,
                        started_on=started,
                    )
                )
            Mentorship.objects.bulk_create(rows, batch_size=2000)
            created += len(rows)
        return created
