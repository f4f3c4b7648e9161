"""reader.text.blocks: splitting, classifying and joining blocks."""

from hypothesis import given, strategies as st

from reader.text.blocks import Block, BlockKind, classify_block, join_blocks, split_blocks
from reader.text.normalize import normalize_text

kinds = st.sampled_from([kind.value for kind in BlockKind])
block_texts = st.text(
    alphabet=st.one_of(st.sampled_from(list("ab بת\n\u200c")), st.characters()), max_size=40
)


def test_block_kind_values():
    assert [kind.value for kind in BlockKind] == ["paragraph", "heading", "caption", "quote"]
    assert BlockKind.CAPTION == "caption"


def test_block_is_a_named_tuple():
    block = Block("paragraph", "نص")
    assert block.kind == "paragraph"
    assert block.text == "نص"
    assert tuple(block) == ("paragraph", "نص")


def test_split_blocks_splits_on_blank_lines_and_keeps_single_newlines():
    text = "\r\nالأول\nسطر ثان\r\n\r\n\r\n  الثاني  \n \n\nالثالث\n"
    assert split_blocks(text) == ["الأول\nسطر ثان", "الثاني", "الثالث"]


def test_split_blocks_of_white_space_is_empty():
    assert split_blocks(" \n\n\t\n") == []


def test_classify_block_copyright_sign_is_caption():
    assert classify_block("كيم وبوتين في سبتمبر © KCNA / Pool") == "caption"


def test_classify_block_credit_labels_are_captions():
    assert classify_block("Photo: Jane Doe") == "caption"
    assert classify_block("صورة: أرشيفية") == "caption"
    assert classify_block("الصورة: المتحدث باسم الوزارة") == "caption"
    assert classify_block("تصوير: أحمد علي") == "caption"
    assert classify_block("צילום: ישראל ישראלי") == "caption"


def test_classify_block_agency_credits_at_the_end_are_captions():
    assert classify_block("Protesters in Tehran on Monday (Getty Images)") == "caption"
    assert classify_block("Protesters in Tehran on Monday / AFP") == "caption"
    assert classify_block("Protesters in Tehran on Monday/Reuters") == "caption"
    assert classify_block("متظاهرون في طهران يوم الاثنين (تصوير: علي)") == "caption"


def test_classify_block_long_text_is_never_a_caption():
    assert classify_block("نص " * 100 + "© KCNA") == "paragraph"


def test_classify_block_quotes():
    assert classify_block("“سنعمل على تطوير آليات بديلة”") == "quote"
    assert classify_block("“(إنها) تساعد في تقديم هذه الصورة”.") == "quote"
    assert classify_block("«نحن هنا»،") == "quote"
    assert classify_block('"We are here."') == "quote"
    assert classify_block("„Wir sind hier“") == "quote"
    assert classify_block("‹ici›") == "quote"


def test_classify_block_two_opening_marks_is_a_paragraph():
    text = "“يستفيد كيم كثيرًا. وأضافت: “إن الخروج يعد انتصارًا سياسيًا كبيرًا له”."
    assert classify_block(text) == "paragraph"


def test_classify_block_quote_mark_only_at_one_end_is_a_paragraph():
    assert classify_block("“سنعمل على تطوير آليات بديلة") == "paragraph"
    assert classify_block("وكتب بوتين: “سنعمل”") == "paragraph"


def test_classify_block_never_guesses_headings():
    assert classify_block("عنوان قصير") == "paragraph"


def test_join_blocks_gives_code_point_spans():
    blocks = [Block("heading", "عنوان"), Block("paragraph", "e\u0301😀 نص"), Block("quote", "“x”")]
    body, spans = join_blocks(blocks)
    assert body == "عنوان\n\ne\u0301😀 نص\n\n“x”"
    assert spans == [(0, 5, "heading"), (7, 13, "paragraph"), (15, 18, "quote")]


def test_join_blocks_of_nothing_is_empty():
    assert join_blocks([]) == ("", [])


@given(st.lists(st.tuples(kinds, block_texts), max_size=8))
def test_join_blocks_spans_slice_back_to_the_blocks(pairs):
    blocks = [Block(kind, text) for kind, text in pairs]
    body, spans = join_blocks(blocks)
    assert body == "\n\n".join(block.text for block in blocks)
    assert len(spans) == len(blocks)
    for (start, end, kind), block in zip(spans, blocks, strict=True):
        assert body[start:end] == block.text
        assert kind == block.kind


@given(st.lists(block_texts, max_size=8))
def test_split_blocks_reads_back_joined_normalized_blocks(raw_texts):
    texts = [normalize_text(t).replace("\n\n", "\n") for t in raw_texts]
    texts = [t for t in texts if t]
    body, _ = join_blocks([Block("paragraph", t) for t in texts])
    assert split_blocks(body) == texts
