"""The Textual app: screens, widgets and styles. Only this package (and the CLI) imports
Textual or Rich."""
