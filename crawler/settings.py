"""Settings of the hometown crawler. Every one can be overridden with ``-s NAME=VALUE``.

The README's settings table lists them with these defaults.
"""

BOT_NAME = "hometown"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
# `scrapy crawl` with its arguments checked first and an exit status cron can trust.
COMMANDS_MODULE = "crawler.commands"
# With REDIS_URL, the crawl is shared by several processes (crawler.distributed): off without it.
ADDONS = {"crawler.distributed.addon.SharedCrawl": 0}

# --- Where content is on a page --------------------------------------------
# CSS selectors tried in order for the article body: the first match that holds
# the page's main prose; when none does, the block holding the most prose is
# taken (works on unseen markup).
CONTENT_SELECTORS = [
    "div.content", "#content", "div.article-content", "div.article_content",
    "#article", "div.artbody", "div.text", "article",
]
# Title: the first of these selectors with text wins ("title" gives its own
# part, before the category and the site's name). Empty: the headline (the
# heading of any level that repeats the <title>), else the <title>'s own part.
TITLE_SELECTORS = []
# The byline with date and author; when none matches, the short dated or
# signed block between the headline and the body.
INFO_SELECTORS = ["div.info", ".article-info", ".pubtime", ".meta"]
# Links from listing pages to articles: this selector if set, else the items of
# the page's lists (links with the same shape, or with a date, an intro or a
# picture of their own), navigation left out.
ARTICLE_LINK_SELECTOR = ""
# Regular expressions that settle a page's kind by its URL when the signals
# read from the page get it wrong (python -m crawler.explain shows them).
ARTICLE_URL_PATTERN = ""
LISTING_URL_PATTERN = ""

# --- What the pipelines do ---------------------------------------------------
# "traditional" keeps the script as published; "simplified" converts title and
# text with OpenCC's t2s table after cleaning.
CHINESE_SCRIPT = "traditional"
# Where pages wait for the rest of their article (a class with the PageStore
# interface). Unset: in memory, or on disk inside JOBDIR when JOBDIR is set, so
# that a stopped crawl resumed with the same JOBDIR loses no waiting page.
MERGE_STORE = None

ITEM_PIPELINES = {
    "crawler.pipelines.clean.CleanPipeline": 300,
    "crawler.pipelines.requisites.RequisitesPipeline": 350,
    "crawler.pipelines.merge.MergePagesPipeline": 500,
    "crawler.pipelines.same_text.SameTextPipeline": 550,
    "crawler.pipelines.script.ConvertScriptPipeline": 600,
    "crawler.pipelines.incremental.IncrementalPipeline": 700,
    "crawler.pipelines.merge.StillTakenPipeline": 900,  # last: an article still this process's to write
}

# Outputs of one response (a page item and the links to follow, about a dozen)
# handled at once. The pipelines are synchronous, so more gains nothing, and
# Scrapy starts this many tasks for every response: 100, its default, costs
# more CPU than parsing the page.
CONCURRENT_ITEMS = 16
# Scrapy's check that a callback returns no value re-reads the callback's
# source and parses it whenever its cache (weakly keyed by the bound method of
# a request) loses it: about 0.1 ms a page, and the spider's callbacks return none.
WARN_ON_GENERATOR_RETURN_VALUE = False

# --- Offline replay ----------------------------------------------------------
# A folder of saved pages in the DIR/<host>/<path> layout; `-a replay=DIR`
# sets it. When set, no request goes to the network.
REPLAY_SOURCE = None
DOWNLOADER_MIDDLEWARES = {
    # First: once the crawl is stopped (without JOBDIR), no request goes on.
    "crawler.downloadermiddlewares.drain.DrainMiddleware": 40,
    # Before everything that could send a request out (robots.txt, retries, cache).
    "crawler.downloadermiddlewares.replay.ReplayMiddleware": 50,
    # After robots.txt (100), which it reads for Crawl-delay: the host's turn, the last wait before the slot.
    "crawler.downloadermiddlewares.pacing.HostPacing": 110,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.downloadermiddlewares.retry.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.downloadermiddlewares.redirect.SiteRedirectMiddleware": 600,
    # After decompression (590) and retries (550): each page once, as meant. The
    # incremental check sits there too: it hashes the page as the server meant it.
    "crawler.downloadermiddlewares.conditional.IncrementalMiddleware": 545,
    "crawler.downloadermiddlewares.mirror.MirrorMiddleware": 540,
    # Next to the downloader: every response as received, retries and redirects too.
    "crawler.downloadermiddlewares.mirror.WarcMiddleware": 950,
}

# --- Mirroring ---------------------------------------------------------------
# Save every response's body, byte for byte, under this folder in the replay
# layout, with mirror-index.sqlite (URL -> file, status, content type, time, SHA-256).
MIRROR_DIR = None
# Read the sitemaps robots.txt names (or /sitemap.xml): the articles the
# listings no longer show are reached too.
SITEMAPS = True
# Read the RSS and Atom feeds the start page links.
SITE_FEEDS = True
# Follow every link on the site, not only article links and page bars. On in
# mirror mode (a mirror is the whole site) unless given with -s.
FOLLOW_ALL_LINKS = False
# Also fetch the images and stylesheets pages use (Scrapy's FilesPipeline).
MIRROR_REQUISITES = False
# Also write every request and response to this WARC 1.1 file (.warc.gz: gzipped).
WARC_FILE = None

# --- Output ----------------------------------------------------------------
# Without -o/-O (FEEDS empty), every run writes a new timestamped JSON Lines
# file here, so a scheduled run never overwrites the last one. Scrapy merges
# FEEDS with -O, so the default cannot live in FEEDS itself.
DEFAULT_FEED = "output/%(name)s-%(time)s.jsonl"
FEED_EXPORT_ENCODING = "utf-8"
# Local files written unbuffered: a record exported is on disk even if the process is killed next.
FEED_STORAGES = {"": "crawler.extensions.feeds.UnbufferedFileFeedStorage", "file": "crawler.extensions.feeds.UnbufferedFileFeedStorage"}

# With JOBDIR: Scrapy's LIFO disk queue, safe to reopen after a process killed outright (crawler/queues.py).
SCHEDULER_DISK_QUEUE = "crawler.queues.KillSafePickleLifoDiskQueue"

# --- Several machines (crawler/distributed/job.py) ------------------------------------------
# redis://HOST:PORT/DB: one crawl shared by every process given the same URL and
# CRAWL_JOB (frontier, duplicate filter, merge buffer in Redis). None: one process.
REDIS_URL = None
# The job's name, the prefix of its Redis keys. None: the spider's name.
CRAWL_JOB = None
# Seconds after which a request taken by a worker that stopped renewing it
# (killed, its machine gone) goes back to the frontier; renewed every third of it.
REDIS_LEASE_TIMEOUT = 60

# --- Scheduled runs ------------------------------------------------------------
# Incremental state: an SQLite file remembering every article emitted (%(name)s
# is the spider's name). A run then emits only new, changed and newly complete
# articles. Empty: off. Off by default under -a replay. With REDIS_URL the state
# is in Redis, under the job's name (CRAWL_JOB:state:*), whatever the path.
STATE_FILE = "output/%(name)s-state.sqlite"
# Where the state's rows are kept; a shared crawl (REDIS_URL) sets it to Redis.
STATE_ROWS = "crawler.state.rows.SqliteRows"
# How a scheduled re-run goes (-a recheck=): "due" walks listings newest first
# and stops after LISTING_STOP_AFTER pages of known articles, and re-checks a
# known article (through its first page: a conditional request, or its hash)
# when its listing shows a change or its last check is older than RECHECK_AFTER;
# "first" walks every listing page and re-checks every known article's first
# page; "all" fetches every page. Incomplete articles are always fetched again.
RECHECK = "due"
# Seconds after which a known complete article is re-checked, listed or not.
RECHECK_AFTER = 86400
# Listing pages in a row holding only known articles after which a listing's walk stops.
LISTING_STOP_AFTER = 1
# Also write the articles found unchanged, with status "unchanged" (-a full=1).
WRITE_UNCHANGED = False
EXTENSIONS = {
    "crawler.extensions.summary.RunSummary": 500,
    # A finished crawl's JOBDIR is cleared for the next run; a stopped one is resumed.
    "crawler.extensions.jobdir.ReusableJobDir": 0,
    # What earlier runs saw (STATE_FILE, kept by STATE_ROWS), for the components of an incremental crawl.
    "crawler.state.rows.ArticleState": 0,
    # Scrapy's CLOSESPIDER_* limits, which without JOBDIR drain the crawl rather than drop it.
    "scrapy.extensions.closespider.CloseSpider": None,
    # The spider keeps no spider.state: nothing to save in JOBDIR, and no file a kill can leave half written.
    "scrapy.extensions.spiderstate.SpiderState": None,
    "crawler.extensions.closespider.DrainingCloseSpider": 0,
}
# The progress line (Scrapy's and the article counts) every this many seconds.
LOGSTATS_INTERVAL = 60.0

# --- Politeness and robustness -------------------------------------------------
# Name the crawler and give a contact page (replace the placeholder URL with yours).
USER_AGENT = "hometown-crawler/0.1 (+https://example.org/hometown-crawler)"
ROBOTSTXT_OBEY = True
# AutoThrottle adapts the delay to the server's latency, aiming at this many
# requests in flight at once; never less than DOWNLOAD_DELAY, never more than
# AUTOTHROTTLE_MAX_DELAY seconds apart.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
DOWNLOAD_DELAY = 0.25
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy retries 5xx, 408, 429 and timeouts; each retry waits RETRY_BACKOFF_BASE
# × 2^(n-1) seconds (or the server's Retry-After), at most RETRY_BACKOFF_MAX.
RETRY_TIMES = 3
RETRY_BACKOFF_BASE = 2.0
RETRY_BACKOFF_MAX = 60.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
# Bounds that end any crawl: an article is cut after this many pages (a
# 下一頁 without end is a trap), and no link is followed deeper than
# DEPTH_LIMIT links from the start URL (a listing without end).
MAX_ARTICLE_PAGES = 500
DEPTH_LIMIT = 1000

LOG_LEVEL = "INFO"
