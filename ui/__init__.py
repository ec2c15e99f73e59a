"""The web interface for managers (a thin layer over :class:`advisor.core.Advisor`)."""
