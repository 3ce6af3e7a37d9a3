"""The five services of Fupin; each a package with its own database and migrations."""
