"""Start the web interface for the browser and API tests, in its own process.

    python tests/web_server.py --port 7861 --data-dir /tmp/x            # the real default model
    python tests/web_server.py --port 7861 --data-dir /tmp/x --scripted 0.05 --max-queue-size 2

With ``--scripted DELAY`` the chat model is :class:`tests.fakes.ScriptedChatModel`, whose
every reply is a cited answer streamed one piece per DELAY seconds (for load tests), or
the text given with ``--reply TEXT`` (for the attack tests); embeddings, the index and
retrieval are the real ones either way. The server may reach nothing but loopback
(``tests/offline_guard``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SCRIPTED_REPLY = "阶段三一般需要约6个月至1年 [阶段三 · 预期所需时间]。"


def main() -> None:
    # Installed here as well as through sitecustomize, so a server started by hand for a
    # test is guarded too.
    sys.path.insert(0, str(REPO / "tests" / "offline_guard"))
    import loopback_only

    loopback_only.install()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--scripted", type=float, default=None, metavar="DELAY",
                        help="use a scripted chat model streaming one piece per DELAY seconds")
    parser.add_argument("--reply", default=SCRIPTED_REPLY,
                        help="with --scripted, the scripted model's every reply (default: a cited answer)")
    parser.add_argument("--max-queue-size", type=int, default=None)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    from advisor.container import build_advisor
    from advisor.settings import Settings
    from ui.server import launch

    values = dict(data_dir=args.data_dir, port=args.port, host="127.0.0.1", threads=args.threads)
    if args.max_queue_size:
        values["max_queue_size"] = args.max_queue_size
    settings = Settings(**values)
    chat_model = None
    if args.scripted is not None:
        from tests.fakes import ScriptedChatModel

        chat_model = ScriptedChatModel(replies=[args.reply] * 1000, delay_s=args.scripted)
    advisor = build_advisor(settings, chat_model=chat_model)
    advisor.rebuild_index()
    advisor.warm_up()  # as `advisor serve` does before it listens
    print("index ready", flush=True)
    launch(advisor, settings)


if __name__ == "__main__":
    main()
