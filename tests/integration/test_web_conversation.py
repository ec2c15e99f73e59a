"""A conversation in a real browser with the real default model: a follow-up resolved
from the turn before, a suggested question clicked, a citation opened on its highlighted
passage, a 👎 with a remark that ``advisor feedback list`` then shows, and the export.

One real web server (``tests/web_server.py``) in its own process, driven by Debian's
headless Chromium through Playwright. Three model answers in all (about a minute on two
cores). Screenshots and the exported Markdown are left in ``test-artifacts/``.
"""

from __future__ import annotations

import json
import re
import tempfile

import pytest

from tests.integration.browser import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, require_chromium
from tests.integration.conftest import run_cli
from tests.integration.servers import Server

pytestmark = pytest.mark.integration

ANSWER_WAIT_MS = 300_000
# Stage 4 takes "约1.5至3年" (the stage book): the range in years or in months.
STAGE4_DURATION = re.compile(r"1\.5\s*(?:年)?\s*(?:至|到|-|–|~)\s*3\s*年|18\s*(?:至|到|-|–|~)\s*36\s*个?月")
# The sources' title lists the cited labels once the answer is complete.
CITED_TITLES = """() => (document.querySelector('#chatbot').innerText.match(/来源 \\(\\d+\\): \\[/g) || []).length"""
ANSWER_ROWS = "#chatbot .message-row.bot-row"
USER_ROWS = "#chatbot .message-row.user-row"


@pytest.fixture(scope="module")
def conversation_server(tmp_path_factory):
    """The web interface with the real default model, over a data folder of its own."""
    data_dir = tmp_path_factory.mktemp("web-conversation") / "data"
    server = Server(data_dir).wait()
    server.data_dir = data_dir
    yield server
    server.stop()


def answer_text(page, number: int) -> str:
    """What the answer of turn ``number`` (from 0) shows, without its sources block."""
    return page.locator(ANSWER_ROWS).nth(number).inner_text().split("来源 (")[0]


def ask(page, question: str, answers_before: int) -> None:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(f"() => ({CITED_TITLES})() > {answers_before}", timeout=ANSWER_WAIT_MS)


def test_a_conversation_in_the_browser(conversation_server):
    from playwright.sync_api import sync_playwright

    require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    requests: list[str] = []
    origin = conversation_server.url.rstrip("/")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            tempfile.mkdtemp(prefix="advisor-chromium-"), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_FLAGS, accept_downloads=True, viewport={"width": 1280, "height": 1000})
        context.on("request", lambda request: requests.append(request.url))
        try:
            page = context.new_page()
            page.goto(conversation_server.url, wait_until="load")
            page.get_by_role("button", name="发送").wait_for()

            # A question, then a follow-up that only makes sense after it.
            ask(page, "阶段三需要多长时间?", 0)
            assert "[阶段三" in answer_text(page, 0)
            assert "理解为" not in answer_text(page, 0), "a standalone question is not restated"
            ask(page, "那阶段四呢?", 1)
            followed = answer_text(page, 1)
            understood = followed.split("\n")[0]
            assert understood.startswith("理解为") and "阶段四" in understood, followed
            answer = followed[len(understood):]
            assert STAGE4_DURATION.search(answer), f"the stage-4 duration is missing: {answer}"
            assert "[阶段四" in answer, f"no stage-4 citation: {answer}"
            page.screenshot(path=str(ARTIFACTS / "web-conversation.png"), full_page=True)

            # The follow-up's citation opens its passage, the figures it used marked.
            row = page.locator(ANSWER_ROWS).nth(1)
            assert row.locator("details.citation[open]").count() == 0
            row.locator(".citation-ref").filter(has_text="阶段四").first.click()
            opened = row.locator("details.citation[open]")
            opened.first.wait_for(timeout=10_000)
            assert "阶段四" in opened.first.locator("summary").inner_text()
            marks = [m.inner_text() for m in opened.first.locator("mark").all() if m.is_visible()]
            assert marks, "the opened passage marks what the answer used"
            page.screenshot(path=str(ARTIFACTS / "web-citation.png"), full_page=True)

            # 👎 on the follow-up, with a remark; the page confirms it.
            page.locator("#note textarea").fill("应该说明阶段四的预算")
            page.get_by_role("button", name="Dislike").nth(1).click()
            page.locator("#feedback-status").get_by_text("已记录 👎").wait_for(timeout=30_000)

            # A suggested next question is sent as the next message and answered.
            suggestion = page.locator("#suggestion-0")
            suggestion.wait_for(timeout=30_000)
            suggested = suggestion.inner_text().strip()
            before = [page.locator(f"#suggestion-{i}").inner_text() for i in range(3)
                      if page.locator(f"#suggestion-{i}").is_visible()]
            assert suggested and 2 <= len(before) <= 3
            suggestion.click()
            page.locator(USER_ROWS).nth(2).get_by_text(suggested).wait_for(timeout=30_000)
            # Done when its citations are listed or its own suggestions replace these.
            page.wait_for_function(
                f"""(before) => ({CITED_TITLES})() > 2 || [0, 1, 2].map(i => document.querySelector('#suggestion-' + i))
                    .filter(b => b && b.offsetParent).map(b => b.innerText).join('|') !== before.join('|')""",
                arg=before, timeout=ANSWER_WAIT_MS)
            page.wait_for_timeout(1000)
            assert answer_text(page, 2).replace("…", "").strip(), "the suggestion was answered"

            # The export holds every turn, the understood line among them.
            with page.expect_download(timeout=60_000) as download:
                page.locator("#export").click()
            saved = ARTIFACTS / "conversation.md"
            download.value.save_as(saved)
            exported = saved.read_text(encoding="utf-8")
            assert "## 第 1 问" in exported and "## 第 2 问" in exported
            assert "阶段三需要多长时间?" in exported and "那阶段四呢?" in exported
            assert re.search(r"\*\*理解为:\*\* .*阶段四", exported), exported

            # A reload shows the same conversation, understood line included.
            page.reload(wait_until="load")
            page.locator("#chatbot").get_by_text("那阶段四呢?").first.wait_for(timeout=30_000)
            assert "理解为" in page.locator("#chatbot").inner_text()
            page.screenshot(path=str(ARTIFACTS / "web-conversation-reloaded.png"), full_page=True)
        finally:
            context.close()
            (ARTIFACTS / "conversation-requests.txt").write_text("\n".join(requests) + "\n")

    listed = run_cli("feedback", "list", "--json", data_dir=conversation_server.data_dir, timeout=120)
    assert listed.returncode == 0, listed.stderr
    entries = json.loads(listed.stdout)
    down = [e for e in entries if e["rating"] == "down"]
    assert len(down) == 1, entries
    assert down[0]["question"] == "那阶段四呢?" and "阶段四" in down[0]["resolved_question"]
    assert down[0]["note"] == "应该说明阶段四的预算" and down[0]["answer"].strip()
    assert any(s.get("cited") and s.get("stage") == 4 for s in down[0]["sources"])
    outside = sorted({u for u in requests if not (u.startswith(origin + "/") or u == origin
                                                 or u.startswith(("data:", "blob:")))})
    assert not outside, f"the page requested addresses outside 127.0.0.1: {outside}"
