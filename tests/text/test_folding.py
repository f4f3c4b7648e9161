"""Arabic search folding and whole-word, clitic-aware search."""

from pathlib import Path

from hypothesis import given, settings, strategies as st

from reader.text.folding import find_folded, fold, fold_with_map, original_span
from reader.text.graphemes import is_grapheme_boundary

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed_article.txt"

# From the seed article.
EXCERPT = (
    "وقال بوتين، الذي سيصل إلى بيونغ يانغ في زيارة تستغرق يومين في وقت متأخر من يوم الثلاثاء.\n\n"
    "وكتب بوتين: “سنعمل على تطوير آليات بديلة للتجارة والتسويات المتبادلة”.\n\n"
    "وأكدت كوريا الشمالية، الثلاثاء، دعمها للغزو الروسي الذي وصفه كيم بأنه “حرب مقدسة”.\n\n"
    "كيم وبوتين يقومان بجولة في قاعدة فوستوشني الفضائية في أقصى شرق روسيا في سبتمبر.\n\n"
    "وقالت جيني تاون إن زيارة بوتين لها “قيمة سياسية بالنسبة لكيم، وتظهر مكانة عالمية قوية”.\n\n"
    "زودت روسيا بـ”عشرات الصواريخ الباليستية وأكثر من 11 ألف حاوية ذخيرة”."
)


def found(text: str, query: str, **kwargs) -> list[str]:
    return [text[s:e] for s, e in find_folded(text, query, **kwargs)]


def test_fold_letters_and_marks():
    assert fold("أَحْمَد") == "احمد"
    assert fold("إبراهيم آمنة ٱلله") == "ابراهيم امنه الله"
    assert fold("مصطفى") == fold("مصطفي") == fold("مصطفی") == "مصطفي"
    assert fold("مدرسة") == "مدرسه"
    assert fold("مـحـمـد") == "محمد"
    assert fold("كتاب") == fold("کتاب")
    assert fold("الرَّحْمٰنِ") == "الرحمن"  # shadda, superscript alef, kasra
    assert fold("ذٰلِكَ ٱلْكِتَٰبُ لَا رَيْبَۛ") == "ذلك الكتب لا ريب"  # dagger alef, U+06DB
    assert fold("BBC News") == "bbc news"
    assert fold("Straße") == "strasse"
    assert fold("שָׁלוֹם") == "שלום"
    assert fold("\ufefb") == "لا"  # lam-alef ligature, presentation form
    assert fold("بوتين\u200f") == "بوتين"  # RLM dropped
    assert fold("می\u200cخواهم") == "مي\u200cخواهم"  # ZWNJ kept


def test_fold_with_map():
    text = "أَحْمَد"
    folded, index_map = fold_with_map(text)
    assert folded == "احمد"
    assert index_map == [0, 2, 4, 6]
    folded, index_map = fold_with_map("Aß")
    assert folded == "ass"
    assert index_map == [0, 1, 1]
    # The end of a match takes in the harakat of its last letter.
    text = "مجانًا وغيرها"
    folded, index_map = fold_with_map(text)
    assert folded.startswith("مجانا")
    assert original_span(text, index_map, 0, 4) == (0, 5)  # نً stays whole
    assert original_span(text, index_map, 0, 5) == (0, 6)


def test_variants_of_a_name():
    assert found("احمد", "أحمد") == ["احمد"]
    assert found("قال أَحْمَد اليوم", "أحمد") == ["أَحْمَد"]
    assert found("وأحمد", "أحمد") == ["أحمد"]
    assert find_folded("وأحمد", "أحمد") == [(1, 5)]
    assert found("مـحـمـد", "محمد") == ["مـحـمـد"]
    assert found("مصطفى", "مصطفي") == ["مصطفى"]
    assert found("مصطفي", "مصطفى") == ["مصطفي"]


def test_clitics_and_article():
    assert found("في بالمدرسة", "مدرسة") == ["مدرسة"]
    assert found("والمدرسة فالمدرسة للمدرسة كالمدرسة ومدرسة", "مدرسة") == ["مدرسة"] * 5
    assert found("وبالمدرسة", "مدرسه") == ["مدرسة"]
    # A query with the article is also found after لل (ل + ال).
    assert found("للقاهرة", "القاهرة") == ["قاهرة"]
    assert found("والقاهرة", "القاهرة") == ["القاهرة"]
    # A name that itself starts with a prefix letter.
    assert found("وليد ووليد", "وليد") == ["وليد", "وليد"]
    assert found("لبنان", "لبنان") == ["لبنان"]


def test_prefixes_off():
    assert found("وأحمد أحمد", "أحمد", prefixes=False) == ["أحمد"]
    assert find_folded("وأحمد أحمد", "أحمد", prefixes=False) == [(6, 10)]


def test_whole_words_only():
    assert found("كيميائي", "كيم") == []
    assert found("الكيمياء", "كيم") == []
    assert found("أحمدي", "أحمد") == []
    assert found("كيم،", "كيم") == ["كيم"]
    assert found("(كيم)", "كيم") == ["كيم"]


def test_excerpt_of_the_seed():
    spans = find_folded(EXCERPT, "بوتين")
    assert [EXCERPT[s:e] for s, e in spans] == ["بوتين"] * 4
    # "وبوتين": the span leaves the conjunction out.
    i = EXCERPT.index("وبوتين")
    assert (i + 1, i + 6) in spans
    kim = find_folded(EXCERPT, "كيم")
    assert len(kim) == 3
    i = EXCERPT.index("لكيم")
    assert (i + 1, i + 4) in kim
    assert found(EXCERPT, "روسيا") == ["روسيا"] * 2
    assert found(EXCERPT, "كوريا الشمالية") == ["كوريا الشمالية"]
    assert found(EXCERPT, "شمالية") == ["شمالية"]
    assert found(EXCERPT, "الصواريخ") == ["الصواريخ"]


def test_whole_seed_article():
    text = SEED.read_text(encoding="utf-8")
    putin = find_folded(text, "بوتين")
    assert len(putin) == text.count("بوتين") == 12
    assert all(text[s:e] == "بوتين" for s, e in putin)
    kim = find_folded(text, "كيم")
    assert len(kim) == text.count("كيم") == 9
    assert find_folded(text, "كيميائي") == []


def test_multi_word_query_spans_whitespace_runs():
    assert found("كوريا  الشمالية", "كوريا الشمالية") == ["كوريا  الشمالية"]


def test_persian_and_emoji_edges():
    # A trailing ZWNJ belongs to the last letter's cluster: the span takes it in.
    assert found("کتاب\u200cها", "کتاب") == ["کتاب\u200c"]
    assert found("می\u200cخواهم", "خواهم") == ["خواهم"]
    # A match that would cut an emoji sequence is skipped.
    assert found("\U0001f468\u200d\U0001f469", "\U0001f469") == []


def test_empty_query():
    assert find_folded("أحمد", "") == []
    assert find_folded("أحمد", "\u064e\u0640") == []
    assert find_folded("", "أحمد") == []


# Property tests.
LETTERS = "ابتجدرسعفقكلمنهويةىأإآ"
MARKS = "\u064b\u064e\u064f\u0650\u0651\u0652\u0670\u0640"
PREFIXES = ["", "و", "ف", "ب", "ل", "ك", "ال", "وال", "بال", "فال", "لل", "وب"]

words = st.text(alphabet=LETTERS, min_size=1, max_size=6)


@st.composite
def decorated(draw, word):
    """``word`` with harakat, tatweel and alef/yeh/teh spelling variants sprinkled in."""
    out = []
    variants = {"ا": "اأإآ", "ي": "يى", "ه": "هة", "ة": "هة", "ى": "يى"}
    for i, c in enumerate(word):
        out.append(draw(st.sampled_from(variants.get(c, c))))
        if draw(st.booleans()):
            out.append(draw(st.sampled_from("\u064b\u064e\u064f\u0650\u0651\u0652")))
        if i < len(word) - 1 and draw(st.integers(0, 4)) == 0:
            out.append("\u0640")
    return "".join(out)


texts = st.lists(
    st.one_of(
        words,
        st.sampled_from([" ", "، ", "\n\n", ".", "\u200c", "\u200f", "x"]),
        st.text(alphabet=LETTERS + MARKS + " ", max_size=10),
        st.characters(),
    ),
    max_size=25,
).map("".join)


@given(st.one_of(st.text(), texts))
@settings(max_examples=300)
def test_fold_is_idempotent_and_mapped(text):
    folded = fold(text)
    assert fold(folded) == folded
    with_map, index_map = fold_with_map(text)
    assert with_map == folded
    assert len(index_map) == len(folded)
    assert index_map == sorted(index_map)
    assert all(0 <= i < len(text) for i in index_map)


def expected_fold(span_fold: str, query_fold: str) -> bool:
    span_fold = " ".join(span_fold.split()).rstrip("\u200c\u200d")
    query_fold = " ".join(query_fold.split()).rstrip("\u200c\u200d")
    return span_fold == query_fold or (query_fold.startswith("ال") and span_fold == query_fold[2:])


@given(texts, st.one_of(words, texts), st.booleans())
@settings(max_examples=300, deadline=None)
def test_every_span_folds_to_the_query(text, query, prefixes):
    spans = find_folded(text, query, prefixes=prefixes)
    last_end = 0
    for s, e in spans:
        assert last_end <= s < e <= len(text)
        last_end = e
        assert is_grapheme_boundary(text, s) and is_grapheme_boundary(text, e)
        assert expected_fold(fold(text[s:e]), fold(query))


@given(texts, texts, words, st.sampled_from(PREFIXES), st.data())
@settings(max_examples=300, deadline=None)
def test_a_planted_name_is_found(before, after, name, prefix, data):
    spelled = data.draw(decorated(name))
    text = f"{before} {prefix}{spelled} {after}"
    start = len(before) + 1 + len(prefix)
    spans = find_folded(text, name)
    # The match ends at the end of the word; it starts after the prefix we planted, or
    # earlier when the name itself begins with prefix letters (ب + باب).
    word_start = len(before) + 1
    assert any(word_start <= s <= start and e == start + len(spelled) for s, e in spans)
