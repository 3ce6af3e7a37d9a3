"""The platform as one program: the ``fupin`` command line and the embedded app, above every service.

``shared`` is the library the services build on and knows no service; this package is the one place
that names them all (``fupin.embedded`` mounts them in one process, ``fupin.cli`` runs, migrates and
inspects them).
"""
