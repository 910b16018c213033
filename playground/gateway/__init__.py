"""The gateway client: turns a `core` request into a stream of `core` events over HTTP.

It is handed a base URL and a key; it never reads config or the keyring. It never imports
Textual or Rich.
"""
