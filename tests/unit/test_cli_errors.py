"""The command line's one translation of errors: an AdvisorError from any command is one
``Error: …`` line and exit status 2; anything else is a defect and keeps its traceback.

The advisor factory is handed to the commands in click's context object, so these tests
give one that fails, without building anything or patching a module.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from advisor.cli.common import batch_item
from advisor.cli.main import cli
from advisor.diagnosis.history import HistoryError
from advisor.errors import AdvisorError
from advisor.retrieval.index import IndexNotReady
from tests.conftest import REPO

COMMANDS_THAT_BUILD_THE_ADVISOR = [
    ["ask", "阶段三需要多长时间?"],
    ["chat", "--json"],
    ["ingest", "--list"],
    ["assess", "--list-questions"],
    ["report", "--out", "report.md"],
    ["history"],
    ["eval", "--only", "devset", "--limit", "1"],
]


def failing_with(exc: BaseException):
    def factory(settings):
        raise exc

    return factory


@pytest.mark.parametrize("args", COMMANDS_THAT_BUILD_THE_ADVISOR, ids=lambda args: args[0])
@pytest.mark.parametrize("error", [IndexNotReady("Run 'advisor doctor'."), HistoryError("Run 'advisor doctor'."),
                                   AdvisorError("Run 'advisor doctor'.")], ids=lambda e: type(e).__name__)
def test_an_advisor_error_from_any_command_is_one_line_and_exit_status_2(args, error, tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(cli, args, obj=failing_with(error), input="")
    assert result.exit_code == 2, result.output
    assert result.stderr == "Error: Run 'advisor doctor'.\n" and result.stdout == ""


def test_a_defect_keeps_its_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(cli, ["ingest", "--list"], obj=failing_with(KeyError("index")))
    assert result.exit_code == 1 and isinstance(result.exception, KeyError)
    assert "Error:" not in result.stderr


def test_ctrl_c_is_one_line_and_exit_status_130(tmp_path, monkeypatch):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(cli, ["ingest", "--list"], obj=failing_with(KeyboardInterrupt()))
    assert result.exit_code == 130 and result.stderr == "Interrupted.\n"


def test_eval_out_in_a_missing_folder_is_refused_before_anything_is_built(tmp_path):
    out = tmp_path / "missing" / "report.json"
    result = CliRunner().invoke(cli, ["eval", "--out", str(out)], obj=failing_with(AssertionError("built")))
    assert result.exit_code == 2
    assert result.stderr == f"Error: cannot write {out}: {out.parent} is not a folder.\n"


def test_a_batch_line_reports_its_error_and_the_batch_goes_on():
    def fails(exc):
        def compute():
            raise exc

        return compute

    assert batch_item(lambda: {"answer": "a"}, question="q") == {"answer": "a"}
    assert batch_item(fails(HistoryError("damaged")), question="q") == {"question": "q", "error": "damaged"}
    # A defect is named by its type: a bug to report, not a user's mistake.
    assert batch_item(fails(ValueError("bad")), profile="p") == {"profile": "p", "error": "ValueError: bad"}


def test_the_command_modules_do_not_import_the_command_line_entry_point():
    code = ("import sys\n"
            "import advisor.cli.assess, advisor.cli.chat, advisor.cli.evaluate, advisor.cli.feedback\n"
            "assert 'advisor.cli.main' not in sys.modules, 'a command module imports advisor.cli.main'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
