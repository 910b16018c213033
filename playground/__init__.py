"""Gateway Playground: a terminal playground for LLM gateways."""

__version__ = "0.1.0"
