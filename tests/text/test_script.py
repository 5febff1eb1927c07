"""to_simplified gives, character for character, what opencc-python-reimplemented's OpenCC('t2s') gives."""

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st
from opencc import OpenCC
from scrapy.http import HtmlResponse

from crawler.text.script import _tables, to_simplified
from tests.conftest import ROOT


@cache
def reference() -> OpenCC:
    return OpenCC("t2s")


def phrases() -> list[str]:
    return sorted(_tables()[0])


def characters() -> list[str]:
    return [chr(code) for code, value in enumerate(_tables()[1]) if not isinstance(value, int)]


# Text drawn from the dictionaries' own keys, other Han characters (also beyond the BMP), punctuation, the
# library's separators and Latin letters: phrases next to phrases, phrases split by separators.
pieces = st.one_of(
    st.sampled_from(phrases()),
    st.sampled_from(characters()),
    st.sampled_from(list("的是了在人有我他們中國大學來上為和地到以說時要就出會可也你對生能而子那得於著下自之年過發後")),
    st.sampled_from(list("，。、；：？！…“”‘’《》（）,.?!;:()-— \n\u3000")),
    st.sampled_from(["\U0002a6d6", "\U00020000", "𪚥", "abc", "12"]),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(pieces, min_size=1, max_size=40).map("".join))
def test_random_text_from_the_dictionaries_converts_as_the_library_does(text):
    assert to_simplified(text) == reference().convert(text)


def test_the_seed_page_and_every_fixture_page_convert_as_the_library_does():
    texts = [(ROOT / "fixtures" / "seed-page.txt").read_text(encoding="utf-8")]
    for path in sorted(ROOT.glob("fixtures/*/*/**/*")):
        if path.is_file() and path.suffix not in (".css", ".jpg", ".json"):
            response = HtmlResponse(f"http://h.test/{path.name}", body=path.read_bytes())
            texts.append("\n".join(response.xpath("//body//text()").getall()))
    assert len(texts) > 40
    for text in texts:
        assert to_simplified(text) == reference().convert(text)


def test_ten_megabytes_convert_as_the_library_does():
    seed = (ROOT / "fixtures" / "seed-page.txt").read_text(encoding="utf-8")
    # Every phrase of the dictionary, between pieces of the seed page, so that they come in all contexts.
    text = "".join(f"{seed[i % 5000: i % 5000 + 300]}{phrase}" for i, phrase in enumerate(phrases() * 60))
    text = (text * (10_000_000 // len(text.encode("utf-8")) + 1))
    assert len(text.encode("utf-8")) >= 10_000_000
    assert to_simplified(text) == reference().convert(text)


def test_machine_converted_words_come_back():
    assert to_simplified("全麵打通,工作機製,誌願者,怎麽議,具備著") == "全面打通,工作机制,志愿者,怎么议,具备著"
