"""Foundation shared by every stage: errors, registries, JSONL and atomic IO, content keys.

Imports nothing else of emscope.
"""
