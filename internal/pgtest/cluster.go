package pgtest

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/parleychat/parley/internal/store"
)

// clusterDB is the migrated database of a private Cluster.
const clusterDB = "parley"

// Cluster is a Postgres server private to one test, with one migrated database, that the test
// can restart on the same port (for tests of reconnection after a database restart).
type Cluster struct {
	c   *cluster
	bin string
}

// NewCluster starts a private cluster (never PARLEY_DATABASE_URL's server, which a test must
// not restart), creates the database "parley" with every migration applied, and stops and
// deletes the cluster when t ends. It does not need Main.
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	bin, err := binDir()
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	pc := &Cluster{c: &cluster{}, bin: bin}
	t.Cleanup(pc.c.shutdown)
	if err := pc.c.startServer(); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	pc.c.template = clusterDB
	if err := pc.c.prepare(); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return pc
}

// URL is the connection URL of the cluster's migrated database.
func (pc *Cluster) URL() string { return withDatabase(pc.c.adminURL, clusterDB) }

// Restart stops the server as `pg_ctl restart` does (SIGINT, fast shutdown: open connections
// are terminated, committed data is checkpointed; an immediate shutdown would lose the last
// commits, since the cluster runs with synchronous_commit=off) and starts it again on the same
// port and data directory, returning once it accepts connections.
func (pc *Cluster) Restart(t testing.TB) {
	t.Helper()
	c := pc.c
	c.admin.Reset() // its connections die with the server
	_ = c.cmd.Process.Signal(syscall.SIGINT)
	<-c.done
	if err := c.runPostgres(pc.bin, filepath.Join(c.dir, "data"), c.port, c.cred); err != nil {
		t.Fatalf("pgtest: restart: %v", err)
	}
}

// Dump returns pg_dump's plain-text dump of the cluster's database (schema and every row).
func (pc *Cluster) Dump(t testing.TB) []byte {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), filepath.Join(pc.bin, "pg_dump"), "--no-owner", pc.URL())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pgtest: pg_dump: %v", err)
	}
	return out
}

// Open returns a store pool on the cluster's database, closed when t ends.
func (pc *Cluster) Open(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := store.Open(context.Background(), pc.URL())
	if err != nil {
		t.Fatalf("pgtest: %v", fmt.Errorf("open %s: %w", clusterDB, err))
	}
	t.Cleanup(pool.Close)
	return pool
}
