"""The app's screens, one module per screen: browse (the linked panes), search, help, chain, timeline, relations."""
