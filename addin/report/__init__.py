"""Renderers of the report model: text for people, JSON for tools."""
