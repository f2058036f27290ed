"""The mentoring agreement with the WTAP form's terms: drafted from the
program's rules, frozen once anyone signs, signed by both with typed names and
times, read-only afterwards, printable, and a due step where required."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from mentorship import selectors, services
from mentorship.models import Agreement, MeetingFrequency, MentorshipState, Notification
from mentorship.services.agreements import TERM_FIELDS
from mentorship.tests.factories import UserFactory

from .builders import at, coordinator_of, pair_in, refused

pytestmark = pytest.mark.django_db

D = datetime.date
NOW = at(2026, 4, 6, 10)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def people():
    return {
        "mentor": UserFactory(first_name="Morgan", last_name="Lee"),
        "mentee": UserFactory(first_name="Riley", last_name="Okafor"),
    }


@pytest.fixture
def wtap():
    return pair_in("wtap", D(2026, 3, 1), planned_end_on=D(2029, 3, 1), **people())


def terms(**overrides):
    values = {
        "duration_and_evaluation": "Three years, evaluated after six months.",
        "meeting_frequency": MeetingFrequency.MONTHLY,
        "min_meeting_minutes": 30,
        "max_meeting_minutes": 90,
        "contact_between_meetings": "Email; in-depth issues face to face.",
        "mentor_role": "Advise on time management.",
        "mentee_role": "Arrive on time and set goals.",
        "feedback": "Constructive feedback each meeting.",
        "no_fault_termination": "Either of us may end it without blame.",
    }
    values.update(overrides)
    return values


def test_the_first_draft_comes_from_the_programs_rules(wtap):
    draft = selectors.agreements.agreement_defaults(mentorship=wtap)

    assert set(draft) == set(TERM_FIELDS)
    assert draft["duration_and_evaluation"].startswith(
        "The mentoring relationship will last for 3 years, until 1 Mar 2029. After an initial period of 6 months"
    )
    assert "no-fault termination" in draft["no_fault_termination"]


def test_aahpm_drafts_the_duration_agreed_at_the_discovery_call():
    mentorship = pair_in("aahpm", D(2026, 3, 1))
    draft = selectors.agreements.agreement_defaults(mentorship=mentorship)
    assert draft["duration_and_evaluation"] == (
        "The mentoring relationship will last for the duration we agree during our discovery call."
    )
    mentorship.agreed_duration_months, mentorship.planned_end_on = 6, D(2026, 9, 1)
    draft = selectors.agreements.agreement_defaults(mentorship=mentorship)
    assert draft["duration_and_evaluation"] == "The mentoring relationship will last for 6 months, until 1 Sep 2026."


def test_hhs_drafts_its_three_month_rule_into_termination():
    mentorship = pair_in("hhs", D(2026, 3, 1))
    draft = selectors.agreements.agreement_defaults(mentorship=mentorship)
    assert draft["no_fault_termination"] == (
        "If the relationship is not working, either of us may end it after 3 months, once the OPDIV coordinator "
        "has given us guidance."
    )


def test_both_sign_with_typed_names_and_then_it_is_read_only(wtap):
    agreement = services.agreements.agreement_save(mentorship=wtap, by=wtap.mentee, terms=terms())

    agreement = services.agreements.agreement_sign(mentorship=agreement.mentorship, by=wtap.mentee, typed_name="  riley   OKAFOR ")
    assert (agreement.mentee_signed_name, agreement.mentee_signed_at) == ("riley OKAFOR", NOW)
    assert not agreement.is_signed_by_both
    assert Notification.objects.filter(user=wtap.mentor, subject="Riley Okafor signed your mentoring agreement").exists()

    agreement = services.agreements.agreement_sign(mentorship=agreement.mentorship, by=wtap.mentor, typed_name="Morgan Lee")
    assert agreement.is_signed_by_both
    assert Notification.objects.filter(subject="Your mentoring agreement is signed").count() == 2

    with refused(services.agreements.READ_ONLY):
        services.agreements.agreement_save(mentorship=wtap, by=wtap.mentor, terms=terms(feedback="Changed"))
    with refused(services.agreements.READ_ONLY):
        services.agreements.agreement_signature_withdraw(mentorship=agreement.mentorship, by=wtap.mentor)
    with refused(services.agreements.ALREADY_SIGNED.format(date="6 Apr 2026")):
        services.agreements.agreement_sign(mentorship=agreement.mentorship, by=wtap.mentor, typed_name="Morgan Lee")


def test_once_anyone_signed_the_terms_are_frozen_until_they_withdraw(wtap):
    agreement = services.agreements.agreement_save(mentorship=wtap, by=wtap.mentor, terms=terms())
    services.agreements.agreement_sign(mentorship=agreement.mentorship, by=wtap.mentee, typed_name="Riley Okafor")

    with refused(
        services.agreements.LOCKED_SIGNED.format(
            who="Riley Okafor",
            date="6 Apr 2026",
            hint=services.agreements.LOCKED_HINT_PARTNER.format(name="Riley Okafor"),
        )
    ):
        services.agreements.agreement_save(mentorship=wtap, by=wtap.mentor, terms=terms(max_meeting_minutes=120))
    with refused(services.agreements.LOCKED_SIGNED.format(who="You", date="6 Apr 2026", hint=services.agreements.LOCKED_HINT_SELF)):
        services.agreements.agreement_save(mentorship=wtap, by=wtap.mentee, terms=terms(max_meeting_minutes=120))
    with refused(services.agreements.NOT_SIGNED):
        services.agreements.agreement_signature_withdraw(mentorship=agreement.mentorship, by=wtap.mentor)

    services.agreements.agreement_signature_withdraw(mentorship=agreement.mentorship, by=wtap.mentee)
    agreement = services.agreements.agreement_save(mentorship=wtap, by=wtap.mentor, terms=terms(max_meeting_minutes=120))
    assert (agreement.max_meeting_minutes, agreement.mentee_signed_at, agreement.mentee_signed_name) == (120, None, "")


def test_a_signature_must_be_the_signers_own_name_and_confirmed(wtap):
    agreement = services.agreements.agreement_save(mentorship=wtap, by=wtap.mentor, terms=terms())
    with refused(services.agreements.NAME_MISMATCH.format(name="Morgan Lee")):
        services.agreements.agreement_sign(mentorship=agreement.mentorship, by=wtap.mentor, typed_name="Riley Okafor")
    with refused(services.agreements.MUST_CONFIRM):
        services.agreements.agreement_sign(mentorship=agreement.mentorship, by=wtap.mentor, typed_name="Morgan Lee", confirmed=False)


def test_terms_are_complete_and_lengths_consistent(wtap):
    with refused(services.agreements.LENGTHS):
        services.agreements.agreement_save(mentorship=wtap, by=wtap.mentor, terms=terms(min_meeting_minutes=60, max_meeting_minutes=30))
    with refused(services.agreements.TERM_REQUIRED.format(field="feedback")):
        services.agreements.agreement_save(mentorship=wtap, by=wtap.mentor, terms=terms(feedback="  "))


def test_only_the_pair_writes_and_signs_and_only_while_active(wtap):
    outsider = coordinator_of(wtap.program)
    with refused(services.agreements.ONLY_THE_PAIR):
        services.agreements.agreement_save(mentorship=wtap, by=outsider, terms=terms())
    agreement = services.agreements.agreement_save(mentorship=wtap, by=wtap.mentor, terms=terms())
    with refused(services.agreements.ONLY_THE_PAIR):
        services.agreements.agreement_sign(mentorship=agreement.mentorship, by=outsider, typed_name=outsider.get_full_name())
    wtap.state, wtap.ended_on = MentorshipState.ENDED_EARLY, D(2026, 4, 1)
    wtap.save()
    with refused(services.agreements.MENTORSHIP_ENDED):
        services.agreements.agreement_sign(mentorship=agreement.mentorship, by=wtap.mentor, typed_name="Morgan Lee")


def test_the_pair_drafts_and_signs_through_the_pages(client, wtap):
    url = reverse("agreements:detail", kwargs={"pk": wtap.pk})
    client.force_login(wtap.mentor)
    page = client.get(url).content.decode()
    assert "WTAP requires a mentoring agreement signed by both of you." in page
    assert "The mentoring relationship will last for 3 years" in page  # the draft, prefilled

    response = client.post(reverse("agreements:edit", kwargs={"pk": wtap.pk}), terms())
    assert response.status_code == 302
    response = client.post(
        reverse("agreements:sign", kwargs={"pk": wtap.pk}), {"typed_name": "Morgan Lee", "confirm": "on"}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Withdraw my signature" in page
    assert 'name="duration_and_evaluation"' not in page  # frozen

    client.force_login(wtap.mentee)
    response = client.post(
        reverse("agreements:sign", kwargs={"pk": wtap.pk}), {"typed_name": "Someone Else", "confirm": "on"}
    )
    assert response.status_code == 200
    assert "Type your full name as it appears on your profile (Riley Okafor) to sign." in response.content.decode()
    client.post(reverse("agreements:sign", kwargs={"pk": wtap.pk}), {"typed_name": "Riley Okafor", "confirm": "on"})
    assert Agreement.objects.get().is_signed_by_both
    page = client.get(url).content.decode()
    assert "Signed by both" in page and "read-only" in page
    assert 'action="/mentorships/%d/agreement/sign/"' % wtap.pk not in page


@pytest.mark.parametrize("low, high", [(60, 30), (0, 30), (30, 2000)])
def test_the_edit_page_shows_the_services_length_rule_and_keeps_what_was_typed(client, wtap, low, high):
    client.force_login(wtap.mentor)
    response = client.post(
        reverse("agreements:edit", kwargs={"pk": wtap.pk}),
        terms(min_meeting_minutes=low, max_meeting_minutes=high, feedback="Kept as typed"),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert services.agreements.LENGTHS in page
    assert "Kept as typed" in page
    assert not Agreement.objects.exists()


def test_the_printable_view_has_every_term_and_both_signatures(client, wtap):
    agreement = services.agreements.agreement_save(mentorship=wtap, by=wtap.mentor, terms=terms())
    services.agreements.agreement_sign(mentorship=agreement.mentorship, by=wtap.mentor, typed_name="Morgan Lee")
    client.force_login(wtap.mentee)

    page = client.get(reverse("agreements:print", kwargs={"pk": wtap.pk})).content.decode()
    assert "Draft — not yet signed by both." in page
    for value in terms().values():
        if isinstance(value, str) and value != "monthly":
            assert value in page
    assert "We will meet <strong>monthly</strong>" in page
    assert "a minimum of <strong>30 minutes</strong> but not longer than <strong>90 minutes</strong>" in page
    assert "Morgan Lee</div><div class=\"small\">Signed 6 Apr 2026, 10:00" in page
    assert "@media print" in page


@pytest.mark.parametrize("slug, due", [("hhs", True), ("wtap", True), ("aahpm", False), ("ky-connections", False)])
def test_the_agreement_is_a_due_step_until_both_signed_where_required(client, slug, due):
    mentorship = pair_in(slug, D(2026, 4, 1), **people())
    client.force_login(mentorship.mentee)
    step = f"{mentorship.program.short_name}: draft and sign the mentoring agreement"

    assert (step in client.get(reverse("dashboard")).content.decode()) is due
    if not due:
        return
    agreement = services.agreements.agreement_save(mentorship=mentorship, by=mentorship.mentor, terms=terms())
    services.agreements.agreement_sign(mentorship=agreement.mentorship, by=mentorship.mentor, typed_name="Morgan Lee")
    page = client.get(reverse("dashboard")).content.decode()
    assert f"{mentorship.program.short_name}: sign the mentoring agreement" in page
    services.agreements.agreement_sign(mentorship=agreement.mentorship, by=mentorship.mentee, typed_name="Riley Okafor")
    assert "mentoring agreement" not in client.get(reverse("dashboard")).content.decode()


def test_coordinators_see_who_signed_never_the_terms(client, wtap):
    agreement = services.agreements.agreement_save(mentorship=wtap, by=wtap.mentor, terms=terms(mentee_role="SECRET-ROLE"))
    services.agreements.agreement_sign(mentorship=agreement.mentorship, by=wtap.mentor, typed_name="Morgan Lee")
    client.force_login(coordinator_of(wtap.program))

    listing = client.get(reverse("admin:mentorship_agreement_changelist")).content.decode()
    assert "6 Apr 2026" in listing
    change = client.get(reverse("admin:mentorship_agreement_change", args=[agreement.pk]))
    assert change.status_code == 200
    assert "SECRET-ROLE" not in change.content.decode()
    detail = client.get(wtap.get_absolute_url()).content.decode()
    assert "Mentor signed 6 Apr 2026; mentee has not signed." in detail
    assert "SECRET-ROLE" not in detail
    assert client.get(reverse("agreements:detail", kwargs={"pk": wtap.pk})).status_code == 404


def test_a_refusal_about_the_agreements_state_comes_back_as_a_message(client, wtap):
    agreement = services.agreements.agreement_save(mentorship=wtap, by=wtap.mentor, terms=terms())
    services.agreements.agreement_sign(mentorship=agreement.mentorship, by=wtap.mentee, typed_name="Riley Okafor")
    client.force_login(wtap.mentor)

    response = client.post(reverse("agreements:edit", kwargs={"pk": wtap.pk}), terms(feedback="Sneaky"), follow=True)

    assert "Riley Okafor signed these terms on 6 Apr 2026, so they can no longer be edited." in response.content.decode()
    assert Agreement.objects.get().feedback == terms()["feedback"]


def test_signing_without_ticking_the_box_says_why_and_keeps_the_typed_name(client, wtap):
    """The form leaves the box to the service, so the person reads its words
    ("Tick the box…"), not a generic "This field is required"."""
    services.agreements.agreement_save(mentorship=wtap, by=wtap.mentee, terms=terms())
    client.force_login(wtap.mentor)

    response = client.post(reverse("agreements:sign", kwargs={"pk": wtap.pk}), {"typed_name": "Morgan Lee"})

    page = response.content.decode()
    assert response.status_code == 200
    assert services.agreements.MUST_CONFIRM in page
    assert "This field is required" not in page
    assert 'value="Morgan Lee"' in page
    assert not Agreement.objects.get().mentor_signed_at


@pytest.mark.parametrize("action", ["sign", "withdraw"])
def test_signing_or_withdrawing_before_anyone_wrote_terms_says_so(client, wtap, action):
    client.force_login(wtap.mentor)

    response = client.post(
        reverse(f"agreements:{action}", kwargs={"pk": wtap.pk}), {"typed_name": "Morgan Lee", "confirm": "on"}, follow=True
    )

    assert services.agreements.NO_AGREEMENT in response.content.decode()
    assert not Agreement.objects.exists()
