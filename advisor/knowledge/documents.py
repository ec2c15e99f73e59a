"""Company documents: reading the files a company adds and cutting them into passages.

Files are strategy notes, policies and meeting notes in Chinese or English, as Markdown,
plain text, PDF or Word. Every problem a user can cause (wrong type, empty, too large,
corrupt) becomes a :class:`DocumentError` whose message names the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from advisor.errors import AdvisorError
from advisor.knowledge.chunks import Chunk

SUPPORTED_SUFFIXES = {".md", ".markdown", ".txt", ".pdf", ".docx"}
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DEFAULT_SECTION_TITLE = "正文"


class DocumentError(AdvisorError, ValueError):
    """A document cannot be read; the message is meant for the user and names the file."""


def read_document(path: Path) -> str:
    """Return the text of one document, with ``\\n`` line endings and no control characters.

    Raises :class:`DocumentError` for an unsupported type, an empty, too large, unreadable
    or corrupt file, and a PDF without a text layer (a scan that needs OCR first).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(
            f"{path.name}: unsupported file type '{suffix or '(none)'}'; "
            f"supported: {', '.join(sorted(SUPPORTED_SUFFIXES))}."
        )
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(
                f"{path.name} is too large ({size / 1024 / 1024:.1f} MB); "
                f"the limit is {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB. Split it into smaller parts."
            )
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path.name} cannot be read: {exc.strerror or exc}.") from exc
    if not data.strip():
        raise DocumentError(f"{path.name} is empty.")
    reader = {".pdf": _read_pdf, ".docx": _read_docx}.get(suffix, _decode_text)
    text = _clean(reader(data, path.name))
    if not text.strip():
        if suffix == ".pdf":
            raise DocumentError(
                f"{path.name} has no extractable text; it may be a scanned image. "
                "Run OCR on it first (or export it as text) and add it again."
            )
        raise DocumentError(f"{path.name} contains no text.")
    return text


def _decode_text(data: bytes, name: str) -> str:
    # A renamed PDF or Word file would otherwise decode as GB18030 gibberish.
    if data.startswith((b"%PDF", b"PK\x03\x04")):
        raise DocumentError(f"{name} is a binary (PDF or Word) file, not text; fix its extension.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Windows Notepad's "Unicode"
        encodings = ("utf-16",)
    else:  # GB18030 is what Chinese Windows saves plain text as
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ch < " " and ch not in "\n\r\t\f")
        if controls > max(8, len(text) // 20):
            break  # decoded, but mostly control characters: a binary file
        return text
    raise DocumentError(f"{name} is not readable text (tried {', '.join(encodings)}); save as UTF-8.")


def _read_pdf(data: bytes, name: str) -> str:
    # The header may follow a little junk, but must be in the first kilobyte.
    if b"%PDF-" not in data[:1024]:
        raise DocumentError(f"{name} is not a PDF file (no PDF header); it is damaged or misnamed.")
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(f"{name} is password-protected; add an unprotected copy.")
        return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)
    except DocumentError:
        raise
    except Exception as exc:  # pypdf raises many types for damaged files; none may reach a user
        raise DocumentError(f"{name} is damaged or not a valid PDF ({_why(exc)}).") from exc


def _read_docx(data: bytes, name: str) -> str:
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentError(f"{name} is not a valid Word (.docx) file; save old .doc files as .docx.")
    try:
        import docx
        from docx.table import Table

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():  # paragraphs and tables in body order
            if isinstance(block, Table):
                lines.extend(_table_rows(block))
                continue
            text = block.text.strip()
            style = block.style.name if block.style is not None else ""
            heading = re.match(r"(?i)(?:heading|标题)\s*([1-6])$", style.strip())
            level = 1 if style == "Title" else int(heading.group(1)) if heading else 0
            # Headings become Markdown so the chunker sees the same structure as in a .md file.
            lines.append(f"{'#' * level} {' '.join(text.split())}" if level and text else text)
        return "\n\n".join(line for line in lines if line)
    except Exception as exc:  # a zip that is not a Word document, broken XML, ...
        raise DocumentError(f"{name} is damaged or not a valid Word document ({_why(exc)}).") from exc


def _why(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        # A merged cell is repeated once per grid column it spans; keep it once.
        cells = {cell._tc: " ".join(cell.text.split()) for cell in row.cells}.values()
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufeff]")


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\f\v\u2028\u2029]", "\n", text)  # page breaks and Unicode line separators
    return _CONTROL.sub("", text)


# ---------------------------------------------------------------------------- chunking

_MD_HEADING = re.compile(r" {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_NUMBERED = re.compile(
    r"(第[一二三四五六七八九十百零〇\d]+[章节条部分篇]|[一二三四五六七八九十]+[、.．]|"
    r"[（(][一二三四五六七八九十\d]+[)）]|\d+(\.\d+)*[.、．]?\s)"
)
_END_PUNCT = "。！？!?；;，,、：:.…"
# Cut levels, strongest first; each pattern's match end is a place a chunk may end.
_PARAGRAPH, _SENTENCE, _LINE, _CLAUSE = (
    re.compile(r"\n[ \t]*\n"),
    re.compile(r"[。！？；…]+[”’」』）]*|[.!?;]+[\"')\]]*(?=\s)"),
    re.compile(r"\n"),
    re.compile(r"[，,、：:]|\s"),
)


def chunk_document(text: str, source: str, max_chars: int = 400, overlap: int = 60) -> list[Chunk]:
    """Cut a document's text into passages of at most ``max_chars`` characters.

    Sections start at Markdown headings or, in text without any, at short title-like lines
    (``一、背景``, ``Background``); chunks never cross sections and the heading goes into
    ``section_title`` (``正文`` before the first heading), not into the text. Paragraphs are
    packed whole; a longer paragraph is cut at a sentence end, else a line break, clause mark
    or space, and only inside an unbroken run at exactly ``max_chars``. Cuts inside a
    paragraph repeat up to ``overlap`` characters in the next chunk. ``text[c.start:c.end]
    == c.text`` for every chunk.
    """
    if max_chars < 1 or not 0 <= overlap < max_chars:
        raise ValueError("need max_chars >= 1 and 0 <= overlap < max_chars")
    chunks, used = [], {}
    for title, start, end in _sections(text):
        slug = re.sub(r"\W+", "-", title.lower()).strip("-_")[:40].strip("-") or "section"
        used[slug] = used.get(slug, 0) + 1
        section = slug if used[slug] == 1 else f"{slug}-{used[slug]}"
        for s, e in _split(text, start, end, max_chars, overlap):
            chunks.append(Chunk(
                text=text[s:e], source=source, section=section, section_title=title,
                start=s, end=e, stage=None, embed_text=f"{source} · {title}\n{text[s:e]}",
            ))
    return chunks


def _sections(text: str) -> list[tuple[str, int, int]]:
    """(title, body start, body end) per section; heading lines belong to no body."""
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    headings, fenced = [], False
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        if line.lstrip().startswith(("```", "~~~")):  # a '#' inside code is a comment
            fenced = not fenced
        elif not fenced and (match := _MD_HEADING.match(line)):
            headings.append((i, match.group(2).strip(" *`")))
    if not headings:  # plain text: fall back to title-like lines
        for i, (s, e) in enumerate(lines):
            prev = text[slice(*lines[i - 1])] if i else ""
            nxt = text[slice(*lines[i + 1])] if i + 1 < len(lines) else None
            if _is_title_line(text[s:e], prev, nxt):
                headings.append((i, text[s:e].strip()))
    sections, title, body_start = [], DEFAULT_SECTION_TITLE, 0
    for i, heading in headings:
        sections.append((title, body_start, lines[i][0]))
        title, body_start = heading or DEFAULT_SECTION_TITLE, min(lines[i][1] + 1, len(text))
    sections.append((title, body_start, len(text)))
    return sections


def _is_title_line(line: str, prev: str, nxt: str | None) -> bool:
    stripped = line.strip()
    if not stripped or nxt is None or len(stripped) > 40 or stripped[-1] in _END_PUNCT:
        return False
    if stripped[0] in "-*•+>|" or not re.search(r"[^\W\d_]", stripped):
        return False
    numbered = bool(_NUMBERED.match(stripped))
    # Chinese numbering (一、 第一章) marks a heading even without a blank line before it.
    if not (prev.strip() == "" or (numbered and not stripped[0].isdigit())):
        return False
    if not numbered and len(stripped) > 25:
        return False
    # A short line followed by another short line is a list or an address, not a heading.
    following = nxt.strip()
    return not following or len(following) > 40 or following[-1] in _END_PUNCT


def _split(text: str, s: int, end: int, max_chars: int, overlap: int) -> list[tuple[int, int]]:
    spans, last_cut = [], s
    while True:
        while s < end and text[s].isspace():
            s += 1
        if s >= end:
            return spans
        if end - s <= max_chars:
            cut, strong = end, True
        else:
            cut, strong = _best_cut(text, s, last_cut, max_chars)
        e = cut
        while e > s and text[e - 1].isspace():
            e -= 1
        spans.append((s, e))
        if cut >= end:
            return spans
        last_cut = cut
        s = cut if strong else _overlap_start(text, s, cut, overlap)


def _best_cut(text: str, s: int, floor: int, max_chars: int) -> tuple[int, bool]:
    """Where to end a chunk starting at ``s``: (cut, whether it falls between paragraphs).

    Only cuts after ``floor`` count, so overlapping chunks always move forward. A cut must
    fill 30% of the chunk to win on its level; else the strongest level with any cut wins.
    """
    found, limit = [], s + max_chars
    for level, pattern in enumerate((_PARAGRAPH, _SENTENCE, _LINE, _CLAUSE)):
        # One character past the limit lets the English lookahead see the next character.
        ends = [m.end() if level else m.start() + 1
                for m in pattern.finditer(text, s, min(limit + 1, len(text)))]
        ends = [c for c in ends if floor < c <= limit]
        if ends and ends[-1] - s >= max_chars * 0.3:
            return ends[-1], level == 0
        found.append((ends[-1], level == 0) if ends else None)
    return next((f for f in found if f), (limit, False))


def _overlap_start(text: str, s: int, cut: int, overlap: int) -> int:
    # At most half of the previous chunk is repeated, starting at a sentence or word if possible.
    lo = max(cut - overlap, (s + cut + 1) // 2)
    for pattern in (_SENTENCE, _CLAUSE):
        starts = [m.end() for m in pattern.finditer(text, lo, cut) if m.end() < cut]
        if starts:
            return starts[0]
    return lo
