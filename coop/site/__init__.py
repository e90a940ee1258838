"""The top floor: the project's URLs and the pages that read several apps.

Nothing below imports from here; the apps and the ground floor stay unaware of it
(the import-linter contracts in pyproject.toml hold that).
"""
