"""The ``advisor`` command line: a thin client of :class:`advisor.core.Advisor`."""
