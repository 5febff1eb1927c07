"""``python -m crawler.explain URL_OR_SAVED_FILE``: why a page reads as it does, as ``scrapy explain``."""

import sys

from crawler.commands.explain import main

if __name__ == "__main__":
    sys.exit(main())
