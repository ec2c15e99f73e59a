"""Where the advisor keeps its files: in a clone of its repository, or installed.

A clone keeps everything beside the code: the stage document in ``knowledge/``, the
index, company documents and diagnosis history in ``data/``, GGUF models in
``models/``. An installed package (pip, pipx) reads the stage document and the stage
file shipped inside it, and keeps data and models in the user's data folder, never
inside site-packages, where an upgrade would delete them. Caches (the fetched model,
the saved prompt start, jieba's dictionary) live in the user's cache folder in both
cases, so a model fetched from a clone is found by an installed advisor too.

Every place can be moved with its setting (``ADVISOR_KNOWLEDGE_DIR``,
``ADVISOR_DATA_DIR``, ``ADVISOR_MODELS_DIR``, ``ADVISOR_CACHE_DIR``); the user folders
follow the XDG variables (``XDG_DATA_HOME``, ``XDG_CACHE_HOME``) on every platform, as
``scripts/llama-wheel.sh`` does.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

APP_NAME = "ai-stage-advisor"
PACKAGE = "advisor"
KNOWLEDGE_RESOURCE = "knowledge_data"
"""Folder inside the package that ships the stage document and ``stages.yaml``."""
EVALUATION_RESOURCE = "evaluation_data"
"""Folder inside the package that ships ``advisor eval``'s development sets."""

_PROJECT_NAME = re.compile(r'^\s*name\s*=\s*["\']ai[-_.]stage[-_.]advisor["\']\s*$', re.MULTILINE)


def checkout_root(package_dir: Path | None = None) -> Path | None:
    """The clone the advisor runs from, or ``None`` when it runs as an installed package.

    A clone is recognised by its ``pyproject.toml`` naming this project next to the
    package folder, together with ``.git`` or the ``knowledge/`` folder: an unrelated
    ``pyproject.toml`` above site-packages must not turn an installation into a clone.
    """
    package_dir = Path(package_dir or Path(__file__).resolve().parent)
    root = package_dir.parent
    try:
        pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not _PROJECT_NAME.search(pyproject):
        return None
    if (root / ".git").exists() or (root / "knowledge").is_dir():
        return root
    return None


def package_resource(name: str) -> Path:
    """A data folder or file shipped inside the package, as a path on disk."""
    resource = resources.files(PACKAGE).joinpath(name)
    # pip and pipx unpack packages onto the disk; a zipped package cannot hand the
    # YAML and text readers a path.
    if not isinstance(resource, Path):
        raise RuntimeError(f"The advisor package is not unpacked on disk ({resource}); "
                           "install it with pip or pipx.")
    return resource


def packaged_knowledge_dir() -> Path:
    """The stage document and ``stages.yaml`` as shipped inside the package."""
    return package_resource(KNOWLEDGE_RESOURCE)


def user_data_dir() -> Path:
    """The user's own folder for the advisor's data and models (``$XDG_DATA_HOME``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / APP_NAME


def user_cache_dir() -> Path:
    """The user's cache folder for the advisor (``$XDG_CACHE_HOME``), outside any clone."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / APP_NAME


def default_knowledge_dir() -> Path:
    """``knowledge/`` of the clone, else the copy shipped inside the package."""
    root = checkout_root()
    return root / "knowledge" if root else packaged_knowledge_dir()


def default_data_dir() -> Path:
    """``data/`` of the clone, else ``data`` in the user's data folder."""
    root = checkout_root()
    return root / "data" if root else user_data_dir() / "data"


def default_models_dir() -> Path:
    """``models/`` of the clone, else ``models`` in the user's data folder."""
    root = checkout_root()
    return root / "models" if root else user_data_dir() / "models"


def describe_places(settings) -> list[tuple[str, Path]]:
    """Where this advisor reads and writes, as (name, path) pairs for ``advisor doctor``."""
    return [
        ("knowledge", settings.knowledge_dir),
        ("data", settings.data_dir),
        ("index", settings.index_dir),
        ("models", settings.models_dir),
        ("cache", settings.cache_dir),
    ]


def layout_name() -> str:
    """One line saying whether this is a clone (and where) or an installed package."""
    root = checkout_root()
    return f"clone at {root}" if root else f"installed package at {Path(__file__).resolve().parent}"
