package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/parleychat/parley/internal/store"
)

// dirPrefix names the temp dirs of clusters; ownerFile in each holds the test binary's pid.
const (
	dirPrefix = "pgtest-"
	ownerFile = "owner.pid"
)

// startTimeout bounds how long the cluster may take to accept connections.
const startTimeout = 60 * time.Second

var (
	mainCalled atomic.Bool
	once       sync.Once
	shared     *cluster
	startErr   error
	dbCounter  atomic.Int64
)

// cluster is the one Postgres server of a test binary and its migrated template database.
type cluster struct {
	adminURL string // URL of a maintenance database on the server
	template string // name of the migrated template database
	admin    *pgxpool.Pool
	external bool // the server came from PARLEY_DATABASE_URL

	dir  string    // temp dir holding the data directory (own cluster only)
	cmd  *exec.Cmd // the postmaster (own cluster only)
	done chan struct{}
	port int                 // the postmaster's port (own cluster only)
	cred *syscall.Credential // the postgres user's, when running as root (own cluster only)

	mu      sync.Mutex
	created []string // databases to drop on an external server
}

// Main runs the package's tests and then stops the cluster, if one was started. Call it from
// TestMain: func TestMain(m *testing.M) { pgtest.Main(m) }.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	mainCalled.Store(true)
	defer stop()
	return m.Run()
}

// NewDB returns a pool on a fresh database with every migration applied, private to t.
func NewDB(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), NewURL(t))
	if err != nil {
		t.Fatalf("pgtest: open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// NewURL creates a fresh migrated database private to t and returns its connection URL.
func NewURL(t testing.TB) string {
	t.Helper()
	if !mainCalled.Load() {
		t.Fatal("pgtest: call pgtest.Main(m) from TestMain so the cluster is stopped after the run")
	}
	once.Do(func() { shared, startErr = start() })
	if startErr != nil {
		t.Fatalf("pgtest: %v", startErr)
	}
	name := fmt.Sprintf("%s_%d", shared.template, dbCounter.Add(1))
	if err := shared.createDB(name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if shared.external {
		t.Cleanup(func() { shared.dropDB(name) })
	}
	return withDatabase(shared.adminURL, name)
}

func start() (*cluster, error) {
	if u := os.Getenv(store.EnvDatabaseURL); u != "" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
			return nil, fmt.Errorf("%s must be a postgres:// URL", store.EnvDatabaseURL)
		}
		c := &cluster{adminURL: u, external: true,
			template: fmt.Sprintf("pgtest_%d_%d", os.Getpid(), rand.Uint32())}
		return c, c.prepare()
	}
	c := &cluster{}
	if err := c.startServer(); err != nil {
		c.shutdown()
		return nil, err
	}
	c.template = "pgtest"
	if err := c.prepare(); err != nil {
		c.shutdown()
		return nil, err
	}
	return c, nil
}

// prepare connects the admin pool, creates the template database and migrates it.
func (c *cluster) prepare() error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	admin, err := pgxpool.New(ctx, c.adminURL)
	if err != nil {
		return fmt.Errorf("admin pool: %w", err)
	}
	c.admin = admin
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{c.template}.Sanitize()); err != nil {
		return fmt.Errorf("create template database: %w", err)
	}
	tpl, err := store.Open(ctx, withDatabase(c.adminURL, c.template))
	if err != nil {
		return fmt.Errorf("open template database: %w", err)
	}
	defer tpl.Close()
	if _, err := store.Migrate(ctx, tpl); err != nil {
		return fmt.Errorf("migrate template database: %w", err)
	}
	return nil
}

func (c *cluster) createDB(name string) error {
	q := fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", pgx.Identifier{name}.Sanitize(),
		pgx.Identifier{c.template}.Sanitize())
	if _, err := c.admin.Exec(context.Background(), q); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

func (c *cluster) dropDB(name string) {
	q := fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", pgx.Identifier{name}.Sanitize())
	if _, err := c.admin.Exec(context.Background(), q); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: drop database %s: %v\n", name, err)
	}
}

// startServer runs initdb and postgres in a temp dir and waits until the server answers.
func (c *cluster) startServer() error {
	bin, err := binDir()
	if err != nil {
		return err
	}
	sweepStaleDirs()
	c.dir, err = os.MkdirTemp("", dirPrefix)
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	if err := os.WriteFile(filepath.Join(c.dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return fmt.Errorf("owner file: %w", err)
	}
	cred, err := credential(c.dir)
	if err != nil {
		return err
	}
	data := filepath.Join(c.dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w: %s", err, out)
	}
	var lastErr error
	for range 3 { // a free port can be taken between probing and binding: retry
		port, err := freePort()
		if err != nil {
			return err
		}
		if lastErr = c.runPostgres(bin, data, port, cred); lastErr == nil {
			c.port, c.cred = port, cred
			c.adminURL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
			return nil
		}
	}
	return lastErr
}

func (c *cluster) runPostgres(bin, data string, port int, cred *syscall.Credential) error {
	logPath := filepath.Join(c.dir, "postgres.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("postgres log: %w", err)
	}
	defer logFile.Close()
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=",
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "max_connections=300",
		"-c", "shared_buffers=64MB",
		"-c", "max_wal_size=1GB",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// SIGQUIT is postgres' immediate shutdown: sent when this process dies, however it dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	url := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", port)
	deadline := time.Now().Add(startTimeout)
	for {
		select {
		case <-done:
			out, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres exited during start: %s", bytes.TrimSpace(out))
		default:
		}
		conn, err := pgx.Connect(context.Background(), url)
		if err == nil {
			conn.Close(context.Background())
			c.cmd, c.done = cmd, done
			return nil
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-done
			return fmt.Errorf("postgres did not accept connections within %v: %w", startTimeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sweepStaleDirs deletes cluster dirs left by test binaries that died without cleaning up.
func sweepStaleDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), dirPrefix+"*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, ownerFile))
		if err != nil {
			continue // still being set up, or not ours
		}
		pid, err := strconv.Atoi(string(b))
		if err == nil && errors.Is(syscall.Kill(pid, 0), syscall.ESRCH) {
			_ = os.RemoveAll(d)
		}
	}
}

func stop() {
	if shared != nil {
		shared.shutdown()
	}
}

// shutdown drops what it created on an external server, or stops and deletes its own cluster.
func (c *cluster) shutdown() {
	if c.admin != nil {
		if c.external {
			c.dropDB(c.template)
		}
		c.admin.Close()
	}
	if c.cmd != nil {
		_ = c.cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.done
		}
	}
	if c.dir != "" {
		_ = os.RemoveAll(c.dir)
	}
}

// binDir finds the directory holding initdb and postgres: PATH first, then Debian's layout.
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		return filepath.Dir(p), nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) == 0 {
		return "", errors.New("initdb not found on PATH or in /usr/lib/postgresql/*/bin (run scripts/ensure-postgres.sh)")
	}
	sort.Slice(matches, func(i, j int) bool { return versionOf(matches[i]) > versionOf(matches[j]) })
	return filepath.Dir(matches[0]), nil
}

func versionOf(initdbPath string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdbPath))))
	return v
}

// credential returns the postgres user's credential when running as root (initdb refuses
// root) after handing dir to that user, and nil otherwise.
func credential(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs the postgres user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, fmt.Errorf("chown %s: %w", dir, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// withDatabase returns rawURL with its database name replaced by name.
func withDatabase(rawURL, name string) string {
	u, _ := url.Parse(rawURL) // validated in start
	u.Path = "/" + name
	return u.String()
}
