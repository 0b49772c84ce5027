package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/parleychat/parley/bindings/deviceregistry"
	"github.com/parleychat/parley/internal/chaintest"
	"github.com/parleychat/parley/internal/pgtest"
	"github.com/parleychat/parley/internal/protocol"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestIndexerCommands runs `parley migrate` and then `parley indexer` or `parley dev` against a
// real anvil and Postgres, and waits for a device registered on chain to appear, with a valid
// self-signature, in the database. For dev it also checks that the API serves the indexer's metrics.
func TestIndexerCommands(t *testing.T) {
	for _, command := range []string{"indexer", "dev"} {
		t.Run(command, func(t *testing.T) { testIndexerCommand(t, command) })
	}
}

func testIndexerCommand(t *testing.T, command string) {
	chain := chaintest.StartAnvil(t)
	dep := chaintest.DeployContracts(t, chain, 0)
	dbURL := pgtest.NewURL(t)
	depFile := writeDeployment(t, chain, dep)
	apiAddr := freeAddr(t)
	vars := map[string]string{"PARLEY_DATABASE_URL": dbURL, "PARLEY_RPC_URL": chain.URL,
		"PARLEY_DEPLOYMENT": depFile, "PARLEY_FINALITY_DEPTH": "2", "PARLEY_METRICS_ADDR": "",
		"PARLEY_API_ADDR": apiAddr, "PARLEY_API_PUBLIC_URL": "http://" + apiAddr, "PARLEY_IPFS_DIR": t.TempDir()}
	getenv := func(k string) string { return vars[k] }
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"parley", "migrate"}, &bytes.Buffer{}, &stderr, getenv); code != 0 {
		t.Fatalf("parley migrate exited %d: %s", code, stderr.String())
	}

	// Register a device from the wallet, signed by the device as the protocol says.
	dev, err := protocol.NewDevice(rand.Reader, protocol.SuiteX25519)
	if err != nil {
		t.Fatal(err)
	}
	reg := dev.Registration(chain.ChainID.Uint64(), dep.DeviceRegistry, chain.Address(1), 1)
	sig, err := dev.SignRegistration(reg)
	if err != nil {
		t.Fatal(err)
	}
	registry := deviceregistry.NewDeviceRegistry()
	tx, err := bind.Transact(registry.Instance(chain.Client, dep.DeviceRegistry), chain.Transactor(1),
		registry.PackAddDevice(1, reg.SigningKey, reg.KeyAgreementKey, uint8(reg.Suite), sig))
	if err != nil {
		t.Fatal(err)
	}
	chain.Mine(t, tx)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var indexerLog lockedBuffer
	go func() { done <- run(ctx, []string{"parley", command}, &bytes.Buffer{}, &indexerLog, getenv) }()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("parley %s exited %d after cancel: %s", command, code, indexerLog.String())
		}
	}()

	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var valid, revoked bool
		err := pool.QueryRow(context.Background(),
			`SELECT sig_valid, revoked FROM devices WHERE account = $1 AND device_id = 1`, chain.Address(1).Bytes()).Scan(&valid, &revoked)
		if err == nil {
			if !valid || revoked {
				t.Fatalf("device indexed with sig_valid=%v revoked=%v, want true false", valid, revoked)
			}
			if command == "dev" {
				waitHealthy(t, "http://"+apiAddr+"/healthz", done, &indexerLog)
				wantMetric(t, "http://"+apiAddr+"/metrics", "parley_indexer_")
			}
			return
		}
		select {
		case code := <-done:
			t.Fatalf("parley %s exited %d before indexing: %s", command, code, indexerLog.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("device not indexed within 30s (last error %v); indexer log:\n%s", err, indexerLog.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// lockedBuffer is a bytes.Buffer safe for the indexer goroutine to write while the test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// wantMetric fails unless the Prometheus page at url has a metric whose name starts with prefix.
func wantMetric(t *testing.T, url, prefix string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("\n"+prefix)) {
		t.Fatalf("GET %s = %d without %s metrics", url, resp.StatusCode, prefix)
	}
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
