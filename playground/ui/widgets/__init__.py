"""Widgets: they render what they are given and post messages up. No I/O here."""
