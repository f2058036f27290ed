"""Is a mentorship keeping its program's contact rules? Contact hours, cadence,
milestones, and the health label derived from them.

`compliance_compute` is pure: plain values in, a `Compliance` out, no database,
so every rule can be tested at any date. `compliance_for` (one mentorship, its
whole history, for its page) and `annotate_health` (a list, for dashboards and
the admin, a constant number of queries however long the list) fetch the
values and call it.

The rules come from the program's fields (PROGRAMS.md), never its name:

- contact hours: minutes of held meetings per calendar month against
  `min_contact_minutes_per_month` (KY: "at least one contact hour each month";
  HPMSNJ: "about 1-2 hours per month" → 60);
- cadence: days since the last held meeting against `checkin_interval_months`
  (AAHPM and KY monthly, HPMSNJ quarterly). HHS and WTAP set the frequency in
  their agreement, so there the signed agreement's meeting frequency is used;
- milestones: `requires_discovery_call` and `requires_wrapup_call` (AAHPM) and
  `requires_agreement` (HHS, WTAP: signed by both).

The health label, worst finding wins:

- **on track**: nothing is due within DUE_WITHIN_DAYS;
- **due**: the next contact, a milestone or the rest of this month's minimum
  falls due within DUE_WITHIN_DAYS days;
- **overdue**: the contact deadline has passed, the last complete month fell
  short of the minimum, or the wrap-up call did not happen by the planned end;
- **at risk**: overdue by more than a whole cadence interval (two check-ins
  missed), two complete months running under the minimum, or a required
  milestone (discovery call, signed agreement) still missing
  MILESTONE_GRACE_DAYS after the start.

A shortfall in a past month stops counting once the current month's minimum is
met: the pair has caught up, and the month stays visible in the table.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import functools
from collections import defaultdict

from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone

from programs.formats import date_text, month_text
from programs.rules import add_months

from ..models import Agreement, Meeting, MeetingStatus, Mentorship, MentorshipState

# A deadline this close makes the pair "due": a week is enough to arrange a call.
DUE_WITHIN_DAYS = 7
# AAHPM's discovery call and HHS/WTAP's agreement belong to the first month of a
# mentorship; missing either after this long puts the mentorship at risk.
MILESTONE_GRACE_DAYS = 30
# The wrap-up call (AAHPM) shows as due this long before the planned end.
WRAPUP_DUE_BEFORE_END_DAYS = 30
# Complete months running under the minimum that make a pair "at risk".
UNDER_MINIMUM_MONTHS_AT_RISK = 2

ON_TRACK, DUE, OVERDUE, AT_RISK = "on_track", "due", "overdue", "at_risk"
HEALTH_LABELS = {ON_TRACK: "On track", DUE: "Due", OVERDUE: "Overdue", AT_RISK: "At risk"}
HEALTH_RANK = {ON_TRACK: 0, DUE: 1, OVERDUE: 2, AT_RISK: 3}
HEALTH_CHOICES = [(code, HEALTH_LABELS[code]) for code in (ON_TRACK, DUE, OVERDUE, AT_RISK)]

# An agreement's meeting frequency as a cadence, where the program leaves it to
# the agreement (HHS: "as set in the mentoring agreement"; WTAP).
FREQUENCY_CADENCE = {
    "weekly": {"days": 7, "label": "weekly"},
    "fortnightly": {"days": 14, "label": "every two weeks"},
    "monthly": {"months": 1, "label": "monthly"},
    "bimonthly": {"months": 2, "label": "every two months"},
    "quarterly": {"months": 3, "label": "quarterly"},
}


@dataclasses.dataclass(frozen=True)
class HeldMeeting:
    day: datetime.date
    minutes: int
    kind: str


@dataclasses.dataclass(frozen=True)
class Cadence:
    label: str
    months: int | None = None
    days: int | None = None
    source: str = "program"  # or "agreement"

    def after(self, day: datetime.date) -> datetime.date:
        if self.months:
            return add_months(day, self.months)
        return day + datetime.timedelta(days=self.days or 0)


@dataclasses.dataclass
class MonthContact:
    month: datetime.date  # the first day
    minutes: int
    meetings: int
    minimum: int | None
    counts: bool  # the mentorship ran the whole month, so the minimum applies
    complete: bool  # the month is over

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)

    @property
    def under(self) -> bool:
        return bool(self.minimum) and self.counts and self.complete and self.minutes < self.minimum

    @property
    def in_progress(self) -> bool:
        return not self.complete

    @property
    def met(self) -> bool:
        return bool(self.minimum) and self.minutes >= self.minimum


@dataclasses.dataclass
class Milestone:
    key: str
    name: str
    held: bool
    deadline: datetime.date | None
    status: str  # "done", "upcoming", "due", "overdue", "missing"


@dataclasses.dataclass
class Finding:
    level: str
    text: str


@dataclasses.dataclass
class Compliance:
    today: datetime.date
    cadence: Cadence | None
    last_contact: datetime.date | None
    days_since_contact: int
    contact_deadline: datetime.date | None
    next_meeting: datetime.date | None
    minimum: int | None
    months: list[MonthContact]
    milestones: list[Milestone]
    findings: list[Finding]
    due: list[dict]

    @property
    def code(self) -> str:
        return max((f.level for f in self.findings), key=HEALTH_RANK.__getitem__, default=ON_TRACK)

    @property
    def health(self) -> dict:
        code = self.code
        worst = [f.text for f in self.findings if f.level == code]
        reason = "; ".join(worst) if worst else "Meeting as the program asks."
        return {"code": code, "label": HEALTH_LABELS[code], "reason": reason}

    @property
    def this_month(self) -> MonthContact | None:
        return self.months[-1] if self.months and not self.months[-1].complete else None


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _fmt(day: datetime.date) -> str:
    return date_text(day)


def cadence_of(*, program, agreement: dict | None) -> Cadence | None:
    if program.checkin_interval_months:
        return Cadence(label=program.cadence_display(), months=program.checkin_interval_months)
    if agreement and agreement.get("signed_by_both") and agreement.get("meeting_frequency") in FREQUENCY_CADENCE:
        return Cadence(source="agreement", **FREQUENCY_CADENCE[agreement["meeting_frequency"]])
    return None


def compliance_compute(
    *,
    program,
    started_on: datetime.date,
    planned_end_on: datetime.date | None,
    today: datetime.date,
    meetings: list[HeldMeeting],
    last_contact: datetime.date | None = None,
    held_kinds: set[str] | None = None,
    agreement: dict | None = None,
    next_meeting: datetime.date | None = None,
    months_from: datetime.date | None = None,
    urls: dict | None = None,
    partner: str = "",
) -> Compliance:
    """The compliance of one active mentorship on `today`.

    `meetings` are its held meetings (all of them, or those since `months_from`
    when `last_contact` and `held_kinds` are given from a summary).
    `agreement` is {"exists", "signed_by_both", "meeting_frequency"} or None.
    `partner` is the other one of the pair as the reader of the due items
    knows them: a person in two pairs (HHS's dual role) reads one item per pair.
    """
    urls = urls or {}
    name = program.short_name
    with_partner = f" with {partner}" if partner else ""
    meet = f"meet {partner}" if partner else "meet"
    if last_contact is None and meetings:
        last_contact = max(m.day for m in meetings)
    if held_kinds is None:
        held_kinds = {m.kind for m in meetings}
    findings: list[Finding] = []
    due: list[dict] = []

    # Cadence: the next contact is due one interval after the last (or the start).
    cadence = cadence_of(program=program, agreement=agreement)
    anchor = last_contact or started_on
    days_since = (today - anchor).days
    deadline = cadence.after(anchor) if cadence else None
    if cadence:
        quiet = f"{days_since} days since {'the last contact' if last_contact else 'the start'}"
        scheduled = f" (a meeting is scheduled for {_fmt(next_meeting)})" if next_meeting else ""
        if today > cadence.after(deadline):
            findings.append(
                Finding(AT_RISK, f"{quiet}: {name} asks for contact {cadence.label}, due by {_fmt(deadline)}{scheduled}")
            )
        elif today > deadline:
            findings.append(
                Finding(OVERDUE, f"{quiet}: {cadence.label} contact was due by {_fmt(deadline)}{scheduled}")
            )
        elif (deadline - today).days <= DUE_WITHIN_DAYS:
            findings.append(Finding(DUE, f"Next contact due by {_fmt(deadline)}{scheduled}"))
        if today > deadline or (deadline - today).days <= DUE_WITHIN_DAYS:
            due.append(
                {
                    "text": f"{name}: {meet} by {_fmt(deadline)} ({cadence.label} contact)"
                    if today <= deadline
                    else f"{name}: contact{with_partner} is overdue since {_fmt(deadline)} — plan a meeting",
                    "url": urls.get("meeting_new", ""),
                    "when": deadline,
                }
            )

    # Contact minutes per calendar month.
    minimum = program.min_contact_minutes_per_month or None
    first = _month_start(max(started_on, months_from) if months_from else started_on)
    by_month: dict[datetime.date, list[HeldMeeting]] = defaultdict(list)
    for m in meetings:
        by_month[_month_start(m.day)].append(m)
    months: list[MonthContact] = []
    month = first
    while month <= today:
        held = by_month.get(month, [])
        months.append(
            MonthContact(
                month=month,
                minutes=sum(m.minutes for m in held),
                meetings=len(held),
                minimum=minimum,
                # A month counts only if the pair had all of it: no one is short
                # for a month they started on the 25th.
                counts=started_on <= month,
                complete=_month_end(month) < today,
            )
        )
        month = add_months(month, 1)
    if minimum and months:
        current = months[-1] if not months[-1].complete else None
        caught_up = current is not None and current.minutes >= minimum
        complete = [m for m in months if m.complete and m.counts]
        if not caught_up and complete:
            recent = complete[-UNDER_MINIMUM_MONTHS_AT_RISK:]
            if len(recent) == UNDER_MINIMUM_MONTHS_AT_RISK and all(m.under for m in recent) and all(
                add_months(a.month, 1) == b.month for a, b in zip(recent, recent[1:])
            ):
                findings.append(
                    Finding(
                        AT_RISK,
                        f"Under {name}'s {minimum}-minute monthly minimum {len(recent)} months running ("
                        + ", ".join(f"{m.minutes} min in {m.month:%B}" for m in recent)
                        + ")",
                    )
                )
            elif complete[-1].under:
                last = complete[-1]
                findings.append(
                    Finding(OVERDUE, f"Met {last.minutes} of {minimum} minutes in {month_text(last.month)}")
                )
        if current is not None and current.counts and current.minutes < minimum:
            month_end = _month_end(current.month)
            left = minimum - current.minutes
            if (month_end - today).days < DUE_WITHIN_DAYS:
                findings.append(Finding(DUE, f"{left} more minutes of contact needed by {_fmt(month_end)}"))
                due.append(
                    {
                        "text": f"{name}: {left} more minutes of contact{with_partner} this month (minimum {minimum})",
                        "url": urls.get("meeting_new", ""),
                        "when": month_end,
                    }
                )

    # Milestones.
    milestones: list[Milestone] = []

    def first_month_milestone(key: str, label: str, done: bool, todo: str, url: str) -> None:
        deadline = started_on + datetime.timedelta(days=MILESTONE_GRACE_DAYS)
        if done:
            milestones.append(Milestone(key, label, True, deadline, "done"))
            return
        if today > deadline:
            status = "missing"
            findings.append(Finding(AT_RISK, f"{todo} ({name} requires it; it was due by {_fmt(deadline)})"))
        elif (deadline - today).days <= DUE_WITHIN_DAYS:
            status = "due"
            findings.append(Finding(DUE, f"{todo} by {_fmt(deadline)}"))
        else:
            status = "upcoming"
        milestones.append(Milestone(key, label, False, deadline, status))
        due.append({"text": f"{name}: {todo[0].lower()}{todo[1:]}{with_partner}", "url": url, "when": deadline})

    if program.requires_discovery_call:
        first_month_milestone(
            "discovery",
            "Discovery call",
            "discovery" in held_kinds,
            "Hold the discovery call",
            urls.get("meeting_discovery", urls.get("meeting_new", "")),
        )
    if program.requires_agreement:
        signed = bool(agreement and agreement.get("signed_by_both"))
        first_month_milestone(
            "agreement",
            "Mentoring agreement signed by both",
            signed,
            "Sign the mentoring agreement" if agreement and agreement.get("exists") else "Draft and sign the mentoring agreement",
            urls.get("agreement", ""),
        )
    if program.requires_wrapup_call:
        held = "wrapup" in held_kinds
        if held:
            status = "done"
        elif planned_end_on is None:
            status = "upcoming"
        elif today > planned_end_on:
            status = "overdue"
            findings.append(Finding(OVERDUE, f"The wrap-up call was due by the planned end, {_fmt(planned_end_on)}"))
        elif (planned_end_on - today).days <= WRAPUP_DUE_BEFORE_END_DAYS:
            status = "due"
            findings.append(Finding(DUE, f"Hold the wrap-up call before {_fmt(planned_end_on)}"))
        else:
            status = "upcoming"
        milestones.append(Milestone("wrapup", "Wrap-up call", held, planned_end_on, status))
        if status in ("due", "overdue"):
            due.append(
                {
                    "text": f"{name}: hold the wrap-up call{with_partner} before the mentorship ends",
                    "url": urls.get("meeting_wrapup", urls.get("meeting_new", "")),
                    "when": planned_end_on,
                }
            )

    findings.sort(key=lambda f: -HEALTH_RANK[f.level])
    return Compliance(
        today=today,
        cadence=cadence,
        last_contact=last_contact,
        days_since_contact=days_since,
        contact_deadline=deadline,
        next_meeting=next_meeting,
        minimum=minimum,
        months=months,
        milestones=milestones,
        findings=findings,
        due=sorted(due, key=lambda item: item["when"]),
    )


# ---------------------------------------------------------------------------
# Fetching
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def url_template(viewname: str) -> str:
    """The path of `viewname` for any pk, as a str.format template ("{pk}").

    reverse() once with a marker id, then substitute: dashboards and the
    reminders planner build these links for thousands of mentorships.
    """
    marker = 987654321
    return reverse(viewname, kwargs={"pk": marker}).replace(str(marker), "{pk}")


def _urls(mentorship_id: int) -> dict:
    new = url_template("meetings:new").format(pk=mentorship_id)
    return {
        "meeting_new": new,
        "meeting_discovery": f"{new}?kind=discovery",
        "meeting_wrapup": f"{new}?kind=wrapup",
        "agreement": url_template("agreements:detail").format(pk=mentorship_id),
    }


def _agreement_state(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {
        "exists": True,
        "signed_by_both": row["mentor_signed_at"] is not None and row["mentee_signed_at"] is not None,
        "meeting_frequency": row["meeting_frequency"],
    }


def _local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def compliance_for(*, mentorship, today: datetime.date | None = None) -> Compliance | None:
    """A mentorship's compliance from its whole history (its page); None once it has ended."""

    if mentorship.state != MentorshipState.ACTIVE:
        return None
    today = today or timezone.localdate()
    now = timezone.now()
    meetings = [
        HeldMeeting(_local_day(starts_at), minutes, kind)
        for starts_at, minutes, kind in Meeting.objects.filter(
            mentorship=mentorship, status=MeetingStatus.HELD
        ).values_list("starts_at", "duration_minutes", "kind")
    ]
    upcoming = (
        Meeting.objects.filter(mentorship=mentorship, status=MeetingStatus.SCHEDULED, starts_at__gte=now)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    agreement = (
        Agreement.objects.filter(mentorship=mentorship)
        .values("mentor_signed_at", "mentee_signed_at", "meeting_frequency")
        .first()
    )
    return compliance_compute(
        program=mentorship.program,
        started_on=mentorship.started_on,
        planned_end_on=mentorship.planned_end_on,
        today=today,
        meetings=meetings,
        agreement=_agreement_state(agreement),
        next_meeting=_local_day(upcoming) if upcoming else None,
        urls=_urls(mentorship.pk),
    )


def annotate_health(mentorships, today: datetime.date | None = None, reader=None):
    """Set `.health` ({code, label, reason} or None) and `.due_extra` (a list of
    {text, url, when}) on each mentorship, in five queries whatever the count.
    Given the `reader` (one of each pair: a participant's dashboard), the due
    items name their partner.

    Only the last few months' meetings are fetched; the last contact and which
    kinds of meeting were ever held come from one grouped query.
    """
    from programs.models import Program


    mentorships = list(mentorships)
    for m in mentorships:
        m.health = None
        m.due_extra = []
        m.compliance = None
    active = [m for m in mentorships if m.state == MentorshipState.ACTIVE]
    if not active:
        return mentorships
    today = today or timezone.localdate()
    now = timezone.now()
    ids = [m.pk for m in active]
    # Enough months for "two complete months running under the minimum".
    months_from = add_months(_month_start(today), -UNDER_MINIMUM_MONTHS_AT_RISK)
    window_start = timezone.make_aware(datetime.datetime.combine(months_from, datetime.time.min))

    programs = {m.program_id: m.program for m in active if Mentorship.program.is_cached(m)}
    missing = {m.program_id for m in active} - set(programs)
    if missing:
        programs.update(Program.objects.in_bulk(missing))

    held = Meeting.objects.filter(mentorship_id__in=ids, status=MeetingStatus.HELD)
    recent: dict[int, list[HeldMeeting]] = defaultdict(list)
    for mentorship_id, starts_at, minutes, kind in held.filter(starts_at__gte=window_start).values_list(
        "mentorship_id", "starts_at", "duration_minutes", "kind"
    ):
        recent[mentorship_id].append(HeldMeeting(_local_day(starts_at), minutes, kind))
    last_contact: dict[int, datetime.date] = {}
    kinds: dict[int, set[str]] = defaultdict(set)
    for row in held.order_by().values("mentorship_id", "kind").annotate(last=Max("starts_at")):
        kinds[row["mentorship_id"]].add(row["kind"])
        day = _local_day(row["last"])
        if day > last_contact.get(row["mentorship_id"], datetime.date.min):
            last_contact[row["mentorship_id"]] = day
    next_meeting: dict[int, datetime.date] = {}
    for row in (
        Meeting.objects.filter(mentorship_id__in=ids, status=MeetingStatus.SCHEDULED, starts_at__gte=now)
        .order_by()
        .values("mentorship_id")
        .annotate(first=Min("starts_at"))
    ):
        next_meeting[row["mentorship_id"]] = _local_day(row["first"])
    agreements = {
        row["mentorship_id"]: row
        for row in Agreement.objects.filter(mentorship_id__in=ids).values(
            "mentorship_id", "mentor_signed_at", "mentee_signed_at", "meeting_frequency"
        )
    }

    for m in active:
        result = compliance_compute(
            program=programs[m.program_id],
            started_on=m.started_on,
            planned_end_on=m.planned_end_on,
            today=today,
            meetings=recent.get(m.pk, []),
            last_contact=last_contact.get(m.pk),
            held_kinds=kinds.get(m.pk, set()),
            agreement=_agreement_state(agreements.get(m.pk)),
            next_meeting=next_meeting.get(m.pk),
            months_from=months_from,
            urls=_urls(m.pk),
            partner=m.partner_of(reader).display_name if reader is not None and m.is_partner(reader) else "",
        )
        m.compliance = result
        m.health = result.health
        m.due_extra = result.due
    return mentorships


def health_ids(queryset, code: str, today: datetime.date | None = None) -> list[int]:
    """Ids of the active mentorships in `queryset` whose health is `code` (the admin's filter)."""

    rows = list(queryset.filter(state=MentorshipState.ACTIVE).select_related("program"))
    annotate_health(rows, today=today)
    return [m.pk for m in rows if m.health and m.health["code"] == code]


# ---------------------------------------------------------------------------
# Contact hours report (KY documents contact hours for state employees)
# ---------------------------------------------------------------------------
