"""``advisor doctor``'s checks that need no model: each reports, none crashes."""

from __future__ import annotations

from advisor.doctor import check_prompt_cache, run_checks
from tests.conftest import make_settings


def test_prompt_cache_missing_is_a_warning_with_a_fix(tmp_path):
    check = check_prompt_cache(make_settings(tmp_path))
    assert not check.ok and check.warning
    assert "advisor doctor --fix" in check.fix


def test_prompt_cache_present_is_reported_with_its_size(tmp_path):
    settings = make_settings(tmp_path)
    folder = settings.prompt_state_dir
    folder.mkdir(parents=True)
    (folder / f"{settings.model_path.stem}-0123456789abcdef0123.state").write_bytes(b"\0" * 3_000_000)
    check = check_prompt_cache(settings)
    assert check.ok and "3 MB" in check.detail


def test_prompt_cache_of_another_model_does_not_count(tmp_path):
    settings = make_settings(tmp_path)
    folder = settings.prompt_state_dir
    folder.mkdir(parents=True)
    (folder / "some-other-model-0123456789abcdef0123.state").write_bytes(b"\0" * 10)
    assert not check_prompt_cache(settings).ok


def test_a_broken_check_is_a_finding_not_a_crash(tmp_path):
    settings = make_settings(tmp_path, cache_dir=tmp_path / "file")
    (tmp_path / "file").write_text("not a folder")
    checks = {c.name: c for c in run_checks(settings)}
    assert "prompt cache" in checks  # reported, whatever it found


def test_the_fitted_parts_are_reported_for_their_embedding_model(built_advisor, make_advisor):
    from advisor.doctor import check_fitted_parts

    check = check_fitted_parts(built_advisor)
    assert check.ok
    assert "scope probe fitted on" in check.detail and "stage resemblance fitted on" in check.detail
    assert "section probe fitted on" in check.detail
    off = check_fitted_parts(make_advisor(scope_probe=False, section_probe=False, stage_resemblance=False))
    assert off.detail == "scope probe switched off; section probe switched off; stage resemblance switched off"


def test_fitted_parts_of_another_embedding_model_are_said_not_to_be_used(tmp_path, e5):
    from advisor.container import build_advisor
    from advisor.doctor import check_fitted_parts
    from tests.fakes import ScriptedChatModel

    class OtherEmbeddings:
        name = "st-some-local-model-0123"

        def embed_query(self, text):
            return e5.embed_query(text)

        def embed_documents(self, texts):
            return e5.embed_documents(texts)

    advisor = build_advisor(make_settings(tmp_path), chat_model=ScriptedChatModel(), embeddings=OtherEmbeddings())
    detail = check_fitted_parts(advisor).detail
    assert "scope probe not used: it was not fitted for st-some-local-model-0123" in detail
    assert "section probe not used" in detail and "stage resemblance not used" in detail
