package pgtest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parleychat/parley/internal/pgtest"
	"github.com/parleychat/parley/internal/store"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// childEnv selects a helper test that runs in a re-executed copy of this test binary.
const childEnv = "PGTEST_CHILD"

func TestNewDBIsMigratedAndPrivate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const n = 6
	names := make(chan string, n)
	for i := range n {
		t.Run(fmt.Sprintf("db%d", i), func(t *testing.T) {
			t.Parallel()
			pool := pgtest.NewDB(t)
			var name string
			var rows int
			if err := pool.QueryRow(ctx, "SELECT current_database(), (SELECT count(*) FROM tips)").Scan(&name, &rows); err != nil {
				t.Fatalf("query migrated table: %v", err)
			}
			if rows != 0 {
				t.Fatalf("fresh database has %d tips, want 0", rows)
			}
			if _, err := pool.Exec(ctx, `INSERT INTO chain_blocks VALUES (1, $1, '\x01', '\x00')`, i); err != nil {
				t.Fatalf("insert: %v", err)
			}
			var count int
			if err := pool.QueryRow(ctx, "SELECT count(*) FROM chain_blocks").Scan(&count); err != nil {
				t.Fatalf("count: %v", err)
			}
			if count != 1 {
				t.Fatalf("database %s sees %d blocks, want only its own 1", name, count)
			}
			names <- name
		})
	}
	t.Cleanup(func() {
		close(names)
		seen := map[string]bool{}
		for name := range names {
			if seen[name] {
				t.Errorf("database %s handed out twice", name)
			}
			seen[name] = true
		}
	})
}

// TestExternalServer runs a child test binary pointed at this binary's cluster through
// PARLEY_DATABASE_URL and checks it used that server and dropped what it created.
func TestExternalServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	admin := pgtest.NewDB(t)
	u, err := url.Parse(pgtest.NewURL(t))
	if err != nil {
		t.Fatalf("parse url: %v", err)
	}
	u.Path = "/postgres"
	out := runChild(t, "external", store.EnvDatabaseURL+"="+u.String())
	if !strings.Contains(out, "port="+u.Port()) {
		t.Fatalf("child did not use the external server on port %s; output:\n%s", u.Port(), out)
	}
	var left int
	if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname ~ '^pgtest_[0-9]+_[0-9]+'").Scan(&left); err != nil {
		t.Fatalf("list databases: %v", err)
	}
	if left != 0 {
		t.Fatalf("child left %d databases behind on the external server", left)
	}
}

// TestNoServerLeftAfterPanic runs a child test binary that starts its own cluster and
// panics, then checks its postmaster is gone.
func TestNoServerLeftAfterPanic(t *testing.T) {
	t.Parallel()
	out := runChild(t, "panic", store.EnvDatabaseURL+"=")
	var pid int
	for line := range strings.Lines(out) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "postmaster="); ok {
			pid, _ = strconv.Atoi(v)
		}
	}
	if pid == 0 {
		t.Fatalf("child printed no postmaster pid; output:\n%s", out)
	}
	deadline := time.Now().Add(15 * time.Second)
	for !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("postmaster %d still running after the test binary panicked", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func runChild(t *testing.T, mode string, env ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.v")
	cmd.Env = append(append(os.Environ(), childEnv+"="+mode), env...)
	out, _ := cmd.CombinedOutput() // the panic child fails by design; callers check the output
	return string(out)
}

// TestChild is the body of the re-executed child binaries; it does nothing otherwise.
func TestChild(t *testing.T) {
	mode := os.Getenv(childEnv)
	if mode == "" {
		t.Skip("helper for TestExternalServer and TestNoServerLeftAfterPanic")
	}
	ctx := context.Background()
	pool := pgtest.NewDB(t)
	var port int
	var dataDir string
	if err := pool.QueryRow(ctx, "SELECT inet_server_port(), current_setting('data_directory')").Scan(&port, &dataDir); err != nil {
		t.Fatalf("query server: %v", err)
	}
	fmt.Printf("port=%d\n", port)
	if mode == "panic" {
		pidFile, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
		if err != nil {
			t.Fatalf("read postmaster.pid: %v", err)
		}
		first, _, _ := strings.Cut(string(pidFile), "\n")
		fmt.Printf("postmaster=%s\n", first)
		panic("pgtest: deliberate panic to check that postgres does not outlive the test binary")
	}
}

// TestClusterRestart restarts a private cluster and checks that its data survives on the same URL.
func TestClusterRestart(t *testing.T) {
	t.Parallel()
	pc := pgtest.NewCluster(t)
	pool := pc.Open(t)
	if _, err := pool.Exec(t.Context(), "CREATE TABLE marker (v text); INSERT INTO marker VALUES ('before-restart')"); err != nil {
		t.Fatal(err)
	}
	pc.Restart(t)
	// The pool's old connections died with the server: each fails once and is discarded.
	var v string
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if err = pool.QueryRow(t.Context(), "SELECT v FROM marker").Scan(&v); err == nil {
			break
		}
	}
	if err != nil || v != "before-restart" {
		t.Fatalf("after restart: %q %v, want the row written before", v, err)
	}
	if dump := pc.Dump(t); !bytes.Contains(dump, []byte("before-restart")) {
		t.Fatalf("pg_dump lacks the row: %.200s", dump)
	}
}
