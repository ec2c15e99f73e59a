"""The advisor as an installed package, away from its clone.

The sdist and the wheel are built from a copy of the sources, the wheel is installed with
pip into a new virtual environment under tmp_path, and its ``advisor`` command runs from
an empty folder: fetch the model, answer a question with citations, diagnose a company,
serve the web page. Everything it reads must come from the package, and everything it
writes must land in the user's folders (here XDG_DATA_HOME in tmp_path), never in the
repository or site-packages.

The suite has no network: pip installs only from the wheelhouse that ``make wheelhouse``
fills (every dependency as a wheel) and the llama.cpp wheel built for this CPU, with the
machine's pip configuration switched off. The default model comes from the user cache
that ``make model`` filled, as it does for a user who installs after using a clone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest
import yaml

from advisor.evaluation import DEFAULT_PROFILES, facts_found, load_devset
from advisor.llm.model_files import DEFAULT_MODEL
from advisor.places import user_cache_dir
from tests.integration.servers import ServerProcess, free_port

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
OFFLINE_GUARD_DIR = REPO / "tests" / "offline_guard"
WHEEL_NAME = "ai_stage_advisor-0.1.0-py3-none-any.whl"
QUESTION = "阶段三需要多长时间?"
# Left out of the sources copy: the clone's own state and build leftovers, none of which
# the package may need.
LOCAL_STATE = {".git", ".venv", "data", "models", "build", "dist", "test-artifacts"}


def not_sources(folder: str, names: list[str]) -> set[str]:
    top = Path(folder) == REPO
    return {n for n in names if n in ("__pycache__", ".pytest_cache") or n.endswith(".egg-info")
            or (top and n in LOCAL_STATE)}


def wheelhouse() -> Path:
    """Where ``make wheelhouse`` put the dependency wheels (the Makefile's rule)."""
    folder = Path(os.environ.get("WHEELHOUSE") or user_cache_dir() / "wheelhouse")
    if not (folder / ".filled").is_file():
        pytest.fail(f"No wheelhouse at {folder}: run 'make wheelhouse' (make test does) first.",
                    pytrace=False)
    return folder


def llama_wheel() -> Path:
    """The llama-cpp-python wheel built for this CPU (scripts/llama-wheel.sh prints it)."""
    done = subprocess.run(["bash", str(REPO / "scripts" / "llama-wheel.sh")], capture_output=True,
                          text=True, timeout=120, env=dict(os.environ, PYTHON=sys.executable))
    assert done.returncode == 0, f"no llama-cpp-python wheel: run 'make install' first\n{done.stderr}"
    return Path(done.stdout.strip())


def offline_pip_env(wheels: Path) -> dict:
    """pip with nothing but local wheels: no index, no machine or user configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "ADVISOR_"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels),
               PIP_NO_CACHE_DIR="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def run(command: list, timeout: int, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=timeout, **kwargs)
    assert done.returncode == 0, f"{command[:4]} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict:
    """The wheel, built from a copy of the sources and installed into a new virtual
    environment; returns the folders of that installation."""
    root = tmp_path_factory.mktemp("installed")
    wheels = wheelhouse()
    pip_env = offline_pip_env(wheels)

    sources = root / "src"
    shutil.copytree(REPO, sources, symlinks=True, ignore=not_sources)
    # python -m build makes the sdist, then the wheel from the sdist: what reaches the
    # wheel must have survived the sdist.
    run([sys.executable, "-m", "build", "--outdir", root / "dist", sources], 600, env=pip_env, cwd=root)
    wheel = root / "dist" / WHEEL_NAME
    assert wheel.is_file() and (root / "dist" / "ai_stage_advisor-0.1.0.tar.gz").is_file()

    venv = root / "venv"
    run([sys.executable, "-m", "venv", venv], 300)
    python = venv / "bin" / "python"
    run([python, "-m", "pip", "install", "-q", llama_wheel(), wheel], 900, env=pip_env, cwd=root)

    home = root / "empty"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ADVISOR_", "PIP_", "VIRTUAL_ENV"))}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        # Only the loopback guard, never the repository: the package must stand alone.
        PYTHONPATH=str(OFFLINE_GUARD_DIR),
        PYTHONUNBUFFERED="1",
        XDG_DATA_HOME=str(root / "xdg-data"),
        ADVISOR_THREADS="2",
    )
    return {"root": root, "venv": venv, "python": python, "cwd": home, "env": env,
            "user_data": root / "xdg-data" / "ai-stage-advisor", "wheel": wheel}


def advisor(installed: dict, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """The installed ``advisor`` command, run from the empty folder."""
    return run([installed["venv"] / "bin" / "advisor", *args], timeout,
               env=installed["env"], cwd=installed["cwd"])


def test_the_wheel_ships_the_knowledge_and_the_development_sets(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for path in (REPO / "knowledge").iterdir():
        assert f"advisor/knowledge_data/{path.name}" in names
    assert {"advisor/evaluation_data/devset.yaml", "advisor/evaluation_data/profiles.yaml"} <= names


def test_the_installed_package_stands_alone(installed):
    code = ("import advisor, json; from advisor.places import checkout_root; from advisor.settings import Settings; "
            "s = Settings(); print(json.dumps({'package': advisor.__file__, 'clone': str(checkout_root()), "
            "'knowledge': str(s.knowledge_dir), 'data': str(s.data_dir), 'models': str(s.models_dir)}))")
    places = json.loads(run([installed["python"], "-c", code], 120, env=installed["env"],
                            cwd=installed["cwd"]).stdout)
    venv, user_data = installed["venv"], installed["user_data"]
    assert Path(places["package"]).is_relative_to(venv) and places["clone"] == "None"
    assert Path(places["knowledge"]).is_relative_to(venv)
    assert (Path(places["knowledge"]) / "stages.yaml").read_bytes() == (REPO / "knowledge" / "stages.yaml").read_bytes()
    assert (Path(places["data"]), Path(places["models"])) == (user_data / "data", user_data / "models")


def test_fetch_ask_assess_doctor_and_serve_from_an_empty_folder(installed):
    user_data, cwd = installed["user_data"], installed["cwd"]

    # The model: found verified in the user cache, with no network, and linked in.
    fetched = advisor(installed, "models", "fetch", timeout=300)
    model = user_data / "models" / DEFAULT_MODEL.file_name
    assert str(model) in fetched.stdout and model.is_file()

    # A cited answer from the stage document shipped in the package.
    answer = json.loads(advisor(installed, "ask", "--json", QUESTION).stdout)
    item = next(i for i in load_devset() if i.stage == 3 and i.sections == ["duration"] and i.language == "zh")
    assert answer["refused"] is False and answer["language"] == "zh"
    assert facts_found(answer["answer"], item.facts) == len(item.facts), answer["answer"]
    cited = [s for s in answer["sources"] if s["cited"]]
    assert cited and any(s["stage"] == 3 and s["section"] == "duration" for s in cited)
    assert (user_data / "data" / "index" / "CURRENT").is_file()

    # A diagnosis from answers, scored with the stages.yaml shipped in the package.
    profile = next(p for p in _profiles() if p["expected_stage"] >= 3)
    answers = installed["root"] / "answers.json"
    answers.write_text(json.dumps(profile["answers"]), encoding="utf-8")
    diagnosis = json.loads(advisor(installed, "assess", "--answers", str(answers), "--company", "Acme",
                                   "--json").stdout)
    assert diagnosis["stage"] == profile["expected_stage"]
    assert diagnosis["kpis"] and diagnosis["sources"]
    assert (user_data / "data" / "assessments.sqlite").is_file()  # saved, for "what next?"

    # The doctor names where everything is, and finds it all in order.
    doctor = advisor(installed, "doctor", timeout=300).stdout
    assert f"installed package at {installed['venv']}" in doctor
    places = dict(line.split(maxsplit=1) for line in doctor.splitlines() if line.startswith("  ") and line.strip())
    assert Path(places["data"]) == user_data / "data" and Path(places["models"]) == user_data / "models"
    assert Path(places["index"]) == user_data / "data" / "index"
    assert Path(places["knowledge"]).is_relative_to(installed["venv"])
    assert Path(places["cache"]) == user_cache_dir()
    assert "[  ok] index" in doctor and "[  ok] chat model" in doctor

    # The web page over HTTP on loopback.
    port = free_port()
    server = ServerProcess("installed advisor serve",
                           [str(installed["venv"] / "bin" / "advisor"), "serve", "--port", str(port)],
                           installed["root"] / "serve.log", f"http://127.0.0.1:{port}/",
                           env=installed["env"], cwd=cwd)
    try:
        server.wait(timeout=300)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            page = response.read().decode("utf-8", errors="replace")
        assert response.status == 200 and "gradio" in page.lower()
    finally:
        server.stop()

    assert list(cwd.iterdir()) == []  # nothing written where the commands ran


def _profiles() -> list[dict]:
    return yaml.safe_load(DEFAULT_PROFILES.read_text(encoding="utf-8"))["profiles"]
