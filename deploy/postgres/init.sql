-- Run once by the postgres Docker image on an empty data directory
-- (mounted into /docker-entrypoint-initdb.d/). It runs as POSTGRES_USER (fupin),
-- so fupin owns the databases. deploy/postgres/postgres.sh creates the same set locally, with the
-- same options (shared/db.py DATABASE_OPTIONS: why they collate "C").
CREATE DATABASE fupin_funds TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C';
CREATE DATABASE fupin_households TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C';
CREATE DATABASE fupin_market TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C';
CREATE DATABASE fupin_training TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C';
CREATE DATABASE fupin_ledger TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C';
CREATE DATABASE fupin_oversight TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C';
