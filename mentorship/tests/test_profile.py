"""The profile page: photo uploads, location, supervisor, and who may see a person."""

import io
import struct
import zlib
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from mentorship import forms, services
from mentorship.models import Profile
from mentorship.selectors.geo import resolve_location
from mentorship.tests.factories import SkillFactory, UserFactory
from programs.models import EnrollmentState, Role
from programs.tests.factories import CohortFactory, CoordinatorFactory, EnrollmentFactory, seeded

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("people:profile")


def png_bytes(size=(40, 30), color=(200, 30, 30), **save_kwargs) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG", **save_kwargs)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares width × height: what a decompression bomb looks like up front."""
    data = bytearray(png_bytes(size=(1, 1)))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    data[16:33] = ihdr + crc
    return bytes(data)


def upload(content: bytes, name="me.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def profile_data(**overrides):
    data = {
        "first_name": "Dana",
        "last_name": "Okafor",
        "headline": "Palliative care physician, 15 years",
        "bio": "I run a hospice team.",
        "organisation": "Bluegrass Hospice",
        "org_unit": "Clinical",
        "location": "Louisville, KY",
        "career_level": "4",
        "professional_goals": "Lead a regional program.",
        "email_frequency": "weekly",
        "supervisor_email": "",
        "jobs-TOTAL_FORMS": "1",
        "jobs-INITIAL_FORMS": "0",
        "jobs-MIN_NUM_FORMS": "0",
        "jobs-MAX_NUM_FORMS": "20",
        "jobs-0-title": "Medical director",
        "jobs-0-organisation": "Bluegrass Hospice",
        "jobs-0-start_year": "2015",
        "jobs-0-end_year": "",
        "jobs-0-description": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def user(client):
    user = UserFactory(email="dana@example.com")
    client.force_login(user)
    return user


def test_profile_page_needs_login(client):
    response = client.get(PROFILE_URL)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


def test_profile_is_saved_with_job_history_skills_and_coordinates(client, user):
    skill = SkillFactory(name="Grant writing")

    response = client.post(PROFILE_URL, profile_data(skills_offered=[skill.pk]))

    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    profile = user.profile
    assert (user.first_name, user.last_name) == ("Dana", "Okafor")
    assert profile.headline == "Palliative care physician, 15 years"
    assert list(profile.skills_offered.all()) == [skill]
    assert [str(j) for j in profile.job_history.all()] == ["Medical director, Bluegrass Hospice"]
    # “Louisville, KY” resolves offline to the city, not to another Louisville.
    assert profile.latitude == pytest.approx(38.25, abs=0.1)
    assert profile.longitude == pytest.approx(-85.76, abs=0.1)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Louisville, KY", (38.25, -85.76)),
        ("  louisville,   ky ", (38.25, -85.76)),
        ("Frankfort, KY", (38.2, -84.87)),
        ("Bethesda, MD", (38.98, -77.1)),
        ("Louisville, Kentucky", (38.25, -85.76)),
        ("Louisville, KY, USA", (38.25, -85.76)),
        # Two-letter codes collide (CA: California/Canada, KY: Kentucky/Cayman Islands): the state wins.
        ("Richmond, CA", (37.94, -122.35)),
        ("Georgetown, KY", (38.21, -84.56)),
        ("Hamilton, Canada", (43.25, -79.85)),
        ("Paris", (48.85, 2.35)),
    ],
)
def test_location_resolves_to_coordinates(typed, expected):
    lat, lon = resolve_location(typed)

    assert (lat, lon) == (pytest.approx(expected[0], abs=0.1), pytest.approx(expected[1], abs=0.1))


@pytest.mark.parametrize("typed", ["", "Nowhere-in-particular-xyz", "Kingston, PA", "Santiago, CA"])
def test_a_place_not_on_the_list_is_unknown_rather_than_a_namesake(typed):
    # Kingston, PA is too small for the city list; Kingston, Jamaica is 2,500 km away.
    assert resolve_location(typed) is None


def test_unknown_location_keeps_the_text_and_no_coordinates(client, user):
    client.post(PROFILE_URL, profile_data(location="Nowhere-in-particular-xyz"))

    profile = Profile.objects.get(user=user)
    assert profile.location == "Nowhere-in-particular-xyz"
    assert (profile.latitude, profile.longitude) == (None, None)


def test_a_png_photo_is_accepted_and_reencoded_as_jpeg(client, user):
    png = png_bytes(size=(1600, 1200), pnginfo=None) + b"<script>alert(1)</script>"

    response = client.post(PROFILE_URL, {**profile_data(), "photo": upload(png, name="../../evil.png")})

    assert response.status_code == HTTPStatus.FOUND
    photo = Profile.objects.get(user=user).photo
    assert photo.name.startswith(f"photos/{user.pk}/") and photo.name.endswith(".jpg")
    assert "evil" not in photo.name
    stored = photo.read()
    assert stored.startswith(b"\xff\xd8\xff")
    assert b"<script>" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert max(image.size) == forms.photos.OUTPUT_MAX_SIDE


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", forms.photos.PHOTO_NOT_IMAGE, id="html-as-png"),
        pytest.param(b"<html><body>hi</body></html>", forms.photos.PHOTO_NOT_IMAGE, id="html"),
        pytest.param(png_bytes() + b"\0" * forms.photos.MAX_PHOTO_BYTES, forms.photos.PHOTO_TOO_LARGE, id="over-5mb"),
        pytest.param(png_claiming(20000, 20000), forms.photos.PHOTO_TOO_MANY_PIXELS, id="bomb-400mp"),
        pytest.param(png_claiming(10000, 5000), forms.photos.PHOTO_TOO_MANY_PIXELS, id="too-many-50mp"),
    ],
)
def test_bad_photos_are_refused_and_typed_fields_kept(client, user, content, message):
    response = client.post(PROFILE_URL, {**profile_data(headline="Kept headline"), "photo": upload(content)})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors == {"photo": [message]}
    body = response.content.decode()
    assert escape(message) in body
    assert 'value="Kept headline"' in body
    assert 'value="Medical director"' in body
    profile = Profile.objects.get(user=user)
    assert not profile.photo
    assert profile.headline == ""


def test_a_phone_photo_keeps_its_orientation(client, user):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: the camera was turned 90°, so the picture is 60 wide and 100 high
    out = io.BytesIO()
    Image.new("RGB", (100, 60), (10, 120, 10)).save(out, format="JPEG", exif=exif)

    client.post(PROFILE_URL, {**profile_data(), "photo": upload(out.getvalue(), "phone.jpg", "image/jpeg")})

    with Image.open(Profile.objects.get(user=user).photo) as stored:
        assert stored.size == (60, 100)
        assert 0x0112 not in stored.getexif()


def test_a_gif_is_accepted_as_a_still_jpeg(client, user):
    out = io.BytesIO()
    Image.new("P", (20, 20)).save(out, format="GIF")

    response = client.post(PROFILE_URL, {**profile_data(), "photo": upload(out.getvalue(), "a.gif", "image/gif")})

    assert response.status_code == HTTPStatus.FOUND
    assert Profile.objects.get(user=user).photo.name.endswith(".jpg")


def test_clearing_the_photo_removes_it(client, user):
    client.post(PROFILE_URL, {**profile_data(), "photo": upload(png_bytes())})

    client.post(PROFILE_URL, {**profile_data(), "photo-clear": "on"})

    assert not Profile.objects.get(user=user).photo


def test_saving_without_a_new_photo_keeps_the_old_one(client, user):
    client.post(PROFILE_URL, {**profile_data(), "photo": upload(png_bytes())})
    name = Profile.objects.get(user=user).photo.name

    client.post(PROFILE_URL, profile_data(bio="Changed"))

    assert Profile.objects.get(user=user).photo.name == name


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.com", services.people.SUPERVISOR_UNKNOWN),
        ("dana@example.com", services.people.SUPERVISOR_SELF),
        ("DANA@Example.com", services.people.SUPERVISOR_SELF),
    ],
)
def test_supervisor_email_is_checked(client, user, email, message):
    response = client.post(PROFILE_URL, profile_data(supervisor_email=email, bio="Typed bio"))

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors == {"supervisor_email": [message]}
    assert "Typed bio</textarea>" in response.content.decode()
    assert Profile.objects.get(user=user).supervisor is None


def test_supervisor_is_found_by_email(client, user):
    boss = UserFactory(email="boss@example.com")

    client.post(PROFILE_URL, profile_data(supervisor_email="Boss@Example.com"))

    assert Profile.objects.get(user=user).supervisor == boss


def test_job_history_end_before_start_is_refused(client, user):
    response = client.post(PROFILE_URL, profile_data(**{"jobs-0-end_year": "2010"}))

    assert response.status_code == HTTPStatus.OK
    assert response.context["formset"].errors == [{"end_year": ["The end year is before the start year."]}]


# Who may see a person ------------------------------------------------------------


@pytest.fixture
def people():
    """Ann (AAHPM mentee, with a photo) and who looks at her."""
    aahpm = CohortFactory(program=seeded("aahpm"))
    hhs = CohortFactory(program=seeded("hhs"))
    ann = EnrollmentFactory(cohort=aahpm, role=Role.MENTEE).user
    profile = ann.profile
    profile.photo = forms.photos.reencode_photo(upload(png_bytes()))
    profile.headline = "Ann's headline"
    profile.save()
    return {
        "ann": ann,
        "same_program": EnrollmentFactory(cohort=aahpm, role=Role.MENTOR).user,
        "coordinator": CoordinatorFactory(program=aahpm.program).user,
        "other_program": EnrollmentFactory(cohort=hhs, role=Role.MENTOR).user,
        "other_coordinator": CoordinatorFactory(program=hhs.program).user,
        "withdrawn_same_program": EnrollmentFactory(
            cohort=aahpm, role=Role.MENTOR, state=EnrollmentState.WITHDRAWN
        ).user,
        "nobody": UserFactory(),
    }


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("ann", HTTPStatus.OK),
        ("same_program", HTTPStatus.OK),
        ("coordinator", HTTPStatus.OK),
        ("other_program", HTTPStatus.NOT_FOUND),
        ("other_coordinator", HTTPStatus.NOT_FOUND),
        ("withdrawn_same_program", HTTPStatus.NOT_FOUND),
        ("nobody", HTTPStatus.NOT_FOUND),
    ],
)
@pytest.mark.parametrize("page", ["people:detail", "people:photo"])
def test_who_sees_a_person(client, people, viewer, status, page):
    client.force_login(people[viewer])

    response = client.get(reverse(page, args=[people["ann"].pk]))

    assert response.status_code == status
    if status == HTTPStatus.OK and page == "people:detail":
        assert escape("Ann's headline") in response.content.decode()
    if status == HTTPStatus.OK and page == "people:photo":
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


@pytest.mark.parametrize("page", ["people:detail", "people:photo"])
def test_anonymous_is_sent_to_login_for_a_person(client, people, page):
    url = reverse(page, args=[people["ann"].pk])

    response = client.get(url)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == f"{reverse('account_login')}?next={url}"


def test_an_unapproved_applicant_sees_no_participant_profile(client):
    from programs.models import EnrollmentState, Program, Role
    from programs.tests.factories import CohortFactory, EnrollmentFactory

    from .factories import UserFactory

    cohort = CohortFactory(program=Program.objects.get(slug="ky-connections"))
    participant = EnrollmentFactory(cohort=cohort, role=Role.MENTOR, state=EnrollmentState.APPROVED).user
    applicant = EnrollmentFactory(cohort=cohort, role=Role.MENTEE, state=EnrollmentState.APPLIED).user
    client.force_login(applicant)
    assert client.get(f"/people/{participant.pk}/").status_code == 404
    approved = UserFactory()
    EnrollmentFactory(user=approved, cohort=cohort, role=Role.MENTEE, state=EnrollmentState.APPROVED)
    client.force_login(approved)
    assert client.get(f"/people/{participant.pk}/").status_code == 200


# What the page says ------------------------------------------------------------


def _job_history_section(body: str) -> str:
    return body[body.index("<legend>Job history</legend>") :]


def test_profile_errors_are_summarised_at_the_top_each_linked_to_its_field(client, user):
    response = client.post(PROFILE_URL, profile_data(first_name="", **{"jobs-0-end_year": "2010"}))

    body = response.content.decode()
    summary = body[body.index('id="error-summary"') : body.index("</div>", body.index('id="error-summary"'))]
    assert body.index('id="error-summary"') < body.index("<legend")  # above the first fieldset
    assert 'role="alert"' in body[body.rindex("<div", 0, body.index('id="error-summary"')) :][:200]
    assert "autofocus" in summary
    assert "Your profile was not saved. Please correct:" in summary
    assert '<a href="#id_first_name">First name: This field is required.</a>' in summary
    assert '<a href="#id_jobs-0-end_year">Job 1, end year: The end year is before the start year.</a>' in summary
    # Each link lands on the field it names.
    assert 'id="id_first_name"' in body and 'id="id_jobs-0-end_year"' in body


def test_a_refusal_of_the_profile_service_is_in_the_summary_too(client, user):
    response = client.post(PROFILE_URL, profile_data(supervisor_email="nobody@example.com"))

    body = response.content.decode()
    summary = body[body.index('id="error-summary"') : body.index("</ul>", body.index('id="error-summary"'))]
    error = escape(services.people.SUPERVISOR_UNKNOWN)
    assert f'<a href="#id_supervisor_email">Your supervisor&#x27;s email: {error}</a>' in summary


def test_a_valid_profile_page_has_no_error_summary(client, user):
    assert 'id="error-summary"' not in client.get(PROFILE_URL).content.decode()


def test_an_empty_job_history_row_marks_nothing_required(client, user):
    body = _job_history_section(client.get(PROFILE_URL).content.decode())

    assert 'for="id_jobs-0-title"' in body
    assert "asteriskField" not in body and "requiredField" not in body


def test_a_saved_job_keeps_its_title_required(client, user):
    client.post(PROFILE_URL, profile_data())

    body = _job_history_section(client.get(PROFILE_URL).content.decode())

    saved, extra = body.split('<div id="div_id_jobs-1-title"', 1)
    assert 'Title<span class="asteriskField">*</span>' in saved
    assert "asteriskField" not in extra


def test_a_started_job_history_row_needs_a_title(client, user):
    response = client.post(PROFILE_URL, profile_data(**{"jobs-0-title": ""}))

    assert response.status_code == HTTPStatus.OK
    assert response.context["formset"].errors == [{"title": [forms.people.JOB_TITLE_REQUIRED]}]
    assert not Profile.objects.get(user=user).job_history.exists()


def test_a_left_empty_job_history_row_is_ignored(client, user):
    empty = {f"jobs-0-{name}": "" for name in ("title", "organisation", "start_year", "end_year", "description")}

    response = client.post(PROFILE_URL, profile_data(**empty))

    assert response.status_code == HTTPStatus.FOUND
    assert not Profile.objects.get(user=user).job_history.exists()


def _enrol(user, *slugs):
    for slug in slugs:
        EnrollmentFactory(user=user, cohort=CohortFactory(program=seeded(slug)), role=Role.MENTEE)


def _unit_label_and_help(body: str) -> tuple[str, str]:
    start = body.index('id="div_id_org_unit"')
    chunk = body[start : body.index('id="div_id_location"')]
    label = chunk.split('for="id_org_unit"', 1)[1].split(">", 1)[1].split("<", 1)[0].strip()
    help_text = chunk.split('id="id_org_unit_helptext"', 1)[1].split(">", 1)[1].split("</div>", 1)[0].strip()
    return label, help_text


@pytest.mark.parametrize(
    ("slugs", "label", "help_text"),
    [
        (("aahpm",), "Organisation unit", forms.people.ORG_UNIT_HELP_ANY),
        ((), "Organisation unit", forms.people.ORG_UNIT_HELP_ANY),
        (("hhs",), "OPDIV", "HHS: the OPDIV you work in."),
        (("ky-connections",), "Agency", "KY Connections: the agency you work in."),
        (
            ("hhs", "ky-connections"),
            "Organisation unit",
            "HHS: the OPDIV you work in. KY Connections: the agency you work in.",
        ),
    ],
)
def test_the_unit_is_named_in_the_words_of_the_persons_programs(client, user, slugs, label, help_text):
    _enrol(user, *slugs)

    body = client.get(PROFILE_URL).content.decode()

    assert _unit_label_and_help(body) == (label, help_text)
    if "hhs" not in slugs:
        assert "OPDIV" not in body
