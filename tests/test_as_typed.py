"""What the docs tell a user to type, run as typed, day after day, on a fresh copy of the project.

The commands crawl the site's real address (www.xiangtianlong.com). The test
points the standard ``http_proxy`` variable at a replica server on 127.0.0.1,
which answers for that host only: the commands are run unchanged, and no
request leaves this machine. Only the install path of the cron and systemd
lines (``/srv/hometown-crawler``) is the test's copy of the project.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.servers import CountingServer
from tools.replica import generate
from tools.server import ReplicaServer

INSTALL = "/srv/hometown-crawler"
ARTICLES, MORE, PAGES = 12, 4, 2


def documented(page: str, pattern: str) -> str:
    """The one line of a docs page that matches ``pattern`` (a regular expression), without its indent."""
    lines = [line.strip() for line in (ROOT / "docs" / page).read_text(encoding="utf-8").splitlines()
             if re.match(pattern, line.strip())]
    assert len(lines) == 1, f"{page}: {len(lines)} lines match {pattern!r}"
    return lines[0]


def cron_command(project: Path) -> str:
    """The documented cron line's command (after its five time fields), installed in ``project``."""
    return documented("scheduled-runs.md", r"15 3 \* \* \* ").split(" ", 5)[5].replace(INSTALL, str(project))


def readme_command(starts: str) -> str:
    """The README's command line that starts with ``starts``, without its comment."""
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith(starts):
            return line.split("  #")[0].strip()
    raise AssertionError(f"README.md has no command starting {starts!r}")


@pytest.fixture()
def project(tmp_path):
    """A fresh copy of the project (its tracked files), with the virtual environment the tests run in as .venv."""
    copy = tmp_path / "hometown-crawler"
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    (copy / ".venv").symlink_to(sys.prefix)
    return copy


@pytest.fixture()
def live_site(tmp_path):
    """The site's real address, answered by a replica on 127.0.0.1 through http_proxy; yields (root, environment)."""
    root = tmp_path / "site"
    generate(root, ARTICLES, PAGES, per_listing=5, newest_first=True)
    server = ReplicaServer(root)
    server.start()
    env = {**os.environ, "http_proxy": server.url, "no_proxy": "", "PATH": f"{Path(sys.prefix) / 'bin'}:{os.environ['PATH']}"}
    env.pop("NO_PROXY", None)
    yield root, env
    server.stop()


def run(command: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["sh", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
                          check=False)


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def all_records(project: Path) -> list[dict]:
    """Every record of every run's feed, in the order of the runs."""
    return [r for feed in sorted((project / "output").glob("hometown-*.jsonl")) for r in records(feed)]


def test_the_cron_and_systemd_lines_and_the_live_line_run_as_typed_day_after_day(project, live_site, tmp_path):
    root, env = live_site
    cron = cron_command(project)
    service = documented("scheduled-runs.md", r"ExecStart=").removeprefix("ExecStart=").replace(INSTALL, str(project))
    live = readme_command("scrapy crawl hometown ")
    assert live == "scrapy crawl hometown"
    log = project / "output" / "cron.log"

    def day(command: str, cwd: Path) -> None:
        before = log.read_text(encoding="utf-8") if log.exists() else ""
        done = run(command, cwd, env)
        assert done.returncode == 0, done.stderr[-3000:]
        assert done.stdout == "", done.stdout[-3000:]  # cron mails any output: a good run has none
        if command is cron:
            this_run = log.read_text(encoding="utf-8")[len(before):]
            assert "Spider closed (finished)" in this_run
            assert " WARNING: " not in this_run, this_run[-3000:]  # a quiet day is quiet

    day(cron, tmp_path)  # cron's shell starts elsewhere; the line goes to the project itself, output/ not made yet
    generate(root, ARTICLES + MORE, PAGES, per_listing=5, newest_first=True)  # new articles at the top
    day(cron, tmp_path)
    day(cron, tmp_path)  # nothing new
    day(service, project)  # the systemd unit's ExecStart, in its WorkingDirectory
    day(live, project)
    day(live, project)

    feeds = sorted((project / "output").glob("hometown-*.jsonl"))
    written = [record for feed in feeds for record in records(feed)]
    expected = {json.loads(line)["path"] for line in (root / "expected.jsonl").read_text().splitlines()}
    assert sorted(r["url"].removeprefix("http://www.xiangtianlong.com") for r in written) == sorted(expected)
    assert {r["status"] for r in written} == {"new"} and all(r["complete"] for r in written)


def test_a_mirror_made_after_scheduled_runs_replays_to_what_a_plain_crawl_writes(project, live_site):
    _, env = live_site
    cron = cron_command(project)
    assert run(cron, project, env).returncode == 0  # the folder holds the state of a scheduled run
    mirror = readme_command("scrapy crawl hometown -s MIRROR_DIR=")
    replay = readme_command("scrapy crawl hometown -a replay=")
    for command in (mirror, replay):
        done = run(command, project, env)
        assert done.returncode == 0, done.stderr[-3000:]
    plain = run("scrapy crawl hometown -s STATE_FILE= -O plain.jsonl", project, env)
    assert plain.returncode == 0, plain.stderr[-3000:]
    replayed = {r["url"]: (r["title"], r["text"], r["page_count"]) for r in records(project / "replay.jsonl")}
    crawled = {r["url"]: (r["title"], r["text"], r["page_count"]) for r in records(project / "plain.jsonl")}
    assert len(crawled) == ARTICLES and replayed == crawled


def test_a_year_of_the_cron_line_writes_every_article_new_once_every_edit_and_completion_once(project, tmp_path):
    """30 daily runs of the cron line as documented, the site changing between them: articles published at the top,
    an edit, a page failing and coming back, one run killed halfway, whose work the next run does.

    Simulated days: a test-only settings module (through SCRAPY_SETTINGS_MODULE, the command unchanged) re-checks
    every known article on each run (RECHECK_AFTER=0) and drops the politeness delays; the replica answers slowly
    enough for a run to be killed halfway."""
    from crawler.storage.layout import url_to_path
    from tools.replica import HOST, Article

    def first_page(number: int) -> Path:
        return root / url_to_path(f"http://{HOST}{Article(number, PAGES).url(1)}")

    root = tmp_path / "site"
    published = 8
    generate(root, published, PAGES, per_listing=5, newest_first=True)
    server = CountingServer(root, delay=0.02)
    server.start()
    (project / "yearsettings.py").write_text(
        "from crawler.settings import *  # noqa: F403\n"
        "RECHECK_AFTER = 0\nAUTOTHROTTLE_ENABLED = False\nDOWNLOAD_DELAY = 0\nRETRY_BACKOFF_BASE = 0\n")
    env = {**os.environ, "http_proxy": server.url, "no_proxy": "", "SCRAPY_SETTINGS_MODULE": "yearsettings",
           "PYTHONPATH": str(project)}
    cron = cron_command(project)
    missing = root / url_to_path(f"http://{HOST}{Article(2, PAGES).url(2)}")
    aside = tmp_path / "aside.html"
    try:
        for day in range(1, 31):
            if day == 1:
                missing.rename(aside)  # page 2 of article 2 fails until day 4
            if day == 4:
                aside.rename(missing)
            if day in (6, 12, 20, 27):
                published += 2  # two new articles at the top of the listings
                generate(root, published, PAGES, per_listing=5, newest_first=True)
            html = first_page(3).read_text(encoding="utf-8")
            if day >= 9 and "更正：" not in html:  # an edit to a known article's first page on day 9, kept since
                first_page(3).write_text(html.replace("<p>&nbsp;&nbsp;&nbsp;&nbsp;", "<p>更正：", 1), encoding="utf-8")
            if day == 20:  # killed halfway, the day two articles were published: the next day's run does its work
                asked = server.requests
                server.delay = 0.5  # slow enough to be caught halfway
                killed = subprocess.Popen(["sh", "-c", cron], cwd=tmp_path, env=env, start_new_session=True)
                deadline = time.monotonic() + 60
                while server.requests < asked + 6:  # robots.txt, the listings, the first new articles' pages
                    assert time.monotonic() < deadline and killed.poll() is None, "the run ended before the kill"
                    time.sleep(0.02)
                os.killpg(killed.pid, signal.SIGKILL)
                killed.wait()
                server.delay = 0.02
                continue
            done = run(cron, tmp_path, env)
            assert done.returncode == 0 and done.stdout == "", (day, done.stdout[-3000:])
    finally:
        server.stop()

    # The day after the kill, the run summary says the killed crawl's queue was lost and the run started anew.
    assert "JOBDIR: the last crawl in it was killed before it could save its queue" in (
        project / "output" / "cron.log").read_text(encoding="utf-8")
    seen = {}
    for record in all_records(project):
        seen.setdefault(record["url"].removeprefix(f"http://{HOST}"), []).append(record["status"])
    expected = {json.loads(line)["path"] for line in (root / "expected.jsonl").read_text().splitlines()}
    assert set(seen) == expected and len(expected) == published
    edited, completed = Article(3, PAGES).url(1), Article(2, PAGES).url(1)
    assert seen.pop(edited) == ["new", "changed"]
    assert seen.pop(completed) == ["new", "completed"]
    assert {url: statuses for url, statuses in seen.items() if statuses != ["new"]} == {}
