"""The shared vocabulary: plain data and pure functions, no I/O, no Textual.

Requests, stream events, runs and their figures, statistics, pricing, the catalog and the
session schema live here. Everything above (gateway, store, services, ui, cli) speaks in these
types; nothing here imports anything above it.
"""
