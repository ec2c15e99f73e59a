"""Reading and chunking company documents: real files of every supported type."""

from __future__ import annotations

import io

import docx
import pytest
from pypdf import PdfReader

from advisor.knowledge import documents
from advisor.knowledge.documents import (
    MAX_DOCUMENT_BYTES,
    SUPPORTED_SUFFIXES,
    DocumentError,
    chunk_document,
    read_document,
)

ZH_MD = """# 公司AI战略笔记

我们是一家三十人的制造企业。目标是在一年内用AI提升报价效率。

## 现状

销售部门每周处理约两百份询价单，全部手工录入。报价平均需要两天！客户经常抱怨响应慢？

## 目标与KPI

报价时间缩短到半天；错误率降低一半。
"""

EN_MD = """Intro paragraph before any heading.

# Strategy notes

We are a 30-person logistics firm. Our goal is faster quoting.

## Data policy ##

Customer data stays on premises. Staff may not paste it into public chatbots!
"""


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF written by hand: catalog, pages, page, Helvetica font, text stream."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def assert_offsets(text: str, chunks) -> None:
    assert chunks, "no chunks"
    for chunk in chunks:
        assert chunk.text == text[chunk.start : chunk.end]
        assert chunk.text.strip() == chunk.text and chunk.text
        assert chunk.stage is None
        assert chunk.embed_text == f"{chunk.source} · {chunk.section_title}\n{chunk.text}"


# ---------------------------------------------------------------------------- reading


def test_reads_chinese_and_english_markdown(tmp_path):
    zh, en = tmp_path / "战略.md", tmp_path / "notes.markdown"
    zh.write_text(ZH_MD, encoding="utf-8-sig")  # with a BOM, as Windows editors write it
    en.write_bytes(EN_MD.replace("\n", "\r\n").encode())
    assert read_document(zh) == ZH_MD
    assert read_document(en) == EN_MD


def test_reads_gb18030_text(tmp_path):
    path = tmp_path / "会议纪要.txt"
    text = "会议纪要\n\n讨论了客服机器人的试点，预算五万元。\n"
    path.write_bytes(text.encode("gb18030"))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    assert read_document(path) == text


def test_reads_utf16_text_with_bom(tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes("第一章 总则\n内容。".encode("utf-16"))
    assert read_document(path) == "第一章 总则\n内容。"


def test_reads_docx_headings_paragraphs_and_table_in_order(tmp_path):
    document = docx.Document()
    document.add_heading("数据政策", level=1)
    document.add_paragraph("客户数据不得上传到公共服务。")
    table = document.add_table(rows=3, cols=2)
    for row, values in zip(table.rows, [("工具", "负责人"), ("ChatGPT", "张三")]):
        for cell, value in zip(row.cells, values):
            cell.text = value
    table.cell(2, 0).merge(table.cell(2, 1)).text = "合计"  # a merged cell is read once
    document.add_heading("Next steps", level=2)
    document.add_paragraph("Pilot in Q3.")
    path = tmp_path / "policy.docx"
    document.save(path)

    text = read_document(path)
    assert text == (
        "# 数据政策\n\n客户数据不得上传到公共服务。\n\n工具 | 负责人\n\nChatGPT | 张三\n\n合计\n\n"
        "## Next steps\n\nPilot in Q3."
    )
    titles = [c.section_title for c in chunk_document(text, "policy.docx")]
    assert titles == ["数据政策", "Next steps"]


def test_reads_pdf_text(tmp_path):
    data = minimal_pdf("Quarterly AI pilot review")
    assert "Quarterly AI pilot review" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    path = tmp_path / "review.pdf"
    path.write_bytes(data)
    assert read_document(path).strip() == "Quarterly AI pilot review"


def test_pdf_without_text_layer_asks_for_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(minimal_pdf("").replace(b"() Tj", b""))
    with pytest.raises(DocumentError, match=r"scan\.pdf.*scanned image.*OCR"):
        read_document(path)


def test_control_characters_and_nul_are_removed(tmp_path):
    path = tmp_path / "dirty.txt"
    path.write_bytes("第一段\x00内容\x07。\r\nline\x1b two\ttab\x7f\rend\x0cpage".encode())
    assert read_document(path) == "第一段内容。\nline two\ttab\nend\npage"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("slides.pptx", b"PK\x03\x04 whatever", r"slides\.pptx.*unsupported.*\.docx.*\.md.*\.pdf.*\.txt"),
        ("notes", b"text", r"notes.*unsupported"),
        ("empty.md", b"", r"empty\.md is empty"),
        ("blank.txt", b"  \n\n \t", r"blank\.txt is empty"),
        ("broken.docx", b"this is not a zip file", r"broken\.docx is not a valid Word"),
        ("fake.pdf", b"<html>not a pdf</html>", r"fake\.pdf is not a PDF"),
        ("cut.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type", r"cut\.pdf is damaged"),
        ("renamed.txt", b"%PDF-1.4\n...", r"renamed\.txt is a binary"),
        ("binary.md", bytes(range(0, 32)) * 20, r"binary\.md is not readable text"),
        ("only_nul.txt", b"\x00\x00\n", r"only_nul\.txt contains no text"),
    ],
)
def test_bad_files_give_clear_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=message):
        read_document(path)


def test_zip_that_is_not_word_is_reported_not_raised_raw(tmp_path):
    import zipfile

    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(DocumentError, match=r"archive\.docx is damaged or not a valid Word") as info:
        read_document(path)
    assert info.value.__cause__ is not None


def test_oversized_and_missing_files(tmp_path, monkeypatch):
    assert MAX_DOCUMENT_BYTES == 20 * 1024 * 1024
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 10)
    big = tmp_path / "big.txt"
    big.write_text("x" * 11)
    with pytest.raises(DocumentError, match=r"big\.txt is too large.*limit"):
        read_document(big)
    with pytest.raises(DocumentError, match=r"gone\.md cannot be read"):
        read_document(tmp_path / "gone.md")


def test_document_error_is_a_value_error():
    assert issubclass(DocumentError, ValueError)
    assert SUPPORTED_SUFFIXES == {".md", ".markdown", ".txt", ".pdf", ".docx"}


# ---------------------------------------------------------------------------- chunking


def test_markdown_headings_become_sections():
    chunks = chunk_document(ZH_MD, "战略.md")
    assert_offsets(ZH_MD, chunks)
    assert [(c.section_title, c.section) for c in chunks] == [
        ("公司AI战略笔记", "公司ai战略笔记"),
        ("现状", "现状"),
        ("目标与KPI", "目标与kpi"),
    ]
    assert chunks[1].text.startswith("销售部门") and "#" not in chunks[1].text


def test_text_before_first_heading_and_closing_hashes():
    chunks = chunk_document(EN_MD, "notes.md")
    assert_offsets(EN_MD, chunks)
    assert [c.section_title for c in chunks] == ["正文", "Strategy notes", "Data policy"]
    assert [c.section for c in chunks] == ["正文", "strategy-notes", "data-policy"]


def test_duplicate_headings_get_distinct_sections():
    text = "# Notes\n\nOne.\n\n# Notes\n\nTwo.\n"
    assert [c.section for c in chunk_document(text, "a.md")] == ["notes", "notes-2"]


def test_hash_inside_code_fence_is_not_a_heading():
    text = "# Setup\n\n```\n# install the tool\npip install x\n```\n"
    chunks = chunk_document(text, "a.md")
    assert [c.section_title for c in chunks] == ["Setup"]
    assert "# install the tool" in chunks[0].text


def test_plain_text_title_lines_start_sections():
    text = (
        "一、背景\n公司成立于2015年，主要做外贸。\n"
        "二、目标\n明年上线智能客服。\n\n"
        "Budget\n\nWe plan to spend 50k on the pilot.\n\n"
        "Shopping list\n- apples\n- pears\n"
    )
    chunks = chunk_document(text, "plan.txt")
    assert_offsets(text, chunks)
    assert [c.section_title for c in chunks] == ["一、背景", "二、目标", "Budget"]
    assert "Shopping list" in chunks[-1].text  # followed by short list lines: not a title


def test_no_headings_uses_default_title():
    text = "Just one sentence of notes, nothing more."
    [chunk] = chunk_document(text, "n.txt")
    assert (chunk.section_title, chunk.text, chunk.start, chunk.end) == ("正文", text, 0, len(text))


def test_paragraphs_are_packed_and_never_exceed_max_chars():
    paragraphs = [f"Paragraph {i} talks about pilot number {i} in some detail." for i in range(30)]
    text = "# Pilots\n\n" + "\n\n".join(paragraphs) + "\n"
    chunks = chunk_document(text, "p.md", max_chars=200, overlap=30)
    assert_offsets(text, chunks)
    assert all(len(c.text) <= 200 for c in chunks)
    assert all(len(c.text.split("\n\n")) >= 2 for c in chunks[:-1])  # packed, not one per chunk
    # Whole paragraphs: every chunk starts and ends on a paragraph boundary, so no overlap.
    assert all(c.text.startswith("Paragraph") and c.text.endswith(".") for c in chunks)
    assert "\n\n".join(c.text for c in chunks) == "\n\n".join(paragraphs)


def test_long_chinese_paragraph_is_split_at_sentence_ends_with_overlap():
    sentences = [f"第{i}条：我们要在第{i}个季度完成一个AI试点项目并评估效果。" for i in range(40)]
    text = "".join(sentences)
    chunks = chunk_document(text, "zh.txt", max_chars=120, overlap=40)
    assert_offsets(text, chunks)
    assert len(chunks) > 5
    for chunk in chunks:
        assert len(chunk.text) <= 120
        assert chunk.text.endswith("。") or chunk is chunks[-1]
    for before, after in zip(chunks, chunks[1:]):
        assert after.start < before.end  # overlap repeats context
        assert after.end > before.end  # and always moves forward
        assert text[after.start - 1] == "。"  # the overlap starts at a sentence


def test_long_english_paragraph_splits_at_periods_not_decimals():
    text = " ".join(f"Revenue grew 3.5 percent in month {i} after the pilot." for i in range(30))
    chunks = chunk_document(text, "en.txt", max_chars=150, overlap=0)
    assert_offsets(text, chunks)
    assert all(len(c.text) <= 150 and c.text.endswith("pilot.") for c in chunks)
    assert " ".join(c.text for c in chunks) == text


def test_unbreakable_run_is_cut_at_exactly_max_chars():
    run = "数" * 250  # no punctuation or space anywhere: the last resort is a hard cut
    chunks = chunk_document(run, "run.txt", max_chars=100, overlap=20)
    assert_offsets(run, chunks)
    assert [len(c.text) for c in chunks][:2] == [100, 100]
    assert all(len(c.text) <= 100 for c in chunks)
    assert chunks[1].start == 80  # the overlap is repeated
    assert chunks[-1].end == len(run)


def test_sentence_end_is_preferred_over_mid_sentence_cut():
    text = "短句。" + "长" * 300
    chunks = chunk_document(text, "t.txt", max_chars=100, overlap=10)
    assert_offsets(text, chunks)
    assert chunks[0].text == "短句。"
    assert all(len(c.text) <= 100 for c in chunks)


def test_chunking_is_deterministic_and_has_no_empty_chunks():
    text = "# A\n\n\n\n# B\n\n   \n\nbody\n\n# C\n"
    first = chunk_document(text, "d.md")
    assert first == chunk_document(text, "d.md")
    assert [(c.section_title, c.text) for c in first] == [("B", "body")]
    assert chunk_document("", "e.md") == []


def test_invalid_sizes_are_rejected():
    with pytest.raises(ValueError):
        chunk_document("x", "s", max_chars=10, overlap=10)
    with pytest.raises(ValueError):
        chunk_document("x", "s", max_chars=0, overlap=0)


def test_read_then_chunk_keeps_offsets_into_the_read_text(tmp_path):
    path = tmp_path / "notes.md"
    path.write_bytes(("# 标题\r\n\r\n" + "内容很多。" * 200 + "\r\n").encode("gb18030"))
    text = read_document(path)
    chunks = chunk_document(text, path.name)
    assert_offsets(text, chunks)
    assert {c.section_title for c in chunks} == {"标题"}
    assert all(len(c.text) <= 400 for c in chunks)
