"""The crawler's own signals, beside Scrapy's."""

#: Sent by the spider for every page it parsed, with ``url``, ``kind`` (article,
#: listing or other) and ``role`` (why it was fetched: item, article page,
#: listing page or link). The run summary counts and samples them.
page_classified = object()

#: Sent by the cleaning pipeline for a page whose text looks drifted from the
#: site's known forms, with ``url``, ``suspects`` (snippets kept that look like
#: readings) and ``missing`` (boilerplate it lacks: "source line", "disclaimer").
text_drift = object()
