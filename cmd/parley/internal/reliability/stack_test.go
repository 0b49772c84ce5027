package reliability

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ipfs/boxo/blockstore"
	leveldb "github.com/ipfs/go-ds-leveldb"
	"github.com/syndtr/goleveldb/leveldb/opt"

	"github.com/parleychat/parley/internal/chaintest"
	"github.com/parleychat/parley/internal/deployment"
	"github.com/parleychat/parley/internal/pgtest"
)

// startTimeout bounds how long a subprocess may take to become healthy.
const startTimeout = 60 * time.Second

// buildParley compiles cmd/parley into a temp dir and returns the binary's path.
func buildParley(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "parley")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/parleychat/parley/cmd/parley").CombinedOutput()
	if err != nil {
		t.Fatalf("go build parley: %v\n%s", err, out)
	}
	return bin
}

// process is one parley subprocess that can be killed and started again with the same
// arguments and environment.
type process struct {
	name string
	bin  string
	args []string
	env  []string
	log  string // file collecting stdout and stderr across restarts

	cmd  *exec.Cmd
	done chan struct{}
}

func (p *process) start(t *testing.T) {
	t.Helper()
	logFile, err := os.OpenFile(p.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatalf("%s log: %v", p.name, err)
	}
	defer logFile.Close()
	cmd := exec.Command(p.bin, p.args...)
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", p.name, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	p.cmd, p.done = cmd, done
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *process) kill() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
	p.cmd = nil
}

// stop asks the process to shut down (SIGTERM) and kills it if it takes longer than 30 s.
func (p *process) stop() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.kill()
	}
	p.cmd = nil
}

// exited reports whether a started process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// tail returns the end of the process' log, for failure messages.
func (p *process) tail() string {
	b, _ := os.ReadFile(p.log)
	return string(b[max(0, len(b)-3000):])
}

// instance is one `parley api` process with its own address and IPFS repository.
type instance struct {
	process
	base    string // http://addr
	ipfsDir string
}

// waitHealthy polls /readyz (Postgres reachable) until it answers 200.
func (in *instance) waitHealthy(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		resp, err := http.Get(in.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if in.exited() {
			t.Fatalf("%s exited before it was ready:\n%s", in.name, in.tail())
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready within %v (last error %v):\n%s", in.name, startTimeout, err, in.tail())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// restart starts a killed instance again on the same address and repository.
func (in *instance) restart(t *testing.T) {
	t.Helper()
	in.start(t)
	in.waitHealthy(t)
}

// stack is the whole deployment under test.
type stack struct {
	dir     string
	pg      *pgtest.Cluster
	chain   *chaintest.Chain
	dep     chaintest.Deployment
	indexer *process
	apis    [2]*instance
}

// newStack starts Postgres, anvil with the contracts, the indexer and two API instances; every
// process is stopped when t ends.
func newStack(t *testing.T) *stack {
	t.Helper()
	bin := buildParley(t)
	s := &stack{dir: t.TempDir(), pg: pgtest.NewCluster(t)}
	s.chain = chaintest.StartAnvil(t)
	s.dep = chaintest.DeployContracts(t, s.chain, 0)

	depFile := filepath.Join(s.dir, "deployment.json")
	b, err := json.Marshal(deployment.Deployment{ChainID: s.chain.ChainID.Uint64(), DeviceRegistry: s.dep.DeviceRegistry,
		TipJar: s.dep.TipJar, StartBlock: s.dep.DeviceRegistryBlock})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(depFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	wsRPC := strings.Replace(s.chain.URL, "http://", "ws://", 1)
	common := []string{"PARLEY_DATABASE_URL=" + s.pg.URL(), "PARLEY_LOG_LEVEL=info", "PARLEY_LOG_FORMAT=json"}
	s.indexer = &process{name: "indexer", bin: bin, log: filepath.Join(s.dir, "indexer.log"),
		args: []string{"indexer", "-rpc-url", wsRPC, "-deployment", depFile, "-finality-depth", "1", "-metrics-addr", ""},
		env:  common}
	s.indexer.start(t)
	t.Cleanup(s.indexer.stop)

	tokenKey := make([]byte, 32)
	copy(tokenKey, "parley reliability test token k")
	for i := range s.apis {
		addr := freeAddr(t)
		in := &instance{base: "http://" + addr, ipfsDir: filepath.Join(s.dir, fmt.Sprintf("ipfs-%c", 'a'+i))}
		in.process = process{name: fmt.Sprintf("api-%c", 'a'+i), bin: bin, log: filepath.Join(s.dir, fmt.Sprintf("api-%c.log", 'a'+i)),
			args: []string{"api", "-rpc-url", s.chain.URL, "-ipfs-dir", in.ipfsDir},
			env: append([]string{
				"PARLEY_API_ADDR=" + addr,
				"PARLEY_API_PUBLIC_URL=" + in.base,
				"PARLEY_API_TOKEN_KEY=" + hex.EncodeToString(tokenKey),
				"PARLEY_API_ACCESS_TTL=24h",
				"PARLEY_API_IP_RATE=10000",
				"PARLEY_API_ACCOUNT_RATE=10000",
				// One relayer key per instance, so their nonces never race.
				"PARLEY_API_RELAYER_KEY=" + hex.EncodeToString(crypto.FromECDSA(s.chain.Keys[2+i])),
				"PARLEY_API_DEVICE_REGISTRY=" + s.dep.DeviceRegistry.Hex(),
			}, common...)}
		s.apis[i] = in
		in.start(t)
		t.Cleanup(in.stop)
	}
	for _, in := range s.apis {
		in.waitHealthy(t)
	}
	return s
}

// logs returns every subprocess log, for the plaintext scan.
func (s *stack) logs(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, p := range []*process{s.indexer, &s.apis[0].process, &s.apis[1].process} {
		b, err := os.ReadFile(p.log)
		if err != nil {
			t.Fatal(err)
		}
		out[p.name] = b
	}
	return out
}

// scanBlockstore opens a stopped instance's repository read-only, reads every block through
// boxo's blockstore and returns their CIDs, failing if any block or any file of the repository
// contains needle.
func scanBlockstore(t *testing.T, dir string, needle []byte) map[string]bool {
	t.Helper()
	ctx := context.Background()
	dstore, err := leveldb.NewDatastore(dir, &leveldb.Options{ReadOnly: true, ErrorIfMissing: true, Strict: opt.DefaultStrict})
	if err != nil {
		t.Fatalf("open blockstore %s: %v", dir, err)
	}
	defer dstore.Close()
	bs := blockstore.NewBlockstore(dstore)
	keys, err := bs.AllKeysChan(ctx)
	if err != nil {
		t.Fatalf("list blocks of %s: %v", dir, err)
	}
	cids := map[string]bool{}
	for c := range keys {
		blk, err := bs.Get(ctx, c)
		if err != nil {
			t.Fatalf("read block %s of %s: %v", c, dir, err)
		}
		if bytes.Contains(blk.RawData(), needle) {
			t.Fatalf("block %s of %s contains a plaintext", c, dir)
		}
		cids[c.String()] = true
	}
	// The raw files too: a value LevelDB has not compacted away is still on disk.
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, needle) {
			return fmt.Errorf("%s contains a plaintext", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cids
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// eventually polls cond until it holds, failing after timeout.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
