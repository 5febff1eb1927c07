"""A generated replica of the site, in the saved-page layout: ``python -m tools.replica DIR --articles 1000 --pages 10``.

The generated site has the shape of the real one: listing pages joined by
上一頁/下一頁, articles split over numbered pages, Traditional text with pinyin
readings, the source line and the disclaimer on every page, about 10–20 KB a
page. Its paragraphs are the seed page's lines, so the text each article must
clean to is known from the hand-checked ``seed-page.clean.txt``; the generator
writes a hash of it per article to ``DIR/expected.jsonl``.

``python -m tools.server DIR`` serves it (or any saved site) on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import html
import json
import random
from dataclasses import dataclass
from pathlib import Path

from crawler.storage.layout import url_to_path

HOST = "www.xiangtianlong.com"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SOURCE_LINE = "文章來源於:http://www.xiangtianlong.com 家(jiā)鄉網"
DISCLAIMER = "網站內容來源於網絡,其真(zhēn)實性與(yǔ)本站無關,請網友慎重判斷"
IMAGE = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")  # a minimal JPEG header and end

PAGE_HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>{title}_家鄉網</title>
<meta name="keywords" content="家鄉網,{title}" />
<link href="/templets/style/style.css" rel="stylesheet" type="text/css" />
</head>
<body>
<div class="top"><div class="logo"><a href="/"><img src="/templets/images/logo.gif" alt="家鄉網"></a></div>
<div class="nav"><a href="/">首頁</a> | <a href="/about.html">關於我們</a></div></div>
<div class="main">
<div class="left">
"""
PAGE_FOOT = """</div>
</div>
<div class="footer"><p>Copyright &copy; 2013-2023 家鄉網 版權所有</p>
<p><a href="mailto:admin@xiangtianlong.com">聯繫我們</a> | <a href="/about.html">關於我們</a></p></div>
</body>
</html>
"""


def seed_lines() -> list[tuple[str, str]]:
    """The seed page's text lines, each with readings and as cleaned by hand."""
    annotated = (FIXTURES / "seed-page.txt").read_text(encoding="utf-8").split("\n")
    clean = (FIXTURES / "seed-page.clean.txt").read_text(encoding="utf-8").rstrip("\n").split("\n")
    return list(zip(annotated, clean))


def page_bar(number: int, total: int, url_of) -> str:
    """上一頁 [1] [2] … 下一頁 with a window of ten numbers, the current one in bold."""
    low = max(1, min(number - 4, total - 9))
    parts = [f'<a href="{url_of(number - 1)}">上一頁</a>' if number > 1 else "上一頁"]
    for n in range(low, min(total, low + 9) + 1):
        parts.append(f"<b>[{n}]</b>" if n == number else f'<a href="{url_of(n)}">[{n}]</a>')
    parts.append(f'<a href="{url_of(number + 1)}">下一頁</a>' if number < total else "下一頁")
    return '<div class="pages">' + " ".join(parts) + "</div>"


def _safe_split(line: str, rng: random.Random) -> int:
    """A place to cut an annotated line that does not part a character from its reading."""
    depth, places = 0, []
    for i, char in enumerate(line):
        # Cutting before line[i]: everything before it is outside readings, and it does not open one.
        if depth == 0 and i > 0 and char != "(":
            places.append(i)
        depth += (char == "(") - (char == ")")
    return rng.choice(places) if places else len(line)


@dataclass
class Article:
    number: int
    pages: int

    @property
    def stem(self) -> str:
        return f"/html/2023/{1 + self.number % 12:02d}{1 + self.number % 28:02d}/{10000 + self.number}"

    def url(self, page: int) -> str:
        return f"{self.stem}.html" if page == 1 else f"{self.stem}_{page}.html"


def write_page(root: Path, url: str, body: str | bytes) -> None:
    """Save a page of the replica's host under ``root`` in the saved-page layout."""
    path = root / url_to_path(f"http://{HOST}{url}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body.encode("utf-8") if isinstance(body, str) else body)


def _article_pages(article: Article, lines, titles, rng: random.Random,
                   page_bytes: tuple[int, int], notes_after: bool = False) -> tuple[list[str], str, str]:
    """The HTML of each page of an article, its title and its expected clean text. With ``notes_after`` the source
    line and the disclaimer are a block of their own after the article's, as some sites place them."""
    title_annotated, title_clean = titles[article.number % len(titles)]
    suffix = f"（{article.number}）"
    pages, expected, carry = [], [], ""
    position = rng.randrange(len(lines))
    for page in range(1, article.pages + 1):
        size, body = rng.randrange(*page_bytes), []
        if carry:
            body.append(carry)
            carry = ""
        while sum(len(p.encode("utf-8")) for p in body) < size:
            annotated, clean = lines[position % len(lines)]
            position += 1
            body.append(annotated)
            expected.append(clean)
        if page < article.pages and rng.random() < 0.5:
            # The site cuts pages in the middle of a paragraph.
            cut = _safe_split(body[-1], rng)
            body[-1], carry = body[-1][:cut], body[-1][cut:]
        paragraphs = "\n".join(f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{html.escape(p, quote=False)}</p>" for p in body if p)
        image = f'<p style="text-align:center"><img src="/uploads/allimg/{10000 + article.number}.jpg" /></p>\n'
        pages.append(
            PAGE_HEAD.format(title=title_clean + suffix)
            + f'<div class="title"><h1>{title_annotated}{suffix}</h1></div>\n'
            + '<div class="info">時間:2023-06-28 09:12 來源:陽江日報 作者:胡斌</div>\n'
            + '<div class="content">\n'
            + (image if page == 1 else "")
            + paragraphs
            + "\n"
            + (page_bar(page, article.pages, article.url) if article.pages > 1 else "")
            + (f"\n</div>\n<div class=\"note\"><p>{SOURCE_LINE}</p>\n<p>{DISCLAIMER}</p></div>\n" if notes_after
               else f"\n<p>{SOURCE_LINE}</p>\n<p>{DISCLAIMER}</p>\n</div>\n")
            + PAGE_FOOT
        )
    return pages, title_clean + suffix, "".join(expected)


def listing_url(number: int) -> str:
    return "/" if number == 1 else f"/news/list_{number}.html"


def generate(root: Path, articles: int, pages: int, per_listing: int = 20, seed: int = 0,
             page_bytes: tuple[int, int] = (9000, 15000), newest_first: bool = False, notes_after: bool = False) -> int:
    """Write a site of ``articles`` × ``pages`` pages under ``root/<HOST>``; return the number of pages.

    Article n is dated n days after 2023-01-01. The listings show them oldest
    first, or newest first (so that generating again with more articles
    publishes those at the top, pushing the others down, as a news site does).
    Each article's pages are the same whatever the other arguments.
    """
    lines = seed_lines()
    titles = [(a, c) for a, c in lines if 8 <= len(c) <= 30 and not c.startswith("作者")]
    listings = max(1, -(-articles // per_listing))
    written = 0
    root.mkdir(parents=True, exist_ok=True)
    with (root / "expected.jsonl").open("w", encoding="utf-8") as expected:
        order = list(range(articles))[::-1] if newest_first else list(range(articles))
        for listing in range(1, listings + 1):
            entries = []
            for number in order[(listing - 1) * per_listing: listing * per_listing]:
                article = Article(number, pages)
                html_pages, title, text = _article_pages(article, lines, titles, random.Random(seed * 7919 + number),
                                                         page_bytes, notes_after)
                for page, body in enumerate(html_pages, 1):
                    write_page(root, article.url(page), body)
                write_page(root, f"/uploads/allimg/{10000 + number}.jpg", IMAGE)
                written += len(html_pages)
                date = datetime.date(2023, 1, 1) + datetime.timedelta(days=number)
                entries.append(f'<li><span class="date">{date.isoformat()}</span><a href="{article.url(1)}">{title}</a></li>')
                record = {"path": article.url(1), "title": title, "pages": pages, "chars": len(text),
                          "sha256": text_digest(text)}
                expected.write(json.dumps(record, ensure_ascii=False) + "\n")
            bar = page_bar(listing, listings, listing_url) if listings > 1 else ""
            body = '<div class="list"><ul>\n' + "\n".join(entries) + "\n</ul></div>\n" + bar
            write_page(root, listing_url(listing), PAGE_HEAD.format(title="新聞列表") + body + PAGE_FOOT)
            written += 1
    write_page(root, "/about.html", PAGE_HEAD.format(title="關於我們") + "<p>家鄉網</p>" + PAGE_FOOT)
    write_page(root, "/templets/style/style.css", "body { font-family: sans-serif; }\n")
    return written + 1


def text_digest(text: str) -> str:
    """The hash ``expected.jsonl`` holds: SHA-256 of the text with all white space removed."""
    return hashlib.sha256("".join(text.split()).encode("utf-8")).hexdigest()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.replica", description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--pages", type=int, default=10, help="pages per article")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    count = generate(args.dir, args.articles, args.pages, seed=args.seed)
    print(f"wrote {count} pages to {args.dir}")


if __name__ == "__main__":
    main()
