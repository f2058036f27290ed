"""The mentor directory, a mentor's page, and the query budgets of the
participant pages."""

import datetime
import html
import re
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from mentorship import services
from mentorship.models import CareerLevel
from mentorship.selectors.geo import resolve_location
from mentorship.tests.factories import SkillFactory, UserFactory
from programs.models import Platform
from programs.tests.factories import CohortFactory, ProgramFactory

from .builders import cohort_of, fill, invite, mentee_in, mentor_in, pair, profile

pytestmark = pytest.mark.django_db


def place(user, city: str | None, **fields):
    lat, lon = resolve_location(city) if city else (None, None)
    return profile(user, location=city or "", latitude=lat, longitude=lon, **fields)


def names(response) -> list[str]:
    return [m.get_full_name() for m in response.context["page"].object_list]


@pytest.fixture
def hhs():
    """HHS with four mentors around a mid-career mentee in Bethesda."""
    cohort = cohort_of("hhs")
    budgeting, speaking = SkillFactory(name="Budgeting"), SkillFactory(name="Public speaking")
    mentee = mentee_in(cohort, UserFactory(first_name="Mia", last_name="Mentee"))
    place(mentee, "Bethesda, MD", career_level=CareerLevel.MID)

    ada = mentor_in(cohort, UserFactory(first_name="Ada", last_name="Lovelace"))
    place(ada, "Bethesda, MD", org_unit="NIH", career_level=CareerLevel.SENIOR).skills_offered.set([budgeting, speaking])
    grace = mentor_in(cohort, UserFactory(first_name="Grace", last_name="Hopper"))
    place(grace, "Atlanta, GA", org_unit="CDC", career_level=CareerLevel.MID).skills_offered.set([speaking])
    alan = mentor_in(cohort, UserFactory(first_name="Alan", last_name="Turing"))
    place(alan, "Rockville, MD", org_unit="NIH", career_level=CareerLevel.EXECUTIVE).skills_offered.set([budgeting])
    katherine = mentor_in(cohort, UserFactory(first_name="Katherine", last_name="Johnson"))
    place(katherine, None, org_unit="FDA", career_level=CareerLevel.EARLY)
    fill(cohort, alan, 5)  # HHS: up to 5 at a time; Alan is full
    return {
        "cohort": cohort,
        "mentee": mentee,
        "skills": {"budgeting": budgeting.pk, "speaking": speaking.pk},
        "mentors": {"ada": ada, "grace": grace, "alan": alan, "katherine": katherine},
    }


ALL = ["Grace Hopper", "Katherine Johnson", "Ada Lovelace", "Alan Turing"]  # by last name


def _filter_query(spec: dict, skills: dict) -> dict:
    return {k: [skills[s] for s in v] if k == "skill" else v for k, v in spec.items()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ALL),
        ({"q": "ada"}, ["Ada Lovelace"]),
        ({"q": "HOPPER"}, ["Grace Hopper"]),
        ({"q": "alan turing"}, ["Alan Turing"]),
        ({"q": "nobody"}, []),
        ({"skill": ["budgeting"]}, ["Ada Lovelace", "Alan Turing"]),
        ({"skill": ["budgeting", "speaking"]}, ["Ada Lovelace"]),
        ({"unit": "NIH"}, ["Ada Lovelace", "Alan Turing"]),
        ({"unit": "CDC"}, ["Grace Hopper"]),
        ({"level": "senior_to_junior"}, ["Ada Lovelace", "Alan Turing"]),
        ({"level": "peer_to_peer"}, ["Grace Hopper"]),
        ({"free": "on"}, ["Grace Hopper", "Katherine Johnson", "Ada Lovelace"]),
        # Distance: Rockville is 12 km from Bethesda, Atlanta 874 km (543 miles); closest first.
        ({"near": "Bethesda, MD", "within": 20, "distance_unit": "km"}, ["Ada Lovelace", "Alan Turing"]),
        ({"near": "Bethesda, MD", "within": 600, "distance_unit": "km"}, ["Ada Lovelace", "Alan Turing"]),
        (
            {"near": "Bethesda, MD", "within": 600, "distance_unit": "mi"},
            ["Ada Lovelace", "Alan Turing", "Grace Hopper"],
        ),
        ({"near": "Atlanta, GA", "within": 50, "distance_unit": "mi"}, ["Grace Hopper"]),
        ({"near": "Atlanta, GA"}, ["Grace Hopper", "Ada Lovelace", "Alan Turing"]),
        ({"unit": "NIH", "free": "on", "skill": ["budgeting"]}, ["Ada Lovelace"]),
    ],
)
def test_directory_filters(client, hhs, query, expected):
    client.force_login(hhs["mentee"])

    response = client.get(reverse("directory:list", args=["hhs"]), _filter_query(query, hhs["skills"]))

    assert response.status_code == HTTPStatus.OK
    assert names(response) == expected


def test_skill_boxes_keep_what_was_ticked(client, hhs):
    client.force_login(hhs["mentee"])

    page = client.get(reverse("directory:list", args=["hhs"]), {"skill": [hhs["skills"]["budgeting"]]}).content.decode()

    boxes = re.findall(r'<input type="checkbox" name="skill" value="(\d+)" class="form-check-input" id="id_skill_\d+"( checked)?>', page)
    assert {int(v) for v, _ in boxes} >= set(hhs["skills"].values())
    assert [int(v) for v, checked in boxes if checked] == [hhs["skills"]["budgeting"]]
    assert '<label class="form-check-label" for="id_skill_0">' in page
    assert "<details class=\"mb-2\" open>" in page

    bad = client.get(reverse("directory:list", args=["hhs"]), {"skill": ["no-such-skill"]}).content.decode()
    assert 'id="id_skill_0" aria-invalid="true">' in bad  # as Django's widget marks a field in error


def test_distances_show_in_the_unit_asked_for(client, hhs):
    client.force_login(hhs["mentee"])
    url = reverse("directory:list", args=["hhs"])

    km = client.get(url, {"near": "Bethesda, MD", "within": 1000}).content.decode()
    miles = client.get(url, {"near": "Bethesda, MD", "within": 1000, "distance_unit": "mi"}).content.decode()

    assert "874 km away" in km
    assert "543 miles away" in miles


def test_unknown_place_is_said_and_not_silently_ignored(client, hhs):
    client.force_login(hhs["mentee"])

    response = client.get(reverse("directory:list", args=["hhs"]), {"near": "Qwxyzville, ZZ", "within": 10})

    assert "We could not find that place" in response.content.decode()
    assert names(response) == ALL


def test_hhs_platform_preference_is_the_default_level_filter(client, hhs):
    viewer = mentee_in(hhs["cohort"], platform_preference=Platform.PEER_TO_PEER)
    place(viewer, "Bethesda, MD", career_level=CareerLevel.MID)
    client.force_login(viewer)
    url = reverse("directory:list", args=["hhs"])

    assert names(client.get(url)) == ["Grace Hopper"]
    assert names(client.get(url, {"level": ""})) == ALL  # “any career level”, chosen explicitly


def test_the_newest_cohorts_enrolment_sets_the_default_level(client, hhs):
    """A mentee in two cohorts of the program: the most recent cohort's
    enrolment is theirs (directory_access's ORDER BY), whichever was made first."""
    newer = CohortFactory(program=hhs["cohort"].program, starts_on=timezone.localdate() - datetime.timedelta(days=5))
    viewer = mentee_in(newer, platform_preference=Platform.PEER_TO_PEER)
    mentee_in(hhs["cohort"], viewer, platform_preference=Platform.SENIOR_TO_JUNIOR)
    place(viewer, "Bethesda, MD", career_level=CareerLevel.MID)
    client.force_login(viewer)

    assert names(client.get(reverse("directory:list", args=["hhs"]))) == ["Grace Hopper"]


@pytest.mark.parametrize(
    "who, expected",
    [
        ("mentee", "own enrolment"),
        ("coordinator", None),
        ("withdrawn mentee", 404),
        ("mentee of another program", 404),
        ("mentor", 404),
        ("mentee of an inactive program", 404),
    ],
)
def test_directory_access_in_one_query(hhs, who, expected):
    from django.http import Http404

    from mentorship.selectors import directory_access
    from programs.models import EnrollmentState, Program

    from .builders import coordinator_of

    program = hhs["cohort"].program
    if who == "coordinator":
        person = coordinator_of(program)
    elif who == "mentor":
        person = mentor_in(hhs["cohort"])
    elif who == "mentee of another program":
        person = mentee_in(cohort_of("aahpm"))
    else:
        person = mentee_in(hhs["cohort"], state=EnrollmentState.WITHDRAWN if who == "withdrawn mentee" else EnrollmentState.APPROVED)
    if who == "mentee of an inactive program":
        Program.objects.filter(pk=program.pk).update(is_active=False)

    with CaptureQueriesContext(connection) as queries:
        if expected == 404:
            with pytest.raises(Http404):
                directory_access(user=person, slug="hhs")
            return
        found = directory_access(user=person, slug="hhs")

    own = person.enrollments.get(cohort=hhs["cohort"]).pk if expected else None
    assert (found.pk, found.mentee_enrollment_id) == (program.pk, own)
    assert len(queries) == (2 if who == "coordinator" else 1)  # + the coordinator's programs


def test_the_mentee_does_not_see_themselves(client, hhs):
    person = hhs["mentors"]["ada"]
    mentee_in(hhs["cohort"], person)  # HHS: mentor and mentee at once
    client.force_login(person)

    assert "Ada Lovelace" not in names(client.get(reverse("directory:list", args=["hhs"])))


def test_free_places_on_each_card(client, hhs):
    pair(hhs["cohort"], hhs["mentors"]["grace"], mentee_in(hhs["cohort"]))
    client.force_login(hhs["mentee"])

    body = client.get(reverse("directory:list", args=["hhs"])).content.decode()

    assert body.count("5 of 5 places free") == 2  # Ada and Katherine
    assert body.count("4 of 5 places free") == 1  # Grace
    assert body.count("0 of 5 places free") == 1  # Alan


# ---------------------------------------------------------------------------
# Pagination
# ---------------------------------------------------------------------------


def _page_links(body: str) -> dict[str, str]:
    links = re.findall(r'<a class="page-link" href="([^"]+)">(Previous|Next)</a>', body)
    return {label: html.unescape(href) for href, label in links}


def test_pages_keep_the_filters_in_bookmarkable_links(client):
    cohort = cohort_of("aahpm")
    skill = SkillFactory(name="Grief counselling")
    mentee = mentee_in(cohort)
    for n in range(45):
        mentor = mentor_in(cohort, UserFactory(first_name="Mentor", last_name=f"M{n:02d}"))
        if n % 3 != 2:  # 30 of the 45 offer the skill
            profile(mentor).skills_offered.add(skill)
    client.force_login(mentee)
    url = reverse("directory:list", args=["aahpm"])
    query = {"q": "mentor", "skill": [skill.pk], "free": "on"}

    first = client.get(url, query)

    assert first.context["page"].paginator.count == 30
    assert len(names(first)) == 20
    links = _page_links(first.content.decode())
    assert set(links) == {"Next"}
    next_query = parse_qs(urlsplit(links["Next"]).query)
    assert next_query == {"q": ["mentor"], "skill": [str(skill.pk)], "free": ["on"], "page": ["2"]}

    # The link, opened as is (a bookmark), gives page 2 of the same search.
    second = client.get(f"{url}{links['Next']}")
    assert second.context["page"].number == 2
    assert len(names(second)) == 10
    assert not set(names(first)) & set(names(second))
    back = parse_qs(urlsplit(_page_links(second.content.decode())["Previous"]).query)
    assert back == {"q": ["mentor"], "skill": [str(skill.pk)], "free": ["on"], "page": ["1"]}
    assert "Page 2 of 2" in second.content.decode()


def test_a_page_past_the_end_shows_the_last_page(client):
    cohort = cohort_of("aahpm")
    for _ in range(3):
        mentor_in(cohort)
    client.force_login(mentee_in(cohort))

    response = client.get(reverse("directory:list", args=["aahpm"]), {"page": "99"})

    assert response.status_code == HTTPStatus.OK
    assert len(names(response)) == 3


# ---------------------------------------------------------------------------
# A mentor's page
# ---------------------------------------------------------------------------


@pytest.fixture
def aahpm():
    return cohort_of("aahpm")


def test_mentor_page_shows_the_free_places_and_the_expectations(client, aahpm):
    mentor = mentor_in(aahpm)
    pair(aahpm, mentor, mentee_in(aahpm))
    client.force_login(mentee_in(aahpm))

    body = client.get(reverse("directory:mentor", args=["aahpm", mentor.pk])).content.decode()

    assert "1 of 2 places free" in body
    assert "AAHPM mentors take at most 2 mentees at a time." in body
    assert "A discovery call to start, where you agree the duration, and a wrap-up call to finish." in body
    assert "48 hours' notice to reschedule." in body
    assert "You keep a Mentoring Worksheet." in body
    assert reverse("directory:invite", args=["aahpm", mentor.pk]) in body
    assert "Send invitation" in body


@pytest.mark.parametrize("slug", ["hpmsnj", "ky-connections", "wtap"])
def test_no_invite_button_where_pairs_are_formed_for_you(client, slug):
    cohort = cohort_of(slug)
    mentor = mentor_in(cohort)
    client.force_login(mentee_in(cohort))
    program = cohort.program

    detail = client.get(reverse("directory:mentor", args=[slug, mentor.pk])).content.decode()
    directory = client.get(reverse("directory:list", args=[slug])).content.decode()

    assert f"How pairs form in {escape(program.short_name)}" in detail
    assert escape(program.pairing_description) in detail
    assert "Send invitation" not in detail
    assert reverse("directory:invite", args=[slug, mentor.pk]) not in detail
    assert escape(program.pairing_description) in directory
    # Posting anyway is refused by the service; the page still says how pairs form.
    response = client.post(
        reverse("directory:invite", args=[slug, mentor.pk]), {"message": "Please be my mentor, I need help."}
    )
    assert escape(program.pairing_description) in response.content.decode()
    assert not mentor.invitations_received.exists()


def test_full_mentor_page_says_why_and_refuses_the_invitation_with_the_message(client, aahpm):
    mentor = mentor_in(aahpm, UserFactory(first_name="Lee", last_name="Park"))
    fill(aahpm, mentor, 2)
    mentee = mentee_in(aahpm)
    client.force_login(mentee)
    url = reverse("directory:mentor", args=["aahpm", mentor.pk])
    full = services.MENTOR_AT_CAPACITY.format(mentor=mentor, count=2, people="people", program="AAHPM")

    page = client.get(url).content.decode()
    assert "0 of 2 places free" in page
    assert full in page
    assert "Send invitation" not in page

    response = client.post(reverse("directory:invite", args=["aahpm", mentor.pk]), {"message": "Hello, please."})
    assert response.status_code == HTTPStatus.OK
    assert full in response.content.decode()
    assert not mentee.invitations_sent.exists()


def test_inviting_through_the_page(client, aahpm):
    mentor, mentee = mentor_in(aahpm), mentee_in(aahpm)
    client.force_login(mentee)

    response = client.post(
        reverse("directory:invite", args=["aahpm", mentor.pk]),
        {"message": "Leading family meetings on goals of care.", "source": "suggestion"},
    )

    invitation = mentee.invitations_sent.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == invitation.get_absolute_url()
    assert invitation.source == "suggestion"
    page = client.get(reverse("directory:mentor", args=["aahpm", mentor.pk])).content.decode()
    assert "See the invitation" in page
    assert "Send invitation" not in page


def test_invitation_message_is_required_on_the_page(client, aahpm):
    mentor, mentee = mentor_in(aahpm), mentee_in(aahpm)
    client.force_login(mentee)

    response = client.post(reverse("directory:invite", args=["aahpm", mentor.pk]), {"message": ""})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["message"]
    assert not mentee.invitations_sent.exists()


def test_mentor_page_is_only_for_mentors_of_the_program(client, aahpm):
    client.force_login(mentee_in(aahpm))
    not_a_mentor = mentee_in(aahpm)
    elsewhere = mentor_in(cohort_of("hhs"))

    for person in (not_a_mentor, elsewhere):
        response = client.get(reverse("directory:mentor", args=["aahpm", person.pk]))
        assert response.status_code == HTTPStatus.NOT_FOUND


# ---------------------------------------------------------------------------
# Query budgets: the same number of queries for 5 or 60 rows
# ---------------------------------------------------------------------------


def _queries(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
    assert response.status_code == HTTPStatus.OK
    return len(captured)


def _mentors(cohort, count: int, skills) -> None:
    for n in range(count):
        mentor = mentor_in(cohort)
        place(mentor, ["Bethesda, MD", "Rockville, MD", "Atlanta, GA"][n % 3], org_unit="NIH", career_level=4)
        profile(mentor).skills_offered.set(skills[n % 3 : n % 3 + 4])
        if n % 4 == 0:
            pair(cohort, mentor, mentee_in(cohort))


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"free": "on", "unit": "NIH", "level": "senior_to_junior"},
        {"near": "Bethesda, MD", "within": 1000, "distance_unit": "mi", "q": "a"},
    ],
)
def test_directory_takes_the_same_queries_for_5_or_60_mentors(client, query, settings):
    settings.PAGE_CONTENT_CACHE_SECONDS = 0  # the budget of building the page; test_page_cache covers a cache hit
    skills = [SkillFactory(name=f"Skill {n}") for n in range(8)]
    small, large = cohort_of("hhs"), cohort_of("hhs")
    _mentors(small, 5, skills)
    _mentors(large, 60, skills)
    query = {**query, "skill": [skills[3].pk]} if query else query
    url = reverse("directory:list", args=["hhs"])

    counts, rows = [], []
    for cohort in (small, large):
        # The viewer only sees their own cohort's mentors once the other one closes.
        other = large if cohort is small else small
        type(other).objects.filter(pk=other.pk).update(is_closed=True)
        type(cohort).objects.filter(pk=cohort.pk).update(is_closed=False)
        viewer = mentee_in(cohort)
        place(viewer, "Bethesda, MD", career_level=3)
        client.force_login(viewer)
        _queries(client, url, query)  # warm caches (sessions, content types)
        counts.append(_queries(client, url, query))
        rows.append(len(names(client.get(url, query))))

    assert rows[0] < rows[1] == 20  # a full page against a short one
    assert counts[0] == counts[1]


def test_mentor_page_queries_do_not_grow_with_skills_or_history(client):
    cohort = cohort_of("aahpm")
    few, many = mentor_in(cohort), mentor_in(cohort)
    profile(few).skills_offered.set([SkillFactory()])
    profile(many).skills_offered.set([SkillFactory() for _ in range(15)])
    for n in range(10):
        profile(many).job_history.create(title=f"Job {n}", start_year=2000 + n)
    client.force_login(mentee_in(cohort))

    counts = [_queries(client, reverse("directory:mentor", args=["aahpm", m.pk])) for m in (few, many, few)]

    assert counts[1] == counts[2]


def test_mentor_page_reads_the_profile_and_its_lists_once(client):
    cohort = cohort_of("aahpm")
    mentor = mentor_in(cohort)
    profile(mentor).skills_offered.set([SkillFactory(name="Goals of care")])
    profile(mentor).development_needs.set([SkillFactory(name="Public speaking")])
    profile(mentor).job_history.create(title="Palliative care physician", start_year=2010)
    client.force_login(mentee_in(cohort))

    with CaptureQueriesContext(connection) as captured:
        body = client.get(reverse("directory:mentor", args=["aahpm", mentor.pk])).content.decode()

    assert "Goals of care" in body and "Public speaking" in body and "Palliative care physician" in body
    for table in ("mentorship_profile_skills_offered", "mentorship_profile_development_needs", "mentorship_jobhistoryentry"):
        assert sum(table in q["sql"] for q in captured.captured_queries) == 1, table


def _participant_with(rows: int):
    """A mentor with `rows` mentees and `rows` invitations received, who also
    sent `rows` invitations as a mentee in another program."""
    as_mentor = CohortFactory(program=ProgramFactory(max_mentees_per_mentor=50))
    as_mentee = CohortFactory(program=ProgramFactory(max_mentees_per_mentor=50))
    person = mentor_in(as_mentor, mentee_in(as_mentee))
    for _ in range(rows):
        pair(as_mentor, person, mentee_in(as_mentor))
        invite(as_mentor, mentee_in(as_mentor), person)
        invite(as_mentee, person, mentor_in(as_mentee))
    return person


@pytest.mark.parametrize("name", ["dashboard", "invitations:list", "notifications:list"])
def test_participant_pages_take_the_same_queries_for_2_or_30_rows(client, name, settings):
    settings.PAGE_CONTENT_CACHE_SECONDS = 0  # building the page; test_page_cache covers a cache hit
    counts = []
    for rows in (2, 30):
        client.force_login(_participant_with(rows))
        _queries(client, reverse(name))
        counts.append(_queries(client, reverse(name)))

    assert counts[0] == counts[1]


def test_dashboard_shows_invitations_both_ways_mentorships_and_what_is_due(client, aahpm):
    person = mentor_in(aahpm)
    hhs = cohort_of("hhs")
    mentee_in(hhs, person)
    mentorship = pair(aahpm, person, mentee_in(aahpm, UserFactory(first_name="Pat", last_name="Quinn")))
    received = invite(aahpm, mentee_in(aahpm, UserFactory(first_name="Sam", last_name="Ray")), person)
    sent = invite(hhs, person, mentor_in(hhs, UserFactory(first_name="Dana", last_name="Cole")))
    services.invitation_decline(invitation=sent, by=sent.mentor, reason="Full this year.")
    client.force_login(person)

    body = client.get(reverse("dashboard")).content.decode()

    assert "Mentoring Pat Quinn" in body
    assert mentorship.get_absolute_url() in body
    assert "From Sam Ray" in body
    assert "To Dana Cole" in body
    assert "Declined" in body and "Pending" in body
    # AAHPM: the pair records the duration agreed at the discovery call; an invitation waits for an answer.
    assert "Record the duration you agree with Pat Quinn at the discovery call" in body
    assert "Answer Sam Ray&#x27;s invitation before" in body
    assert received.get_absolute_url() in body


def test_an_old_pending_invitation_stays_due_behind_many_newer_answered_ones(client, aahpm, time_machine):
    mentor = mentor_in(aahpm)
    time_machine.move_to(timezone.now() - datetime.timedelta(days=2))
    waiting = invite(aahpm, mentee_in(aahpm, UserFactory(first_name="Old", last_name="Request")), mentor)
    time_machine.move_to(timezone.now() + datetime.timedelta(days=1))
    for _ in range(50):
        services.invitation_decline(invitation=invite(aahpm, mentee_in(aahpm), mentor), by=mentor)
    client.force_login(mentor)

    body = client.get(reverse("dashboard")).content.decode()

    assert "Answer Old Request&#x27;s invitation before" in body
    assert waiting.get_absolute_url() in body


def test_unit_filter_lists_the_mentors_units_from_the_cache(client, hhs):
    client.force_login(hhs["mentee"])
    url = reverse("directory:list", args=["hhs"])
    first = client.get(url)
    assert [c[0] for c in first.context["form"].fields["unit"].widget.choices] == ["", "CDC", "FDA", "NIH"]

    with CaptureQueriesContext(connection) as again:
        client.get(url)
    assert not [q for q in again.captured_queries if "org_unit" in q["sql"] and "DISTINCT" in q["sql"]]


def test_a_mentors_new_unit_shows_in_the_unit_filter_at_once(client, hhs):
    """The kept unit list is keyed by the people's fingerprint (web.pages.PEOPLE_VALUES),
    not by a time: a unit saved on a profile is a choice on the very next page."""
    from mentorship.models import Profile

    client.force_login(hhs["mentee"])
    url = reverse("directory:list", args=["hhs"])
    client.get(url)
    katherine = Profile.objects.get(user=hhs["mentors"]["katherine"])
    katherine.org_unit = "ACF"
    katherine.save()

    choices = [c[0] for c in client.get(url).context["form"].fields["unit"].widget.choices]

    assert choices == ["", "ACF", "CDC", "NIH"]
