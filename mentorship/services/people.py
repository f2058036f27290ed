"""A person's profile: created with the account, edited by its owner."""

from django.db import transaction

from programs.errors import RuleViolation

from ..models import Profile, User
from ..selectors.geo import resolve_location

SUPERVISOR_UNKNOWN = "No one with that email address uses this site; leave it empty if your supervisor does not."
SUPERVISOR_SELF = "You cannot be your own supervisor."


def profile_ensure(*, user: User) -> Profile:
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def supervisor_resolve(*, user: User, email: str | None) -> User | None:
    if not email:
        return None
    if email.lower() == user.email.lower():
        raise RuleViolation(SUPERVISOR_SELF, code="supervisor", field="supervisor_email")
    supervisor = User.objects.filter(email__iexact=email).first()
    if supervisor is None:
        raise RuleViolation(SUPERVISOR_UNKNOWN, code="supervisor", field="supervisor_email")
    return supervisor


@transaction.atomic
def profile_update(
    *,
    profile: Profile,
    user_fields: dict,
    fields: dict,
    supervisor_email: str | None,
    skills_offered,
    development_needs,
    job_history_formset=None,
) -> Profile:
    """Save a person's own profile; the location is resolved to coordinates offline.

    The supervisor is named by email (KY: "Mentor shall not be the mentee's first
    or second-line supervisor" needs to know who it is): never oneself, and
    someone who uses the site, or nobody.
    """
    supervisor = supervisor_resolve(user=profile.user, email=supervisor_email)

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
