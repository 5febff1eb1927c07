"""The crawler's own signals, beside Scrapy's."""

#: Sent by the spider for every page it parsed, with ``url``, ``kind`` (article,
#: listing or other) and ``role`` (why it was fetched: item, article page,
#: listing page or link). The run summary counts and samples them.
page_classified = object()
