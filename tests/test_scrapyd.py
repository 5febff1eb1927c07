"""Deployment to a real Scrapyd on 127.0.0.1: build the egg, upload it, schedule hometown, read its feed."""

import json
import subprocess
import sys
import time

import pytest
import requests
from scrapyd_client.pyclient import ScrapydClient

from tests.conftest import ROOT, SITE_URL
from tests.expected import TEXTS
from tools.server import free_port


@pytest.fixture
def scrapyd_url(tmp_path):
    port = free_port()
    (tmp_path / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        "eggs_dir = eggs\nlogs_dir = logs\nitems_dir = items\ndbs_dir = dbs\npoll_interval = 0.5\n"
    )
    server = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{url}/daemonstatus.json", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=10)


def test_scheduled_on_scrapyd_writes_the_articles(tmp_path, scrapyd_url, site_server):
    egg = tmp_path / "hometown.egg"
    subprocess.run([sys.executable, "-m", "scrapyd_client.deploy", "--build-egg", str(egg)],
                   cwd=ROOT, check=True, capture_output=True)
    with egg.open("rb") as f:
        answer = requests.post(f"{scrapyd_url}/addversion.json", data={"project": "hometown", "version": "1"},
                               files={"egg": f}, timeout=30).json()
    assert answer["status"] == "ok" and answer["spiders"] == 1, answer

    client = ScrapydClient(scrapyd_url)
    job = client.schedule("hometown", "hometown", args=[
        ("start_url", f"{site_server}/"),
        ("setting", f"STATE_FILE={tmp_path / 'state.sqlite'}"),
        ("setting", "AUTOTHROTTLE_ENABLED=False"),
        ("setting", "DOWNLOAD_DELAY=0"),
    ])
    for _ in range(600):
        if client.status(job, "hometown")["currstate"] == "finished":
            break
        time.sleep(0.2)
    else:
        pytest.fail("the Scrapyd job did not finish in two minutes")

    log = (tmp_path / "logs" / "hometown" / "hometown" / f"{job}.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "Spider closed (finished)" in log, log[-3000:]
    with (tmp_path / "items" / "hometown" / "hometown" / f"{job}.jl").open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    assert len(records) == 6 and {r["status"] for r in records} == {"new"}
    texts = {r["url"]: r["text"] for r in records}
    for url, text in TEXTS.items():
        assert texts[url.replace(SITE_URL, site_server)] == text, url
