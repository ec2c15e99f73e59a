"""What the command-line tests share besides fixtures: the scripted answer, and a
CliRunner that hands every command its advisor factory through click's context object."""

from __future__ import annotations

from click.testing import CliRunner

REPLY = "阶段三一般需要约6个月至1年 [阶段三 · 预期所需时间]。"
"""A cited answer to "阶段三需要多长时间?", as the scripted model gives it."""


class AdvisorRunner(CliRunner):
    """A CliRunner whose commands build their advisor with ``factory`` (``obj=`` given to
    :meth:`invoke` still wins), and which records the settings of each advisor built."""

    def __init__(self, factory):
        super().__init__()
        self.settings_seen: list = []

        def recording(settings):
            self.settings_seen.append(settings)
            return factory(settings)

        self.factory = recording

    def invoke(self, cli, args=None, **kwargs):
        kwargs.setdefault("obj", self.factory)
        return super().invoke(cli, args, **kwargs)
