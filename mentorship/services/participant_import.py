"""Participants from a CSV file: accounts, profiles and approved enrolments, all or nothing.

Used by the admin's upload page (mentorship/admin/enrollments.py) and by
`manage.py import_participants PROGRAM FILE [--dry-run]`.

- The whole file is checked before anything is written. A file with any bad
  row writes nothing and reports every bad row with its number and reason
  ("Row 500 (line 501): …" — rows count from the first line under the header,
  blank rows included, so they match the spreadsheet's rows minus the header).
- A dry run checks and plans the same way and writes nothing.
- Importing the same file again changes nothing: people are found by email,
  an approved enrolment is left as it is, and a profile is only filled where it
  is blank and given skills it lacks. The import never overwrites what is on a
  profile already (the person may have written it themselves, for another
  program too) and never removes a skill.
- Enrolments are approved at once (the coordinator's file is the decision),
  within the cohort's participant cap and the program's dual-role rule, and
  recorded in the audit history with the importer's name.

Columns (header names, any order, case-insensitive): email, first_name,
last_name, role (mentor/mentee), cohort (its name, e.g. "2026") are required;
organisation, org_unit, location, career_level (1–5 or a label such as
"Senior"), leadership_position (yes/no), skills_offered and development_needs
(separated by semicolons), professional_goals, supervisor_email, headline,
bio, platform_preference, needs, challenges, strengths,
areas_for_improvement and motivation are optional.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections import defaultdict

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from programs.errors import RuleViolation
from programs.models import Cohort, Platform, Program, Role
from programs.services import Admission, admissions_check, enrollments_admit
from security.models import SecurityEventKind
from security.services import security_event_record

from ..models import CareerLevel, Profile, Skill, User
from ..selectors.geo import resolve_location

REQUIRED = ["email", "first_name", "last_name", "role", "cohort"]
PROFILE_TEXT = {
    # column: (Profile field, max length or None)
    "organisation": ("organisation", 160),
    "org_unit": ("org_unit", 80),
    "location": ("location", 160),
    "headline": ("headline", 160),
    "bio": ("bio", None),
    "professional_goals": ("professional_goals", None),
}
APPLICATION = ["needs", "challenges", "strengths", "areas_for_improvement", "motivation"]
OPTIONAL = [
    *PROFILE_TEXT,
    "career_level",
    "leadership_position",
    "skills_offered",
    "development_needs",
    "supervisor_email",
    "platform_preference",
    *APPLICATION,
]
COLUMNS = REQUIRED + OPTIONAL
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
NAME_MAX = 150
SKILL_MAX = 80
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}
IMPORT_NOTE = "Imported from a CSV file."

# File-level problems: nothing can be read row by row.
NOT_UTF8 = "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (comma delimited)” and upload it again."
TOO_BIG = "The file is larger than 5 MB; split it into smaller files."
TOO_MANY_ROWS = "The file has more than {limit} rows; split it into smaller files."
EMPTY_FILE = "The file is empty: it needs a header line and at least one row."
MISSING_COLUMNS = "Missing column(s): {columns}. The header must name at least: {required}."
UNKNOWN_COLUMNS = "Unknown column(s): {columns}. Known columns: {known}."
DUPLICATE_COLUMNS = "Column(s) named twice: {columns}."
NO_ROWS = "The file has a header but no rows."

# Row problems.
REQUIRED_MISSING = "{column} is required"
BAD_EMAIL = "“{value}” is not an email address"
BAD_ROLE = "role must be mentor or mentee, not “{value}”"
UNKNOWN_COHORT = "{program} has no cohort named “{value}” (cohorts: {cohorts})"
BAD_CAREER_LEVEL = "career_level must be 1–5 or one of {labels}, not “{value}”"
BAD_YES_NO = "{column} must be yes or no, not “{value}”"
TOO_LONG = "{column} is longer than {limit} characters"
SKILL_TOO_LONG = "skill “{value}…” is longer than {limit} characters"
SUPERVISOR_SELF = "a person cannot be their own supervisor"
SUPERVISOR_UNKNOWN = "supervisor {value} has no account here and is not in this file"
DUPLICATE_ROW = "the same person, role and cohort as row {row}"
NAME_DIFFERS = "the same email as row {row} with a different name"
PROFILE_DIFFERS = "the same email as row {row} with a different {column}"
ACCOUNT_INACTIVE = "the account {email} is deactivated"
EXTRA_CELLS = "has more cells than the header has columns"


@dataclasses.dataclass
class RowError:
    row: int
    line: int
    email: str
    message: str

    def __str__(self):
        who = f" {self.email}" if self.email else ""
        return f"Row {self.row} (line {self.line}){who}: {self.message}"


@dataclasses.dataclass
class RowPlan:
    row: int
    email: str
    name: str
    role: str
    cohort: str
    actions: list[str]

    @property
    def changes_anything(self) -> bool:
        return self.actions != ["no change"]


@dataclasses.dataclass
class ImportResult:
    program: Program
    dry_run: bool
    rows: int = 0
    file_errors: list[str] = dataclasses.field(default_factory=list)
    errors: list[RowError] = dataclasses.field(default_factory=list)
    plans: list[RowPlan] = dataclasses.field(default_factory=list)
    users_created: int = 0
    profiles_updated: int = 0
    enrollments_created: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.errors

    @property
    def unchanged(self) -> int:
        return sum(1 for p in self.plans if not p.changes_anything)

    @property
    def problems(self) -> list[str]:
        return self.file_errors + [str(e) for e in self.errors]

    def summary(self) -> str:
        if not self.ok:
            count = len(self.file_errors) + len(self.errors)
            return f"Nothing was imported: {count} problem{'s' if count != 1 else ''} in the file."
        verb = "would create" if self.dry_run else "created"
        return (
            f"{self.rows} row{'s' if self.rows != 1 else ''}: {verb} {self.users_created} account"
            f"{'s' if self.users_created != 1 else ''} and {self.enrollments_created} enrolment"
            f"{'s' if self.enrollments_created != 1 else ''}, {'would update' if self.dry_run else 'updated'} "
            f"{self.profiles_updated} profile{'s' if self.profiles_updated != 1 else ''}; "
            f"{self.unchanged} row{'s' if self.unchanged != 1 else ''} already up to date."
        )


@dataclasses.dataclass
class _Row:
    number: int
    line: int
    email: str
    first_name: str
    last_name: str
    role: str
    cohort: Cohort | None
    values: dict  # the cleaned optional columns (text values stripped)
    career_level: int | None = None
    leadership: bool | None = None
    offered: list[str] = dataclasses.field(default_factory=list)
    needed: list[str] = dataclasses.field(default_factory=list)
    supervisor_email: str = ""
    platform: str = ""


def _read(data) -> tuple[list[str], list[tuple[int, dict]], list[str]]:
    """Header, [(line, cells)] and file errors."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            return [], [], [TOO_BIG]
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [], [NOT_UTF8]
    else:
        text = data.lstrip("\ufeff")
    if not text.strip():
        return [], [], [EMPTY_FILE]
    first_line = text.splitlines()[0]
    # Excel in many European locales writes semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw_header = next(reader)
    except (StopIteration, csv.Error):
        return [], [], [EMPTY_FILE]
    header = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in raw_header]
    errors = []
    seen, twice = set(), []
    for name in header:
        if name in seen and name not in twice:
            twice.append(name)
        seen.add(name)
    if twice:
        errors.append(DUPLICATE_COLUMNS.format(columns=", ".join(twice)))
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        errors.append(UNKNOWN_COLUMNS.format(columns=", ".join(unknown), known=", ".join(COLUMNS)))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        errors.append(MISSING_COLUMNS.format(columns=", ".join(missing), required=", ".join(REQUIRED)))
    if errors:
        return header, [], errors
    rows = []
    line = reader.line_num
    try:
        for cells in reader:
            start = line + 1
            line = reader.line_num
            if len(rows) >= MAX_ROWS:
                return header, [], [TOO_MANY_ROWS.format(limit=MAX_ROWS)]
            rows.append((start, cells))
    except csv.Error as error:
        return header, [], [f"Line {line + 1} cannot be read as CSV: {error}."]
    if not rows:
        return header, [], [NO_ROWS]
    return header, rows, []


def _career_level(value: str) -> int | None:
    if value.isdigit() and int(value) in CareerLevel.values:
        return int(value)
    labels = {label.lower(): level for level, label in CareerLevel.choices}
    return labels.get(value.lower())


def _skills(value: str) -> list[str]:
    seen, names = set(), []
    for part in value.split(";"):
        name = " ".join(part.split())
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def _parse(program: Program, number: int, line: int, cells: dict, cohorts: dict, problems: list[str]) -> _Row:
    def text(column: str) -> str:
        return (cells.get(column) or "").strip()

    for column in REQUIRED:
        if not text(column):
            problems.append(REQUIRED_MISSING.format(column=column))
    email = text("email").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(BAD_EMAIL.format(value=text("email")))
    for column in ("first_name", "last_name"):
        if len(text(column)) > NAME_MAX:
            problems.append(TOO_LONG.format(column=column, limit=NAME_MAX))
    role = text("role").lower()
    if role and role not in Role.values:
        problems.append(BAD_ROLE.format(value=text("role")))
    cohort = None
    if text("cohort"):
        cohort = cohorts.get(text("cohort").lower())
        if cohort is None:
            problems.append(
                UNKNOWN_COHORT.format(
                    program=program.short_name,
                    value=text("cohort"),
                    cohorts=", ".join(c.name for c in cohorts.values()) or "none yet",
                )
            )
    values = {}
    for column, (field, limit) in PROFILE_TEXT.items():
        values[field] = text(column)
        if limit and len(values[field]) > limit:
            problems.append(TOO_LONG.format(column=column, limit=limit))
    for column in APPLICATION:
        values[column] = text(column)
    row = _Row(number, line, email, text("first_name"), text("last_name"), role, cohort, values)
    if text("career_level"):
        row.career_level = _career_level(text("career_level"))
        if row.career_level is None:
            problems.append(
                BAD_CAREER_LEVEL.format(labels=", ".join(label for _, label in CareerLevel.choices), value=text("career_level"))
            )
    leadership = text("leadership_position").lower()
    if leadership in YES:
        row.leadership = True
    elif leadership in NO:
        row.leadership = False if leadership else None
    else:
        problems.append(BAD_YES_NO.format(column="leadership_position", value=text("leadership_position")))
    row.offered = _skills(text("skills_offered"))
    row.needed = _skills(text("development_needs"))
    for name in row.offered + row.needed:
        if len(name) > SKILL_MAX:
            problems.append(SKILL_TOO_LONG.format(value=name[:20], limit=SKILL_MAX))
    row.supervisor_email = text("supervisor_email").lower()
    if row.supervisor_email:
        try:
            validate_email(row.supervisor_email)
        except ValidationError:
            problems.append(BAD_EMAIL.format(value=text("supervisor_email")))
        if row.supervisor_email == email:
            problems.append(SUPERVISOR_SELF)
    if role == Role.MENTEE and program.platforms:
        # A label ("Peer-to-Peer") or a value; whether it is one the program
        # offers is the admission's rule (programs.services).
        wanted = text("platform_preference").lower()
        by_label = {label.lower(): value for value, label in Platform.choices}
        row.platform = by_label.get(wanted, wanted)
    return row


def participants_import(*, program: Program, data, by: User | None = None, dry_run: bool = False) -> ImportResult:
    """Check the whole file, then (unless a dry run or anything is wrong) write it in one transaction."""
    result = ImportResult(program=program, dry_run=dry_run)
    header, raw_rows, file_errors = _read(data)
    if file_errors:
        result.file_errors = file_errors
        return result

    cohorts = {c.name.strip().lower(): c for c in Cohort.objects.filter(program=program).select_related("program")}
    rows: list[_Row] = []
    for index, (line, cells) in enumerate(raw_rows, start=1):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, as spreadsheets leave at the end
        problems: list[str] = []
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            problems.append(EXTRA_CELLS)
        row = _parse(program, index, line, dict(zip(header, cells)), cohorts, problems)
        rows.append(row)
        if problems:
            result.errors.append(RowError(index, line, row.email, "; ".join(problems)))
    result.rows = len(rows)
    bad = {e.row for e in result.errors}

    emails = {r.email for r in rows if r.email} | {r.supervisor_email for r in rows if r.supervisor_email}
    users = {u.email.lower(): u for u in User.objects.filter(email__in=emails).select_related("profile")}

    def fail(row: _Row, message: str) -> None:
        bad.add(row.number)
        for error in result.errors:
            if error.row == row.number:
                error.message += f"; {message}"
                return
        result.errors.append(RowError(row.number, row.line, row.email, message))

    first_by_key: dict[tuple, int] = {}
    first_by_email: dict[str, _Row] = {}
    file_emails = {r.email for r in rows if r.email}
    admitted: list[_Row] = []
    for row in rows:
        if not row.email:
            continue
        user = users.get(row.email)
        if user is not None and not user.is_active:
            fail(row, ACCOUNT_INACTIVE.format(email=row.email))
        if row.supervisor_email and row.supervisor_email not in users and row.supervisor_email not in file_emails:
            fail(row, SUPERVISOR_UNKNOWN.format(value=row.supervisor_email))
        first = first_by_email.get(row.email)
        if first is None:
            first_by_email[row.email] = row
        else:
            if (first.first_name, first.last_name) != (row.first_name, row.last_name):
                fail(row, NAME_DIFFERS.format(row=first.number))
            for column, (field, _) in PROFILE_TEXT.items():
                if first.values[field] and row.values[field] and first.values[field] != row.values[field]:
                    fail(row, PROFILE_DIFFERS.format(row=first.number, column=column))
        if row.cohort is None or row.role not in Role.values:
            continue
        key = (row.email, row.cohort.pk, row.role)
        if key in first_by_key:
            fail(row, DUPLICATE_ROW.format(row=first_by_key[key]))
            continue
        first_by_key[key] = row.number
        admitted.append(row)

    # The enrolment rules (a running cohort, its cap, the dual role, a mentee's
    # platform, an enrolment already there) are the enrolment services'.
    check = admissions_check(admissions=[_admission(row, users.get(row.email)) for row in admitted])
    in_place = set()
    for row, problems, already in zip(admitted, check.problems, check.in_place):
        for problem in problems:
            fail(row, problem)
        if already:
            in_place.add(row.number)

    result.errors.sort(key=lambda e: e.row)
    if not result.ok:
        return result

    plan = _plan(rows, users, in_place, result)
    if dry_run:
        return result
    try:
        _write(program, plan, by)
    except RuleViolation as error:
        # Something changed between the check and the cohorts' locks (an
        # approval, another import filled a cohort): the file writes nothing.
        result.file_errors = [error.message]
        return result
    result.written = any(p.changes_anything for p in result.plans)
    security_event_record(
        kind=SecurityEventKind.IMPORT_RUN, actor=by, program=program,
        detail=f"participants import: {result.summary()}",
    )
    return result


def _admission(row: _Row, user: User | None) -> Admission:
    return Admission(
        label=f"row {row.number}",
        person=row.email,
        cohort=row.cohort,
        role=row.role,
        user=user,
        platform_preference=row.platform,
        answers={column: row.values[column] for column in APPLICATION},
    )


@dataclasses.dataclass
class _Plan:
    rows: list[_Row]
    new_users: dict[str, _Row]  # email → first row naming them
    profile_fill: dict[str, dict]  # email → {field: value} to set where blank
    name_fill: dict[str, dict]
    skills: dict[str, tuple[list[str], list[str]]]  # email → (offered to add, needed to add)
    supervisors: dict[str, str]  # email → supervisor email, where the profile has none
    enrol: list[_Row]
    users: dict[str, User]
    missing_profiles: set[str] = dataclasses.field(default_factory=set)


def _plan(rows: list[_Row], users: dict[str, User], in_place: set[int], result: ImportResult) -> _Plan:
    """What the file changes, row by row; nothing changes for what is already there."""
    emails = {r.email for r in rows}
    profiles = {u.email.lower(): getattr(u, "profile", None) for u in users.values()}
    offered_now, needed_now = defaultdict(set), defaultdict(set)
    profile_ids = {p.pk: email for email, p in profiles.items() if p is not None and email in emails}
    for profile_id, name in Profile.skills_offered.through.objects.filter(profile_id__in=profile_ids).values_list(
        "profile_id", "skill__name"
    ):
        offered_now[profile_ids[profile_id]].add(name.lower())
    for profile_id, name in Profile.development_needs.through.objects.filter(profile_id__in=profile_ids).values_list(
        "profile_id", "skill__name"
    ):
        needed_now[profile_ids[profile_id]].add(name.lower())

    plan = _Plan(rows, {}, {}, {}, {}, {}, [], users)
    for row in rows:
        actions = []
        user = users.get(row.email)
        profile = profiles.get(row.email)
        if user is None and row.email not in plan.new_users:
            plan.new_users[row.email] = row
            result.users_created += 1
            actions.append("new account")
        elif user is not None and profile is None and row.email not in plan.missing_profiles:
            plan.missing_profiles.add(row.email)
            actions.append("profile created")
        fill = plan.profile_fill.setdefault(row.email, {})
        for field, value in _profile_values(row).items():
            current = getattr(profile, field, None) if profile is not None else None
            if value not in ("", None) and current in ("", None) and field not in fill:
                fill[field] = value
        if user is not None:
            names = plan.name_fill.setdefault(row.email, {})
            for field in ("first_name", "last_name"):
                if not getattr(user, field) and getattr(row, field):
                    names[field] = getattr(row, field)
        add_offered, add_needed = plan.skills.get(row.email, ([], []))
        for name in row.offered:
            if name.lower() not in offered_now[row.email] and name.lower() not in {n.lower() for n in add_offered}:
                add_offered.append(name)
        for name in row.needed:
            if name.lower() not in needed_now[row.email] and name.lower() not in {n.lower() for n in add_needed}:
                add_needed.append(name)
        plan.skills[row.email] = (add_offered, add_needed)
        if row.supervisor_email and (profile is None or profile.supervisor_id is None):
            plan.supervisors.setdefault(row.email, row.supervisor_email)
        if row.number not in in_place:
            plan.enrol.append(row)
            result.enrollments_created += 1
            actions.append(f"enrol as {row.role} in {row.cohort}")
        result.plans.append(
            RowPlan(row.number, row.email, f"{row.first_name} {row.last_name}".strip(), row.role, row.cohort.name, actions)
        )

    # Profile changes are per person; show them on the person's first row.
    first_row = {}
    for p in result.plans:
        first_row.setdefault(p.email, p)
    for email, fields in plan.profile_fill.items():
        named = plan.name_fill.get(email, {})
        offered, needed = plan.skills.get(email, ([], []))
        supervisor = email in plan.supervisors
        if email in plan.new_users:
            fields_changed = fields or offered or needed or supervisor
            if fields_changed:
                first_row[email].actions.append("profile filled in")
            continue
        changed = list(fields) + list(named)
        if changed or offered or needed or supervisor:
            result.profiles_updated += 1
            bits = []
            if changed:
                bits.append(f"fills {', '.join(f.replace('_', ' ') for f in changed)}")
            if offered or needed:
                bits.append(f"adds {len(offered) + len(needed)} skill{'s' if len(offered) + len(needed) != 1 else ''}")
            if supervisor:
                bits.append("sets the supervisor")
            first_row[email].actions.append("profile: " + ", ".join(bits))
    for p in result.plans:
        if not p.actions:
            p.actions.append("no change")
    return plan


def _profile_values(row: _Row) -> dict:
    values = {field: row.values[field] for field, _ in PROFILE_TEXT.values()}
    values["career_level"] = row.career_level
    if row.leadership is not None:
        # A "no" is not filled in: False is the default, indistinguishable from blank.
        values["leadership_position"] = row.leadership or None
    return values


@transaction.atomic
def _write(program: Program, plan: _Plan, by: User | None) -> None:
    now = timezone.now()
    users = dict(plan.users)

    # Accounts: no password (the person sets one through "forgot password"),
    # email address not yet verified (allauth asks them to confirm it).
    created = User.objects.bulk_create(
        [
            User(email=email, first_name=row.first_name, last_name=row.last_name, password=make_password(None))
            for email, row in plan.new_users.items()
        ]
    )
    if any(u.pk is None for u in created):  # a backend that returns no ids
        created = list(User.objects.filter(email__in=list(plan.new_users)))
    for user in created:
        users[user.email.lower()] = user
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, primary=True, verified=False) for user in created]
    )
    Profile.objects.bulk_create(
        [Profile(user=user) for user in created] + [Profile(user=users[email]) for email in plan.missing_profiles]
    )
    for email, names in plan.name_fill.items():
        if names:
            User.objects.filter(pk=users[email].pk).update(**names)

    profiles = {p.user.email.lower(): p for p in Profile.objects.filter(user__in=list(users.values())).select_related("user")}
    locations = {}
    to_update, fields_used = [], set()
    for email, fill in plan.profile_fill.items():
        supervisor_email = plan.supervisors.get(email)
        if not fill and not supervisor_email:
            continue
        profile = profiles[email]
        for field, value in fill.items():
            setattr(profile, field, value)
            fields_used.add(field)
        if "location" in fill:
            if fill["location"] not in locations:
                locations[fill["location"]] = resolve_location(fill["location"])
            coords = locations[fill["location"]]
            profile.latitude, profile.longitude = coords if coords else (None, None)
            fields_used |= {"latitude", "longitude"}
        if supervisor_email:
            profile.supervisor_id = users[supervisor_email].pk
            fields_used.add("supervisor")
        profile.updated_at = now
        to_update.append(profile)
    if to_update:
        Profile.objects.bulk_update(to_update, sorted(fields_used | {"updated_at"}), batch_size=500)

    wanted = {name for offered, needed in plan.skills.values() for name in offered + needed}
    skills = {s.name.lower(): s for s in Skill.objects.all()}
    for name in sorted(wanted):
        if name.lower() not in skills:
            skills[name.lower()] = _skill_create(name)
    for through, index in ((Profile.skills_offered.through, 0), (Profile.development_needs.through, 1)):
        through.objects.bulk_create(
            [
                through(profile_id=profiles[email].pk, skill_id=skills[name.lower()].pk)
                for email, pair in plan.skills.items()
                for name in pair[index]
            ],
            ignore_conflicts=True,
        )

    # Approved through the enrolment service, under the cohorts' locks: it checks
    # the file's admissions again there, so a race cannot pass a cohort's cap.
    enrollments_admit(
        admissions=[_admission(row, users[row.email]) for row in plan.enrol], by=by, note=IMPORT_NOTE
    )


def _skill_create(name: str) -> Skill:
    base = slugify(name)[:80] or "skill"
    slug, n = base, 1
    while Skill.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Skill.objects.create(name=name, slug=slug)
