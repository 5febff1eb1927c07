"""The replay layout: which file a URL is saved under, and that no URL reads outside the folder."""

import pytest

from crawler.replay import DirectorySource, url_to_path


@pytest.mark.parametrize(
    "url, path",
    [
        ("http://www.xiangtianlong.com/", "www.xiangtianlong.com/index.html"),
        ("http://www.xiangtianlong.com", "www.xiangtianlong.com/index.html"),
        ("http://www.xiangtianlong.com/news/", "www.xiangtianlong.com/news/index.html"),
        ("http://www.xiangtianlong.com/html/2023/0628/4521_6.html", "www.xiangtianlong.com/html/2023/0628/4521_6.html"),
        ("http://www.xiangtianlong.com/plus/view.php?aid=4550&pageno=2", "www.xiangtianlong.com/plus/view.php@aid=4550&pageno=2"),
        ("http://www.xiangtianlong.com/list/?page=2", "www.xiangtianlong.com/list/index.html@page=2"),
        ("http://www.xiangtianlong.com/a?next=/b/c", "www.xiangtianlong.com/a@next=%2Fb%2Fc"),
        ("http://WWW.XiangTianLong.com:8080/a.html", "www.xiangtianlong.com+8080/a.html"),
        ("http://www.xiangtianlong.com/%E6%96%B0%E8%81%9E/1.html", "www.xiangtianlong.com/新聞/1.html"),
        ("http://h.test/../../etc/passwd", "h.test/etc/passwd"),
        ("http://h.test/a/%2e%2e/%2e%2e/%2e%2e/b", "h.test/b"),
        ("http://h.test/a\\..\\..\\b", "h.test/b"),
    ],
)
def test_url_to_path(url, path):
    assert str(url_to_path(url)) == path


def test_source_never_reads_outside_its_folder(tmp_path):
    (tmp_path / "secret.txt").write_text("no")
    site = tmp_path / "site"
    (site / "h.test").mkdir(parents=True)
    (site / "h.test" / "index.html").write_text("<html>yes</html>")
    source = DirectorySource(site)
    assert source.get("http://h.test/") == b"<html>yes</html>"
    assert source.get("http://h.test/../secret.txt") is None
    assert source.get("http://h.test/%2e%2e/%2e%2e/secret.txt") is None
    assert source.get("http://h.test/missing.html") is None
