package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/parleychat/parley/internal/chaintest"
	"github.com/parleychat/parley/internal/client"
	"github.com/parleychat/parley/internal/deployment"
	"github.com/parleychat/parley/internal/pgtest"
)

// TestChat runs two `parley chat` terminals against `parley dev` (Postgres, anvil with the
// contracts, the API's gasless relayer): they register devices, see each other's messages with
// delivery marks moving to read, print the same /safety number, and a client restarted on its key
// store shows its saved history once and gets what was sent while it was away.
func TestChat(t *testing.T) {
	chain := chaintest.StartAnvil(t)
	dep := chaintest.DeployContracts(t, chain, 0)
	addr := freeAddr(t)
	vars := map[string]string{"PARLEY_DATABASE_URL": pgtest.NewURL(t), "PARLEY_RPC_URL": chain.URL,
		"PARLEY_DEPLOYMENT": writeDeployment(t, chain, dep), "PARLEY_FINALITY_DEPTH": "1", "PARLEY_METRICS_ADDR": "",
		"PARLEY_API_ADDR": addr, "PARLEY_API_PUBLIC_URL": "http://" + addr, "PARLEY_IPFS_DIR": t.TempDir(),
		"PARLEY_API_RELAYER_KEY": hex.EncodeToString(crypto.FromECDSA(chain.Keys[2])), "PARLEY_API_DEVICE_REGISTRY": dep.DeviceRegistry.Hex()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var devLog lockedBuffer
	go func() {
		done <- run(ctx, []string{"parley", "dev"}, io.Discard, &devLog, func(k string) string { return vars[k] })
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("parley dev exited %d after cancel: %s", code, devLog.String())
		}
	}()
	waitHealthy(t, "http://"+addr+"/healthz", done, &devLog)

	dir := t.TempDir()
	chatIn := func(name string, key int, with ...string) func(t *testing.T) *terminal {
		args := append([]string{"-api", "http://" + addr, "-rpc-url", chain.URL, "-deployment", vars["PARLEY_DEPLOYMENT"],
			"-key", hex.EncodeToString(crypto.FromECDSA(chain.Keys[key])), "-store", filepath.Join(dir, name+".key")}, with...)
		return func(t *testing.T) *terminal { return startChat(t, name, name+" passphrase", args) }
	}
	chatter := func(name string, key, peer int) func(t *testing.T) *terminal {
		return chatIn(name, key, "-peer", chain.Address(peer).Hex())
	}
	startAlice, startBob, startCarol := chatter("alice", 0, 1), chatter("bob", 1, 0), chatter("carol", 3, 0)

	alice := startAlice(t)
	alice.waitFor(t, `you are `+chain.Address(0).Hex())
	alice.waitFor(t, `the peer has no registered device yet`)
	bob := startBob(t)
	bob.waitFor(t, `you are `+chain.Address(1).Hex())

	alice.press("hello bob, what's up") // one burst: "up" is text, not the up key
	bob.waitFor(t, `typing…`)
	alice.press("\r")
	bob.waitFor(t, `them\s+hello bob, what's up`)
	alice.waitFor(t, `me\s+read\s+hello bob, what's up`)
	bob.press("hi alice\r")
	alice.waitFor(t, `them\s+hi alice`)
	bob.waitFor(t, `me\s+read\s+hi alice`)

	safety := `safety number with 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}, compare it out of band:\s+((?:\d{5}\s+){11}\d{5})`
	alice.press("/safety\r")
	bob.press("/safety\r")
	na, nb := strings.Fields(alice.waitFor(t, safety)[1]), strings.Fields(bob.waitFor(t, safety)[1])
	if strings.Join(na, " ") != strings.Join(nb, " ") {
		t.Fatalf("safety numbers differ: alice %v, bob %v", na, nb)
	}

	bob.quit(t)
	alice.press("while you were away\r")
	alice.waitFor(t, `me\s+✓\s+while you were away`)
	bob = startBob(t)
	bob.waitFor(t, `them\s+while you were away`)
	alice.waitFor(t, `me\s+read\s+while you were away`)
	// The restarted chat opens with its saved history, each message once, then what came meanwhile.
	screen := bob.screen()
	for _, line := range []string{`them\s+hello bob, what's up`, `me\s+✓\s+hi alice`, `them\s+while you were away`} {
		if n := len(regexp.MustCompile(line).FindAllString(screen, -1)); n != 1 {
			t.Errorf("restarted bob shows %q %d times, want once:\n%s", line, n, screen)
		}
	}

	carol := startCarol(t)
	carol.waitFor(t, `you are `+chain.Address(3).Hex())
	carol.press("hey alice\r")
	alice.waitFor(t, `message from `+chain.Address(3).Hex()+`:\s+hey alice`)
	if regexp.MustCompile(`them\s+hey alice`).MatchString(alice.screen()) {
		t.Error("alice showed carol's message as bob's")
	}
	for _, tm := range []*terminal{alice, bob, carol} {
		tm.quit(t)
	}

	// A group chat: Alice makes a group with Bob and Carol through the API; each message reaches
	// the other members' terminals labelled with its sender, and Carol's direct chat notes it.
	api := &client.API{BaseURL: "http://" + addr, ChainID: chain.ChainID.Int64()}
	if err := api.Login(t.Context(), chain.Keys[0]); err != nil {
		t.Fatal(err)
	}
	group := createGroup(t, api, chain.Address(1), chain.Address(3))
	alice = chatIn("alice", 0, "-group", group)(t)
	alice.waitFor(t, `chatting with group `+group)
	bob = chatIn("bob", 1, "-group", group)(t)
	bob.waitFor(t, `chatting with group `+group)
	carol = startCarol(t)
	carol.waitFor(t, `you are `+chain.Address(3).Hex())
	alice.press("hello group\r")
	bob.waitFor(t, regexp.QuoteMeta(short(chain.Address(0)))+`\s+hello group`)
	carol.waitFor(t, `message from `+chain.Address(0).Hex()+` in group\s+`+group+`:\s+hello group`)
	bob.press("hi from bob\r")
	alice.waitFor(t, regexp.QuoteMeta(short(chain.Address(1)))+`\s+hi from bob`)
	alice.waitFor(t, `me\s+read\s+hello group`)
	for _, tm := range []*terminal{alice, bob, carol} {
		tm.quit(t)
	}
}

// createGroup creates a group of api's account with members through the API and returns its id.
func createGroup(t *testing.T, api *client.API, members ...common.Address) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"name": "chat test", "members": members})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, api.BaseURL+"/v1/groups", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header, err = api.FreshHeader(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var g struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&g); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("create group: %s, %v", resp.Status, err)
	}
	return g.ID
}

// writeDeployment writes the deployment file the commands read and returns its path.
func writeDeployment(t *testing.T, chain *chaintest.Chain, dep chaintest.Deployment) string {
	t.Helper()
	b, err := json.Marshal(deployment.Deployment{ChainID: chain.ChainID.Uint64(), DeviceRegistry: dep.DeviceRegistry,
		TipJar: dep.TipJar, StartBlock: dep.DeviceRegistryBlock})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "deployment.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// terminal is one `parley chat` run in this process: keystrokes go in through a pipe and what
// the program draws collects in a buffer.
type terminal struct {
	name string
	keys *io.PipeWriter
	out  *lockedBuffer
	done chan error
}

// startChat runs `parley chat` with args and the passphrase; the run is stopped when t ends.
func startChat(t *testing.T, name, passphrase string, args []string) *terminal {
	t.Helper()
	r, w := io.Pipe()
	tm := &terminal{name: name, keys: w, out: &lockedBuffer{}, done: make(chan error, 1)}
	env := &Env{Stdout: tm.out, Stderr: tm.out, Log: slog.New(slog.DiscardHandler),
		Getenv: func(k string) string { return map[string]string{"PARLEY_CHAT_PASSPHRASE": passphrase}[k] }}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { tm.done <- chat(ctx, env, args, tea.WithInput(r), tea.WithoutSignalHandler()) }()
	t.Cleanup(func() {
		cancel()
		w.Close()
		<-tm.done
	})
	return tm
}

// screen is everything the program drew so far, without escape sequences.
func (tm *terminal) screen() string { return ansi.Strip(tm.out.String()) }

// press types keys ("\r" is Enter) in one write, like a paste or tmux send-keys.
func (tm *terminal) press(keys string) { _, _ = io.WriteString(tm.keys, keys) }

// waitFor waits until the screen matches pattern and returns the match and its groups.
func (tm *terminal) waitFor(t *testing.T, pattern string) []string {
	t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := re.FindStringSubmatch(tm.screen()); m != nil {
			return m
		}
		select {
		case err := <-tm.done:
			t.Fatalf("%s: chat ended (%v) before showing %q:\n%s", tm.name, err, pattern, tm.screen())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %q not shown within 30s:\n%s", tm.name, pattern, tm.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// quit types /quit and waits for the command to return without an error.
func (tm *terminal) quit(t *testing.T) {
	t.Helper()
	tm.press("/quit\r")
	select {
	case err := <-tm.done:
		if err != nil {
			t.Fatalf("%s: chat ended with %v", tm.name, err)
		}
		tm.done <- nil // for the cleanup
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: /quit did not end the chat:\n%s", tm.name, tm.screen())
	}
}
