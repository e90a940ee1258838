"""The benchmark of QUALITY.md's performance bars: its data, its load runner and its report.

``seed`` writes the bench scale in bulk (and the copies for ten times it), ``load`` serves the
project with gunicorn and drives it, ``report`` holds the bars and says which were missed;
``manage.py bench`` and ``manage.py seed_demo --scale bench`` are thin shims over them.
"""
