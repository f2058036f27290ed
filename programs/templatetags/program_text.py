"""A coordinator's plain text on the site, as people read it: `{% load program_text %}`."""

import re

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# "- item", "* item" or "• item" at the start of a line.
BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")


@register.filter
def lines_as_html(text: str) -> SafeString:
    """Plain text as paragraphs and lists: each run of lines starting with "- "
    (or "* ", "• ") becomes one bulleted list, every other line a paragraph.
    Everything the coordinator wrote is escaped; only our <p>, <ul> and <li> are HTML."""
    blocks: list[tuple[str, list[str]]] = []  # ("ul", items) or ("p", [line])
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        bullet = BULLET.match(line)
        if bullet:
            if blocks and blocks[-1][0] == "ul":
                blocks[-1][1].append(bullet.group(1).strip())
            else:
                blocks.append(("ul", [bullet.group(1).strip()]))
        else:
            blocks.append(("p", [line.strip()]))
    parts = []
    for kind, lines in blocks:
        if kind == "ul":
            parts.append("<ul>" + format_html_join("", "<li>{}</li>", ((item,) for item in lines)) + "</ul>")
        else:
            parts.append(f"<p>{escape(lines[0])}</p>")
    return mark_safe("".join(parts))  # every piece above is escaped
