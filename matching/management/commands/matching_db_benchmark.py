"""A match run through the database, end to end, with its figures.

    python manage.py matching_db_benchmark --mentees 10000 --mentors 5000 [--program hhs] [--json]

Loads the people with seed_load into one program's “Load” cohort (bulk, only
if they are not there yet), then times match_run_create: features loaded from
the models, scoring, candidates, the optimal assignment, explanations and the
proposals written back. Use a scratch database (VAR_DIR=/tmp/bench or a
DATABASE_URL of its own): it adds thousands of people.
"""

import json
import resource
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from matching import features, services
from programs.models import Program


class Command(BaseCommand):
    help = "Time a match run through the database for a large cohort."

    def add_arguments(self, parser):
        parser.add_argument("--mentees", type=int, default=10000)
        parser.add_argument("--mentors", type=int, default=5000)
        parser.add_argument("--program", default="hhs")
        parser.add_argument("--json", action="store_true", dest="as_json")

    def handle(self, *args, mentees, mentors, program, as_json: bool = False, **options):
        seeded = time.perf_counter()
        call_command("seed_load", mentors=mentors, mentees=mentees, only_program=program, paired=0.0, stdout=self.stderr)
        seed_seconds = time.perf_counter() - seeded
        prog = Program.objects.get(slug=program)
        cohort = prog.cohorts.get(name="Load")

        started = time.perf_counter()
        built = features.build_pool(program=prog, cohort=cohort)
        load_seconds = time.perf_counter() - started
        run_started = time.perf_counter()
        run = services.match_run_create(program=prog, cohort=cohort, by=None)
        total = time.perf_counter() - run_started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        figures = {
            "program": prog.short_name,
            "mentees": built.pool.n_mentees,
            "mentors": built.pool.n_mentors,
            "seed_seconds": round(seed_seconds, 2),
            "features_seconds": round(load_seconds, 2),
            "match_run_seconds": round(total, 2),
            "proposals": run.proposals.count(),
            "unmatched": run.unmatched.count(),
            "total_score": round(run.total_score, 3),
            "peak_rss_mb": round(peak_mb, 1),
        }
        if as_json:
            self.stdout.write(json.dumps(figures))
            return
        self.stdout.write(
            f"Match run through the database, {figures['mentees']:,} mentees × {figures['mentors']:,} mentors "
            f"({figures['program']}):\n"
            f"  features from the models  {figures['features_seconds']:.2f} s\n"
            f"  match_run_create (features, scoring, assignment, explanations, proposals written) "
            f"{figures['match_run_seconds']:.2f} s\n"
            f"  proposals {figures['proposals']:,}, unmatched {figures['unmatched']:,}, total score {figures['total_score']:,}\n"
            f"  peak RSS {figures['peak_rss_mb']:.0f} MB"
        )
