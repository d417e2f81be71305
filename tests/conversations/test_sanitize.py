"""Customer HTML: a held-back image keeps only a URL our loader may fetch."""

import pytest

from helpmesh.conversations.sanitize import clean_html


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="javascript:alert(1)">',
        '<img data-src="javascript:alert(1)">',
        '<img src=" JaVaScript:alert(1)">',
        '<img src="java&#9;script:alert(1)">',
        '<img src="data:text/html;base64,PHNjcmlwdD4=">',
        '<img data-src="vbscript:msgbox(1)">',
    ],
)
def test_an_image_url_that_is_not_http_or_relative_is_dropped(markup):
    cleaned = clean_html(markup)
    assert "script" not in cleaned.lower() and "data:" not in cleaned
    assert cleaned == "<img>"


@pytest.mark.parametrize(
    "url", ["https://cdn.example.com/a.png", "http://example.com/b.gif", "/media/c.png", "d.png"]
)
def test_http_and_relative_image_urls_are_held_back_not_dropped(url):
    assert clean_html(f'<img src="{url}" alt="x">') == f'<img data-src="{url}" alt="x">'
