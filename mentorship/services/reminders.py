"""Reminders that each program's rules make due, sent exactly once.

The planner (`reminders_plan`) runs from beat (hourly) or from
`manage.py send_due --date`. It decides what is due on a day, then *claims*
each send by inserting a ReminderDelivery row whose key (recipient, kind,
subject, period) is unique: a second run, a second beat, or a redelivered
message finds the row already there and sends nothing. Only after the claim is
committed are the rows handed to Celery, a few hundred per task, and each row is
marked sent by a conditional UPDATE just before its mail goes out.

What is due:

- check-in reminders on the program's cadence (AAHPM and KY monthly, HPMSNJ
  quarterly) to both partners of a pair whose next contact falls due within a
  week or has passed, saying when they last met and, where the program has a
  monthly minimum (KY, HPMSNJ 60 minutes), how far they are from it. Pairs that
  met recently are not due, so they get nothing;
- meeting reminders a day before a scheduled meeting, with its .ics attached;
- event reminders a day before a program event (KY's monthly events,
  HPMSNJ's annual dinner) to those taking part who have not said no;
- a weekly digest to each coordinator: overdue and at-risk pairs, unanswered
  invitations, approved participants without a match, pending applications.

Check-in reminders and digests are non-essential: they follow the person's
email frequency (immediately / at most weekly / off) and carry an unsubscribe
link. Meeting reminders are essential.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid

from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from programs.formats import date_text, datetime_text

from ..models import (
    DecisionQuestion,
    Invitation,
    InvitationState,
    Meeting,
    MeetingStatus,
    Mentorship,
    MentorshipState,
    Notification,
    ReminderDelivery,
    User,
)
from ..selectors.compliance import AT_RISK, DUE_WITHIN_DAYS, OVERDUE, annotate_health, url_template
from ..selectors.lifecycle import open_question
from .calendars import meeting_ics
from .lifecycle import mentorships_end_due
from .notifications import email_allowed, email_send
from .queue import NOTIFICATION_EMAIL, REMINDERS_SEND, enqueue

BATCH = 2000
SEND_CHUNK = 200
# AAHPM pairs that have not recorded their agreed duration this long after they
# started are listed in their coordinators' digest.
NO_DURATION_DIGEST_AFTER_DAYS = 60


@dataclasses.dataclass(frozen=True)
class Planned:
    user_id: int
    kind: str
    key: str
    period: str
    subject: str
    body: str
    url: str = ""
    essential: bool = False
    meeting_id: int | None = None


def plan_checkins(*, today: datetime.date):
    """Yield check-in reminders for active mentorships, batch by batch."""
    from django.db.models import Exists, OuterRef

    from programs.models import Program
    from programs.rules import add_months


    # Pairs that met recently cannot be due: skip them in SQL, program by
    # program (a meeting on or after this day puts the next contact more than
    # DUE_WITHIN_DAYS away). Programs whose cadence lives in the agreement
    # (HHS, WTAP) are evaluated in full.
    recent_enough = Q()
    for program_id, months in Program.objects.filter(checkin_interval_months__isnull=False).values_list(
        "pk", "checkin_interval_months"
    ):
        since = add_months(today + datetime.timedelta(days=DUE_WITHIN_DAYS + 1), -months)
        since_at = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
        met = Meeting.objects.filter(mentorship=OuterRef("pk"), status=MeetingStatus.HELD, starts_at__gte=since_at)
        recent_enough |= Q(program_id=program_id) & Exists(met)

    # Only the columns compliance needs; programs and names come from maps, so
    # a batch of 2,000 pairs costs a handful of queries and no related objects.
    programs = Program.objects.in_bulk()
    last_pk = 0
    while True:
        batch = list(
            Mentorship.objects.filter(state=MentorshipState.ACTIVE, pk__gt=last_pk)
            .exclude(recent_enough)
            .only("pk", "program_id", "state", "started_on", "planned_end_on", "mentor_id", "mentee_id")
            .order_by("pk")[:BATCH]
        )
        if not batch:
            return
        last_pk = batch[-1].pk
        for m in batch:
            Mentorship.program.field.set_cached_value(m, programs[m.program_id])
        annotate_health(batch, today=today)
        due = []
        for m in batch:
            c = m.compliance
            if c is None or c.cadence is None or c.contact_deadline is None:
                continue
            if (c.contact_deadline - today).days > DUE_WITHIN_DAYS:
                continue  # they met recently enough: no nudge
            if c.next_meeting and c.next_meeting <= c.contact_deadline:
                continue  # a meeting is already scheduled in time
            due.append(m)
        names = _names({m.mentor_id for m in due} | {m.mentee_id for m in due})
        for m in due:
            yield from _checkin_messages(m, m.compliance, today, names)


def _names(user_ids) -> dict[int, str]:

    return {
        pk: User.name_for(first, last, email)
        for pk, first, last, email in User.objects.filter(pk__in=user_ids).values_list(
            "pk", "first_name", "last_name", "email"
        )
    }


def _checkin_messages(m, c, today, names: dict[int, str]):

    program = m.program
    if c.contact_deadline < today:
        when = f"was due on {date_text(c.contact_deadline)}"
    else:
        when = f"is due by {date_text(c.contact_deadline)}"
    if c.last_contact:
        met = f"You last met on {date_text(c.last_contact)}; the next meeting {when}."
    else:
        met = f"You have not met yet; your first meeting {when}."
    lines = [f"{program.short_name} asks pairs to meet {c.cadence.label}. {met}"]
    month = c.this_month
    if c.minimum and month is not None:
        missing = max(c.minimum - month.minutes, 0)
        if missing:
            lines.append(
                f"This month you have met {month.minutes} of the {c.minimum} minutes {program.short_name} asks for: "
                f"{missing} to go."
            )
        else:
            lines.append(f"You have met this month's {c.minimum} minutes. Well done.")
    url = url_template("mentorships:detail").format(pk=m.pk)
    body = "\n\n".join(lines)
    period = c.contact_deadline.isoformat()  # one nudge per contact that falls due, however often the planner runs
    for person_id, partner_id in ((m.mentor_id, m.mentee_id), (m.mentee_id, m.mentor_id)):
        yield Planned(
            user_id=person_id,
            kind="checkin",
            key=f"mentorship:{m.pk}",
            period=period,
            subject=f"Time to check in with {names[partner_id]}",
            body=body,
            url=url,
        )


def plan_meetings(*, now: datetime.datetime):
    """Meetings starting in the next 24 hours: a reminder to both partners, .ics attached."""

    soon = now + datetime.timedelta(hours=24)
    meetings = (
        Meeting.objects.filter(
            status=MeetingStatus.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=soon,
            mentorship__state=MentorshipState.ACTIVE,
        )
        .select_related("mentorship__mentor", "mentorship__mentee", "mentorship__program")
        .order_by("pk")
    )
    for meeting in meetings.iterator(chunk_size=BATCH):
        m = meeting.mentorship
        start = timezone.localtime(meeting.starts_at)
        for person, partner in ((m.mentor, m.mentee), (m.mentee, m.mentor)):
            yield Planned(
                user_id=person.pk,
                kind="meeting",
                key=f"meeting:{meeting.pk}",
                period=meeting.starts_at.isoformat(),
                subject=f"Tomorrow: {meeting.get_kind_display().lower()} with {partner.display_name}",
                body=(
                    f"{meeting.get_kind_display()} with {partner.display_name} on {datetime_text(start)} "
                    f"({meeting.duration_minutes} minutes, {meeting.get_mode_display().lower()})"
                    + (f", {meeting.location}" if meeting.location else "")
                    + ". The calendar entry is attached."
                ),
                url=m.get_absolute_url(),
                essential=True,
                meeting_id=meeting.pk,
            )


def plan_events(*, now: datetime.datetime):
    """Program events (KY's monthly events, HPMSNJ's October dinner) starting within 24 hours."""
    from programs.selectors import events_due_for_reminder

    for event, user_ids in events_due_for_reminder(now=now):
        start = timezone.localtime(event.starts_at)
        for user_id in user_ids:
            yield Planned(
                user_id=user_id,
                kind="event",
                key=f"event:{event.pk}",
                period=event.starts_at.isoformat(),
                subject=f"Tomorrow: {event.program.titled(event.title)}",
                body=f"{event.title} on {datetime_text(start)}" + (f", {event.location}" if event.location else "") + ".",
                url=event.get_absolute_url(),
            )


def plan_decision_asks(*, today: datetime.date):
    """What the program asks a pair near a turning point, once to each partner who
    has not answered (essential: without an answer the pair ends).

    Where pairs may extend (HPMSNJ, HHS, WTAP), “extend or close” from the
    program's ask days before the planned end, once per planned end (an extended
    pair is asked again about its new one). WTAP, at the evaluation after the
    initial period: “continue or end”.
    """
    from programs.models import Program
    from programs.rules import add_months, end_due_on

    near = Q()
    for program in Program.objects.filter(Q(extendable=True) | Q(evaluation_asks_to_continue=True)):
        due = Q()
        if program.extendable:
            due |= Q(planned_end_on__lte=today + datetime.timedelta(days=program.extension_ask_days))
        if program.evaluation_asks_to_continue and program.evaluation_after_months:
            # add_months clamps month ends: a few days' slack, the selector decides exactly.
            due |= Q(started_on__lte=add_months(today, -program.evaluation_after_months) + datetime.timedelta(days=4))
        near |= Q(program_id=program.pk) & due
    if not near:
        return
    pairs = (
        Mentorship.objects.filter(near, state=MentorshipState.ACTIVE)
        .select_related("program", "mentor", "mentee")
        .prefetch_related("decisions")
        .order_by("pk")
    )
    for m in pairs.iterator(chunk_size=BATCH):
        asked = open_question(mentorship=m, today=today)
        if asked is None:
            continue
        program = m.program
        url = m.get_absolute_url() + "#decision"
        for person, partner in ((m.mentor, m.mentee), (m.mentee, m.mentor)):
            if asked.answer_of(person) is not None:
                continue
            if asked.question == DecisionQuestion.EXTEND_OR_CLOSE:
                last_day = end_due_on(program=program, planned_end_on=asked.term)
                yield Planned(
                    user_id=person.pk,
                    kind="extend_ask",
                    key=f"mentorship:{m.pk}",
                    period=asked.term.isoformat(),
                    subject=f"Extend or close your mentorship with {partner.display_name}?",
                    body=(
                        f"Your {program.name} mentorship with {partner.display_name} reaches its planned end on "
                        f"{date_text(asked.term)}. Would you like to extend it by {program.extension_months} months, "
                        f"or close it then? Answer on the mentorship page. Without an answer it ends on "
                        f"{date_text(last_day)}."
                    ),
                    url=url,
                    essential=True,
                )
            else:
                yield Planned(
                    user_id=person.pk,
                    kind="continue_ask",
                    key=f"mentorship:{m.pk}",
                    period=asked.term.isoformat(),
                    subject=f"Continue or end your mentorship with {partner.display_name}?",
                    body=(
                        f"{program.name} evaluates each mentorship after an initial period of "
                        f"{program.evaluation_after_months} months, and the two of you agree to end or continue. "
                        "Give your answer on the mentorship page; your partner is asked too."
                    ),
                    url=url,
                    essential=True,
                )


def plan_duration_nudges(*, today: datetime.date):
    """AAHPM: the pair agrees the duration “during the discovery call”; until it is
    recorded the pair has no planned end, so once a month both are asked to record it."""
    from programs.models import Program
    from programs.rules import add_months, duration_agreed_per_pair, months_completed

    program_ids = [p.pk for p in Program.objects.all() if duration_agreed_per_pair(program=p)]
    pairs = (
        Mentorship.objects.filter(
            program_id__in=program_ids,
            state=MentorshipState.ACTIVE,
            planned_end_on__isnull=True,
            started_on__lte=add_months(today, -1),
        )
        .select_related("program", "mentor", "mentee")
        .order_by("pk")
    )
    for m in pairs.iterator(chunk_size=BATCH):
        months = months_completed(started_on=m.started_on, today=today)
        if months < 1:
            continue
        program = m.program
        where = " at the discovery call" if program.requires_discovery_call else ""
        for person, partner in ((m.mentor, m.mentee), (m.mentee, m.mentor)):
            yield Planned(
                user_id=person.pk,
                kind="duration",
                key=f"mentorship:{m.pk}",
                # One nudge a month, on the monthly anniversary of the start.
                period=add_months(m.started_on, months).isoformat(),
                subject=f"Record the duration you agreed with {partner.display_name}",
                body=(
                    f"{program.short_name} asks each pair to agree how long their mentorship lasts{where}. Your "
                    f"mentorship with {partner.display_name} began on {date_text(m.started_on)} and has no planned "
                    "end yet: record the duration you agreed on the mentorship page."
                ),
                url=m.get_absolute_url() + "#duration",
            )


def _count(n: int, noun: str) -> str:
    """"1 pair", "3 pairs", "0 applications": a digest's counts as a sentence says them."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def plan_digests(*, today: datetime.date):
    """Mondays: one digest per coordinator for the programs they run."""
    if today.weekday() != 0:
        return
    from programs.models import Enrollment, EnrollmentState, ProgramCoordinator, Role
    from programs.rules import duration_agreed_per_pair


    week = f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"  # the period key, not for people
    monday = today - datetime.timedelta(days=today.weekday())
    links = list(ProgramCoordinator.objects.select_related("program", "user").order_by("user_id"))
    by_user: dict[int, list] = {}
    for link in links:
        by_user.setdefault(link.user_id, []).append(link.program)
    for user_id, programs in by_user.items():
        sections = []
        for program in programs:
            active = list(
                Mentorship.objects.filter(program=program, state=MentorshipState.ACTIVE).select_related(
                    "program", "mentor", "mentee"
                )
            )
            annotate_health(active, today=today)
            worrying = [m for m in active if m.health and m.health["code"] in (OVERDUE, AT_RISK)]
            pending = Invitation.objects.filter(program=program, state=InvitationState.PENDING).count()
            paired_mentees = Mentorship.objects.filter(program=program, state=MentorshipState.ACTIVE).values("mentee_id")
            unmatched = (
                Enrollment.objects.filter(cohort__program=program, role=Role.MENTEE, state=EnrollmentState.APPROVED)
                .exclude(user_id__in=paired_mentees)
                .count()
            )
            applications = Enrollment.objects.filter(cohort__program=program, state=EnrollmentState.APPLIED).count()
            # AAHPM: a pair that has not recorded its agreed duration has no planned end, so nothing ends it.
            no_duration = (
                [
                    m
                    for m in active
                    if m.planned_end_on is None
                    and m.started_on <= today - datetime.timedelta(days=NO_DURATION_DIGEST_AFTER_DAYS)
                ]
                if duration_agreed_per_pair(program=program)
                else []
            )
            lines = [f"{program.name}:"]
            lines.append(f"- {_count(len(worrying), 'pair')} overdue or at risk")
            for m in worrying[:10]:
                lines.append(f"    {m.mentor.display_name} / {m.mentee.display_name}: {m.health['label']} — {m.health['reason']}")
            lines.append(f"- {_count(pending, 'invitation')} waiting for an answer")
            lines.append(f"- {_count(unmatched, 'approved mentee')} without a mentor")
            lines.append(f"- {_count(applications, 'application')} to decide")
            if no_duration:
                lines.append(
                    f"- {_count(len(no_duration), 'pair')} without an agreed duration after "
                    f"{NO_DURATION_DIGEST_AFTER_DAYS} days"
                )
                for m in no_duration[:10]:
                    lines.append(
                        f"    {m.mentor.display_name} / {m.mentee.display_name}: started {date_text(m.started_on)}"
                    )
            sections.append("\n".join(lines))
        yield Planned(
            user_id=user_id,
            kind="digest",
            key="coordinator",
            period=week,
            subject=f"Your mentoring digest for the week of {date_text(monday)}",
            body="\n\n".join(sections),
            url=reverse("admin:index"),
        )


# The claim row's columns, in the order of the INSERT below.
CLAIM_COLUMNS = (
    "user_id", "kind", "key", "period", "subject", "body", "url",
    "essential", "meeting_id", "claim", "created_at", "sent_at", "skipped",
)  # fmt: skip


def _claim(planned: list[Planned], *, now) -> list[int]:
    """Insert the claim rows; return the ids of the rows this run created.

    One multi-row INSERT ... ON CONFLICT DO NOTHING per few hundred rows (both
    SQLite and PostgreSQL speak it): a row whose (user, kind, key, period) is
    already claimed is skipped by the unique constraint, so only this run's
    rows carry its token. Plain SQL rather than bulk_create, which spends most
    of its time preparing each of the 200,000 rows' values one field at a time.
    """

    token = uuid.uuid4().hex
    meta = ReminderDelivery._meta
    created_at = meta.get_field("created_at").get_db_prep_value(now, connection)
    quote = connection.ops.quote_name
    per_statement = min(500, (connection.features.max_query_params or 65535) // len(CLAIM_COLUMNS))
    with connection.cursor() as cursor:
        for start in range(0, len(planned), per_statement):
            chunk = planned[start : start + per_statement]
            row = "(" + ", ".join(["%s"] * len(CLAIM_COLUMNS)) + ")"
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in CLAIM_COLUMNS)}) "
                f"VALUES {', '.join([row] * len(chunk))} ON CONFLICT DO NOTHING",
                [
                    value
                    for p in chunk
                    for value in (
                        p.user_id, p.kind, p.key, p.period, p.subject, p.body, p.url,
                        p.essential, p.meeting_id, token, created_at, None, False,
                    )  # fmt: skip
                ],
            )
    return list(ReminderDelivery.objects.filter(claim=token).values_list("pk", flat=True))


def reminders_plan(*, today: datetime.date | None = None, now: datetime.datetime | None = None, dry_run: bool = False) -> dict:
    """Plan everything due, claim it, and queue the sending. Returns counts."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    counts = {"planned": 0, "claimed": 0, "tasks": 0}
    # Pairs whose time is up end first, so nothing below is planned for them.
    counts["ended"] = len(mentorships_end_due(today=today, dry_run=dry_run))
    preview: list[Planned] = []
    buffer: list[Planned] = []

    def flush():
        if not buffer:
            return
        with transaction.atomic():
            ids = _claim(buffer, now=now)
            counts["claimed"] += len(ids)
            for start in range(0, len(ids), SEND_CHUNK):
                chunk = ids[start : start + SEND_CHUNK]
                counts["tasks"] += 1
                transaction.on_commit(lambda chunk=chunk: _enqueue(chunk))
        buffer.clear()

    sources = (
        plan_checkins(today=today),
        plan_meetings(now=now),
        plan_events(now=now),
        plan_decision_asks(today=today),
        plan_duration_nudges(today=today),
        plan_digests(today=today),
    )
    for source in sources:
        for item in source:
            counts["planned"] += 1
            if dry_run:
                preview.append(item)
                continue
            buffer.append(item)
            if len(buffer) >= BATCH:
                flush()
    if not dry_run:
        flush()
    counts["preview"] = preview
    return counts


def _enqueue(ids: list[int]) -> None:
    enqueue(REMINDERS_SEND, ids)


# A claimed reminder whose send task never ran — the broker restarted without
# persistence, a message was dropped — is still unsent this long after its
# claim: queue it again. Younger rows may simply be waiting in a busy queue.
STALE_AFTER = datetime.timedelta(minutes=30)
# Older rows are left alone: a meeting reminder a day late is wrong, and a row
# whose sending fails for good must not be retried for ever.
STALE_MAX_AGE = datetime.timedelta(hours=6)


def reminders_resend_stale(
    *,
    now: datetime.datetime | None = None,
    older_than: datetime.timedelta = STALE_AFTER,
    max_age: datetime.timedelta = STALE_MAX_AGE,
) -> dict:
    """Queue again what was claimed (or notified) but never sent. Beat, every 30 minutes.

    The claim rows live in the database, the queue in Redis: if Redis loses a
    message (a restart without persistence), a re-plan finds the rows claimed
    and queues nothing, so without this sweep those mails would never go out.
    Re-queueing is safe even when the first message is only late: each row is
    sent by the one task whose conditional UPDATE marks it, so a row queued
    twice is still sent once. The same holds for notification emails (survey
    links, invitations), claimed by `emailed_at`.

    Not recovered: a row marked sent whose worker died before the mail left
    (at most once per row; see `reminders_send`).
    """
    now = now or timezone.now()
    window = {"created_at__lt": now - older_than, "created_at__gte": now - max_age}
    ids = list(
        ReminderDelivery.objects.filter(sent_at__isnull=True, skipped=False, **window)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), SEND_CHUNK):
        _enqueue(ids[start : start + SEND_CHUNK])
    notification_ids = list(
        Notification.objects.filter(emailed_at__isnull=True, **window).order_by("pk").values_list("pk", flat=True)
    )
    for notification_id in notification_ids:
        enqueue(NOTIFICATION_EMAIL, notification_id)
    return {"reminders": len(ids), "notifications": len(notification_ids)}


def reminders_send(*, delivery_ids: list[int]) -> int:
    """Send claimed reminders; each row is marked sent just before its mail goes out.

    If the worker dies between marking and sending, that one mail is lost
    rather than sent twice (at most once); a failed send releases the mark so a
    retry sends it.
    """
    sent = 0
    rows = list(
        ReminderDelivery.objects.filter(pk__in=delivery_ids, sent_at__isnull=True, skipped=False).select_related("user")
    )
    for row in rows:
        if not email_allowed(user_id=row.user_id, essential=row.essential, now=timezone.now()):
            ReminderDelivery.objects.filter(pk=row.pk, sent_at__isnull=True).update(skipped=True)
            continue
        now = timezone.now()
        if not ReminderDelivery.objects.filter(pk=row.pk, sent_at__isnull=True).update(sent_at=now):
            continue
        attachments = (("meeting.ics", meeting_ics(meeting_id=row.meeting_id), "text/calendar"),) if row.meeting_id else ()
        try:
            email_send(
                user=row.user, subject=row.subject, body=row.body, url=row.url, essential=row.essential, attachments=attachments
            )
        except Exception:
            ReminderDelivery.objects.filter(pk=row.pk, sent_at=now).update(sent_at=None)
            raise
        Notification.objects.create(
            user_id=row.user_id, subject=row.subject, body=row.body, url=row.url, essential=row.essential, emailed_at=now
        )
        sent += 1
    return sent
