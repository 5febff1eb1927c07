# Only for Scrapyd: `scrapyd-deploy` builds the project's egg by running setup.py,
# and Scrapyd finds the settings through this entry point. Everything else is in pyproject.toml.
from setuptools import setup

setup(entry_points={"scrapy": ["settings = crawler.settings"]})
