"""Imported by Python at start-up when this folder is on PYTHONPATH (the test session
sets it): every Python process a test starts may only reach loopback."""

import loopback_only

loopback_only.install()
