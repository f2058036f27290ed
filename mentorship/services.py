"""State changes of the core domain. Views, admin, commands and tasks call these.

Every rule of PROGRAMS.md about who may be paired with whom is checked in
`_check_pair`, which invitations, acceptance, coordinator pairing and match
runs all go through.
"""

import datetime
import secrets

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from programs import rules
from programs.errors import RuleViolation
from programs.models import Cohort, Enrollment, EnrollmentState, Program, Role

from .models import (
    Invitation,
    InvitationSource,
    InvitationState,
    MeetingKind,
    MeetingStatus,
    Mentorship,
    MentorshipOrigin,
    MentorshipState,
    Notification,
    Profile,
    User,
)

# Messages a person can act on; tests assert against these.
NOT_SELF_SELECTION = (
    "In {program} mentees do not invite mentors themselves: {how} Contact the {coordinator} if you have questions."
)
INVITE_YOURSELF = "You cannot invite yourself to be your own mentor."
MENTEE_NOT_APPROVED = "{person} is not an approved mentee in {program}. Enrol or wait for approval first."
MENTOR_NOT_APPROVED = "{person} is not an approved mentor in {cohort}."
COHORT_CLOSED = "{cohort} is closed, so no new pairs can form in it."
MENTOR_AT_CAPACITY = "{mentor} already mentors {count} {people}, the most {program} allows. Choose another mentor."
MENTEE_HAS_MENTOR = (
    "{mentee} already has {count} {mentors} in {program}, the most the program allows at a time."
)
DUAL_ROLE = (
    "{program} does not allow one person to be a mentor and a mentee at once: {person} is already a {role} here."
)
SUPERVISOR_CHAIN = (
    "{mentor} is {mentee}'s first- or second-line supervisor, and {program} never pairs a mentee with their "
    "supervisor. Choose another mentor."
)
DUPLICATE_PENDING = "You have already invited {mentor}; the invitation is waiting for an answer."
ALREADY_PAIRED = "{mentor} and {mentee} are already paired in {program}."
PAIR_ENDED_BEFORE = "{mentor} and {mentee} were paired before in {program} and that mentorship ended."
PLATFORM_MISMATCH = "The {platform} platform pairs {mentee} with a mentor of {wanted} career level; {mentor} is not."
INVITATION_NOT_PENDING = "This invitation is already {state}."
NOT_YOUR_INVITATION = "Only {who} can do that."
EARLY_END_TOO_SOON = (
    "{program} lets either partner end a mentorship only after {months} months: from {date}. Until then the "
    "{coordinator} can help — talk to them first."
)
WRAPUP_REQUIRED = "{program} asks for a wrap-up call before a mentorship is completed. Log the wrap-up call first."
DISCOVERY_REQUIRED_FOR_DURATION = (
    "Agree the duration during the discovery call: log the discovery call first, then record the duration."
)
DURATION_FIXED = "{program} sets the duration ({duration}); it is not agreed per pair."
NOT_EXTENDABLE = "{program} does not extend mentorships past their planned end."
MENTORSHIP_NOT_ACTIVE = "This mentorship has already ended."
REASON_REQUIRED = "Please give a reason; it is recorded with the mentorship."
OVERRIDE_REASON_REQUIRED = "{problem} To pair them anyway, give an override reason."

# Rules a coordinator may deliberately set aside, with a recorded reason.
SOFT_RULES = {"not_approved", "pair_ended", "platform"}


def profile_ensure(*, user: User) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def profile_update(
    *,
    profile: Profile,
    user_fields: dict,
    fields: dict,
    supervisor,
    skills_offered,
    development_needs,
    job_history_formset=None,
) -> Profile:
    """Save a person's own profile; the location is resolved to coordinates offline."""
    from .geo import resolve_location

    user = profile.user
    for name, value in user_fields.items():
        setattr(user, name, value)
    user.save(update_fields=list(user_fields))
    location_changed = fields.get("location", profile.location) != profile.location or profile.latitude is None
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.supervisor = supervisor
    if location_changed:
        coords = resolve_location(profile.location)
        profile.latitude, profile.longitude = coords if coords else (None, None)
    profile.full_clean(exclude=["photo"])
    profile.save()
    profile.skills_offered.set(skills_offered)
    profile.development_needs.set(development_needs)
    if job_history_formset is not None:
        job_history_formset.instance = profile
        job_history_formset.save()
    return profile


# ---------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------


def notify(*, user: User, subject: str, body: str, url: str = "", essential: bool = True) -> Notification:
    """Tell a person on the site and by email; the email goes out after commit."""
    notification = Notification.objects.create(user=user, subject=subject, body=body, url=url, essential=essential)

    def enqueue():
        from .tasks import notification_email_task

        notification_email_task.delay(notification.pk)

    transaction.on_commit(enqueue)
    return notification


def notification_email_send(*, notification_id: int) -> bool:
    """Send a notification's email once: the row is claimed before the mail goes out."""
    from django.conf import settings
    from django.core.mail import send_mail

    now = timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(emailed_at=now)
    if not claimed:
        return False
    notification = Notification.objects.select_related("user__profile").get(pk=notification_id)
    link = f"{settings.SITE_URL}{notification.url}" if notification.url else settings.SITE_URL
    body = f"{notification.body}\n\n{link}\n"
    if not notification.essential:
        from .models import EmailFrequency
        from .reminders import unsubscribe_token

        profile = getattr(notification.user, "profile", None)
        if profile is not None and profile.email_frequency == EmailFrequency.OFF:
            return False  # seen on the site; the person asked for essential mail only
        unsubscribe = settings.SITE_URL + reverse("mentorship:unsubscribe", args=[unsubscribe_token(notification.user_id)])
        body += f"\nFewer emails: {unsubscribe}\n"
    try:
        send_mail(
            subject=f"[Mentoring] {notification.subject}",
            message=body,
            from_email=None,
            recipient_list=[notification.user.email],
        )
    except Exception:
        # Release the claim so a retry can send it.
        Notification.objects.filter(pk=notification_id, emailed_at=now).update(emailed_at=None)
        raise
    return True


# ---------------------------------------------------------------------------
# Pairing rules
# ---------------------------------------------------------------------------


def _lock_people(*users: User) -> None:
    # Rows locked in primary-key order so two transactions never wait on each
    # other in a cycle (PostgreSQL); SQLite's IMMEDIATE transactions serialise.
    list(User.objects.select_for_update().filter(pk__in=sorted(u.pk for u in users)).order_by("pk").values("pk"))


def _approved(user: User, cohort: Cohort, role: str) -> bool:
    return Enrollment.objects.filter(user=user, cohort=cohort, role=role, state=EnrollmentState.APPROVED).exists()


def mentee_cohort(*, mentee: User, program: Program) -> Cohort | None:
    """The cohort in which the person is an approved mentee (the latest, if several)."""
    enrollment = (
        Enrollment.objects.filter(
            user=mentee, cohort__program=program, role=Role.MENTEE, state=EnrollmentState.APPROVED
        )
        .select_related("cohort")
        .order_by("-cohort__starts_on")
        .first()
    )
    return enrollment.cohort if enrollment else None


def mentor_active_count(*, mentor: User, program: Program) -> int:
    return Mentorship.objects.filter(program=program, mentor=mentor, state=MentorshipState.ACTIVE).count()


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _check_pair(
    *, program: Program, cohort: Cohort, mentor: User, mentee: User, today: datetime.date, skip: frozenset = frozenset()
) -> None:
    """Raise RuleViolation for the first rule the pair would break.

    `skip` names soft rules a coordinator has set aside with a reason.
    """
    if mentor.pk == mentee.pk:
        raise RuleViolation(INVITE_YOURSELF, code="self")
    if cohort.program_id != program.pk:
        raise RuleViolation(COHORT_CLOSED.format(cohort=cohort), code="cohort")
    if not cohort.is_open_for_pairs(today):
        raise RuleViolation(COHORT_CLOSED.format(cohort=cohort), code="cohort_closed")
    if "not_approved" not in skip:
        if not _approved(mentee, cohort, Role.MENTEE):
            raise RuleViolation(
                MENTEE_NOT_APPROVED.format(person=mentee, program=program.short_name), code="not_approved"
            )
        if not _approved(mentor, cohort, Role.MENTOR):
            raise RuleViolation(MENTOR_NOT_APPROVED.format(person=mentor, cohort=cohort), code="not_approved")

    active = Mentorship.objects.filter(program=program, state=MentorshipState.ACTIVE)
    if active.filter(mentor=mentor, mentee=mentee).exists():
        raise RuleViolation(ALREADY_PAIRED.format(mentor=mentor, mentee=mentee, program=program.short_name), code="paired")
    if not program.allows_dual_role:
        if active.filter(mentor=mentee).exists() or _approved_anywhere(mentee, program, Role.MENTOR, today):
            raise RuleViolation(
                DUAL_ROLE.format(program=program.short_name, person=mentee, role="mentor"), code="dual_role"
            )
        if active.filter(mentee=mentor).exists() or _approved_anywhere(mentor, program, Role.MENTEE, today):
            raise RuleViolation(
                DUAL_ROLE.format(program=program.short_name, person=mentor, role="mentee"), code="dual_role"
            )
    if program.excludes_supervisor_chain:
        first_line = Profile.objects.filter(user=mentee).values_list("supervisor_id", flat=True).first()
        second_line = (
            Profile.objects.filter(user_id=first_line).values_list("supervisor_id", flat=True).first()
            if first_line
            else None
        )
        if rules.is_supervisor_chain(mentor_id=mentor.pk, first_line_id=first_line, second_line_id=second_line):
            raise RuleViolation(
                SUPERVISOR_CHAIN.format(mentor=mentor, mentee=mentee, program=program.short_name), code="supervisor"
            )
    if "platform" not in skip and program.platforms:
        enrollment = Enrollment.objects.filter(
            user=mentee, cohort=cohort, role=Role.MENTEE, state=EnrollmentState.APPROVED
        ).first()
        platform = enrollment.platform_preference if enrollment else ""
        if platform:
            levels = dict(Profile.objects.filter(user__in=[mentor, mentee]).values_list("user_id", "career_level"))
            if not rules.platform_fits(
                platform=platform, mentee_level=levels.get(mentee.pk), mentor_level=levels.get(mentor.pk)
            ):
                from programs.models import Platform

                raise RuleViolation(
                    PLATFORM_MISMATCH.format(
                        platform=Platform(platform).label,
                        mentee=mentee,
                        mentor=mentor,
                        wanted="a more senior" if platform == Platform.SENIOR_TO_JUNIOR else "the same",
                    ),
                    code="platform",
                )
    if "pair_ended" not in skip and Mentorship.objects.filter(
        program=program, mentor=mentor, mentee=mentee
    ).exclude(state=MentorshipState.ACTIVE).exists():
        raise RuleViolation(
            PAIR_ENDED_BEFORE.format(mentor=mentor, mentee=mentee, program=program.short_name), code="pair_ended"
        )
    count = active.filter(mentor=mentor).count()
    if count >= program.max_mentees_per_mentor:
        raise RuleViolation(
            MENTOR_AT_CAPACITY.format(
                mentor=mentor, count=count, people=_plural(count, "person", "people"), program=program.short_name
            ),
            code="mentor_full",
        )
    count = active.filter(mentee=mentee).count()
    if count >= program.max_mentors_per_mentee:
        raise RuleViolation(
            MENTEE_HAS_MENTOR.format(
                mentee=mentee, count=count, mentors=_plural(count, "mentor", "mentors"), program=program.short_name
            ),
            code="mentee_full",
        )


def _approved_anywhere(user: User, program: Program, role: str, today: datetime.date) -> bool:
    """Approved in this role in a cohort of the program that is still running on `today`."""
    return Enrollment.objects.filter(
        user=user,
        cohort__program=program,
        cohort__is_closed=False,
        cohort__ends_on__gte=today,
        role=role,
        state=EnrollmentState.APPROVED,
    ).exists()


def pair_check(*, program: Program, mentor: User, mentee: User, cohort: Cohort | None = None, today=None) -> None:
    """Public read-only check (for pages and matching): raises RuleViolation."""
    cohort = cohort or mentee_cohort(mentee=mentee, program=program)
    if cohort is None:
        raise RuleViolation(MENTEE_NOT_APPROVED.format(person=mentee, program=program.short_name), code="not_approved")
    _check_pair(program=program, cohort=cohort, mentor=mentor, mentee=mentee, today=today or timezone.localdate())


# ---------------------------------------------------------------------------
# Invitations
# ---------------------------------------------------------------------------


@transaction.atomic
def invitation_send(
    *,
    mentee: User,
    mentor: User,
    program: Program,
    message: str,
    source: str = InvitationSource.DIRECTORY,
    now: datetime.datetime | None = None,
) -> Invitation:
    """A mentee invites a mentor (self-selection programs only)."""
    now = now or timezone.now()
    if not program.allows_self_selection:
        raise RuleViolation(
            NOT_SELF_SELECTION.format(
                program=program.short_name,
                how=program.pairing_description or "pairs are formed for you.",
                coordinator=program.coordinator_title,
            ),
            code="method",
        )
    if mentor.pk == mentee.pk:
        raise RuleViolation(INVITE_YOURSELF, code="self")
    _lock_people(mentee, mentor)
    cohort = mentee_cohort(mentee=mentee, program=program)
    if cohort is None:
        raise RuleViolation(MENTEE_NOT_APPROVED.format(person=mentee, program=program.short_name), code="not_approved")
    if Invitation.objects.filter(cohort=cohort, mentee=mentee, mentor=mentor, state=InvitationState.PENDING).exists():
        raise RuleViolation(DUPLICATE_PENDING.format(mentor=mentor), code="duplicate")
    _check_pair(program=program, cohort=cohort, mentor=mentor, mentee=mentee, today=timezone.localdate(now))
    invitation = Invitation(
        program=program,
        cohort=cohort,
        mentee=mentee,
        mentor=mentor,
        message=message.strip(),
        source=source,
        expires_at=now + datetime.timedelta(days=program.invitation_expiry_days),
    )
    invitation.full_clean()
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise RuleViolation(DUPLICATE_PENDING.format(mentor=mentor), code="duplicate")
    notify(
        user=mentor,
        subject=f"{mentee.display_name} invites you to be their mentor ({program.short_name})",
        body=(
            f"{mentee.display_name} would like you to be their mentor in {program.name}.\n\n"
            f"What they want to work on:\n{invitation.message}\n\n"
            f"Please accept or decline by {timezone.localtime(invitation.expires_at):%d %B %Y}."
        ),
        url=invitation.get_absolute_url(),
    )
    return invitation


def _lock_invitation(invitation: Invitation) -> Invitation:
    """Lock the invitation after its two people: the order every service takes.

    A service that locked the invitation first and then needed a person's row
    — the foreign-key check of the notification it writes takes a share lock
    on the mentee's row at commit — deadlocked on PostgreSQL with an accept of
    the same invitation, which holds the people and waits for the invitation.
    """
    _lock_people(invitation.mentor, invitation.mentee)
    return Invitation.objects.select_for_update(of=("self",)).select_related("program", "cohort", "mentor", "mentee").get(
        pk=invitation.pk
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, by: User, now: datetime.datetime | None = None) -> Mentorship:
    """The mentor accepts: an active mentorship starts, the mentee's other pending
    invitations in the program are withdrawn."""
    now = now or timezone.now()
    invitation = _lock_invitation(invitation)
    if by.pk != invitation.mentor_id:
        raise RuleViolation(NOT_YOUR_INVITATION.format(who="the invited mentor"), code="forbidden")
    if invitation.state == InvitationState.PENDING and invitation.expires_at <= now:
        invitation.state = InvitationState.EXPIRED
        invitation.save(update_fields=["state"])
    if invitation.state != InvitationState.PENDING:
        raise RuleViolation(INVITATION_NOT_PENDING.format(state=invitation.get_state_display().lower()), code="state")
    mentorship = _mentorship_create(
        program=invitation.program,
        cohort=invitation.cohort,
        mentor=invitation.mentor,
        mentee=invitation.mentee,
        origin=MentorshipOrigin.INVITATION,
        created_by=by,
        invitation=invitation,
        today=timezone.localdate(now),
    )
    invitation.state = InvitationState.ACCEPTED
    invitation.responded_at = now
    invitation.save(update_fields=["state", "responded_at"])
    return mentorship


@transaction.atomic
def invitation_decline(*, invitation: Invitation, by: User, reason: str = "", now=None) -> Invitation:
    now = now or timezone.now()
    invitation = _lock_invitation(invitation)
    if by.pk != invitation.mentor_id:
        raise RuleViolation(NOT_YOUR_INVITATION.format(who="the invited mentor"), code="forbidden")
    if invitation.state != InvitationState.PENDING:
        raise RuleViolation(INVITATION_NOT_PENDING.format(state=invitation.get_state_display().lower()), code="state")
    invitation.state = InvitationState.DECLINED
    invitation.decline_reason = reason.strip()
    invitation.responded_at = now
    invitation.save(update_fields=["state", "decline_reason", "responded_at"])
    body = f"{invitation.mentor.display_name} cannot be your mentor in {invitation.program.name} this time."
    if invitation.decline_reason:
        body += f"\n\nTheir reason: {invitation.decline_reason}"
    notify(
        user=invitation.mentee,
        subject=f"{invitation.mentor.display_name} declined your invitation",
        body=body + "\n\nYou can invite another mentor from the directory.",
        url=invitation.get_absolute_url(),
    )
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: User, now=None) -> Invitation:
    now = now or timezone.now()
    invitation = _lock_invitation(invitation)
    if by.pk != invitation.mentee_id:
        raise RuleViolation(NOT_YOUR_INVITATION.format(who="the mentee who sent it"), code="forbidden")
    if invitation.state != InvitationState.PENDING:
        raise RuleViolation(INVITATION_NOT_PENDING.format(state=invitation.get_state_display().lower()), code="state")
    invitation.state = InvitationState.WITHDRAWN
    invitation.responded_at = now
    invitation.save(update_fields=["state", "responded_at"])
    return invitation


def invitations_expire(*, now: datetime.datetime | None = None, remind_hours_before: int = 48) -> dict:
    """Expire invitations past their date and remind mentors once before expiry.

    Each reminder is claimed by setting `expiry_reminder_sent_at` in the same
    UPDATE that finds it, so a second run (or a second beat) sends nothing.
    """
    now = now or timezone.now()
    expired = 0
    for invitation in Invitation.objects.filter(state=InvitationState.PENDING, expires_at__lte=now).select_related(
        "mentee", "mentor", "program"
    ):
        with transaction.atomic():
            _lock_people(invitation.mentor, invitation.mentee)  # the services' order: people, then the invitation
            if Invitation.objects.filter(pk=invitation.pk, state=InvitationState.PENDING).update(
                state=InvitationState.EXPIRED
            ):
                expired += 1
                notify(
                    user=invitation.mentee,
                    subject=f"Your invitation to {invitation.mentor.display_name} expired",
                    body=(
                        f"{invitation.mentor.display_name} did not answer within "
                        f"{invitation.program.invitation_expiry_days} days. You can invite another mentor."
                    ),
                    url=invitation.get_absolute_url(),
                )
    reminded = 0
    soon = now + datetime.timedelta(hours=remind_hours_before)
    for invitation in Invitation.objects.filter(
        state=InvitationState.PENDING, expires_at__gt=now, expires_at__lte=soon, expiry_reminder_sent_at__isnull=True
    ).select_related("mentee", "mentor", "program"):
        with transaction.atomic():
            if Invitation.objects.filter(pk=invitation.pk, expiry_reminder_sent_at__isnull=True).update(
                expiry_reminder_sent_at=now
            ):
                reminded += 1
                notify(
                    user=invitation.mentor,
                    subject=f"Reminder: {invitation.mentee.display_name}'s invitation expires soon",
                    body=(
                        f"{invitation.mentee.display_name} invited you to be their mentor in "
                        f"{invitation.program.name}. The invitation expires on "
                        f"{timezone.localtime(invitation.expires_at):%d %B %Y at %H:%M}."
                    ),
                    url=invitation.get_absolute_url(),
                )
    return {"expired": expired, "reminded": reminded}


# ---------------------------------------------------------------------------
# Mentorships
# ---------------------------------------------------------------------------


def _mentorship_create(
    *,
    program: Program,
    cohort: Cohort,
    mentor: User,
    mentee: User,
    origin: str,
    created_by: User | None,
    invitation: Invitation | None = None,
    override_reason: str = "",
    skip: frozenset = frozenset(),
    today: datetime.date,
) -> Mentorship:
    _check_pair(program=program, cohort=cohort, mentor=mentor, mentee=mentee, today=today, skip=skip)
    active = Mentorship.objects.filter(program=program, state=MentorshipState.ACTIVE)
    mentor_slot = rules.free_slot(
        used=set(active.filter(mentor=mentor).values_list("mentor_slot", flat=True)),
        cap=program.max_mentees_per_mentor,
    )
    mentee_slot = rules.free_slot(
        used=set(active.filter(mentee=mentee).values_list("mentee_slot", flat=True)),
        cap=program.max_mentors_per_mentee,
    )
    mentorship = Mentorship(
        program=program,
        cohort=cohort,
        mentor=mentor,
        mentee=mentee,
        origin=origin,
        invitation=invitation,
        mentor_slot=mentor_slot,
        mentee_slot=mentee_slot,
        started_on=today,
        planned_end_on=rules.planned_end(program=program, cohort_ends_on=cohort.ends_on, started_on=today),
        override_reason=override_reason,
        created_by=created_by,
    )
    try:
        with transaction.atomic():
            mentorship.save()
    except IntegrityError:
        # The slot constraints caught a race the lock did not: refuse cleanly.
        count = mentor_active_count(mentor=mentor, program=program)
        raise RuleViolation(
            MENTOR_AT_CAPACITY.format(
                mentor=mentor, count=count, people=_plural(count, "person", "people"), program=program.short_name
            ),
            code="mentor_full",
        )
    # Accepting one mentor withdraws the mentee's other pending invitations once
    # the mentee has all the mentors the program allows.
    if active.filter(mentee=mentee).count() >= program.max_mentors_per_mentee:
        pending = Invitation.objects.filter(program=program, mentee=mentee, state=InvitationState.PENDING)
        if invitation is not None:
            pending = pending.exclude(pk=invitation.pk)
        for other in pending.select_related("mentor"):
            other.state = InvitationState.WITHDRAWN
            other.responded_at = timezone.now()
            other.save(update_fields=["state", "responded_at"])
            notify(
                user=other.mentor,
                subject=f"{mentee.display_name}'s invitation was withdrawn",
                body=f"{mentee.display_name} has found a mentor in {program.name}; no answer is needed.",
                url=other.get_absolute_url(),
                essential=False,
            )
    url = mentorship.get_absolute_url()
    notify(
        user=mentee,
        subject=f"{mentor.display_name} is your mentor in {program.short_name}",
        body=f"Your mentorship with {mentor.display_name} in {program.name} has started. Plan your first meeting.",
        url=url,
    )
    notify(
        user=mentor,
        subject=f"You are mentoring {mentee.display_name} in {program.short_name}",
        body=f"Your mentorship with {mentee.display_name} in {program.name} has started.",
        url=url,
    )
    return mentorship


@transaction.atomic
def mentorship_create(
    *,
    program: Program,
    mentor: User,
    mentee: User,
    by: User | None,
    cohort: Cohort | None = None,
    origin: str = MentorshipOrigin.COORDINATOR,
    override_reason: str = "",
    today: datetime.date | None = None,
) -> Mentorship:
    """A coordinator, committee, sponsor or match run pairs two people.

    With an override reason, the soft rules (not yet approved, paired before,
    platform) may be set aside; capacity, supervisor chain and dual role never.
    """
    today = today or timezone.localdate()
    _lock_people(mentor, mentee)
    cohort = cohort or mentee_cohort(mentee=mentee, program=program)
    if cohort is None:
        cohort = (
            program.cohorts.filter(is_closed=False, ends_on__gte=today).order_by("-starts_on").first()
            if override_reason.strip()
            else None
        )
        if cohort is None:
            # Not approved is a soft rule: tell the coordinator they may override it.
            problem = MENTEE_NOT_APPROVED.format(person=mentee, program=program.short_name)
            raise RuleViolation(
                OVERRIDE_REASON_REQUIRED.format(problem=problem) if not override_reason.strip() else problem,
                code="not_approved",
            )
    skip = frozenset(SOFT_RULES) if override_reason.strip() else frozenset()
    try:
        _check_pair(program=program, cohort=cohort, mentor=mentor, mentee=mentee, today=today, skip=skip)
    except RuleViolation as error:
        if error.code in SOFT_RULES:
            raise RuleViolation(OVERRIDE_REASON_REQUIRED.format(problem=error.message), code=error.code)
        raise
    return _mentorship_create(
        program=program,
        cohort=cohort,
        mentor=mentor,
        mentee=mentee,
        origin=origin,
        created_by=by,
        override_reason=override_reason.strip(),
        skip=skip,
        today=today,
    )


def _is_coordinator_of(user: User, program: Program) -> bool:
    from programs.selectors import coordinated_program_ids

    return program.pk in coordinated_program_ids(user=user)


def early_end_from(*, mentorship: Mentorship) -> datetime.date | None:
    return rules.early_end_allowed_from(program=mentorship.program, started_on=mentorship.started_on)


def has_held_meeting(*, mentorship: Mentorship, kind: str) -> bool:
    return mentorship.meetings.filter(kind=kind, status=MeetingStatus.HELD).exists()


@transaction.atomic
def mentorship_end(
    *,
    mentorship: Mentorship,
    by: User,
    reason: str,
    completed: bool = False,
    today: datetime.date | None = None,
) -> Mentorship:
    """End a mentorship: completed as planned, or ended early with a reason.

    HHS: either partner may end only after 3 months (the coordinator any time,
    having given guidance). AAHPM: completing asks for the wrap-up call first.
    WTAP: no-fault termination by either party at any time.
    """
    today = today or timezone.localdate()
    mentorship = Mentorship.objects.select_for_update(of=("self",)).select_related("program").get(pk=mentorship.pk)
    program = mentorship.program
    if mentorship.state != MentorshipState.ACTIVE:
        raise RuleViolation(MENTORSHIP_NOT_ACTIVE, code="state")
    is_partner = by.pk in (mentorship.mentor_id, mentorship.mentee_id)
    is_coordinator = _is_coordinator_of(by, program)
    if not (is_partner or is_coordinator):
        raise RuleViolation(NOT_YOUR_INVITATION.format(who="the pair or their coordinator"), code="forbidden")
    if not reason.strip():
        raise RuleViolation(REASON_REQUIRED, code="reason")
    if completed:
        if program.requires_wrapup_call and not has_held_meeting(mentorship=mentorship, kind=MeetingKind.WRAPUP):
            raise RuleViolation(WRAPUP_REQUIRED.format(program=program.short_name), code="wrapup")
    if not is_coordinator:
        # Calling an end before the planned end "completed" does not make it allowed sooner.
        allowed_from = early_end_from(mentorship=mentorship)
        planned = mentorship.planned_end_on
        ending_before_plan = planned is None or today < planned
        if allowed_from and today < allowed_from and ending_before_plan:
            raise RuleViolation(
                EARLY_END_TOO_SOON.format(
                    program=program.short_name,
                    months=program.early_end_after_months,
                    date=allowed_from.strftime("%d %B %Y"),
                    coordinator=program.coordinator_title,
                ),
                code="too_soon",
            )
    mentorship.state = MentorshipState.COMPLETED if completed else MentorshipState.ENDED_EARLY
    mentorship.ended_on = today
    mentorship.end_reason = reason.strip()
    mentorship.ended_by = by
    mentorship.save(update_fields=["state", "ended_on", "end_reason", "ended_by"])
    for person in (mentorship.mentor, mentorship.mentee):
        if person.pk != by.pk:
            notify(
                user=person,
                subject=f"Your mentorship in {program.short_name} has ended",
                body=f"{by.display_name} ended the mentorship: {mentorship.end_reason}",
                url=mentorship.get_absolute_url(),
            )
    return mentorship


@transaction.atomic
def mentorship_set_duration(*, mentorship: Mentorship, by: User, months: int) -> Mentorship:
    """AAHPM: the pair agrees the duration during the discovery call and records it."""
    mentorship = Mentorship.objects.select_for_update(of=("self",)).select_related("program").get(pk=mentorship.pk)
    program = mentorship.program
    if by.pk not in (mentorship.mentor_id, mentorship.mentee_id) and not _is_coordinator_of(by, program):
        raise RuleViolation(NOT_YOUR_INVITATION.format(who="the pair"), code="forbidden")
    if mentorship.state != MentorshipState.ACTIVE:
        raise RuleViolation(MENTORSHIP_NOT_ACTIVE, code="state")
    if program.duration_months or program.ends_with_cohort:
        duration = f"{program.duration_months} months" if program.duration_months else "the program year"
        raise RuleViolation(DURATION_FIXED.format(program=program.short_name, duration=duration), code="fixed")
    if program.requires_discovery_call and not has_held_meeting(mentorship=mentorship, kind=MeetingKind.DISCOVERY):
        raise RuleViolation(DISCOVERY_REQUIRED_FOR_DURATION, code="discovery")
    if not 1 <= months <= 60:
        raise RuleViolation("Choose a duration between 1 and 60 months.", code="range")
    mentorship.agreed_duration_months = months
    mentorship.planned_end_on = rules.add_months(mentorship.started_on, months)
    mentorship.save(update_fields=["agreed_duration_months", "planned_end_on"])
    return mentorship


@transaction.atomic
def mentorship_extend(*, mentorship: Mentorship, by: User, months: int) -> Mentorship:
    """HPMSNJ, HHS and WTAP pairs may continue past the planned end."""
    mentorship = Mentorship.objects.select_for_update(of=("self",)).select_related("program").get(pk=mentorship.pk)
    program = mentorship.program
    if by.pk not in (mentorship.mentor_id, mentorship.mentee_id) and not _is_coordinator_of(by, program):
        raise RuleViolation(NOT_YOUR_INVITATION.format(who="the pair"), code="forbidden")
    if mentorship.state != MentorshipState.ACTIVE:
        raise RuleViolation(MENTORSHIP_NOT_ACTIVE, code="state")
    if not program.extendable:
        raise RuleViolation(NOT_EXTENDABLE.format(program=program.short_name), code="not_extendable")
    if not 1 <= months <= 36:
        raise RuleViolation("Choose an extension between 1 and 36 months.", code="range")
    base = mentorship.planned_end_on or timezone.localdate()
    mentorship.planned_end_on = rules.add_months(base, months)
    mentorship.extended_count += 1
    mentorship.save(update_fields=["planned_end_on", "extended_count"])
    return mentorship


@transaction.atomic
def mentorship_reassign(
    *, mentorship: Mentorship, new_mentor: User, by: User, reason: str, override_reason: str = "", today=None
) -> Mentorship:
    """A coordinator moves a mentee to another mentor: the old pair ends early, a new one starts."""
    today = today or timezone.localdate()
    if not _is_coordinator_of(by, mentorship.program):
        raise RuleViolation(NOT_YOUR_INVITATION.format(who="the program's coordinator"), code="forbidden")
    mentorship_end(mentorship=mentorship, by=by, reason=reason or "Reassigned by the coordinator.", today=today)
    return mentorship_create(
        program=mentorship.program,
        cohort=mentorship.cohort,
        mentor=new_mentor,
        mentee=mentorship.mentee,
        by=by,
        override_reason=override_reason,
        today=today,
    )


def new_meeting_uid() -> str:
    return f"{secrets.token_hex(16)}@mentoring"


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())
