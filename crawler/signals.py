"""The crawler's own signals, beside Scrapy's."""

#: Sent by the spider for a page that is other, or that a listing gave as an
#: article but is not one, with ``url``, ``kind`` (article, listing or other)
#: and ``role`` (why it was fetched: item, article page, listing page or link).
#: The run summary shows the first few (the counts are in the stats).
page_classified = object()

#: Sent by the cleaning pipeline for a page whose text looks drifted from the
#: site's known forms, with ``url``, ``suspects`` (snippets kept that look like
#: readings) and ``missing`` (boilerplate it lacks: "source line", "disclaimer").
text_drift = object()

#: Sent by the spider for a page of much prose that does not read as an article
#: (``crawler.page.kind.suspect``), with ``url``, ``kind`` and ``prose_chars``: an
#: article that may be lost. The run summary names the first few.
page_suspect = object()

#: Sent by the spider when a callback's (or errback's) output is all out, with
#: ``request`` and ``items`` (how many items it held). A shared crawl
#: acknowledges the request's lease once those items are through the pipelines.
callback_done = object()

#: Sent by the spider when its start URL lands on another host (a redirect),
#: with ``domain``: that host is the site too. A shared crawl tells every worker.
site_landed = object()

#: Sent by a shared crawl's scheduler when this worker, given no start URL,
#: joins a job, with ``start_url``: the job's. The spider crawls that site and
#: leaves the start request to the worker that seeded the job.
job_joined = object()
