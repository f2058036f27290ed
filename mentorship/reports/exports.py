"""CSV exports for coordinators: participants, mentorships, contact hours and survey response rates.

One response helper for every export, `csv_response(rows, filename)`, which
neutralises spreadsheet formulas with compliance's `csv_cell` (a cell starting
with = + - @ tab or carriage return gets a leading apostrophe; OWASP "CSV
injection"): a participant who types "=HYPERLINK(…)" as their organisation
cannot run it on a coordinator's machine.

The row builders take querysets the caller has already scoped to the
coordinator's programs (mentorship/admin/enrollments.py does it with the
admin's own scope), and each costs a fixed number of queries.
"""

from __future__ import annotations

import csv

from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import timezone

from programs.models import Enrollment
from security.models import SecurityEventKind
from security.services import security_event_record
from surveys.models import Survey

from ..models import CareerLevel, Mentorship, Profile
from ..selectors.compliance import annotate_health
from .contact_hours import contact_hours_table

PARTICIPANT_HEADER = [
    "Program",
    "Cohort",
    "Role",
    "State",
    "First name",
    "Last name",
    "Email",
    "Organisation",
    "Organisation unit",
    "Location",
    "Career level",
    "Leadership position",
    "Skills offered",
    "Development needs",
    "Supervisor email",
    "Platform preference",
    "Applied at",
    "Decided at",
]
MENTORSHIP_HEADER = [
    "Program",
    "Cohort",
    "Mentor",
    "Mentor email",
    "Mentee",
    "Mentee email",
    "State",
    "Formed by",
    "Started on",
    "Planned end",
    "Ended on",
    "End reason",
    "Health",
    "Why",
]
SURVEY_HEADER = ["Program", "Survey", "Kind", "Audience", "Sent", "Answered", "Response rate"]


def csv_response(rows, filename: str) -> HttpResponse:
    """Rows (the header first) as a CSV download, every cell neutralised for spreadsheets."""
    # AU-2: every export is in the security audit, with who ran it and from where.
    security_event_record(kind=SecurityEventKind.EXPORT_RUN, detail=filename)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel reads the file as UTF-8 only with a byte-order mark
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response


def dated(name: str) -> str:
    return f"{name}-{timezone.localdate():%Y-%m-%d}.csv"


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def participant_rows(*, enrollments) -> list[list]:
    """One row per enrolment, with the person's profile. Three queries."""
    enrollments = list(
        enrollments.select_related("cohort__program", "user__profile__supervisor").order_by(
            "cohort__program__name", "cohort__starts_on", "role", "user__last_name", "user__first_name", "pk"
        )
    )
    profile_ids = [e.user.profile.pk for e in enrollments if hasattr(e.user, "profile")]
    offered, needed = {}, {}
    for through, into in ((Profile.skills_offered.through, offered), (Profile.development_needs.through, needed)):
        for profile_id, name in (
            through.objects.filter(profile_id__in=profile_ids).order_by("skill__name").values_list("profile_id", "skill__name")
        ):
            into.setdefault(profile_id, []).append(name)
    levels = dict(CareerLevel.choices)
    rows = [PARTICIPANT_HEADER]
    for e in enrollments:
        profile = getattr(e.user, "profile", None)
        rows.append(
            [
                e.cohort.program.short_name,
                e.cohort.name,
                e.get_role_display(),
                e.get_state_display(),
                e.user.first_name,
                e.user.last_name,
                e.user.email,
                profile.organisation if profile else "",
                profile.org_unit if profile else "",
                profile.location if profile else "",
                levels.get(profile.career_level, "") if profile else "",
                ("yes" if profile.leadership_position else "no") if profile else "",
                "; ".join(offered.get(profile.pk, [])) if profile else "",
                "; ".join(needed.get(profile.pk, [])) if profile else "",
                profile.supervisor.email if profile and profile.supervisor else "",
                e.get_platform_preference_display() if e.platform_preference else "",
                _local(e.applied_at),
                _local(e.decided_at),
            ]
        )
    return rows


def mentorship_rows(*, mentorships) -> list[list]:
    """One row per mentorship with its health today (active pairs). About six queries."""
    mentorships = annotate_health(
        mentorships.select_related("program", "cohort", "mentor", "mentee").order_by(
            "program__name", "cohort__starts_on", "-started_on", "pk"
        )
    )
    rows = [MENTORSHIP_HEADER]
    for m in mentorships:
        rows.append(
            [
                m.program.short_name,
                m.cohort.name,
                str(m.mentor),
                m.mentor.email,
                str(m.mentee),
                m.mentee.email,
                m.get_state_display(),
                m.get_origin_display(),
                m.started_on,
                m.planned_end_on or "",
                m.ended_on or "",
                m.end_reason,
                m.health["label"] if m.health else "",
                m.health["reason"] if m.health else "",
            ]
        )
    return rows


def contact_hours_rows(*, mentorships) -> list[list]:
    """Hours per participant per program year (KY documents them for state employees)."""
    header, rows = contact_hours_table(mentorships=mentorships)
    return [header, *rows]


def survey_rows(*, program_ids) -> list[list]:
    """Each survey's sends and answers; the answers themselves are the survey's own export."""
    surveys = (
        Survey.objects.filter(program_id__in=list(program_ids))
        .select_related("program")
        .annotate(
            sent=Count("invitations", filter=Q(invitations__sent_at__isnull=False)),
            answered=Count("invitations", filter=Q(invitations__completed_at__isnull=False)),
        )
        .order_by("program__name", "title")
    )
    rows = [SURVEY_HEADER]
    for s in surveys:
        rows.append(
            [
                s.program.short_name,
                s.title,
                s.get_kind_display(),
                s.get_audience_display(),
                s.sent,
                s.answered,
                f"{s.answered / s.sent:.0%}" if s.sent else "",
            ]
        )
    return rows


def scoped_enrollments(program_ids):
    return Enrollment.objects.filter(cohort__program_id__in=list(program_ids))


def scoped_mentorships(program_ids):
    return Mentorship.objects.filter(program_id__in=list(program_ids))


# A spreadsheet runs a cell that starts with one of these as a formula (or, for
# tab and carriage return, shifts it into one); a leading quote keeps it text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value safe to open in Excel, LibreOffice or Google Sheets (OWASP CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def surveys_of(*, programs) -> list:
    """The programs' surveys, for the exports page's links to each survey's answers."""
    return list(Survey.objects.filter(program__in=programs).select_related("program").order_by("program__name", "title"))
