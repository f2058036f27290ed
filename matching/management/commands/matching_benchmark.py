"""The matching engine on a synthetic pool, in memory (no database).

    python manage.py matching_benchmark --mentees 10000 --mentors 5000 [--capacity 1-5|2] [--seed 0] [--json]

Times TF-IDF, scoring with top-k candidates and the optimal assignment; prints
the peak memory (process peak RSS), mentees matched and total score, the same
for the greedy baseline and, up to 2,000 mentees, the exact optimum and our
share of it. ``matching_db_benchmark`` times a match run through the database.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from matching.synthetic import format_benchmark, parse_capacity, run_benchmark


class Command(BaseCommand):
    help = "Benchmark the matching engine on a synthetic pool built in memory."

    def add_arguments(self, parser):
        parser.add_argument("--mentees", type=int, default=10000)
        parser.add_argument("--mentors", type=int, default=5000)
        parser.add_argument("--capacity", default="1-5", help='free places per mentor: "LO-HI" or N')
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--k-mentee", type=int, default=40, help="candidates kept per mentee")
        parser.add_argument("--k-mentor", type=int, default=20, help="candidates kept per mentor")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, mentees, mentors, capacity, seed, k_mentee, k_mentor, **options):
        if mentees < 0 or mentors < 0:
            raise CommandError("--mentees and --mentors must be >= 0")
        try:
            parse_capacity(capacity)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        figures = run_benchmark(mentees, mentors, capacity, seed, k_mentee=k_mentee, k_mentor=k_mentor)
        self.stdout.write(json.dumps(figures) if options["json"] else format_benchmark(figures))
