"""The web interface end to end: a real server in its own process, driven by gradio_client
and by a real headless Chromium (Debian's, through Playwright).

The tests answer with the default model (sessions, the queue and load are in
``test_load.py``). The browser test fails if the page requests anything
outside 127.0.0.1, and leaves a screenshot, the downloaded report and the request log in
``test-artifacts/``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest

from tests.integration.browser import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, require_chromium

pytestmark = pytest.mark.integration


def client(server):
    from gradio_client import Client

    return Client(server.url, verbose=False, download_files=str(server.log.parent / "downloads"))


def text_of(message: dict) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def ask(api, question: str) -> tuple[list[list[dict]], list[dict]]:
    """Every streamed chatbot update and the final one."""
    job = api.submit(question, api_name="/ask")
    updates = [output[0] for output in job]
    return updates, job.result()[0]


# --- gradio_client, real model -------------------------------------------------------------
@pytest.mark.parametrize("question,marker", [("阶段三需要多长时间?", "阶段三"),
                                             ("What KPIs matter in stage 1?", "阶段一")])
def test_questions_get_streamed_cited_answers(real_server, question, marker):
    updates, final = ask(client(real_server), question)
    answers = {text_of(u[1]) for u in updates if len(u) > 1}
    assert len(answers) > 3, "the answer arrived in pieces"
    user, answer, sources = final
    assert text_of(user) == question
    assert marker in text_of(answer) and "\\[" in text_of(answer), "the answer cites a passage"
    assert sources["metadata"]["title"].startswith(("来源", "Sources"))
    assert "✓" in text_of(sources), "a cited passage is marked and shown"


def test_a_diagnosis_runs_from_the_form(real_server):
    api = client(real_server)
    info = api.view_api(print_info=False, return_format="dict")["named_endpoints"]["/diagnose"]
    params = info["parameters"]
    radios = [p for p in params if p["component"] == "Radio"]
    answers = ["yes" if p["label"].startswith("[1]") else "unknown" for p in radios]
    assert len(radios) == 14 and params[0]["component"] == "Textbox"
    values = ["Web test GmbH", *answers, *[None] * (len(params) - 1 - len(radios))]
    card, roadmap, chart, report, history = api.predict(*values, api_name="/diagnose")
    assert card.startswith("### 所处阶段 2: "), card
    assert "下一步行动" in roadmap
    # gr.Image sends an SVG inline, as a data URL.
    assert chart["url"].startswith("data:image/svg+xml,") and chart["orig_name"].endswith(".svg")
    assert "Web test GmbH" in Path(report).read_text(encoding="utf-8")
    assert "Web test GmbH" in history


# --- a real browser, real model -------------------------------------------------------------
BOT_TEXT = """() => Array.from(document.querySelectorAll('#chatbot .message-row.bot-row, #chatbot .bot-row'))
    .map(e => e.innerText).join('\\n')"""
# The text of the first answer alone, without the sources block that follows it (the
# chatbot may group both in one row).
FIRST_ANSWER = """() => { const rows = document.querySelectorAll('#chatbot .message-row.bot-row, #chatbot .bot-row');
    return rows.length ? rows[0].innerText.split('Sources (')[0] : ''; }"""


def test_browser_chat_diagnosis_download_and_nothing_leaves_the_machine(real_server):
    from playwright.sync_api import sync_playwright

    require_chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    requests: list[str] = []
    origin = real_server.url.rstrip("/")
    with sync_playwright() as p:
        profile = tempfile.mkdtemp(prefix="advisor-chromium-")
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            accept_downloads=True, viewport={"width": 1280, "height": 900})
        context.on("request", lambda request: requests.append(request.url))
        try:
            page = context.new_page()
            page.goto(real_server.url, wait_until="load")
            page.get_by_label("English").check()
            page.get_by_role("button", name="Send", exact=True).wait_for()

            # Chat: type, press Enter, time the first streamed token, wait for the citation.
            box = page.locator("#question textarea")
            box.fill("How long does stage 3 take?")
            started = time.perf_counter()
            box.press("Enter")
            page.wait_for_function(f"() => {{ const t = ({BOT_TEXT})(); return t.replace(/[…\\s]/g, '').length > 0; }}",
                                   timeout=300_000, polling=50)
            first_token_s = time.perf_counter() - started
            # The answer opens with a fixed start ("According to the document,") that the
            # model continues; the first token the model itself wrote comes after it.
            page.wait_for_function(
                f"() => ({FIRST_ANSWER})().replace(/[…\\s]/g, '').length > 'Accordingtothedocument,'.length",
                timeout=300_000, polling=50)
            first_model_token_s = time.perf_counter() - started
            # The cited labels join the sources' title when the answer is complete.
            page.wait_for_function(f"() => /Sources \\(\\d+\\): \\[/.test(({BOT_TEXT})())", timeout=300_000)
            total_s = time.perf_counter() - started
            last = page.evaluate(BOT_TEXT)
            assert "[阶段三" in last.split("Sources (")[0], last
            page.get_by_text("Sources (").first.click()
            page.get_by_text("score").first.wait_for()
            (ARTIFACTS / "first-token.txt").write_text(
                f"first streamed text after {first_token_s:.2f} s; first token written by the model after "
                f"{first_model_token_s:.2f} s; answer complete after {total_s:.1f} s\n")
            print(f"\nbrowser: first text {first_token_s:.2f} s, first model token {first_model_token_s:.2f} s "
                  f"after Enter, answer in {total_s:.1f} s")
            page.screenshot(path=str(ARTIFACTS / "web-chat.png"), full_page=True)

            # A reload keeps the conversation; another browser profile does not see it.
            page.reload(wait_until="load")
            page.get_by_text("How long does stage 3 take?").first.wait_for(timeout=30_000)
            other = p.chromium.launch_persistent_context(
                tempfile.mkdtemp(prefix="advisor-chromium-"), executable_path=CHROMIUM, headless=True,
                args=CHROMIUM_FLAGS)
            other.on("request", lambda request: requests.append(request.url))
            stranger = other.new_page()
            stranger.goto(real_server.url, wait_until="load")
            stranger.locator("#question textarea").wait_for()
            stranger.wait_for_timeout(2000)
            assert "How long does stage 3 take?" not in stranger.locator("#chatbot").inner_text()
            other.close()

            # Diagnosis from the form, then the report download.
            page.get_by_role("tab", name="Diagnosis").click()
            page.locator("#diagnose-form").wait_for()
            page.wait_for_timeout(1000)  # the tab's components finish rendering
            page.locator("#company textarea, #company input").first.fill("Browser test Ltd")
            for radio in page.locator("[id^=q-]").all():
                if "[1]" in radio.inner_text():
                    radio.get_by_text("yes", exact=True).click()
            page.locator("#diagnose-form").click()
            page.locator("#result-card").get_by_text("Confidence").first.wait_for(timeout=60_000)
            assert "[met] Does the top leader personally use AI tools?" in page.locator("#result-card").inner_text()
            page.locator("#chart img").wait_for(timeout=30_000)
            with page.expect_download(timeout=60_000) as download:
                page.locator("#report").click()
            saved = ARTIFACTS / "report.md"
            download.value.save_as(saved)
            assert "Browser test Ltd" in saved.read_text(encoding="utf-8")
            page.screenshot(path=str(ARTIFACTS / "web-ui.png"), full_page=True)
        finally:
            context.close()
            (ARTIFACTS / "requests.txt").write_text("\n".join(requests) + "\n")
    outside = sorted({u for u in requests if not (u.startswith(origin + "/") or u == origin
                                                 or u.startswith(("data:", "blob:")))})
    assert not outside, f"the page requested addresses outside 127.0.0.1: {outside}"
    assert len(requests) > 10
