"""The one place that knows every layer: resolves the profile and its key, starts the simulated
gateway when there is no key, starts runs and collects them. The UI and the CLI both call it.
"""
