"""The README is a front page, and the docs behind it name only what exists."""

import importlib
import re

from tests.conftest import ROOT

DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [ROOT / "README.md", *DOCS]
README_LINES = 300


def test_the_readme_is_a_front_page_with_the_two_quick_start_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count("\n") <= README_LINES
    assert "pip install -e . && scrapy crawl hometown -a replay=fixtures/site -O articles.jsonl" in readme
    assert "pip install -e '.[test]' && pytest" in readme


def test_every_setting_of_the_project_is_in_the_settings_reference():
    names = re.findall(r"^([A-Z][A-Z0-9_]+)\s*=", (ROOT / "crawler" / "settings.py").read_text(), re.MULTILINE)
    reference = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert len(names) > 40
    assert [name for name in names if f"`{name}`" not in reference] == []


def test_every_file_module_and_page_the_docs_name_exists():
    missing = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for path in re.findall(r"(?<![\w-])((?:crawler|tools|tests|fixtures)/[\w./-]*\w)", text):
            if not (ROOT / path).exists():
                missing.append(f"{page.name}: {path}")
        for dotted in set(re.findall(r"(?<![\w-])(crawler(?:\.\w+)+)", text)):
            if not _importable(dotted):
                missing.append(f"{page.name}: {dotted}")
        for link in re.findall(r"\]\(([\w./-]+\.md)(?:#[\w-]+)?\)", text):
            if not (page.parent / link).is_file():
                missing.append(f"{page.name}: link {link}")
    assert missing == []


def _importable(dotted: str) -> bool:
    """Whether a dotted name is a module, or an attribute of one."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            thing = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(thing, name):
                return False
            thing = getattr(thing, name)
        return True
    return False
