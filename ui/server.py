"""Starting the web interface: local by default, a login off loopback, never a share link."""

from __future__ import annotations

import ipaddress

import advisor.offline  # noqa: F401  (the offline and analytics switches, before gradio loads)
from advisor.errors import AdvisorError
from advisor.knowledge.documents import MAX_DOCUMENT_BYTES


class ServeError(AdvisorError, RuntimeError):
    """The server cannot start as configured; the message says what to change."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def login(settings) -> tuple[str, str] | None:
    """The (username, password) the page asks for, or None on loopback without a login.

    Binding any other address without both is refused, so the advisor is never open to
    a network by accident.
    """
    username = (settings.username or "").strip()
    password = settings.password.get_secret_value() if settings.password else ""
    if bool(username) != bool(password):
        raise ServeError("Set both ADVISOR_USERNAME and ADVISOR_PASSWORD for the login, or neither.")
    if username:
        return username, password
    if not is_loopback(settings.host):
        raise ServeError(
            f"Refusing to serve on {settings.host} without a login: anyone on the network could use "
            "the advisor. Set ADVISOR_USERNAME and ADVISOR_PASSWORD, or use --host 127.0.0.1."
        )
    return None


def launch(advisor, settings, *, block: bool = True):
    """Serve the interface for ``advisor`` on ``settings.host:settings.port``.

    Raises :class:`ServeError` before anything starts when the address needs a login
    that the settings do not give.
    """
    auth = login(settings)
    from ui.app import PAGE_CSS, PAGE_JS, build_app

    app = build_app(advisor, settings)
    app.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        auth=auth,
        max_file_size=MAX_DOCUMENT_BYTES,
        show_error=False,
        inbrowser=False,
        prevent_thread_lock=not block,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        enable_monitoring=False,
        footer_links=["api"],
        run_history=False,
        # The index, the history database and the browser secret are never served.
        blocked_paths=[str(settings.data_dir), str(settings.models_dir), str(settings.cache_dir)],
        quiet=False,
        js=PAGE_JS,
        css=PAGE_CSS,
    )
    return app
