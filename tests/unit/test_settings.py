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


# --- places: a clone keeps today's layout, an installed package uses the user's folders ---

REPO = Path(__file__).resolve().parents[2]
PLACE_VARIABLES = ("ADVISOR_KNOWLEDGE_DIR", "ADVISOR_DATA_DIR", "ADVISOR_MODELS_DIR", "ADVISOR_CACHE_DIR",
                   "ADVISOR_CONFIG", "XDG_DATA_HOME", "XDG_CACHE_HOME")


@pytest.fixture
def clean_places(monkeypatch):
    for name in PLACE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def installed(clean_places, tmp_path):
    """The advisor as pip would install it: no clone around the package, HOME in tmp_path."""
    from advisor import places

    clean_places.setattr(places, "checkout_root", lambda package_dir=None: None)
    clean_places.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def fake_clone(root: Path, name: str = "ai-stage-advisor", marker: str | None = ".git") -> Path:
    (root / "advisor").mkdir(parents=True)
    (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\nversion = "0.1.0"\n')
    if marker:
        (root / marker).mkdir()
    return root / "advisor"


def test_this_repository_is_recognised_as_a_clone_and_keeps_its_layout(clean_places):
    from advisor.places import checkout_root

    assert checkout_root() == REPO
    settings = Settings()
    assert settings.knowledge_dir == REPO / "knowledge"
    assert (settings.data_dir, settings.models_dir) == (REPO / "data", REPO / "models")
    assert settings.cache_dir == Path.home() / ".cache" / "ai-stage-advisor"


@pytest.mark.parametrize("marker", [".git", "knowledge"])
def test_a_clone_needs_its_pyproject_and_git_or_knowledge(tmp_path, marker):
    from advisor.places import checkout_root

    assert checkout_root(fake_clone(tmp_path, marker=marker)) == tmp_path


@pytest.mark.parametrize(("name", "marker"), [
    ("other-project", ".git"),      # somebody else's project above the package
    ("ai-stage-advisor", None),     # an unpacked sdist: neither .git nor knowledge/
])
def test_a_folder_that_is_not_our_clone_is_not_taken_for_one(tmp_path, name, marker):
    from advisor.places import checkout_root

    assert checkout_root(fake_clone(tmp_path, name=name, marker=marker)) is None


def test_site_packages_is_not_a_clone(tmp_path):
    from advisor.places import checkout_root

    (tmp_path / "advisor").mkdir()
    assert checkout_root(tmp_path / "advisor") is None


def test_installed_defaults_are_the_user_folders_never_the_package(installed):
    from advisor.places import packaged_knowledge_dir

    home = installed / "home"
    settings = Settings()
    assert settings.data_dir == home / ".local" / "share" / "ai-stage-advisor" / "data"
    assert settings.models_dir == home / ".local" / "share" / "ai-stage-advisor" / "models"
    assert settings.cache_dir == home / ".cache" / "ai-stage-advisor"
    assert settings.index_dir == settings.data_dir / "index"
    assert settings.prompt_state_dir == settings.cache_dir / "prompt-state"
    assert settings.knowledge_dir == packaged_knowledge_dir()
    assert (settings.knowledge_dir / "stages.yaml").is_file()


def test_installed_defaults_follow_the_xdg_variables(installed, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(installed / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(installed / "xdg-cache"))
    settings = Settings()
    assert settings.data_dir == installed / "xdg-data" / "ai-stage-advisor" / "data"
    assert settings.models_dir == installed / "xdg-data" / "ai-stage-advisor" / "models"
    assert settings.cache_dir == installed / "xdg-cache" / "ai-stage-advisor"


@pytest.mark.parametrize("layout", ["clone", "installed"])
def test_every_place_can_be_moved_with_its_setting(request, clean_places, tmp_path, layout):
    if layout == "installed":
        request.getfixturevalue("installed")
    moved = {name: tmp_path / name for name in ("knowledge", "data", "models", "cache")}
    for name, path in moved.items():
        clean_places.setenv(f"ADVISOR_{name.upper()}_DIR", str(path))
    settings = Settings()
    assert (settings.knowledge_dir, settings.data_dir, settings.models_dir, settings.cache_dir) == (
        moved["knowledge"], moved["data"], moved["models"], moved["cache"])
    assert Settings(data_dir=tmp_path / "flag").data_dir == tmp_path / "flag"  # a flag beats the env


def test_doctor_names_every_place(installed):
    from advisor.places import describe_places

    settings = Settings()
    places = dict(describe_places(settings))
    assert list(places) == ["knowledge", "data", "index", "models", "cache"]
    assert places["index"] == settings.index_dir and places["cache"] == settings.cache_dir


def test_the_packaged_knowledge_is_the_repository_knowledge_folder():
    """One editable copy: the package's knowledge_data is a link to knowledge/, and what
    importlib.resources reads from it is byte for byte the repository's files."""
    from importlib import resources

    link = REPO / "advisor" / "knowledge_data"
    assert link.is_symlink() and link.resolve() == (REPO / "knowledge").resolve()
    packaged = resources.files("advisor").joinpath("knowledge_data")
    shipped = {entry.name: entry.read_bytes() for entry in packaged.iterdir() if entry.is_file()}
    kept = {path.name: path.read_bytes() for path in (REPO / "knowledge").iterdir() if path.is_file()}
    assert {"stages.yaml", "stage_document.zh.txt"} <= set(shipped)
    assert shipped == kept


def test_the_development_sets_ship_inside_the_package():
    from advisor.evaluation import DEFAULT_DEVSET, DEFAULT_PROFILES

    package = REPO / "advisor"
    for path in (DEFAULT_DEVSET, DEFAULT_PROFILES):
        assert path.is_file() and path.resolve().is_relative_to(package), path
    assert not (REPO / "tests" / "data" / "devset.yaml").exists()  # one copy only


def test_the_package_data_is_declared_for_the_wheel():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "knowledge_data/*" in declared["advisor"]
    assert "evaluation_data/*.yaml" in declared["advisor"]
