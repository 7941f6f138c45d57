"""The pages people read keep a student's links only where they cannot carry a script into a
server's own page (autograder/nbgrader/pages.py; the whole pages in Chromium: test_hostile_pages.py)."""
from __future__ import annotations

import pytest

from autograder.nbgrader.pages import clean_html


@pytest.mark.parametrize("href", [
    # formgrader writes the path of /formgrader/manage_students/<id> into a script, unescaped
    'http://localhost:8888/formgrader/manage_students/x%22;alert(1);%22/',
    'http://localhost:8888/formgrader/manage_students/x%2522;alert(1);%2522/',
    "https://hub.example/user/instructor/formgrader/manage_students/x';alert(1);'",
    'https://hub.example/formgrader/manage_students/%3C/script%3E%3Cscript%3Ealert(1)%3C/script%3E',
    'https://hub.example/a%5C%22b',
])
def test_a_link_that_could_end_a_string_or_a_script_in_a_servers_page_is_not_a_link(href):
    page = clean_html(f'<a href="{href}">my notes</a>')
    assert "href" not in page and "my notes" in page


@pytest.mark.parametrize("href", ["https://pytorch.org/docs/stable/index.html?q=a%20b#x", "mailto:ta@example.org",
                                  "#exercise-2"])
def test_a_plain_link_stays_a_link(href):
    assert f'href="{href}"' in clean_html(f'<a href="{href}">docs</a>')
