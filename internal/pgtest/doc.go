// Package pgtest gives tests a real, private, migrated Postgres database.
//
// Lifecycle: a test binary calls Main from its TestMain. The first NewDB or NewURL starts one
// throwaway cluster for the whole binary (initdb into a temp dir, run as the postgres user
// when the binary runs as root, 127.0.0.1 on a free port, trust auth, fsync off), creates a
// template database and applies the store migrations to it. Each test then gets its own
// database copied from the template with CREATE DATABASE ... TEMPLATE. Main stops the
// cluster and deletes its directory after the run; the server is also started with a
// parent-death signal, so a test binary that panics or is killed takes its postgres along.
//
// When PARLEY_DATABASE_URL is set, the harness uses that server instead of starting one: it
// creates a template database with a unique name there and drops every database it made.
//
// Concurrency: NewDB and NewURL are safe to call from parallel tests; the cluster is started
// once under a sync.Once and database names come from an atomic counter.
//
// Dependencies: internal/store (migrations), pgx/v5. Only test code imports this package.
package pgtest
