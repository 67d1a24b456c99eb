"""PySide6 user interface of Commune Radio Studio (the studio window arrives with its own
issue). `ui` calls `studio`; `studio` never imports `ui`."""
