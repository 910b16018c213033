"""Screens: they own layout, bindings and the workers that run requests through `services`."""
