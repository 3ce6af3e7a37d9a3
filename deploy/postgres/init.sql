-- Run once by the postgres Docker image on an empty data directory
-- (mounted into /docker-entrypoint-initdb.d/). It runs as POSTGRES_USER (fupin),
-- so fupin owns the databases. deploy/postgres/postgres.sh creates the same set locally.
CREATE DATABASE fupin_funds;
CREATE DATABASE fupin_households;
CREATE DATABASE fupin_market;
CREATE DATABASE fupin_training;
CREATE DATABASE fupin_ledger;
CREATE DATABASE fupin_oversight;
