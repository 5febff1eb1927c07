"""How a response is decoded, and whether it is a web page at all."""

from __future__ import annotations

import re

from scrapy.http import TextResponse, XmlResponse
from w3lib.encoding import html_body_declared_encoding

# An XML document's first element, past its declaration, comments and doctype: rss, feed, urlset…
_XML_ROOT = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*|<\?[^>]*>\s*)*<(?!html\b)[a-zA-Z]"
    rb"|(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF|urlset|sitemapindex)\b)",
    re.DOTALL | re.IGNORECASE,
)
_XHTML = re.compile(rb"<html\b", re.IGNORECASE)


def redecoded(response: TextResponse) -> TextResponse:
    """The response decoded as it was written when its declared charset garbles it.

    Scrapy trusts the Content-Type header first, then the <meta> charset. A page
    whose bytes are UTF-8 under a GB or Big5 declaration (common on Chinese
    sites moved to UTF-8) reads as UTF-8: non-ASCII text in another encoding is
    next to never valid UTF-8. A server that says UTF-8 for a page written in
    GBK gives U+FFFD where every character should be: then the <meta> charset.
    """
    if not _is_utf8(response.encoding) and not response.body.isascii():
        try:
            response.body.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return response.replace(encoding="utf-8")
    if "\ufffd" not in response.text:
        return response
    declared = html_body_declared_encoding(response.body)
    if not declared or declared == response.encoding:
        return response
    try:
        response.body.decode(declared)
    except (UnicodeDecodeError, LookupError):
        return response
    return response.replace(encoding=declared)


def not_a_page(response: TextResponse) -> bool:
    """Whether a response is XML that is no web page: a feed (RSS, Atom), a sitemap, any XML but XHTML."""
    if isinstance(response, XmlResponse):
        return not _XHTML.search(response.body[:2048])
    return bool(_XML_ROOT.match(response.body[:2048]))


def _is_utf8(encoding: str) -> bool:
    return encoding.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")
