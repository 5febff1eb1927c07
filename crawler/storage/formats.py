"""Where pages are kept: one class per storage format, each able to store and retrieve, chosen in one place.

As Scrapy's HTTP cache storages do (``scrapy/extensions/httpcache.py``), each
storage has the same small interface: ``store`` a response as the crawl
receives it, ``retrieve`` it by URL for a replay, and ``close``.

- ``FolderStorage``: the body of each page byte for byte in the layout of
  ``crawler.storage.layout``, with ``mirror-index.sqlite`` (status, content type,
  redirect, hash). Storing the same bytes again leaves the file untouched.
- ``WarcStorage``: every request and response as WARC 1.1 records (warcio),
  headers and body as received; opened once per crawl.

``open_storage(path)`` picks the class for a path, and ``describe_storage(path)``
checks that it holds a saved site and says where its crawl started.
"""

from __future__ import annotations

from pathlib import Path

from crawler.storage.base import PageStorage, SavedSite, StorageError
from crawler.storage.folder import FolderStorage
from crawler.storage.warc import WarcStorage


def open_storage(path: str | Path) -> PageStorage:
    """The storage a saved site is in: a folder of pages or a WARC file (``.warc``, ``.warc.gz``)."""
    path = Path(path)
    if path.is_dir():
        return FolderStorage(path)
    if path.is_file():
        return WarcStorage(path)
    raise StorageError("no such folder or file (a folder of saved pages or a WARC file is expected)")


def describe_storage(path: str | Path) -> SavedSite:
    """What the saved site at ``path`` holds; StorageError, in one line, when it is none."""
    storage = open_storage(path)
    try:
        return storage.describe()
    finally:
        storage.close()
