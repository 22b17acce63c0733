"""Hypothesis strategies for journeys: viewports, catalogue profiles and hostile form input.

Use them with ``@given`` the way you use ``hypothesis.strategies``::

    from hypothesis import given, settings
    from cxcheck import strategies as cx

    @settings(max_examples=20, deadline=None)
    @given(viewport=cx.viewports(max_width=1440), name=cx.names(), email=cx.emails())
    def test_signup_form(cx_browser, viewport, name, email):  # cx_browser is session-scoped
        size = {"width": viewport.width, "height": viewport.height}
        page = cx_browser.new_page(viewport=size)
        page.goto("https://shop.example/signup")
        page.get_by_label("Full name").fill(name)
        page.get_by_label("Email").fill(email)
        page.get_by_role("button", name="Sign up").click()
        page.get_by_text("Welcome").wait_for()
        page.close()

    @given(device=cx.devices("phones"), network=cx.networks("mobile-networks"))
    def test_on_a_phone(device, network): ...

Every strategy shrinks towards the plain case: viewports and devices towards the narrowest,
networks towards the fastest, text towards a short Latin name. The text strategies produce only
what a person can type into a browser field: no control characters (so no newlines either) and
no lone surrogates.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from hypothesis import strategies as st

from cxcheck.config.profiles import (
    VIEWPORT_RANGE,
    Catalogue,
    DeviceProfile,
    NetworkProfile,
    Size,
    load_catalogue,
)
from cxcheck.model.errors import CxError

__all__ = [
    "Viewport",
    "addresses",
    "devices",
    "emails",
    "form_text",
    "long_text",
    "names",
    "networks",
    "viewports",
]

Viewport = Size
"""A viewport width × height in CSS px: the same frozen dataclass as ``DeviceProfile.viewport``."""

LONG_TEXT_RANGE = (0, 100_000)


# --- viewports and profiles ---


def viewports(
    min_width: int = 320,
    max_width: int = 2560,
    min_height: int = 480,
    max_height: int = 1600,
) -> st.SearchStrategy[Size]:
    """Viewports within the given bounds (inclusive), shrinking towards the smallest."""
    _check_int_range("min_width", min_width, "max_width", max_width, VIEWPORT_RANGE, "px")
    _check_int_range("min_height", min_height, "max_height", max_height, VIEWPORT_RANGE, "px")
    return st.builds(
        Size,
        width=st.integers(min_width, max_width),
        height=st.integers(min_height, max_height),
    )


def devices(
    set: str | Iterable[str] | None = None,
    catalogue: Catalogue | None = None,
) -> st.SearchStrategy[DeviceProfile]:
    """Device profiles of the catalogue, narrowest viewport first (which is what shrinking
    tends to).

    ``set`` takes device names and set names the way ``--cx-devices`` does (``"phones"``,
    ``"iphone-13,pixel-7"`` or a list); ``None`` means every device. ``catalogue`` defaults to
    the built-in one; pass ``load_catalogue([...])`` (or the ``cx_catalogue`` fixture) to include
    your own profile files. Unknown names raise :class:`~cxcheck.errors.UnknownProfileError`.
    """
    cat = catalogue if catalogue is not None else _default_catalogue()
    chosen = cat.resolve_devices(_names(set), _where("devices", set))
    if not chosen:
        raise CxError(f"devices(set={set!r}) selects no device profile")
    chosen.sort(key=lambda d: (d.viewport.width, d.viewport.height, d.name))
    return st.sampled_from(chosen)


def networks(
    set: str | Iterable[str] | None = None,
    catalogue: Catalogue | None = None,
) -> st.SearchStrategy[NetworkProfile]:
    """Network profiles of the catalogue, fastest first and offline (and blackhole) last, so a
    failure shrinks to the fastest network it still happens on.

    ``set`` and ``catalogue`` work as in :func:`devices`.
    """
    cat = catalogue if catalogue is not None else _default_catalogue()
    chosen = cat.resolve_networks(_names(set), _where("networks", set))
    if not chosen:
        raise CxError(f"networks(set={set!r}) selects no network profile")
    # offline and blackhole last: nothing arrives on them, however short their numbers.
    chosen.sort(key=lambda n: (n.offline or n.blackhole, _reference_load_ms(n), n.name))
    return st.sampled_from(chosen)


@functools.cache
def _default_catalogue() -> Catalogue:
    return load_catalogue()


def _names(selection: str | Iterable[str] | None) -> list[str]:
    if selection is None:
        return ["all"]
    if isinstance(selection, str):
        return [selection]
    return list(selection)


def _where(function: str, selection: str | Iterable[str] | None) -> str:
    return f"cxcheck.config.strategies.{function}(set={selection!r})"


def _reference_load_ms(network: NetworkProfile) -> float:
    """Rough time to fetch a 1 MB page in six round trips: the order of "slowness"."""
    down = network.down_kbps
    transfer = 0.0 if down is None else 8_000 / down * 1000
    return 6 * network.latency_ms + transfer


def _check_int_range(
    low_name: str, low: int, high_name: str, high: int, valid: tuple[int, int], unit: str
) -> None:
    lo, hi = valid
    for name, value in ((low_name, low), (high_name, high)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise CxError(
                f"{name}={value!r} must be a whole number of {unit} between {lo} and {hi}"
            )
        if not lo <= value <= hi:
            raise CxError(f"{name}={value} is out of range: use {lo} to {hi} {unit}")
    if low > high:
        raise CxError(f"{low_name}={low} is greater than {high_name}={high}; swap them")


# --- form input ---


def _chars(*ranges: tuple[int, int]) -> str:
    return "".join(chr(c) for lo, hi in ranges for c in range(lo, hi + 1))


_LATIN_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LATIN_LOWER = "abcdefghijklmnopqrstuvwxyz"
# Latin-1 and Latin Extended-A letters as used in European names (× and ÷ are left out).
_LATIN_ACCENTED = _chars((0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0xFF), (0x100, 0x17F))
_LATIN_ACCENTED_UPPER = "".join(c for c in _LATIN_ACCENTED if c.isupper())
_CYRILLIC_UPPER = _chars((0x410, 0x42F)) + "Ё"
_CYRILLIC_LOWER = _chars((0x430, 0x44F)) + "ё"
_GREEK_UPPER = _chars((0x391, 0x3A1), (0x3A3, 0x3A9))
_GREEK_LOWER = _chars((0x3B1, 0x3C9), (0x3AC, 0x3AF))
_ARABIC = _chars((0x621, 0x63A), (0x641, 0x64A))
_HEBREW = _chars((0x5D0, 0x5EA))
_CJK = _chars((0x4E00, 0x9FFF))
_KANA = _chars((0x3041, 0x3096), (0x30A1, 0x30FA))
_HANGUL = _chars((0xAC00, 0xD7A3))
_DEVANAGARI_CONSONANTS = _chars((0x915, 0x939))
_DEVANAGARI_VOWELS = _chars((0x905, 0x914))
_DEVANAGARI_SIGNS = _chars((0x93E, 0x94C)) + "ंः"  # dependent vowels, anusvara, visarga
_COMBINING = _chars((0x300, 0x36F))  # combining diacritical marks

# Names as people write them, simplest first (the shrink target is the first one).
_NAMES = (
    "Ann Lee",
    "Seán O'Brien",
    "Jean-Luc Picard",
    "Zoë Saldaña",
    "Zoe\u0308 Salda\u0303na",  # the same name decomposed: base letters plus combining marks
    "Mary-Kate D'Arcy-Ó Súilleabháin",
    "François Lefèvre",
    "Łukasz Żółć",
    "Nguyễn Thị Minh Khai",
    "Анна Каренина",
    "Ольга Бойко-Іваненко",
    "Γιώργος Παπαδόπουλος",
    "محمد عبد الله",
    "فاطمة الزهراء",
    "דוד בן-גוריון",
    "王小明",
    "山田 太郎",
    "김민준",
    "अनिल कुमार",
    "श्री रामचन्द्र",
    "Pablo Diego José Francisco de Paula Juan Nepomuceno María de los Remedios Cipriano "
    "de la Santísima Trinidad Ruiz y Picasso",
)

# Between two words of a name: particles and apostrophes only where the script uses them.
_LATIN_SEPARATORS = (" ", " ", " ", "-", "'", "’", " d'", " O'", " Mc", " van der ", " de la ")
_SEPARATORS = {
    "latin": _LATIN_SEPARATORS,
    "latin+marks": _LATIN_SEPARATORS,
    "arabic": (" ", " ", "-", " ال", " بن "),
    "hebrew": (" ", " ", "-", " בן-"),
    "cjk": ("", " ", "・"),
    "kana": ("", " ", "・"),
    "hangul": ("", " "),
}
_DEFAULT_SEPARATORS = (" ", " ", "-")


@st.composite
def _latin_word(draw: st.DrawFn) -> str:
    first = draw(st.sampled_from(_LATIN_UPPER + _LATIN_ACCENTED_UPPER))
    rest = draw(st.text(_LATIN_LOWER + _LATIN_ACCENTED, min_size=1, max_size=12))
    return first + rest


def _cased_word(upper: str, lower: str) -> st.SearchStrategy[str]:
    return st.builds(
        lambda first, rest: first + rest,
        st.sampled_from(upper),
        st.text(lower, min_size=1, max_size=12),
    )


def _with_marks(word: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A word with one to three combining marks after some of its letters."""

    @st.composite
    def marked(draw: st.DrawFn) -> str:
        letters = list(draw(word))
        for mark in draw(st.text(_COMBINING, min_size=1, max_size=3)):
            at = draw(st.integers(0, len(letters) - 1))
            letters[at] += mark
        return "".join(letters)

    return marked()


_DEVANAGARI_SYLLABLE = st.builds(
    lambda c, s: c + s,
    st.sampled_from(_DEVANAGARI_VOWELS + _DEVANAGARI_CONSONANTS),
    st.sampled_from(("", *_DEVANAGARI_SIGNS, "्")),
)

_WORDS: dict[str, st.SearchStrategy[str]] = {
    "latin": _latin_word(),
    "latin+marks": _with_marks(_latin_word()),
    "cyrillic": _cased_word(_CYRILLIC_UPPER, _CYRILLIC_LOWER),
    "cyrillic+marks": _with_marks(_cased_word(_CYRILLIC_UPPER, _CYRILLIC_LOWER)),
    "greek": _cased_word(_GREEK_UPPER, _GREEK_LOWER),
    "arabic": st.text(_ARABIC, min_size=2, max_size=10),
    "hebrew": st.text(_HEBREW, min_size=2, max_size=8),
    "cjk": st.text(_CJK, min_size=1, max_size=3),
    "kana": st.text(_KANA, min_size=1, max_size=5),
    "hangul": st.text(_HANGUL, min_size=1, max_size=3),
    "devanagari": st.lists(_DEVANAGARI_SYLLABLE, min_size=1, max_size=5).map("".join),
}


@st.composite
def _generated_name(draw: st.DrawFn, min_words: int = 1, max_words: int = 4) -> str:
    script = draw(st.sampled_from(list(_WORDS)))
    words = draw(st.lists(_WORDS[script], min_size=min_words, max_size=max_words))
    out = words[0]
    for word in words[1:]:
        out += draw(st.sampled_from(_SEPARATORS.get(script, _DEFAULT_SEPARATORS))) + word
    return out


def names() -> st.SearchStrategy[str]:
    """Personal names in many scripts (Latin with diacritics, Cyrillic, Greek, Arabic, Hebrew,
    CJK, Hangul, Devanagari), with combining marks, apostrophes and hyphens (O'Brien,
    Jean-Luc), and very long ones (over 100 characters)."""
    return st.one_of(
        st.sampled_from(_NAMES),
        _generated_name(),
        _generated_name(min_words=12, max_words=40),
    )


_LOCAL_ATOM = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6)
_LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_TLD = st.sampled_from(("com", "org", "net", "io", "de", "fr", "jp", "co", "uk", "museum"))


@st.composite
def _email(draw: st.DrawFn) -> str:
    atoms = draw(st.lists(_LOCAL_ATOM, min_size=1, max_size=3))
    local = atoms[0]
    for atom in atoms[1:]:
        local += draw(st.sampled_from("._-")) + atom
    if draw(st.booleans()):
        local += "+" + draw(_LOCAL_ATOM)
    labels = draw(st.lists(_LABEL, min_size=1, max_size=2))
    return f"{local}@{'.'.join([*labels, draw(_TLD)])}"


def emails() -> st.SearchStrategy[str]:
    """Short ASCII addresses that every email field accepts (the WHATWG ``type=email`` rule),
    such as ``a.b-c+tag@mail-1.example.org``; at most 60 characters."""
    return st.one_of(st.sampled_from(("a@b.co", "jean-luc.o.brien+shop@example.com")), _email())


_ADDRESSES = (
    "1 Main St",
    "Flat 2/3, 14 O'Connell Street",
    "12 Rue de l'Église",
    "Königsallee 92a",
    "ul. Świętokrzyska 31/33",
    "ул. Ленина, д. 5, кв. 12",
    "Οδός Ερμού 15, Αθήνα",
    "شارع الملك فهد 25، الرياض",
    "רחוב הרצל 10, תל אביב-יפו",
    "東京都千代田区千代田1-1",
    "서울특별시 중구 세종대로 110",
    "मकान नं. 12, महात्मा गांधी मार्ग, नई दिल्ली",
    "Apartment 1204, Building 7-B, Saint-Jean-sur-Richelieu Boulevard Extension, "
    "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch, Anglesey LL61 5UJ",
)
_STREET_TYPES = (
    "Street",
    "Rd",
    "Rue",
    "Straße",
    "ул.",
    "пр-т",
    "Οδός",
    "شارع",
    "רחוב",
    "通り",
    "로",
    "मार्ग",
)
_UNITS = ("", "", "Apt 4B, ", "Flat 2/3, ", "кв. 12, ", "Unit 12-14, ", "3F, ", "c/o ")


@st.composite
def _generated_address(draw: st.DrawFn, min_words: int = 1, max_words: int = 3) -> str:
    unit = draw(st.sampled_from(_UNITS))
    number = str(draw(st.integers(1, 99_999))) + draw(st.sampled_from(("", "a", "-1", "/2", "B")))
    street = draw(_generated_name(min_words=min_words, max_words=max_words))
    kind = draw(st.sampled_from(_STREET_TYPES))
    parts = [number, street, kind] if draw(st.booleans()) else [kind, street, number]
    line = unit + " ".join(parts)
    if draw(st.booleans()):
        line += ", " + draw(_generated_name(max_words=2))
    return line


def addresses() -> st.SearchStrategy[str]:
    """One-line street addresses in many scripts, with unit numbers, apostrophes, hyphens,
    slashes and very long ones (over 100 characters)."""
    return st.one_of(
        st.sampled_from(_ADDRESSES),
        _generated_address(),
        _generated_address(min_words=12, max_words=30),
    )


# Sentences whose scripts, marks, quotes and mixed directions stress a text field.
_SENTENCES = (
    "The quick brown fox jumps over the lazy dog. ",
    "Zoë's café served crème brûlée & naïve piñatas — “quoted”, 'single' and <b>tags</b>. ",
    "Съешь же ещё этих мягких французских булок, да выпей чаю. ",
    "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία. ",
    "نص حكيم له سر قاطع وذو شأن عظيم مكتوب على ثوب أخضر. ",
    "דג סקרן שט בים מאוכזב ולפתע מצא חברה. ",
    "いろはにほへと ちりぬるを 色は匂へど散りぬるを。",
    "我能吞下玻璃而不伤身体。",
    "다람쥐 헌 쳇바퀴에 타고파. ",
    "ऋषियों को सताने वाले दुष्ट राक्षसों के राजा रावण का सर्वनाश करने वाले विष्णुवतार भगवान श्रीराम। ",
    "Mixed direction: order שלום 123 then مرحبا 4.5 and back. ",
    "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319A\u0345L\u0353G\u0316O\u0353 ",
)
_UNBROKEN = (
    "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft",
    "https://shop.example/checkout?session=0123456789abcdef&ref=newsletter-2024-spring-",
    "ААААААААААААААААААААААААААААААААААААААААААААААААААААААААААААААААААААААААААААААААААААААА",
)
_TEXT_ALPHABET = (
    _LATIN_UPPER
    + _LATIN_LOWER
    + _LATIN_ACCENTED
    + _CYRILLIC_LOWER
    + _GREEK_LOWER
    + _ARABIC
    + _HEBREW
    + _CJK[:512]
    + _HANGUL[:256]
    + _DEVANAGARI_CONSONANTS
    + _COMBINING[:16]
    + " .,;:!?'\"()-–—…&@#%/"
)


def _cycled(pieces: list[str], size: int) -> str:
    """The pieces repeated to exactly ``size`` characters (none of them starts with a mark)."""
    text = "".join(pieces)
    return (text * -(-size // len(text)))[:size]


def long_text(min_size: int = 256, max_size: int = 5000) -> st.SearchStrategy[str]:
    """Long text of ``min_size`` to ``max_size`` characters: multilingual prose, one unbroken
    word (the classic layout breaker) or random letters of many scripts and punctuation."""
    _check_int_range("min_size", min_size, "max_size", max_size, LONG_TEXT_RANGE, "characters")
    if max_size == 0:
        return st.just("")
    size = st.integers(min_size, max_size)
    prose = st.builds(_cycled, st.lists(st.sampled_from(_SENTENCES), min_size=1, max_size=6), size)
    unbroken = st.builds(_cycled, st.sampled_from(_UNBROKEN).map(lambda w: [w]), size)
    scrambled = st.text(_TEXT_ALPHABET, min_size=min_size, max_size=max_size).filter(
        lambda t: not t[:1] or t[0] not in _COMBINING
    )
    return st.one_of(prose, unbroken, scrambled)


_TRICKY = (
    "",
    " ",
    "<script>alert(1)</script>",
    "Robert'); DROP TABLE customers;--",
    "&amp; &lt;b&gt; ${name} {{name}} %s",
    "\"double\" 'single' `back`",
    "👩‍💻 Ünïcödé 🇺🇦",
    "0",
    "-1",
    "null",
)


def form_text() -> st.SearchStrategy[str]:
    """Anything a person might type into a text field: :func:`names`, :func:`emails`,
    :func:`addresses`, :func:`long_text` and a few strings that break escaping."""
    return st.one_of(names(), emails(), addresses(), long_text(), st.sampled_from(_TRICKY))
