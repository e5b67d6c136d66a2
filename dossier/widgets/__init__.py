"""Widgets of the browser: the virtual list, the panes, and the one rendering door."""
