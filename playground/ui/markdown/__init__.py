"""Streaming Markdown rendering for the answer view: a pure block splitter (`blocks`), block
renderers to Rich segments (`render`, `inline`, `code`), and the cached, line-addressed document
the widget paints from (`document`). Nothing here imports Textual."""
