"""A person's profile: created with the account, edited by its owner."""

from django.db import transaction

from ..models import Profile, User
from ..selectors.geo import resolve_location


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
