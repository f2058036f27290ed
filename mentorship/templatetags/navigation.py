"""The navigation bar's links: `{% navigation_links %}`.

They depend only on the person's roles and the section they are in, so each
of the few combinations is rendered once per process and reused: rendering
them (eleven URL reversals and an include) was a fifth of a cached page's
work. The parts that are the person's own, their address and the sign-out
form with its CSRF token, stay in base.html and render on every request.
Under DEBUG nothing is kept, so an edited template shows at once.
"""

import functools

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe

register = template.Library()


def active_section(match) -> str | None:
    """Which navigation link the page belongs to, if any."""
    if match is None:
        return None
    if match.view_name in ("dashboard", "people:profile"):
        return match.url_name
    if match.namespace in ("programs", "events"):
        return match.namespace
    return None


@register.simple_tag(takes_context=True)
def navigation_links(context):
    request = context["request"]
    roles = context["nav_roles"]
    key = (
        bool(roles["mentor"]),
        bool(roles["mentee"]),
        bool(roles["coordinator"]),
        active_section(request.resolver_match),
        get_script_prefix(),
    )
    if settings.DEBUG:
        return _render(*key)
    return _kept(*key)


def _render(mentor: bool, mentee: bool, coordinator: bool, active: str | None, prefix: str) -> str:
    # `prefix` is part of the key only: reverse() reads it from the request's thread.
    html = render_to_string(
        "_nav_links.html",
        {"nav_roles": {"mentor": mentor, "mentee": mentee}, "coordinator": coordinator, "active": active},
    )
    return mark_safe(html)


_kept = functools.lru_cache(maxsize=256)(_render)
