"""What belongs to the site: its hosts, and when two URLs name the same page."""

from __future__ import annotations

import functools
from urllib.parse import urljoin, urlsplit

from w3lib.url import canonicalize_url as _canonicalize_url

# The same page-bar URLs come back on every page of an article.
canonicalize_url = functools.lru_cache(maxsize=4096)(_canonicalize_url)


@functools.lru_cache(maxsize=1024)
def _origin(base: str) -> str:
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}"


def absolute_url(base: str, href: str) -> str | None:
    """``href`` made absolute against ``base``, without its fragment; None when it is no URL at all."""
    href = href.strip()
    if href.startswith("/") and not href.startswith("//") and "/." not in href and "\\" not in href:
        return _origin(base) + href.split("#")[0]  # the common case, as urljoin gives it, without its cost
    try:
        return urljoin(base, href).split("#")[0]
    except ValueError:  # "http://[" and the like
        return None


def site_domain(host: str) -> str:
    """The domain a host belongs to as a site: ``www.example.com`` and ``example.com`` are one."""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") and host.count(".") >= 2 else host


def same_page(a: str, b: str) -> bool:
    """Whether two URLs name the same page, scheme and a leading ``www.`` aside (http/https, bare/www)."""
    if a == b:
        return True
    pa, pb = urlsplit(canonicalize_url(a)), urlsplit(canonicalize_url(b))
    return (
        site_domain(pa.hostname or "") == site_domain(pb.hostname or "")
        and pa.port == pb.port
        and (pa.path or "/") == (pb.path or "/")
        and pa.query == pb.query
    )


def on_site(url: str, domains: list[str]) -> bool:
    """Whether ``url`` is on one of ``domains`` or a subdomain of one (Scrapy's allowed_domains rule)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in domains)
