"""People from an HR system: upserted by the system's id and the person's email,
and deprovisioned when they leave.

Upsert (`people_upsert`), a page of up to 500 people at a time, all or nothing:

- a person is found by the program's external id, else by email (the account
  may exist already, from another program or the site), else created as the
  CSV import creates one: no password (they set one through "forgot
  password"), email address not yet verified, an empty profile;
- for someone already in the program (linked before, or enrolled) the fields
  sent replace what is there: the HR system is the record of names and units;
  for an account found by email that is new to the program, the fields only
  fill what is blank, as the import does, since the person may have written
  their own profile for another program;
- an email address is never changed here: the admin does not let a coordinator
  change one either (it would hand over the account). A person whose id
  arrives with another address is refused with `email_mismatch`.

Deprovisioning (`person_deactivate`) ends the person's live pairs in the
program (mentorship_end, by the token's coordinator, so the partner is told)
and withdraws their live enrolments (enrollment_withdraw: a freed place moves
up the waitlist), as the admin does. The account is deactivated — they can no
longer sign in — unless they still take part in another program or are staff:
then another program's coordinator decides for their program.
"""

from __future__ import annotations

import dataclasses

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mentorship.models import CareerLevel, Mentorship, MentorshipState, Profile, User
from mentorship.selectors.geo import resolve_location
from mentorship.services import mentorship_end
from programs.models import LIVE_ENROLLMENT_STATES, Enrollment, Program
from programs.services import enrollment_withdraw

from .errors import ApiError
from .models import ExternalPerson

MAX_BATCH = 500
PROFILE_FIELDS = ("organisation", "org_unit", "location", "headline", "career_level", "leadership_position")
USER_FIELDS = ("first_name", "last_name")

BAD_EMAIL = "“{value}” is not an email address"
DUPLICATE_EXTERNAL_ID = "the same external_id as item {index}"
DUPLICATE_EMAIL = "the same email as item {index}"
EMAIL_MISMATCH = (
    "{external_id} is {email} here; an email address is changed by the person in their account or by a site "
    "administrator, never by a sync"
)
EXTERNAL_ID_MISMATCH = "{email} already has the external id {other} in {program}"
DEACTIVATED = "{email} was deactivated; a site administrator can reactivate the account"
BAD_CAREER_LEVEL = "career_level must be 1 to 5"
TOO_MANY = "Send at most {limit} people at a time (this request has {count})."
REFUSED = "Nothing was saved: {count} of the people sent cannot be saved as they are."
DEACTIVATE_REASON = "{name} left {program} (their organisation's records)."
ALREADY_DEACTIVATED = "{name} was deactivated in {program} on {date}."


@dataclasses.dataclass
class PersonInput:
    external_id: str
    email: str
    first_name: str | None = None
    last_name: str | None = None
    organisation: str | None = None
    org_unit: str | None = None
    location: str | None = None
    headline: str | None = None
    career_level: int | None = None
    leadership_position: bool | None = None


@dataclasses.dataclass
class UpsertResult:
    user: User
    external_id: str
    outcome: str  # "created", "updated", "unchanged"


def in_program_q(program: Program) -> Q:
    """People of the program: linked by its HR system or enrolled in one of its cohorts."""
    return Q(pk__in=ExternalPerson.objects.filter(program=program).values("user_id")) | Q(
        pk__in=Enrollment.objects.filter(cohort__program=program).values("user_id")
    )


def _values(item: PersonInput) -> dict:
    values = {name: getattr(item, name) for name in USER_FIELDS + PROFILE_FIELDS}
    return {name: (value.strip() if isinstance(value, str) else value) for name, value in values.items() if value is not None}


def _check(items: list[PersonInput]) -> list[dict]:
    problems = []
    first_id: dict[str, int] = {}
    first_email: dict[str, int] = {}
    for index, item in enumerate(items):
        mine = []
        try:
            validate_email(item.email)
        except ValidationError:
            mine.append(BAD_EMAIL.format(value=item.email))
        if item.career_level is not None and item.career_level not in CareerLevel.values:
            mine.append(BAD_CAREER_LEVEL)
        if item.external_id in first_id:
            mine.append(DUPLICATE_EXTERNAL_ID.format(index=first_id[item.external_id]))
        first_id.setdefault(item.external_id, index)
        if item.email.lower() in first_email:
            mine.append(DUPLICATE_EMAIL.format(index=first_email[item.email.lower()]))
        first_email.setdefault(item.email.lower(), index)
        if mine:
            problems.append({"index": index, "external_id": item.external_id, "code": "invalid", "message": "; ".join(mine)})
    return problems


@transaction.atomic
def people_upsert(*, program: Program, items: list[PersonInput], by: User | None = None) -> list[UpsertResult]:
    """Create or update every person sent, or none (ApiError 422 listing each refusal)."""
    if len(items) > MAX_BATCH:
        raise ApiError(TOO_MANY.format(limit=MAX_BATCH, count=len(items)), code="too_many", status=422)
    for item in items:
        item.external_id = item.external_id.strip()
        item.email = item.email.strip().lower()
    problems = _check(items)
    if problems:
        raise ApiError(REFUSED.format(count=len(problems)), code="invalid_people", status=422, errors=problems)

    now = timezone.now()
    links = {
        link.external_id: link
        for link in ExternalPerson.objects.filter(program=program, external_id__in=[i.external_id for i in items])
    }
    emails = [i.email for i in items]
    users = {
        u.email.lower(): u
        for u in User.objects.filter(Q(email__in=emails) | Q(pk__in=[link.user_id for link in links.values()]))
    }
    users_by_pk = {u.pk: u for u in users.values()}
    linked_elsewhere = dict(
        ExternalPerson.objects.filter(program=program, user_id__in=[u.pk for u in users.values()]).values_list(
            "user_id", "external_id"
        )
    )
    enrolled = set(
        Enrollment.objects.filter(cohort__program=program, user_id__in=[u.pk for u in users.values()]).values_list(
            "user_id", flat=True
        )
    )

    refused, plan = [], []
    for index, item in enumerate(items):
        link = links.get(item.external_id)
        if link is not None:
            user = users_by_pk[link.user_id]
            if user.email.lower() != item.email:
                refused.append((index, item, "email_mismatch", EMAIL_MISMATCH.format(external_id=item.external_id, email=user.email)))
                continue
        else:
            user = users.get(item.email)
            if user is not None and user.pk in linked_elsewhere:
                refused.append(
                    (
                        index,
                        item,
                        "external_id_mismatch",
                        EXTERNAL_ID_MISMATCH.format(email=item.email, other=linked_elsewhere[user.pk], program=program.short_name),
                    )
                )
                continue
        if user is not None and not user.is_active:
            refused.append((index, item, "deactivated", DEACTIVATED.format(email=user.email)))
            continue
        in_scope = link is not None or (user is not None and user.pk in enrolled)
        plan.append((item, link, user, in_scope))
    if refused:
        raise ApiError(
            REFUSED.format(count=len(refused)),
            code="invalid_people",
            status=422,
            errors=[{"index": i, "external_id": item.external_id, "code": code, "message": m} for i, item, code, m in refused],
        )

    # New accounts, as the import makes them.
    new_items = [item for item, link, user, _ in plan if user is None]
    created = User.objects.bulk_create(
        [
            User(
                email=item.email,
                first_name=(item.first_name or "").strip(),
                last_name=(item.last_name or "").strip(),
                password=make_password(None),
            )
            for item in new_items
        ]
    )
    if any(u.pk is None for u in created):  # a backend that returns no ids
        created = list(User.objects.filter(email__in=[i.email for i in new_items]))
    by_email = {u.email.lower(): u for u in created}
    EmailAddress.objects.bulk_create([EmailAddress(user=u, email=u.email, primary=True, verified=False) for u in created])
    locations: dict[str, tuple | None] = {}

    def located(value: str) -> tuple:
        if value not in locations:
            locations[value] = resolve_location(value)
        return locations[value] or (None, None)

    # A new person's profile is written filled in (one INSERT, no UPDATE after it).
    new_profiles = []
    for item in new_items:
        values = {name: value for name, value in _values(item).items() if name in PROFILE_FIELDS}
        profile = Profile(user=by_email[item.email], updated_at=now, **values)
        if values.get("location"):
            profile.latitude, profile.longitude = located(values["location"])
        new_profiles.append(profile)
    Profile.objects.bulk_create(new_profiles, batch_size=500)
    existing_ids = [user.pk for _, _, user, _ in plan if user is not None]
    profiles = {p.user_id: p for p in Profile.objects.filter(user_id__in=existing_ids)}
    missing = [uid for uid in existing_ids if uid not in profiles]
    for profile in Profile.objects.bulk_create([Profile(user_id=uid) for uid in missing]):
        profiles[profile.user_id] = profile

    results, users_changed, profiles_changed, links_new, links_touched = [], {}, {}, [], []
    user_fields, profile_fields = set(), set()
    for item, link, user, in_scope in plan:
        new = user is None
        user = by_email[item.email] if new else user
        values = {} if new else _values(item)  # a new person was written with them
        profile = None if new else profiles[user.pk]
        changed = False
        for name, value in values.items():
            target = user if name in USER_FIELDS else profile
            current = getattr(target, name)
            if current == value:
                continue
            if not in_scope and current not in ("", None, False):
                continue  # an account new to the program: fill blanks only
            if name == "leadership_position" and not in_scope and value is False:
                continue
            setattr(target, name, value)
            changed = True
            if target is user:
                users_changed[user.pk] = user
                user_fields.add(name)
            else:
                profiles_changed[profile.pk] = profile
                profile_fields.add(name)
                if name == "location":
                    profile.latitude, profile.longitude = located(value)
                    profile_fields |= {"latitude", "longitude"}
        if link is None:
            link = ExternalPerson(program=program, user=user, external_id=item.external_id, created_at=now, updated_at=now)
            links_new.append(link)
        elif changed:
            link.updated_at = now
            links_touched.append(link)
        outcome = "created" if new else ("updated" if changed or link in links_new else "unchanged")
        results.append(UpsertResult(user=user, external_id=item.external_id, outcome=outcome))

    new_pks = {u.pk for u in created}
    to_update = [u for u in users_changed.values() if u.pk not in new_pks]
    if to_update:
        User.objects.bulk_update(to_update, sorted(user_fields), batch_size=500)
    if profiles_changed:
        for profile in profiles_changed.values():
            profile.updated_at = now
        Profile.objects.bulk_update(list(profiles_changed.values()), sorted(profile_fields | {"updated_at"}), batch_size=500)
    ExternalPerson.objects.bulk_create(links_new, batch_size=500)
    if links_touched:
        ExternalPerson.objects.bulk_update(links_touched, ["updated_at"], batch_size=500)
    return results


@dataclasses.dataclass
class Deprovisioned:
    user: User
    mentorships_ended: list[Mentorship]
    enrollments_withdrawn: list[Enrollment]
    account_deactivated: bool
    still_in: list[str]  # other programs the person takes part in


@transaction.atomic
def person_deactivate(*, program: Program, user: User, by: User, reason: str = "") -> Deprovisioned:
    """SCIM-style deprovisioning in one program, through the admin's services."""
    name = user.display_name
    reason = reason.strip() or DEACTIVATE_REASON.format(name=name, program=program.short_name)
    ended = []
    active = Mentorship.objects.filter(program=program, state=MentorshipState.ACTIVE).filter(
        Q(mentor=user) | Q(mentee=user)
    )
    for mentorship in active.order_by("pk"):
        # The coordinator may end a pair at any time; the partner is told.
        ended.append(mentorship_end(mentorship=mentorship, by=by, reason=reason))
    withdrawn = []
    live = Enrollment.objects.filter(cohort__program=program, user=user, state__in=LIVE_ENROLLMENT_STATES)
    for enrollment in live.order_by("pk"):
        withdrawn.append(enrollment_withdraw(enrollment=enrollment, by=by, note=reason))
    now = timezone.now()
    ExternalPerson.objects.filter(program=program, user=user, deactivated_at__isnull=True).update(
        deactivated_at=now, updated_at=now
    )
    still_in = sorted(
        set(
            Enrollment.objects.filter(user=user, state__in=LIVE_ENROLLMENT_STATES)
            .exclude(cohort__program=program)
            .values_list("cohort__program__short_name", flat=True)
        )
        | set(
            Mentorship.objects.filter(Q(mentor=user) | Q(mentee=user), state=MentorshipState.ACTIVE)
            .exclude(program=program)
            .values_list("program__short_name", flat=True)
        )
    )
    deactivate = not still_in and not user.is_staff and not user.is_superuser
    if deactivate and user.is_active:
        User.objects.filter(pk=user.pk).update(is_active=False)
        # Refused from the next request on: the sign-in backends check is_active.
        user.is_active = False
    return Deprovisioned(
        user=user,
        mentorships_ended=ended,
        enrollments_withdrawn=withdrawn,
        account_deactivated=not user.is_active,
        still_in=still_in,
    )

