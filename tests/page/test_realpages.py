"""Every label of the development set of real pages, and of our own list pages, against how a crawl reads them.

The labels (``tests/realpages/labels.json``, ``tests/realpages/own/labels.json``)
were written by hand from reading each page. Real pages are read from
``../shared/realpages-dev`` beside the checkout (never copied here): without
it, only our own list pages are checked. ``python -m tools.realpages`` prints
the same as figures. A page that is not yet read as labelled is listed in
MISSES with what goes wrong, as a strict expected failure: mending it, or
breaking another, fails this test until the list says so.
"""

import functools

import pytest

from crawler.page.kind import ARTICLE
from tools.realpages import DEFAULT_PAGES, body_miss, labelled_pages, links_missed, title_miss
from tools.realpages import read as read_page

PAGES = labelled_pages()
read = functools.cache(read_page)

# (page, what is checked) -> how it is not read as labelled yet: the kind it is read as, or where the body
# starts or ends against the labelled first and last sentence. Run python -m tools.realpages -v for the text.
MISSES: dict[tuple[str, str], str] = {
    ('pages/theorychina.org.cn/magichtml-theorychina-issue-toc.html', 'kind'):
        'read as article',
    ('pages/kepuchina.cn/magichtml-kepuchina-piyao.html', 'title'):
        'title …',
    ('pages/arabic.cnn.com/goose3-cnn-arabic.html', 'body'):
        '301 characters after the last: …',
    ('pages/elpais.com/goose3-elpais.html', 'body'):
        '1454 characters after the last: …',
    ('pages/franceculture.fr/trafilatura-franceculture-idees.html', 'body'):
        '838 characters after the last: …',
    ('pages/nikkei.com/np4k-nikkei.html', 'title'):
        'title …',
    ('pages/scmp.com/trafilatura-scmp-playbook.html', 'body'):
        'body …… where the label has none',
    ('pages/vox.com/ogs-vox.html', 'title'):
        'title …',
    ('pages/youm7.com/magichtml-youm7-labour.html', 'body'):
        '39 characters before the first sentence: …',
    ('pages/zeit.de/trafilatura-zeit-zugverkehr.html', 'title'):
        'title …',
}


def _cases(check: str, wanted) -> list:
    cases = []
    for page in PAGES:
        if not wanted(page.label):
            continue
        why = MISSES.get((page.name, check))
        marks = [pytest.mark.xfail(reason=why, strict=True)] if why else []
        cases.append(pytest.param(page, id=page.name, marks=marks))
    return cases


def test_the_development_set_is_there_or_said_to_be_missing():
    if not DEFAULT_PAGES.is_dir():
        pytest.skip(f"no development set of real pages at {DEFAULT_PAGES}: only our own list pages are checked")
    assert sum(1 for page in PAGES if not page.name.startswith("own/")) == 128


@pytest.mark.parametrize("page", _cases("kind", lambda label: True))
def test_kind(page):
    assert read(page).kind == page.label["kind"]


@pytest.mark.parametrize("page", _cases("body", lambda label: label["kind"] == ARTICLE))
def test_body_runs_from_the_first_sentence_to_the_last(page):
    parsed = read(page)
    assert parsed.kind == ARTICLE
    assert body_miss(parsed, page.label) is None


@pytest.mark.parametrize("page", _cases("title", lambda label: label["kind"] == ARTICLE))
def test_title_is_the_headline(page):
    assert title_miss(read(page), page.label) is None


@pytest.mark.parametrize("page", _cases("links", lambda label: bool(label.get("articles"))))
def test_every_article_link_of_the_main_lists_is_found(page):
    assert links_missed(read(page), page.label) == []
