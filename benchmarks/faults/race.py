"""Fault (d): mentees and mentors clicking at once on the same mentors, against the running site.

    .venv/bin/python benchmarks/faults/race.py [--requests 400] [--clients 16]

gunicorn serves the site with the production settings on 127.0.0.1:--port
from `mentoring_faults` (the machine's PostgreSQL). In an AAHPM cohort (a
mentor takes at most 2 mentees, a mentee has 1 mentor) --mentors mentors and
--mentees mentees are approved and signed in. --clients threads then make
--requests real form posts (with their CSRF token), picked at random:

- a mentee invites a mentor — most often the first one, so everyone contends for her;
- a mentor accepts, or declines, one of the invitations waiting for him;
- a mentee withdraws one of hers.

Many clicks lose a race (the invitation was just withdrawn, the mentor just
filled up, the mentee just got a mentor): the site must answer those with the
page and its message, never a 500. Afterwards the database must hold the
rules: no mentor over 2 active mentees, no mentee with 2 mentors, every
accepted invitation with its mentorship, no invitation still pending from a
mentee who has a mentor.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.faults import common  # noqa: E402
from benchmarks.faults.common import say  # noqa: E402


def setup(mentors: int, mentees: int):
    import datetime

    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from mentorship.models import Profile, User
    from programs.models import Cohort, Enrollment, EnrollmentState, Program, Role

    common.reset_people()
    program = Program.objects.get(slug="aahpm")
    today = timezone.localdate()
    cohort, _ = Cohort.objects.update_or_create(
        program=program,
        name="Fault scripts: race",
        defaults={"starts_on": today - datetime.timedelta(days=30), "ends_on": today + datetime.timedelta(days=300), "is_closed": False},
    )
    password = make_password(None)
    people = {
        "mentor": [User(email=f"race-mentor-{n}@{common.DOMAIN}", first_name="Mentor", last_name=str(n), password=password) for n in range(mentors)],
        "mentee": [User(email=f"race-mentee-{n}@{common.DOMAIN}", first_name="Mentee", last_name=str(n), password=password) for n in range(mentees)],
    }
    for role, users in people.items():
        User.objects.bulk_create(users)
        users[:] = list(User.objects.filter(email__startswith=f"race-{role}-").order_by("pk"))
        Profile.objects.bulk_create([Profile(user=u) for u in users])
        EmailAddress.objects.bulk_create([EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users])
        Enrollment.objects.bulk_create(
            [Enrollment(user=u, cohort=cohort, role=Role.MENTOR if role == "mentor" else Role.MENTEE, state=EnrollmentState.APPROVED) for u in users]
        )
    sessions = {u.pk: common.session_for(u) for users in people.values() for u in users}
    return program, people["mentor"], people["mentee"], sessions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--mentors", type=int, default=3)
    parser.add_argument("--mentees", type=int, default=40)
    parser.add_argument("--port", type=int, default=8098)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    common.bounded(900)

    say(f"database {common.database_name()}")
    common.ensure_database()
    common.django_setup()
    from django.db import connection
    from django.db.models import Count

    from mentorship.models import Invitation, InvitationState, Mentorship, MentorshipState

    program, mentors, mentees, sessions = setup(args.mentors, args.mentees)
    say(f"{len(mentors)} mentors (at most {program.max_mentees_per_mentor} mentees each) and {len(mentees)} mentees, approved and signed in")
    connection.close()

    procs = common.Processes()
    results: list[tuple[str, int, str]] = []
    lock = threading.Lock()
    remaining = [args.requests]
    try:
        environment = common.production_env(args.port, CACHE_URL="locmemcache://")
        procs.start("gunicorn-race", common.gunicorn_argv(args.port, workers=3), environment)
        if not common.wait_http(args.port, "/accounts/login/", timeout=60):
            return common.verdict(False, "gunicorn did not start")

        def pending(**filters) -> list[int]:
            return list(Invitation.objects.filter(state=InvitationState.PENDING, **filters).values_list("pk", flat=True))

        def client(n: int):
            rng = random.Random(args.seed * 1000 + n)
            browsers = {}
            try:
                while True:
                    with lock:
                        if remaining[0] <= 0:
                            return
                    roll = rng.random()
                    if roll < 0.45:
                        who = rng.choice(mentees)
                        mentor = mentors[0] if rng.random() < 0.6 else rng.choice(mentors)
                        action, path, form = "invite", f"/programs/{program.slug}/mentors/{mentor.pk}/invite/", {"message": f"I would like to work with you on leading family meetings ({n})."}
                    elif roll < 0.75:
                        who = rng.choice(mentors[:1] * 2 + mentors)
                        ids = pending(mentor=who)
                        if not ids:
                            continue
                        verb = "accept" if rng.random() < 0.7 else "decline"
                        action, path, form = verb, f"/invitations/{rng.choice(ids)}/{verb}/", {"reason": "Full this term."}
                    else:
                        who = rng.choice(mentees)
                        ids = pending(mentee=who)
                        if not ids:
                            continue
                        action, path, form = "withdraw", f"/invitations/{rng.choice(ids)}/withdraw/", {}
                    with lock:
                        if remaining[0] <= 0:
                            return
                        remaining[0] -= 1
                    browser = browsers.setdefault(who.pk, common.Browser(args.port, sessions[who.pk], timeout=30))
                    status, body, headers = browser.request("POST", path, form)
                    if status >= 500 and common.shows_traceback(body):
                        status = -status
                    with lock:
                        results.append((action, status, path))
            finally:
                for b in browsers.values():
                    b.close()
                connection.close()

        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
        took = time.monotonic() - started
    finally:
        procs.stop_all()
        common.purge_queues()  # the notification emails the site queued; no worker of ours sends them

    by_action = collections.defaultdict(collections.Counter)
    for action, status, path in results:
        by_action[action][status] += 1
    errors = [(a, s, p) for a, s, p in results if not 200 <= s < 400]

    active = Mentorship.objects.filter(program=program, state=MentorshipState.ACTIVE)
    per_mentor = dict(active.values_list("mentor_id").annotate(n=Count("pk")).values_list("mentor_id", "n"))
    per_mentee = dict(active.values_list("mentee_id").annotate(n=Count("pk")).values_list("mentee_id", "n"))
    over_mentor = {k: v for k, v in per_mentor.items() if v > program.max_mentees_per_mentor}
    over_mentee = {k: v for k, v in per_mentee.items() if v > program.max_mentors_per_mentee}
    accepted = Invitation.objects.filter(program=program, state=InvitationState.ACCEPTED)
    accepted_without = accepted.exclude(pk__in=Mentorship.objects.filter(invitation__isnull=False).values("invitation_id")).count()
    pending_with_mentor = Invitation.objects.filter(
        program=program, state=InvitationState.PENDING, mentee_id__in=active.values("mentee_id")
    ).count()
    states = dict(Invitation.objects.filter(program=program).values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    connection.close()

    print(f"\n  {len(results)} posts by {args.clients} clients in {took:.1f} s ({len(results) / took:.0f}/s)")
    for action in ("invite", "accept", "decline", "withdraw"):
        print(f"    {action:9} {dict(sorted(by_action[action].items()))}")
    print(f"  invitations now: {states}")
    print(f"  active mentorships per mentor: {dict(sorted(per_mentor.items()))} (cap {program.max_mentees_per_mentor})")
    print(f"  mentees with more than {program.max_mentors_per_mentee} mentor: {len(over_mentee)}; mentors over the cap: {len(over_mentor)}")
    print(f"  accepted invitations without their mentorship: {accepted_without}; pending invitations from mentees who have a mentor: {pending_with_mentor}")
    print(f"  server errors or failed connections: {len(errors)}{' ' + str(errors[:5]) if errors else ''}")
    ok = not errors and not over_mentor and not over_mentee and not accepted_without and not pending_with_mentor and len(results) > 0
    return common.verdict(ok, f"a race of {len(results)} invite/accept/decline/withdraw clicks: caps hold, no 500s")


if __name__ == "__main__":
    sys.exit(main())
