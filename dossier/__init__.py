"""Dossier: a keyboard-driven terminal browser for research dossiers."""

__version__ = "0.1.0"
