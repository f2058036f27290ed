"""What a mentee sees of matching on mentorship's pages: `{% load matching %}`.

The directory (mentorship) shows matching's suggestions and the coordinator's
shortlists through these tags, so mentorship's code never imports matching:
the page names what it shows, matching decides what that is.
"""

from django import template

from ..selectors import shortlists_for_mentee, suggestions_for_mentee

register = template.Library()

SUGGESTIONS_SHOWN = 3


@register.inclusion_tag("matching/_shortlists.html")
def mentor_shortlists(program, mentee):
    """Third-party matching: the lists of potential mentors the coordinator sent this mentee."""
    return {"program": program, "shortlists": shortlists_for_mentee(program=program, mentee=mentee)}


@register.inclusion_tag("matching/_suggestions.html")
def mentor_suggestions(program, mentee):
    """“Suggested for you”: the engine's best mentors with free places, with reasons,
    where mentees choose (self-selection) or the program matches automatically."""
    shown = program.allows_self_selection or program.allows_auto_matching
    suggestions = suggestions_for_mentee(program=program, mentee=mentee, limit=SUGGESTIONS_SHOWN) if shown else []
    return {"program": program, "suggestions": suggestions}
