"""Shared test fixtures: the seed page (the one real page of the site we hold) and its cleaned text."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
FIXTURE_SITE = ROOT / "fixtures" / "site"


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The visible text of one real page of the site, as saved (with readings)."""
    return (DATA / "seed-page.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_clean() -> str:
    """The seed page cleaned by hand: 305 readings, the page bar, source line and disclaimer gone."""
    return (DATA / "seed-page.clean.txt").read_text(encoding="utf-8").rstrip("\n")
