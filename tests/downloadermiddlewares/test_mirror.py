"""Mirror and WARC: crawl over HTTP saving raw pages and WARC, replay both offline, get the same articles."""

import hashlib
import json

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.storage.folder import FolderStorage
from crawler.storage.layout import MirrorIndex, url_to_path
from tests.conftest import crawl_with_stats
from tools.replica import HOST, generate, seed_lines
from tools.server import ReplicaServer

GBK_URL = "/gbk/4600.html"


def read_index(mirror):
    index = MirrorIndex(mirror)
    entries = {e["url"]: e for e in index.entries()}
    index.close()
    return entries


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def mirrored(tmp_path_factory):
    root = tmp_path_factory.mktemp("mirror")
    site = root / "site"
    generate(site, 8, 3)
    # A page in GBK whose charset is only in <meta>: the server sends plain text/html.
    annotated, clean = seed_lines()[4]
    gbk = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk" />'
           f"<title>GBK編碼的測試文章</title></head><body><h1>GBK編碼的測試文章</h1>"
           f'<div class="content"><p>{annotated}</p></div></body></html>').encode("gbk")
    (site / HOST / "gbk").mkdir()
    (site / HOST / "gbk" / "4600.html").write_bytes(gbk)
    listing = site / HOST / "index.html"
    listing.write_text(listing.read_text(encoding="utf-8").replace(
        "</ul>", f'<li><a href="{GBK_URL}">GBK編碼的一篇測試新聞文章</a></li></ul>', 1), encoding="utf-8")

    server = ReplicaServer(site)
    base = server.start()
    mirror, warc = root / "mirror", root / "crawl.warc.gz"
    start = ("-a", f"start_url={base}/", "-s", "STATE_FILE=")
    http = crawl_with_stats(root, *start, "-s", f"MIRROR_DIR={mirror}", "-s", f"WARC_FILE={warc}",
                            "-s", "MIRROR_REQUISITES=True", out_name="http.jsonl")
    server.stop()
    from_dir = crawl_with_stats(root, *start, "-a", f"replay={mirror}", out_name="dir.jsonl")
    from_warc = crawl_with_stats(root, *start, "-a", f"replay={warc}", out_name="warc.jsonl")
    yield {"root": root, "site": site, "base": base, "mirror": mirror, "warc": warc, "clean": clean,
           "http": http, "dir": from_dir, "warc_run": from_warc}


def comparable(records):
    return sorted(json.dumps({k: v for k, v in r.items() if k != "crawled_at"}, sort_keys=True) for r in records)


def test_the_crawl_the_mirror_and_the_warc_give_the_same_articles(mirrored):
    http = mirrored["http"].records
    assert len(http) == 9 and all(r["complete"] for r in http)
    assert comparable(mirrored["dir"].records) == comparable(http)
    assert comparable(mirrored["warc_run"].records) == comparable(http)
    gbk = next(r for r in http if r["url"].endswith(GBK_URL))
    assert gbk["text"] == mirrored["clean"]


def test_saved_bodies_are_the_bytes_the_server_sent(mirrored):
    site, mirror = mirrored["site"], mirrored["mirror"]
    index = read_index(mirror)
    saved = {url: entry for url, entry in index.items() if entry["file"]}
    assert len(saved) > 8 * 3
    for url, entry in saved.items():
        served = (site / url_to_path(f"http://{HOST}{url[len(mirrored['base']):]}")).read_bytes()
        on_disk = (mirror / entry["file"]).read_bytes()
        assert sha256(on_disk) == sha256(served) == entry["sha256"], url
    gbk = saved[mirrored["base"] + GBK_URL]
    assert gbk["content_type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        (mirror / gbk["file"]).read_bytes().decode("utf-8")  # still GBK: nothing was re-encoded


def test_requisites_are_mirrored(mirrored):
    index = read_index(mirrored["mirror"])
    base = mirrored["base"]
    assert index[f"{base}/templets/style/style.css"]["file"]
    assert index[f"{base}/uploads/allimg/10000.jpg"]["content_type"] == "image/jpeg"


def test_the_warc_has_one_response_record_per_fetched_url(mirrored):
    index = read_index(mirrored["mirror"])
    with mirrored["warc"].open("rb") as f:
        uris = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(f) if r.rec_type == "response"]
    assert sorted(uris) == sorted(index)
    with mirrored["warc"].open("rb") as f:
        versions = {r.rec_headers.protocol for r in ArchiveIterator(f)}
    assert versions == {"WARC/1.1"}


def test_re_mirroring_rewrites_only_what_changed(mirrored, tmp_path):
    site, mirror = mirrored["site"], mirrored["mirror"]
    changed = site / HOST / "html" / "2023" / "0101" / "10000_2.html"
    changed.write_bytes(changed.read_bytes().replace("正".encode(), "政".encode(), 1))
    server = ReplicaServer(site, port=int(mirrored["base"].rsplit(":", 1)[1]))
    server.start()
    kept = mirror / url_to_path(f"{mirrored['base']}/html/2023/0202/10001.html")
    before = kept.stat().st_mtime_ns
    again = crawl_with_stats(tmp_path, "-a", f"start_url={mirrored['base']}/", "-s", "STATE_FILE=",
                             "-s", f"MIRROR_DIR={mirror}")
    server.stop()
    assert again.stats["mirror/changed"] == 1
    assert again.stats["mirror/unchanged"] == again.stats["downloader/response_status_count/200"] - 1
    assert "mirror/new" not in again.stats
    assert again.stats["mirror/failed"] == 2  # robots.txt and /sitemap.xml, which the replica has not: 404
    assert kept.stat().st_mtime_ns == before
    saved = mirror / url_to_path(f"{mirrored['base']}/html/2023/0101/10000_2.html")
    assert saved.read_bytes() == changed.read_bytes()
    assert "1 changed" in again.log


@pytest.mark.parametrize("url", [
    "http://h.test/../../../outside.html",
    "http://h.test/%2e%2e/%2e%2e/outside.html",
    "http://h.test/a\\..\\..\\..\\outside.html",
    "http://h.test//etc/passwd",
    "http://h.test/%2F..%2F..%2Foutside.html",
    "http://h.test/CON",
    "http://h.test/" + "x" * 400,
])
def test_no_url_makes_the_mirror_write_outside_its_folder(tmp_path, url):
    mirror = tmp_path / "mirror"
    storage = FolderStorage(mirror, create=True)
    outcome, file, _ = storage.save(url, b"<html>page</html>")
    storage.close()
    assert outcome == "new" and (mirror / file).read_bytes() == b"<html>page</html>"
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(p.is_relative_to(mirror) for p in written)
    pages = [p for p in written if not p.name.startswith("mirror-index")]
    assert len(pages) == 1 and pages[0].is_relative_to(mirror / "h.test")


def test_a_killed_mirror_crawl_leaves_an_index_that_matches_its_files(tmp_path):
    import signal

    from tests.conftest import RunningCrawl, rows

    site = tmp_path / "site"
    generate(site, 10, 5)
    server = ReplicaServer(site, delay=0.1)  # slow, so that the kill comes mid-crawl
    base = server.start()
    mirror = tmp_path / "mirror"
    try:
        crawl = RunningCrawl("-a", f"start_url={base}/", "-s", "STATE_FILE=", "-s", f"MIRROR_DIR={mirror}",
                             "-s", "CONCURRENT_REQUESTS=2", "-O", str(tmp_path / "out.jsonl"))
        crawl.wait_until(lambda: rows(mirror / "mirror-index.sqlite", "pages") >= 10, "10 pages in the index")
        crawl.process.send_signal(signal.SIGKILL)  # no chance to close anything
        crawl.finish(timeout=10)
    finally:
        server.stop()
    index = read_index(mirror)
    files = {p.relative_to(mirror).as_posix() for p in (mirror / url_to_path(base).parts[0]).rglob("*") if p.is_file()}
    assert 0 < len(files) < 10 * 5
    indexed = {e["file"]: e for e in index.values() if e["file"]}
    # The page being written at the very instant of the kill may have no entry yet.
    assert set(indexed) <= files and len(files - set(indexed)) <= 1
    for file, entry in indexed.items():
        assert sha256((mirror / file).read_bytes()) == entry["sha256"]
