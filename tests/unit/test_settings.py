"""The one settings class: env vars, TOML file, validation, descriptions, CLI flags."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from advisor.cli.main import ask
from advisor.cli.options import FLAG_FIELDS
from advisor.settings import DEFAULT_MODEL_FILE, Settings


def test_defaults():
    settings = Settings()
    assert settings.top_k == 4 and settings.max_question_chars == 2000
    assert settings.model == DEFAULT_MODEL_FILE and settings.embedding_backend == "e5"


def test_environment_variable(monkeypatch):
    monkeypatch.setenv("ADVISOR_TOP_K", "7")
    monkeypatch.setenv("ADVISOR_TEMPERATURE", "0.5")
    settings = Settings()
    assert settings.top_k == 7 and settings.temperature == 0.5


def test_toml_file_and_precedence(monkeypatch, tmp_path):
    config = tmp_path / "advisor.toml"
    config.write_text('top_k = 9\nthreads = 3\nmodel = "other.gguf"\ndata_dir = "~/advisor-data"\n')
    monkeypatch.setenv("ADVISOR_CONFIG", str(config))
    settings = Settings()
    assert (settings.top_k, settings.threads, settings.model) == (9, 3, "other.gguf")
    assert settings.data_dir == Path("~/advisor-data").expanduser()
    # An environment variable beats the file, and an explicit value beats both.
    monkeypatch.setenv("ADVISOR_TOP_K", "5")
    assert Settings().top_k == 5
    assert Settings(top_k=6).top_k == 6


def test_a_missing_config_file_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("ADVISOR_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ValueError, match="missing.toml"):
        Settings()


@pytest.mark.parametrize(
    ("env", "value"),
    [("ADVISOR_TOP_K", "0"), ("ADVISOR_TOP_K", "many"), ("ADVISOR_TEMPERATURE", "3"),
     ("ADVISOR_EMBEDDING_BACKEND", "openai"), ("ADVISOR_MAX_QUESTION_CHARS", "5")],
)
def test_invalid_values_are_refused(monkeypatch, env, value):
    monkeypatch.setenv(env, value)
    with pytest.raises(ValidationError):
        Settings()


def test_every_field_has_a_description():
    for name, field in Settings.model_fields.items():
        assert field.description and len(field.description) > 10, name


def test_model_path(tmp_path):
    settings = Settings(models_dir=tmp_path, model="stronger.gguf")
    assert settings.model_path == tmp_path / "stronger.gguf"
    absolute = tmp_path / "elsewhere" / "m.gguf"
    assert Settings(models_dir=tmp_path, model=str(absolute)).model_path == absolute
    assert Settings(models_dir=tmp_path, model="sub/m.gguf").model_path == Path("sub/m.gguf")
    assert Settings(models_dir=tmp_path, model="~/m.gguf").model_path == Path("~/m.gguf").expanduser()


def test_derived_paths(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert settings.index_dir == tmp_path / "index"
    assert settings.documents_dir == tmp_path / "documents"


def test_every_flag_field_is_an_ask_option_with_the_field_description():
    options = {opt: param for param in ask.params for opt in param.opts}
    for name in FLAG_FIELDS:
        flag = "--" + name.replace("_", "-")
        assert flag in options, flag
        assert options[flag].help.startswith(Settings.model_fields[name].description)
        assert f"ADVISOR_{name.upper()}" in options[flag].help
        assert options[flag].default is None  # an unset flag leaves env and file in force
