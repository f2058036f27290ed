"""Importing participants from CSV: all or nothing, every bad row named, a dry
run writes nothing, the same file again changes nothing; in the admin and with
manage.py import_participants."""

import csv
import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship import services
from mentorship.models import CareerLevel, Profile, Skill, User
from mentorship.services.participant_import import participants_import
from mentorship.tests.factories import UserFactory
from programs.models import Enrollment, EnrollmentState, Role
from programs.tests.factories import CohortFactory, CoordinatorFactory, EnrollmentFactory, seeded

pytestmark = pytest.mark.django_db

HEADER = [
    "email", "first_name", "last_name", "role", "cohort", "organisation", "org_unit", "location", "career_level",
    "skills_offered", "development_needs", "professional_goals", "supervisor_email",
]


def row(n, **changes):
    values = {
        "email": f"person{n}@agency.ky.gov",
        "first_name": f"First{n}",
        "last_name": f"Last{n}",
        "role": "mentor" if n % 2 else "mentee",
        "cohort": "2026",
        "organisation": "Commonwealth of Kentucky",
        "org_unit": ["Personnel Cabinet", "Finance Cabinet", "Transportation Cabinet"][n % 3],
        "location": ["Frankfort, KY", "Louisville, KY", "Lexington, KY"][n % 3],
        "career_level": "Senior" if n % 2 else "2",
        "skills_offered": "Budgeting; Leadership" if n % 2 else "",
        "development_needs": "" if n % 2 else "Public speaking;Negotiation",
        "professional_goals": "" if n % 2 else "Lead a team",
        "supervisor_email": "",
    }
    values.update(changes)
    return values


def to_csv(rows, header=HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def ky():
    program = seeded("ky-connections")
    program.participant_cap = None
    program.save()
    CohortFactory(program=program, name="2026")
    return program


def snapshot():
    """Everything an import could write, to prove it wrote nothing."""
    return (
        User.objects.count(),
        Profile.objects.count(),
        Enrollment.objects.count(),
        Enrollment.history.count(),
        Skill.objects.count(),
        Profile.skills_offered.through.objects.count(),
        Profile.development_needs.through.objects.count(),
        list(Profile.objects.order_by("pk").values_list("updated_at", "organisation", "location", "supervisor_id")),
    )


def test_a_good_file_creates_people_profiles_and_approved_enrolments(ky):
    supervisor = UserFactory(email="boss@agency.ky.gov")
    data = to_csv([row(1), row(2, supervisor_email="BOSS@agency.ky.gov"), row(3)])

    result = participants_import(program=ky, data=data, by=supervisor)

    assert result.ok and result.written
    assert (result.users_created, result.enrollments_created) == (3, 3)
    mentee = User.objects.get(email="person2@agency.ky.gov")
    profile = mentee.profile
    assert (mentee.first_name, mentee.last_name) == ("First2", "Last2")
    assert (profile.org_unit, profile.location, profile.career_level) == ("Transportation Cabinet", "Lexington, KY", 2)
    assert profile.latitude is not None  # Lexington resolved offline
    assert profile.supervisor == supervisor
    assert sorted(s.name for s in profile.development_needs.all()) == ["Negotiation", "Public speaking"]
    mentor = User.objects.get(email="person1@agency.ky.gov").profile
    assert mentor.career_level == CareerLevel.SENIOR
    assert sorted(s.name for s in mentor.skills_offered.all()) == ["Budgeting", "Leadership"]
    enrolment = Enrollment.objects.get(user=mentee)
    assert (enrolment.role, enrolment.state, enrolment.cohort.name) == (Role.MENTEE, EnrollmentState.APPROVED, "2026")
    assert enrolment.history.get().history_user == supervisor  # audited with the importer
    assert not mentee.has_usable_password()


def test_a_thousand_rows_with_a_bad_row_500_write_nothing_and_name_row_500(ky):
    rows = [row(n) for n in range(1, 1001)]
    rows[499] = row(500, email="not an email")
    before = snapshot()

    result = participants_import(program=ky, data=to_csv(rows))

    assert not result.ok and not result.written
    assert [(e.row, e.line) for e in result.errors] == [(500, 501)]
    assert str(result.errors[0]).startswith("Row 500 (line 501)")
    assert "“not an email” is not an email address" in result.errors[0].message
    assert snapshot() == before


def test_every_bad_row_is_listed_with_its_reasons(ky):
    EnrollmentFactory(
        user=UserFactory(email="pending@agency.ky.gov"), cohort=ky.cohorts.get(), state=EnrollmentState.APPLIED
    )
    rows = [
        row(1),
        row(2, role="sponsor", cohort="1999"),
        row(3, career_level="Guru", first_name=""),
        row(4, supervisor_email="ghost@nowhere.example"),
        row(5, email="person1@agency.ky.gov", role="mentor"),  # same as row 1
        row(6, email="person1@agency.ky.gov", role="mentee"),  # KY: no dual role
        row(7, email="pending@agency.ky.gov", role="mentee"),
        row(8, skills_offered="x" * 81),
    ]
    before = snapshot()

    result = participants_import(program=ky, data=to_csv(rows))

    assert snapshot() == before
    problems = {e.row: e.message for e in result.errors}
    assert sorted(problems) == [2, 3, 4, 5, 6, 7, 8]
    assert "role must be mentor or mentee, not “sponsor”" in problems[2]
    assert "no cohort named “1999” (cohorts: 2026)" in problems[2]
    assert "career_level must be 1–5" in problems[3] and "first_name is required" in problems[3]
    assert "ghost@nowhere.example has no account here" in problems[4]
    assert "the same person, role and cohort as row 1" in problems[5]
    assert "does not allow one person to be a mentor and a mentee at once" in problems[6]
    assert "the same email as row 1 with a different name" in problems[6]
    assert "has an enrolment as mentee in KY Connections 2026 that is applied" in problems[7]
    assert "longer than 80 characters" in problems[8]


def test_the_participant_cap_is_kept(ky):
    cohort = ky.cohorts.get()
    cohort.participant_cap = 3
    cohort.save()
    EnrollmentFactory(cohort=cohort)

    result = participants_import(program=ky, data=to_csv([row(n) for n in range(1, 5)]))

    assert [e.row for e in result.errors] == [3, 4]
    assert "past its cap of 3 participants (1 approved already)" in result.errors[0].message
    assert Enrollment.objects.count() == 1


def test_a_dry_run_previews_and_writes_nothing(ky):
    before = snapshot()

    result = participants_import(program=ky, data=to_csv([row(n) for n in range(1, 51)]), dry_run=True)

    assert result.ok and not result.written
    assert (result.users_created, result.enrollments_created) == (50, 50)
    assert result.plans[0].actions[:2] == ["new account", "enrol as mentor in KY Connections 2026"]
    assert "would create 50 accounts and 50 enrolments" in result.summary()
    assert snapshot() == before


def test_importing_the_same_file_again_changes_nothing(ky):
    UserFactory(email="boss@agency.ky.gov")
    data = to_csv([row(n, supervisor_email="boss@agency.ky.gov" if n == 4 else "") for n in range(1, 31)])
    participants_import(program=ky, data=data)
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        again = participants_import(program=ky, data=data)

    assert again.ok and not again.written
    assert (again.users_created, again.enrollments_created, again.profiles_updated) == (0, 0, 0)
    assert all(p.actions == ["no change"] for p in again.plans)
    assert snapshot() == before
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    # The one write is the security audit's row saying an import was run (AU-2).
    assert len(writes) == 1 and "security_securityevent" in writes[0]


def test_an_existing_profile_is_filled_never_overwritten(ky):
    person = UserFactory(email="person2@agency.ky.gov", first_name="Pat", last_name="Own")
    person.profile.location = "Bowling Green, KY"
    person.profile.save()
    person.profile.development_needs.add(Skill.objects.create(name="Coaching", slug="coaching"))

    result = participants_import(program=ky, data=to_csv([row(2, first_name="Pat", last_name="Own")]))

    assert result.ok and result.profiles_updated == 1 and result.users_created == 0
    person.profile.refresh_from_db()
    assert person.profile.location == "Bowling Green, KY"  # what they wrote stays
    assert person.profile.org_unit == "Transportation Cabinet"  # a blank is filled
    assert sorted(s.name for s in person.profile.development_needs.all()) == ["Coaching", "Negotiation", "Public speaking"]


def test_file_level_problems_are_reported_before_rows(ky):
    assert participants_import(program=ky, data=b"").file_errors == [services.participant_import.EMPTY_FILE]
    assert participants_import(program=ky, data="email,first_name\n".encode()).file_errors[0].startswith("Missing column(s): last_name, role, cohort")
    unknown = participants_import(program=ky, data=to_csv([row(1)], header=HEADER + ["favourite_colour"]))
    assert unknown.file_errors[0].startswith("Unknown column(s): favourite_colour")
    latin1 = to_csv([row(1, first_name="Zoë")]).decode().encode("latin-1")
    assert participants_import(program=ky, data=latin1).file_errors == [services.participant_import.NOT_UTF8]
    assert User.objects.count() == 0


def test_semicolon_files_and_blank_trailing_lines_are_read(ky):
    text = to_csv([row(1), row(2)]).decode()
    result = participants_import(program=ky, data=(text + ",,,,,,,,,,,,\n\n").encode(), dry_run=True)
    assert result.ok and result.rows == 2
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, delimiter=";")  # Excel in many European locales
    writer.writeheader()
    writer.writerows([row(1), row(2)])
    result = participants_import(program=ky, data=out.getvalue().encode("utf-8-sig"), dry_run=True)
    assert result.ok and result.rows == 2 and result.plans[1].email == "person2@agency.ky.gov"


def test_a_thousand_good_rows_import_once(ky):
    data = to_csv([row(n) for n in range(1, 1001)])
    assert participants_import(program=ky, data=data).enrollments_created == 1000
    assert Enrollment.objects.filter(state=EnrollmentState.APPROVED).count() == 1000
    assert Enrollment.history.count() == 1000
    again = participants_import(program=ky, data=data)
    assert again.ok and not again.written and again.unchanged == 1000


# -- the command --------------------------------------------------------------


def test_the_command_imports_and_dry_runs(ky, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(to_csv([row(1), row(2)]))
    out = io.StringIO()

    call_command("import_participants", "ky-connections", str(path), "--dry-run", stdout=out)
    assert "Dry run, nothing written" in out.getvalue() and User.objects.count() == 0

    call_command("import_participants", "ky-connections", str(path), stdout=out)
    assert Enrollment.objects.count() == 2


def test_the_command_lists_every_bad_row_and_fails(ky, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(to_csv([row(1, email="x"), row(2), row(3, role="boss")]))
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 2 problems"):
        call_command("import_participants", "ky-connections", str(path), stderr=err)
    assert "Row 1 (line 2)" in err.getvalue() and "Row 3 (line 4)" in err.getvalue()
    assert User.objects.count() == 0
    with pytest.raises(CommandError, match="No program with the slug"):
        call_command("import_participants", "nope", str(path))


# -- the admin upload page ------------------------------------------------------


def test_the_admin_previews_then_imports(client, ky):
    sponsor = CoordinatorFactory(program=ky).user
    client.force_login(sponsor)
    url = reverse("admin:programs_enrollment_import")
    assert client.get(url).status_code == HTTPStatus.OK

    preview = client.post(url, {"program": ky.pk, "file": SimpleUploadedFile("p.csv", to_csv([row(1), row(2)]))})

    assert preview.status_code == HTTPStatus.OK
    assert preview.context["result"].ok and User.objects.filter(email__endswith="ky.gov").count() == 0
    assert "Import 2 rows" in preview.content.decode()
    form = preview.context["form"]
    confirm = client.post(url, {"program": ky.pk, "content": form.initial["content"], "confirm": "True"})

    assert confirm.status_code == HTTPStatus.FOUND
    assert Enrollment.objects.filter(cohort__program=ky).count() == 2
    assert Enrollment.objects.first().history.first().history_user == sponsor


def test_the_admin_shows_every_bad_row_and_imports_nothing(client, ky):
    client.force_login(CoordinatorFactory(program=ky).user)
    bad = to_csv([row(1), row(2, email="nope"), row(3, cohort="2030")])

    response = client.post(reverse("admin:programs_enrollment_import"), {"program": ky.pk, "file": SimpleUploadedFile("p.csv", bad)})

    body = response.content.decode()
    assert "Row 2 (line 3)" in body and "Row 3 (line 4)" in body and "Import 3 rows" not in body
    assert User.objects.filter(email__endswith="ky.gov").count() == 0


def test_a_coordinator_cannot_import_into_another_program(client, ky):
    hhs_coordinator = CoordinatorFactory(program=seeded("hhs")).user
    client.force_login(hhs_coordinator)

    response = client.post(
        reverse("admin:programs_enrollment_import"),
        {"program": ky.pk, "content": to_csv([row(1)]).decode(), "confirm": "True"},
    )

    assert response.status_code == HTTPStatus.OK
    assert "program" in response.context["form"].errors
    assert not Enrollment.objects.exists()


def test_participants_cannot_reach_the_import(client, ky):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:programs_enrollment_import"))
    assert response.status_code == HTTPStatus.FOUND and "/login/" in response["Location"]
