"""Turning retrieved passages into a cited answer in the question's language."""
