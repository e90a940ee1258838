"""Dutch demo data, one module per subject; ``coop.demo.seed.seed`` makes the small demo.

The small demo goes through the services, so the audit log tells its story; the bench scale
(``coop.bench``) writes in bulk on top of it. ``manage.py seed_demo`` calls both.
"""
