"""The one place that knows every layer: resolves the profile and its key, starts the simulated
gateway when there is no key, starts runs and collects them. The UI and the CLI both call it;
neither talks to `gateway` or `store` directly.

A package rather than DESIGN.md's single ``services.py``: each concern (profiles and keys, the
simulated gateway, the catalog, runs, sessions) is a module here, and `Services` composes them.
"""
