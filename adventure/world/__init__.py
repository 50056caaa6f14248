"""Worlds on disk: finding, reading, checking and caching a world's TOML files, its schema, and
its walkthrough files. Imports only `adventure.core`."""
