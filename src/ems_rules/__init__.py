"""Electoral law as pure Python: no Django, no ``ems`` imports (import-linter enforces it).

Each rule names its statute or guidance in its docstring; see docs/legal-sources.md.
"""
