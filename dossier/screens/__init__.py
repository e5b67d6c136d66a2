"""Screens of the browser: browse (the linked panes), search, help."""
