"""A coordinator's plain text with "- " lines reads as paragraphs and lists, escaped."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from programs.templatetags.program_text import lines_as_html


def test_dash_lines_become_one_list_and_other_lines_paragraphs():
    text = "Intro line.\n- First\n-   Second\n\n* Third\nAfter.\n• Alone"
    assert lines_as_html(text) == (
        "<p>Intro line.</p><ul><li>First</li><li>Second</li><li>Third</li></ul><p>After.</p><ul><li>Alone</li></ul>"
    )


def test_nothing_the_coordinator_wrote_is_html():
    html = lines_as_html('<script>alert(1)</script>\n- <b onclick="x">bold</b> & more')
    assert "<script>" not in html and "<b " not in html
    assert html == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
        "<ul><li>&lt;b onclick=&quot;x&quot;&gt;bold&lt;/b&gt; &amp; more</li></ul>"
    )
    # Autoescape does not escape it twice.
    rendered = Template("{% load program_text %}{{ text|lines_as_html }}").render(Context({"text": "- a & b"}))
    assert rendered == "<ul><li>a &amp; b</li></ul>"


def test_empty_text_is_nothing():
    assert lines_as_html("") == "" and lines_as_html(None) == ""


@pytest.mark.django_db
def test_the_program_page_lists_the_guidelines(client):
    from mentorship.tests.factories import UserFactory

    client.force_login(UserFactory())
    page = client.get(reverse("programs:detail", kwargs={"slug": "aahpm"})).content.decode()
    assert "<li>Mentees may only have one mentor at a time.</li>" in page
    assert "- Mentors may not take on more than two mentees" not in page
