"""gunicorn's defaults (sync workers: one request at a time, no keep-alive) with two workers: how
the hand-written baseline `apps:minimal_wsgi()` is served. A file of its own, so that gunicorn
does not read the portal's gunicorn.conf.py from the working directory."""

workers = 2
