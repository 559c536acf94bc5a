"""The Textual app: panes, screens, the stream worker bridge, themes."""
