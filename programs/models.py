"""Programs, their rules as data, cohorts, enrolment and coordinators.

Every rule a program follows is a field here, grouped in the admin, so a
coordinator can set up a new program without code. The help texts quote where
each of the five seeded programs takes its value from (see PROGRAMS.md).
"""

import calendar
import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .formats import date_text, time_text


class MatchingMethod(models.TextChoices):
    SELF_SELECTION = "self_selection", "Self-selection (the mentee invites a mentor)"
    AUTO = "auto", "Auto-matching (the system proposes pairs)"
    THIRD_PARTY = "third_party", "Third-party / committee / sponsors pair people"


class Platform(models.TextChoices):
    SENIOR_TO_JUNIOR = "senior_to_junior", "Senior-to-Junior"
    PEER_TO_PEER = "peer_to_peer", "Peer-to-Peer"


class OrgUnitPreference(models.TextChoices):
    ANY = "any", "No preference"
    SAME = "same", "Prefer the same organisation unit"
    DIFFERENT = "different", "Prefer a different organisation unit"


def _validate_choice_list(value, choices) -> None:
    allowed = set(choices.values)
    if not isinstance(value, list) or not set(value) <= allowed:
        raise ValidationError(f"Choose from: {', '.join(sorted(allowed))}.")


def validate_matching_methods(value) -> None:
    _validate_choice_list(value, MatchingMethod)


def validate_platforms(value) -> None:
    _validate_choice_list(value, Platform)


class Program(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, unique=True, help_text="Shown in menus, e.g. “AAHPM”.")
    slug = models.SlugField(max_length=60, unique=True)
    organisation = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True, help_text="One paragraph: what the program is for.")
    guidelines = models.TextField(blank=True, help_text="The program's guidelines, shown to every participant.")
    mentor_role = models.TextField(blank=True, help_text="What is expected of a mentor.")
    mentee_role = models.TextField(blank=True, help_text="What is expected of a mentee.")
    not_for = models.TextField(
        blank=True,
        help_text="What the program is not (AAHPM: mentees may not ask their mentor for a job; "
        "HPMSNJ: not a recruitment tool; KY: not employment placement).",
    )
    coordinator_title = models.CharField(
        max_length=100,
        default="program coordinator",
        help_text="Who runs pairing here: “AAHPM staff”, “mentorship committee”, “OPDIV coordinator”, "
        "“Connections Sponsors”.",
    )
    org_unit_label = models.CharField(
        max_length=60, default="Organisation unit", help_text="What the organisation unit is called (HHS: “OPDIV”)."
    )

    # Capacity
    max_mentees_per_mentor = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="Active mentorships a mentor may hold. AAHPM: “Mentors may not take on more than two mentees "
        "at a time.” HHS: “Mentors may participate in up to 5 mentoring relationships at one time.” "
        "Others are silent: 1.",
    )
    max_mentors_per_mentee = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Active mentorships a mentee may hold. AAHPM: “Mentees may only have one mentor at a time.” "
        "HHS: “Mentees may have only one mentor during the one-year program.”",
    )
    allows_dual_role = models.BooleanField(
        default=False,
        help_text="One person may be mentor and mentee at once. HHS: “participants can serve simultaneously as a "
        "mentor and mentee”. WTAP pairs a more skilled with a less skilled worker: no.",
    )

    # Matching
    matching_methods = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_matching_methods],
        help_text="How pairs form. AAHPM: mentees “must invite a person to be their mentor”. HHS: auto-matching, "
        "self-selection and third-party matching. HPMSNJ: the committee pairs. KY: sponsors match. "
        "WTAP: the program pairs.",
    )
    pairing_description = models.TextField(
        blank=True,
        help_text="Shown where mentees cannot invite: how pairs are formed in this program.",
    )
    platforms = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_platforms],
        help_text="HHS: “Senior-to-Junior … paired with a mentor of senior career level; Peer-to-Peer … a mentor "
        "of equivalent career level.” Empty: no platforms.",
    )
    excludes_supervisor_chain = models.BooleanField(
        default=False,
        help_text="KY: “Mentor shall not be the mentee’s first or second-line supervisor.”",
    )
    org_unit_preference = models.CharField(
        max_length=10,
        choices=OrgUnitPreference.choices,
        default=OrgUnitPreference.ANY,
        help_text="HHS allows pairs within the home OPDIV or across OPDIVs.",
    )
    invitation_expiry_days = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text="Pending invitations expire after this many days (the documents are silent: 10).",
    )

    # Enrolment
    requires_application_approval = models.BooleanField(
        default=False,
        help_text="KY: “submit a Connections application to the Connections Sponsors for approval during open "
        "enrollment period”.",
    )
    participant_cap = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Most approved participants per cohort; empty = no cap. KY: “The Connections Sponsors may "
        "initiate a cap on the number of participants in any given program year.”",
    )

    # Duration and ending
    duration_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Planned length. HPMSNJ and HHS: one year (12). WTAP: “will last for three years” (36). "
        "Empty = agreed per pair (AAHPM: “during the discovery call … the duration of their mentoring "
        "relationship”) or, with the next box, the end of the program year.",
    )
    ends_with_cohort = models.BooleanField(
        default=False,
        help_text="Mentorships end with the cohort's program year. KY: “participation year which will begin "
        "annually in January and conclude in December”.",
    )
    extendable = models.BooleanField(
        default=False,
        help_text="A pair may extend past the planned end. HPMSNJ: “can expand beyond one year”. HHS: “may "
        "choose to remain in the same mentoring relationship”. WTAP: “continue for another agreed upon time "
        "period”.",
    )
    early_end_after_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Earliest month either partner may end the mentorship. HHS: “not working … after 3 months, "
        "either partner may terminate”. Empty = any time (WTAP: “no-fault termination”).",
    )
    extension_ask_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Where pairs may extend: this many days before the planned end both partners are asked "
        "“extend or close” (the documents are silent: 30).",
    )
    extension_grace_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MaxValueValidator(365)],
        help_text="Where pairs may extend: a pair that has not answered by its planned end ends this many days "
        "later (the documents are silent: 14). A pair whose partners both chose to close ends at the planned end.",
    )
    extension_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(36)],
        help_text="How long “extend” continues a mentorship. HPMSNJ: “can expand beyond one year”; WTAP: "
        "“continue for another agreed upon time period” (the length is silent: 12).",
    )

    # Contact
    checkin_interval_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="1 = monthly, 3 = quarterly. AAHPM: “a scheduled phone call … at least once a month”. "
        "KY: “at least monthly”. HPMSNJ: “at least quarterly check-in calls”.",
    )
    min_contact_minutes_per_month = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="KY: “at least one contact hour each month” (60). HPMSNJ: “about 1-2 hours per month” (60).",
    )
    reschedule_notice_hours = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="AAHPM: “We recommend you give 48 hours' notice and reschedule the missed call ASAP.”",
    )

    # Milestones and documents
    requires_discovery_call = models.BooleanField(
        default=False, help_text="AAHPM: “Both mentors and mentees must have a discovery call”."
    )
    requires_wrapup_call = models.BooleanField(
        default=False,
        help_text="AAHPM: “a wrap-up call, to make sure that the goals and expectations of the mentees were met”.",
    )
    requires_agreement = models.BooleanField(
        default=False,
        help_text="HHS: “Establish mentoring agreements that outline the terms of the relationship.” "
        "WTAP: the Mentoring Agreement Form, signed by both.",
    )
    goals_document_name = models.CharField(
        max_length=100,
        default="Goals",
        help_text="AAHPM: Mentoring Worksheet. HHS: IDP. KY: Connections Development Plan.",
    )
    goals_shared_after_discovery_call = models.BooleanField(
        default=False,
        help_text="AAHPM: “This worksheet or any notes should be shared to the Mentors after the discovery call.”",
    )

    # Surveys
    sends_exit_survey = models.BooleanField(
        default=False,
        help_text="AAHPM: “Once the mentoring relationship has ended, Mentors [and Mentees] are asked to "
        "complete an exit survey.”",
    )
    fit_check_after_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="KY: “After the first three months, a questionnaire will be sent to both parties to gauge if "
        "their mentoring match is a good fit”.",
    )
    evaluation_after_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="KY: “After one year, an evaluation form will be sent to both participants” (12). "
        "WTAP: “After an initial period, the relations will be evaluated”.",
    )
    evaluation_asks_to_continue = models.BooleanField(
        default=False,
        help_text="At the evaluation month both partners are asked to continue or end, and their answers are "
        "recorded on the pair. WTAP: “the relations will be evaluated and mutually agreed to end or continue”.",
    )

    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_mentees_per_mentor__gte=1) & Q(max_mentors_per_mentee__gte=1),
                name="program_caps_positive",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:detail", kwargs={"slug": self.slug})

    def titled(self, title: str) -> str:
        """A survey's or an event's title named with the program once, for a mail's
        subject or a calendar entry: KY Connections' "Connections fit questionnaire"
        is the "KY Connections fit questionnaire" (not "KY Connections Connections …");
        a title that already names the program ("HHS Mentoring Program evaluation",
        "KY IPMA-HR chapter meeting") is left as it is; any other is followed by the
        short name: "Mentor progress report (HHS)"."""
        words = title.split()
        if not words:
            return self.short_name
        folded = [w.casefold() for w in words]
        for name in (self.name, self.short_name):
            own = name.split()
            if folded[0] == own[0].casefold():
                return title
            for k in range(min(len(own), len(words)), 0, -1):
                if [w.casefold() for w in own[-k:]] == folded[:k]:
                    return " ".join(own + words[k:])
        return f"{title} ({self.short_name})"

    def clean(self):
        if self.duration_months and self.ends_with_cohort:
            raise ValidationError(
                {"ends_with_cohort": "Choose either a duration in months or “ends with the program year”, not both."}
            )
        if self.early_end_after_months and self.duration_months and self.early_end_after_months > self.duration_months:
            raise ValidationError({"early_end_after_months": "Cannot be later than the planned duration."})

    @property
    def allows_self_selection(self) -> bool:
        return MatchingMethod.SELF_SELECTION in self.matching_methods

    @property
    def allows_auto_matching(self) -> bool:
        return MatchingMethod.AUTO in self.matching_methods

    @property
    def allows_third_party_matching(self) -> bool:
        return MatchingMethod.THIRD_PARTY in self.matching_methods

    def get_matching_methods_display(self) -> list[str]:
        labels = dict(MatchingMethod.choices)
        return [labels[m] for m in self.matching_methods if m in labels]

    def get_platforms_display(self) -> list[str]:
        labels = dict(Platform.choices)
        return [labels[p] for p in self.platforms if p in labels]

    def cadence_display(self) -> str:
        months = self.checkin_interval_months
        if not months:
            return "as agreed by the pair"
        return {1: "monthly", 3: "quarterly", 12: "yearly"}.get(months, f"every {months} months")


class Cohort(models.Model):
    """One program year or intake: the frame enrolment, matching and reporting use."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=100, help_text="e.g. “2026” or “Spring 2026”.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    enrolment_opens_on = models.DateField(null=True, blank=True, help_text="Empty: open now.")
    enrolment_closes_on = models.DateField(null=True, blank=True, help_text="Empty: open until the cohort ends.")
    is_closed = models.BooleanField(
        default=False, help_text="A closed cohort takes no enrolments and no new pairs."
    )
    participant_cap = models.PositiveIntegerField(
        null=True, blank=True, help_text="Overrides the program's participant cap for this cohort."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["program__name", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="cohort_unique_name_per_program"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="cohort_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.program.short_name} {self.name}"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": "The cohort must end after it starts."})
        if self.enrolment_opens_on and self.enrolment_closes_on and self.enrolment_closes_on < self.enrolment_opens_on:
            raise ValidationError({"enrolment_closes_on": "Enrolment must close after it opens."})

    @property
    def effective_participant_cap(self) -> int | None:
        return self.participant_cap if self.participant_cap is not None else self.program.participant_cap

    def is_open_for_pairs(self, today=None) -> bool:
        """Running: not closed by the coordinator and not past its end. Pairs form,
        and its participants take part, only while it runs (`running_q` in SQL)."""
        today = today or timezone.localdate()
        return not self.is_closed and today <= self.ends_on

    @staticmethod
    def running_q(today=None, *, via: str = "") -> Q:
        """`is_open_for_pairs` as a filter, on cohorts or through a relation (`via="cohort__"`)."""
        today = today or timezone.localdate()
        return Q(**{f"{via}is_closed": False, f"{via}ends_on__gte": today})

    def enrolment_is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        if not self.is_open_for_pairs(today):
            return False
        if self.enrolment_opens_on and today < self.enrolment_opens_on:
            return False
        closes = self.enrolment_closes_on or self.ends_on
        return today <= closes


class Role(models.TextChoices):
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"


class EnrollmentState(models.TextChoices):
    APPLIED = "applied", "Applied"
    APPROVED = "approved", "Approved"
    WAITLISTED = "waitlisted", "Waitlisted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The states in which a person holds or awaits a place: a live enrolment. A
# declined or withdrawn one no longer counts (for the dual-role rule, a
# second enrolment in the same role, who takes part in a program).
LIVE_ENROLLMENT_STATES = (EnrollmentState.APPLIED, EnrollmentState.APPROVED, EnrollmentState.WAITLISTED)


class Enrollment(models.Model):
    """A person's place in a cohort as mentor or mentee, with their application."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(max_length=10, choices=Role.choices)
    state = models.CharField(max_length=12, choices=EnrollmentState.choices, default=EnrollmentState.APPLIED)
    # KY: needs, challenges, strengths, areas for improvement; HHS: platform preference.
    needs = models.TextField(blank=True)
    challenges = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    areas_for_improvement = models.TextField(blank=True)
    platform_preference = models.CharField(max_length=20, choices=Platform.choices, blank=True)
    motivation = models.TextField(blank=True, help_text="Why the person wants to take part.")
    applied_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-applied_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "cohort", "role"], name="enrollment_once_per_role"),
        ]
        indexes = [
            models.Index(fields=["cohort", "role", "state"]),
            # The coordinators' list, newest first: read down this index and stop
            # at a page, instead of joining and sorting every enrolment of the program.
            models.Index(fields=["-applied_at", "-id"], name="enrollment_newest_first"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} in {self.cohort}"

    @property
    def program(self) -> Program:
        return self.cohort.program

    @property
    def is_active(self) -> bool:
        return self.state == EnrollmentState.APPROVED


class ProgramCoordinator(models.Model):
    """Who runs a program: they see and change only their programs in the admin."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="coordinator_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coordinated_programs")
    added_at = models.DateTimeField(auto_now_add=True)
    # Who may run a program is part of its rules: adding or removing a
    # coordinator is audited like a change of cap.
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "user"], name="coordinator_once_per_program")]

    def __str__(self):
        return f"{self.user} coordinates {self.program.short_name}"


class EventKind(models.TextChoices):
    KICK_OFF = "kick_off", "Kick-off"
    CHAPTER_MEETING = "chapter_meeting", "Chapter meeting"
    SOCIAL = "social", "Social / team building"
    LUNCH_AND_LEARN = "lunch_and_learn", "Lunch and learn"
    ANNUAL_DINNER = "annual_dinner", "Annual dinner"
    ORIENTATION = "orientation", "Orientation"
    TRAINING = "training", "Training"
    WORKSHOP = "workshop", "Workshop"


MONTH_NAMES = {n: calendar.month_name[n] for n in range(1, 13)}


def validate_months(value) -> None:
    if not isinstance(value, list) or not value or not set(value) <= set(MONTH_NAMES):
        raise ValidationError("Choose at least one month (1 to 12).")


def validate_time_zone(value) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"“{value}” is not a time zone (e.g. America/New_York).")


def default_time_zone() -> str:
    return settings.TIME_ZONE


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, "first"
    SECOND = 2, "second"
    THIRD = 3, "third"
    FOURTH = 4, "fourth"
    LAST = 5, "last"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class EventPattern(models.Model):
    """A program's recurring event: which months of the year, on which day, at what
    time. The program-year roll-forward (services.program_year_roll_forward) turns
    each listed month of the current and the next year into an Event, once: a
    month it has produced is never produced again, so an event a coordinator
    moved or deleted stays moved or deleted, and a change here applies to the
    months not produced yet. KY (seeds/004): socials and the January kick-off,
    lunch-and-learns and chapter meetings every month; HPMSNJ (seeds/001): the
    October dinner."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="event_patterns")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    title = models.CharField(
        max_length=200,
        help_text="“{month}” and “{year}” are replaced by the event's month and year, "
        "e.g. “Connections social ({month})”.",
    )
    months = models.JSONField(
        default=list, validators=[validate_months], help_text="The months of the year the event takes place in."
    )
    week = models.PositiveSmallIntegerField(
        choices=WeekOfMonth.choices,
        null=True,
        blank=True,
        help_text="With a weekday: the third Thursday of the month. Empty: a fixed day of the month.",
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, null=True, blank=True)
    day_of_month = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text="A fixed day instead of a week and weekday; a shorter month takes its last day.",
    )
    start_time = models.TimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    time_zone = models.CharField(
        max_length=60,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text="Where the start time is read, e.g. America/Kentucky/Louisville.",
    )
    location = models.CharField(max_length=300, blank=True, help_text="Address or video link; empty: to be announced.")
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True, help_text="Untick to stop producing new events from this pattern.")
    events_created_through = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The roll-forward has produced this pattern's events up to this day; changes apply after it.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["program__name", "pk"]
        verbose_name = "recurring event"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(day_of_month__isnull=True, week__isnull=False, weekday__isnull=False)
                    | Q(day_of_month__isnull=False, week__isnull=True, weekday__isnull=True)
                ),
                name="event_pattern_one_kind_of_day",
            ),
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="event_pattern_duration_positive"),
        ]

    def __str__(self):
        return f"{self.program.short_name}: {self.title_for(None)} ({self.schedule_display()})"

    def clean(self):
        if self.day_of_month is None and (self.week is None or self.weekday is None):
            raise ValidationError({"week": "Choose a week and a weekday, or a fixed day of the month."})
        if self.day_of_month is not None and (self.week is not None or self.weekday is not None):
            raise ValidationError({"day_of_month": "Choose a fixed day or a week and weekday, not both."})
        try:
            self.title.format(month="", year="")
        except (KeyError, IndexError, ValueError):
            raise ValidationError({"title": "Use only {month} and {year} in braces."})

    def title_for(self, day: datetime.date | None) -> str:
        if day is None:
            return self.title.replace("{month}", "…").replace("{year}", "…")
        return self.title.format(month=f"{day:%B}", year=day.year)

    def schedule_display(self) -> str:
        if self.day_of_month:
            day = f"day {self.day_of_month}"
        else:
            day = f"{WeekOfMonth(self.week).label} {Weekday(self.weekday).label}"
        months = ", ".join(MONTH_NAMES[m][:3] for m in sorted(self.months or []))
        return f"{day} of {months}, {time_text(self.start_time)}"


class Event(models.Model):
    """A program-wide gathering: KY's monthly meetings, socials and lunch-and-learns,
    HPMSNJ's annual dinner, HHS orientation and training, WTAP's mentor workshop."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="events")
    cohort = models.ForeignKey(
        Cohort,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
        help_text="Empty: for every participant of the program.",
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=300, blank=True, help_text="Address or video link; empty: to be announced.")
    description = models.TextField(blank=True)
    pattern = models.ForeignKey(
        EventPattern,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        help_text="The recurring event this one was produced from.",
    )
    pattern_month = models.DateField(
        null=True, blank=True, editable=False, help_text="The pattern's month this event is (its first day)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"),
            # A pattern's month becomes one event, however often the roll-forward runs.
            models.UniqueConstraint(fields=["pattern", "pattern_month"], name="event_once_per_pattern_month"),
        ]
        indexes = [models.Index(fields=["program", "starts_at"]), models.Index(fields=["starts_at"])]

    def __str__(self):
        return f"{self.title} ({date_text(self.starts_at)})"

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"pk": self.pk})

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The event must end after it starts."})
        if self.cohort_id and self.program_id and self.cohort.program_id != self.program_id:
            raise ValidationError({"cohort": "Choose a cohort of this event's program."})

    @property
    def uid(self) -> str:
        """Stable calendar identifier: a re-downloaded .ics updates the same entry."""
        return f"program-event-{self.pk}@mentoring"


class Rsvp(models.TextChoices):
    YES = "yes", "Yes"
    MAYBE = "maybe", "Maybe"
    NO = "no", "No"


class EventAttendance(models.Model):
    """One person's answer to an event and whether they came."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_attendances")
    rsvp = models.CharField("RSVP", max_length=5, choices=Rsvp.choices, blank=True)
    rsvp_at = models.DateTimeField("answered at", null=True, blank=True)
    attended = models.BooleanField(default=False)

    class Meta:
        ordering = ["event", "user"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="event_attendance_once")]
        indexes = [models.Index(fields=["user", "event"])]
        verbose_name_plural = "event attendance"

    def __str__(self):
        return f"{self.user} at {self.event}"
