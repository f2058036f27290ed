"""The admin home's program cards: `{% program_dashboards as dashboards %}`.

A template tag rather than a custom AdminSite: the admin home stays Django's
(its app list and permissions), and the cards are one more block on it.
"""

from django import template

from programs.admin_scope import is_program_staff

from ..reports.dashboard import program_dashboards as build

register = template.Library()


@register.simple_tag(takes_context=True)
def program_dashboards(context):
    request = context.get("request")
    if request is None or not is_program_staff(request):
        return []
    return build(user=request.user)


@register.simple_tag
def dashboard_charts(dashboards):
    return [d.chart for d in dashboards]
