"""The top line of the browser: the app's name and the dossier's title.

Textual's `Header` is four widgets (an icon, the title, a clock space, the bar)
that watch the app's and the screen's titles and lay the screen out again when
they change; on the first screen that cost ~30 ms of a ~0.35 s start. The
titles of a dossier never change while it is open, so one widget drawing one
line does the same job: the same colours, the same "Dossier — <title>" (the
title dim), built by `App.format_title` as `Content`, never parsed as markup.
"""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.widget import Widget


class TitleBar(Widget):
    """ "Dossier — <dossier title>", centred on one line at the top."""

    DEFAULT_CSS: ClassVar[str] = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        content-align: center middle;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def render(self) -> Content:
        return self.app.format_title(self.app.title, self.app.sub_title)
