"""Every file the app writes: sessions, config, keys, the catalog cache, the recovery journal.

Writes are atomic, files are 0600 and folders 0700, and no file ever holds a key.
"""
